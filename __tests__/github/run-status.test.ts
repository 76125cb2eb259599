// Whether a lock holder's run has ended, asked of a fake GitHub API: a local HTTP server on
// 127.0.0.1 standing in for GITHUB_API_URL. It answers as "Get a workflow run" in the GitHub REST
// docs (https://docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run):
// GET /repos/{owner}/{repo}/actions/runs/{run_id} -> 200 with "status" (queued, in_progress,
// completed, ...) and "conclusion" (null until completed); 404 for a run it does not know (or the
// token may not see: the token needs actions: read); a 5xx on a server fault.

import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { holderEnded, holderRunStatus, parseRunUrl } from '../../src/github/run-status.js'

let server: http.Server
let env: NodeJS.ProcessEnv
const seen: Array<{ url: string; auth: string | undefined }> = []

const RUNS: Record<string, { code: number; body: object }> = {
  '/repos/acme/shop/actions/runs/100': {
    code: 200,
    body: { id: 100, status: 'completed', conclusion: 'cancelled' }
  },
  '/repos/acme/shop/actions/runs/200': {
    code: 200,
    body: { id: 200, status: 'in_progress', conclusion: null }
  },
  '/repos/acme/shop/actions/runs/500': { code: 500, body: { message: 'Server Error' } }
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization })
    const answer = RUNS[(req.url ?? '').split('?')[0]!] ?? {
      code: 404,
      body: { message: 'Not Found' }
    }
    res.statusCode = answer.code
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(answer.body))
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.address() as AddressInfo
  env = { GITHUB_API_URL: `http://127.0.0.1:${port}`, GITHUB_SERVER_URL: 'https://github.com' }
})
afterAll(() => new Promise<void>((ok) => server.close(() => ok())))
beforeEach(() => (seen.length = 0))

const url = (id: number) => `https://github.com/acme/shop/actions/runs/${id}`

describe('holderRunStatus', () => {
  it('a completed run has ended: asked with the token at GITHUB_API_URL', async () => {
    expect(await holderRunStatus(url(100), 'tok', env)).toEqual({
      state: 'ended',
      conclusion: 'cancelled'
    })
    expect(seen).toEqual([{ url: '/repos/acme/shop/actions/runs/100', auth: 'token tok' }])
  })

  it('an in-progress run is running', async () => {
    expect(await holderRunStatus(url(200), 'tok', env)).toEqual({
      state: 'running',
      status: 'in_progress'
    })
  })

  it('404 and 500 cannot tell, and say why', async () => {
    expect(await holderRunStatus(url(404), 'tok', env)).toEqual({
      state: 'unknown',
      reason: 'GitHub API answered 404'
    })
    expect(await holderRunStatus(url(500), 'tok', env)).toEqual({
      state: 'unknown',
      reason: 'GitHub API answered 500'
    })
  })

  it('without a token, or for a URL that is not a run of this server, it does not ask', async () => {
    expect((await holderRunStatus(url(100), undefined, env)).state).toBe('unknown')
    expect(
      (await holderRunStatus('https://ghe.example.com/acme/shop/actions/runs/100', 'tok', env))
        .state
    ).toBe('unknown')
    expect((await holderRunStatus('not a url', 'tok', env)).state).toBe('unknown')
    expect(seen).toEqual([])
  })

  it('an unreachable API cannot tell', async () => {
    const down = { ...env, GITHUB_API_URL: 'http://127.0.0.1:1' }
    expect((await holderRunStatus(url(100), 'tok', down)).state).toBe('unknown')
  })

  it('holderEnded is true only for a completed run', async () => {
    const ended = holderEnded('tok', env)
    expect(await ended({ runUrl: url(100) })).toBe(true)
    expect(await ended({ runUrl: url(200) })).toBe(false)
    expect(await ended({ runUrl: url(500) })).toBe(false)
    expect(await ended({ runUrl: url(404) })).toBe(false)
  })
})

describe('parseRunUrl', () => {
  it('reads owner, repo and run ID of this server, GitHub Enterprise paths included', () => {
    expect(parseRunUrl(url(42))).toEqual({ owner: 'acme', repo: 'shop', runId: 42 })
    expect(
      parseRunUrl('https://ghe.example.com/acme/shop/actions/runs/7', 'https://ghe.example.com')
    ).toEqual({
      owner: 'acme',
      repo: 'shop',
      runId: 7
    })
    expect(parseRunUrl('https://github.com/acme/shop/pull/7')).toBeUndefined()
    expect(parseRunUrl('https://github.com/acme/shop/actions/runs/7/../../x')).toBeUndefined()
  })
})
