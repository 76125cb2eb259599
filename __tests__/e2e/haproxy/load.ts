// A bounded load generator for loopback only: a fixed number of requests or a fixed number of
// seconds (whichever ends first), a few concurrent workers, keep-alive on or off, and a share of
// slow requests (`?sleep=2000`, understood by apps.ts). It counts successes (2xx) and failures by
// cause (`status 503`, `ECONNRESET`, ...) and which app answered (the body names it).

import { Agent, request } from 'node:http'
import { SLOW_QUERY } from './apps.js'

export interface LoadOptions {
  port: number
  /** Stop after this many requests in all. */
  requests: number
  /** ... or after this many seconds, whichever comes first (requests in flight finish). */
  seconds: number
  concurrency?: number
  keepAlive: boolean
  /** 0..1: the share of requests that take slowMs on the app. Every n-th, so it is exact. */
  slowShare?: number
  slowMs?: number
  path?: string
  /** Each worker keeps the cookies HAProxy sets (cookie stickiness) and sends them back. */
  sticky?: boolean
}

export interface LoadResult {
  sent: number
  ok: number
  failed: number
  /** cause -> count, for failures only. */
  causes: Record<string, number>
  /** app name (from the body) -> successful answers. */
  byApp: Record<string, number>
  slow: number
}

interface Answer {
  ok: boolean
  cause: string
  body: string
  setCookie?: string
}

function once(port: number, path: string, agent: Agent, cookie?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const headers = cookie ? { cookie } : {}
    const req = request(
      { host: '127.0.0.1', port, path, agent, headers, timeout: 15_000 },
      (res) => {
        const setCookie = res.headers['set-cookie']?.map((c) => c.split(';')[0]).join('; ')
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => {
          const code = res.statusCode ?? 0
          resolve({
            ok: code >= 200 && code < 300,
            cause: `status ${code}`,
            body: body.trim(),
            ...(setCookie ? { setCookie } : {})
          })
        })
        res.on('error', (e: NodeJS.ErrnoException) =>
          resolve({ ok: false, cause: e.code ?? e.message, body: '' })
        )
      }
    )
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })))
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ ok: false, cause: e.code ?? e.message, body: '' })
    )
    req.end()
  })
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: options.keepAlive, maxSockets: options.concurrency ?? 4 })
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, causes: {}, byApp: {}, slow: 0 }
  const end = Date.now() + options.seconds * 1000
  const every = options.slowShare ? Math.max(1, Math.round(1 / options.slowShare)) : 0
  const path = options.path ?? '/'
  const worker = async (): Promise<void> => {
    let cookie: string | undefined
    while (result.sent < options.requests && Date.now() < end) {
      const n = ++result.sent
      const slow = every > 0 && n % every === 0
      if (slow) result.slow++
      const answer = await once(
        options.port,
        slow ? `${path}?${SLOW_QUERY}=${options.slowMs ?? 2000}` : path,
        agent,
        cookie
      )
      if (options.sticky && answer.setCookie) cookie = answer.setCookie
      if (answer.ok) {
        result.ok++
        result.byApp[answer.body] = (result.byApp[answer.body] ?? 0) + 1
      } else {
        result.failed++
        result.causes[answer.cause] = (result.causes[answer.cause] ?? 0) + 1
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, () => worker()))
  agent.destroy()
  return result
}
