// The GitHub deployment through a fake octokit: what is created, which statuses follow, and how a
// token without `deployments: write` ends in one warning and never in a failed deploy.

import { GitHubDeployment, finishDeployment, startDeployment } from '../../src/github/deployment.js'
import type {
  CreateDeploymentParams,
  CreateDeploymentStatusParams,
  DeploymentsApi
} from '../../src/github/octokit.js'

const ENV: NodeJS.ProcessEnv = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_SERVER_URL: 'https://github.example.com',
  GITHUB_RUN_ID: '4242'
}
const LOG_URL = 'https://github.example.com/acme/shop/actions/runs/4242'

/** An octokit HTTP error as @octokit/request-error shapes it. */
function httpError(status: number, message: string): Error & { status: number } {
  return Object.assign(new Error(message), { name: 'HttpError', status })
}

class FakeOctokit implements DeploymentsApi {
  created: CreateDeploymentParams[] = []
  statuses: CreateDeploymentStatusParams[] = []
  createError?: Error
  statusError?: Error

  async createDeployment(params: CreateDeploymentParams) {
    this.created.push(params)
    if (this.createError) throw this.createError
    return { status: 201, data: { id: 77, environment: params.environment } }
  }

  async createDeploymentStatus(params: CreateDeploymentStatusParams) {
    this.statuses.push(params)
    if (this.statusError) throw this.statusError
    return { status: 201, data: { id: this.statuses.length } }
  }
}

function setup() {
  const api = new FakeOctokit()
  const warnings: string[] = []
  const deployment = new GitHubDeployment({
    environment: 'production',
    api,
    env: ENV,
    warn: (m) => warnings.push(m)
  })
  return { api, warnings, deployment }
}

test('creates the deployment for the workflow SHA and environment, then in_progress with the run link', async () => {
  const { api, warnings, deployment } = setup()
  const d = await deployment.start()
  expect(d).toEqual({ id: 77, environment: 'production' })
  expect(api.created).toHaveLength(1)
  expect(api.created[0]).toMatchObject({
    owner: 'acme',
    repo: 'shop',
    ref: ENV.GITHUB_SHA,
    environment: 'production',
    required_contexts: [],
    auto_merge: false,
    transient_environment: false
  })
  expect(api.statuses).toEqual([
    expect.objectContaining({
      owner: 'acme',
      repo: 'shop',
      deployment_id: 77,
      state: 'in_progress',
      log_url: LOG_URL
    })
  ])
  expect(warnings).toEqual([])
  // The id survives JSON, for the post step.
  expect(JSON.parse(JSON.stringify(deployment.current))).toEqual({
    id: 77,
    environment: 'production'
  })
})

test.each(['success', 'failure', 'inactive'] as const)(
  'finish(%s) ends the deployment in that state, with the run link and the description',
  async (state) => {
    const { api, deployment } = setup()
    await deployment.start()
    await deployment.finish(state, `rolling-deploy ${state}`)
    expect(api.statuses.map((s) => s.state)).toEqual(['in_progress', state])
    expect(api.statuses[1]).toMatchObject({
      deployment_id: 77,
      log_url: LOG_URL,
      description: `rolling-deploy ${state}`
    })
  }
)

test("a description is sent on one line and cut to GitHub's 140 characters", async () => {
  const { api, deployment } = setup()
  await deployment.start()
  await deployment.finish('failure', `rolling-deploy failed:\n1 deployed (${'x'.repeat(300)})`)
  const sent = api.statuses[1]?.description ?? ''
  expect(sent).toHaveLength(140)
  expect(sent).toMatch(/^rolling-deploy failed: 1 deployed \(x+…$/)
})

test('an empty GITHUB_SERVER_URL links the run on github.com', async () => {
  const api = new FakeOctokit()
  const deployment = new GitHubDeployment({
    environment: 'production',
    api,
    env: { ...ENV, GITHUB_SERVER_URL: '' },
    warn: () => undefined
  })
  await deployment.start()
  expect(api.statuses[0]?.log_url).toBe('https://github.com/acme/shop/actions/runs/4242')
})

test.each([403, 404])(
  'HTTP %i (a token without deployments: write) gives one warning with the permissions to add, and no throw',
  async (status) => {
    const { api, warnings, deployment } = setup()
    api.createError = httpError(status, 'Resource not accessible by integration')
    await expect(deployment.start()).resolves.toBeUndefined()
    await expect(deployment.finish('success', 'rolling-deploy success')).resolves.toBeUndefined()
    expect(api.statuses).toEqual([])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('deployments: write')
    expect(warnings[0]).toContain('permissions:\n  deployments: write\n  contents: read')
    expect(warnings[0]).toContain('production')
    expect(warnings[0]).toContain(`HTTP ${status}`)
  }
)

test('a status refused after the deployment was created still warns only once', async () => {
  const { api, warnings, deployment } = setup()
  api.statusError = httpError(403, 'Resource not accessible by integration')
  await deployment.start()
  await deployment.finish('failure', 'rolling-deploy failed')
  expect(api.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure'])
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toContain('deployments: write')
})

test('any other error only warns, without the permissions hint', async () => {
  const { api, warnings, deployment } = setup()
  api.createError = httpError(502, 'Bad Gateway')
  await expect(deployment.start()).resolves.toBeUndefined()
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toContain('HTTP 502')
  expect(warnings[0]).not.toContain('deployments: write')

  const other = setup()
  other.api.createError = new Error('getaddrinfo ENOTFOUND api.github.com')
  await expect(other.deployment.start()).resolves.toBeUndefined()
  expect(other.warnings[0]).toContain('ENOTFOUND')
})

test('outside GitHub Actions (no GITHUB_REPOSITORY) nothing is called and one warning says why', async () => {
  const api = new FakeOctokit()
  const warnings: string[] = []
  const deployment = new GitHubDeployment({
    environment: 'staging',
    api,
    env: {},
    warn: (m) => warnings.push(m)
  })
  await expect(deployment.start()).resolves.toBeUndefined()
  expect(api.created).toEqual([])
  expect(warnings).toHaveLength(1)
})

test('startDeployment does nothing without environment or on a dry run', async () => {
  const api = new FakeOctokit()
  const base = { targetGroups: ['web'], githubToken: 't' }
  expect(await startDeployment({ ...base, dryRun: false }, { api, env: ENV })).toBeUndefined()
  expect(
    await startDeployment({ ...base, environment: 'prod', dryRun: true }, { api, env: ENV })
  ).toBeUndefined()
  expect(api.created).toEqual([])
  const d = await startDeployment(
    { ...base, environment: 'prod', dryRun: false },
    { api, env: ENV }
  )
  expect(d?.current?.id).toBe(77)
  expect(api.created[0]?.description).toContain('web')
})

test('the post step finishes a saved deployment by id', async () => {
  const api = new FakeOctokit()
  const warnings: string[] = []
  const ok = await finishDeployment(77, 'failure', { api, env: ENV, warn: (m) => warnings.push(m) })
  expect(ok).toBe(true)
  expect(api.statuses).toEqual([
    expect.objectContaining({ deployment_id: 77, state: 'failure', log_url: LOG_URL })
  ])
  expect(warnings).toEqual([])

  api.statusError = httpError(404, 'Not Found')
  await expect(
    finishDeployment(77, 'failure', { api, env: ENV, warn: (m) => warnings.push(m) })
  ).resolves.toBe(false)
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toContain('deployments: write')
})
