// The real octokit of @actions/github behind DeploymentsApi, against a local HTTP server standing
// in for api.github.com: the requests it makes and how a 403 becomes the permissions warning.

import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { GitHubDeployment } from '../../src/github/deployment.js'
import { octokitDeployments } from '../../src/github/octokit.js'

interface Seen {
  method: string
  url: string
  auth: string | undefined
  body: Record<string, unknown>
}

let server: http.Server
let baseUrl: string
let seen: Seen[] = []
let refuse = false

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => (raw += c.toString()))
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization,
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {}
      })
      res.setHeader('content-type', 'application/json')
      if (refuse) {
        res.statusCode = 403
        res.end(JSON.stringify({ message: 'Resource not accessible by integration' }))
        return
      }
      res.statusCode = 201
      const isStatus = /\/statuses$/.test(req.url ?? '')
      res.end(
        JSON.stringify(
          isStatus ? { id: 1, state: 'in_progress' } : { id: 901, environment: 'production' }
        )
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

beforeEach(() => {
  seen = []
  refuse = false
})

const env: NodeJS.ProcessEnv = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SHA: 'abcdef0123456789abcdef0123456789abcdef01',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '99'
}

test('POSTs the deployment and its statuses to the REST API with the token', async () => {
  const warnings: string[] = []
  const deployment = new GitHubDeployment({
    environment: 'production',
    api: octokitDeployments('ghs_testtoken', { baseUrl }),
    env,
    warn: (m) => warnings.push(m)
  })
  expect(await deployment.start()).toEqual({ id: 901, environment: 'production' })
  await deployment.finish('success', 'rolling-deploy success')
  expect(warnings).toEqual([])
  expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
    'POST /repos/acme/shop/deployments',
    'POST /repos/acme/shop/deployments/901/statuses',
    'POST /repos/acme/shop/deployments/901/statuses'
  ])
  expect(seen[0]?.auth).toBe('token ghs_testtoken')
  expect(seen[0]?.body).toMatchObject({
    ref: env.GITHUB_SHA,
    environment: 'production',
    required_contexts: [],
    auto_merge: false,
    transient_environment: false
  })
  expect(seen[1]?.body).toMatchObject({
    state: 'in_progress',
    log_url: 'https://github.com/acme/shop/actions/runs/99'
  })
  expect(seen[2]?.body).toMatchObject({ state: 'success' })
})

test('a 403 from the API becomes the one permissions warning', async () => {
  refuse = true
  const warnings: string[] = []
  const deployment = new GitHubDeployment({
    environment: 'production',
    api: octokitDeployments('ghs_testtoken', { baseUrl }),
    env,
    warn: (m) => warnings.push(m)
  })
  await expect(deployment.start()).resolves.toBeUndefined()
  await deployment.finish('failure', 'rolling-deploy failed')
  expect(seen).toHaveLength(1)
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toContain('HTTP 403')
  expect(warnings[0]).toContain('deployments: write')
})
