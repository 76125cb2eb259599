// The GitHub deployment through a fake octokit: what is created, which statuses follow, and how a
// token without `deployments: write` ends in one warning and never in a failed deploy.

import {
  GitHubDeployment,
  deploymentState,
  describeOutcome,
  finishDeployment,
  runLogUrl,
  startDeployment,
  type CreateDeploymentParams,
  type CreateDeploymentStatusParams,
  type DeploymentsApi
} from '../../src/github/deployment.js'
import type { HostRecord } from '../../src/rollout/outcome.js'

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

test.each([
  ['success', 'success'],
  ['failed', 'failure'],
  ['rolled-back', 'failure'],
  ['cancelled', 'failure']
] as const)('a %s run ends the deployment %s', async (result, state) => {
  const { api, deployment } = setup()
  await deployment.start()
  await deployment.finish(result, `rolling-deploy ${result}`)
  expect(api.statuses.map((s) => s.state)).toEqual(['in_progress', state])
  expect(api.statuses[1]).toMatchObject({ deployment_id: 77, log_url: LOG_URL })
})

test.each([403, 404])(
  'HTTP %i (a token without deployments: write) gives one warning with the permissions to add, and no throw',
  async (status) => {
    const { api, warnings, deployment } = setup()
    api.createError = httpError(status, 'Resource not accessible by integration')
    await expect(deployment.start()).resolves.toBeUndefined()
    await expect(deployment.finish('success')).resolves.toBeUndefined()
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
  await deployment.finish('failed')
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

test('helpers: run link, state mapping, description within 140 characters', () => {
  expect(runLogUrl(ENV)).toBe(LOG_URL)
  expect(runLogUrl({})).toBeUndefined()
  expect(deploymentState('success')).toBe('success')
  expect(deploymentState('failed')).toBe('failure')
  const host = (state: HostRecord['state']): HostRecord => ({
    instanceId: 'i-1',
    memberships: [],
    batch: 1,
    state,
    step: 'done',
    outOfService: false,
    commandSent: true
  })
  const text = describeOutcome({
    result: 'failed',
    reason: 'x'.repeat(300),
    hosts: [host('deployed'), host('failed'), host('pending')]
  })
  expect(text.length).toBeLessThanOrEqual(140)
  expect(text).toMatch(/^rolling-deploy failed: 1 deployed, 1 failed, 1 pending/)
})
