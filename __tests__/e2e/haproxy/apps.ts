// Small standalone loopback HTTP apps standing in for the hosts' apps behind HAProxy (until the
// e2e suite puts rd_moto.py's fake host apps there). Keep-alive on (Node's http server keeps
// connections open by default). GET <healthPath> answers 200 at once; any request with
// `?sleep=<ms>` answers after that long, holding a session open, which is what a draining HAProxy
// server must let finish. rd_moto.py's fake app does not understand `sleep` yet: its do_GET would
// need to read the query (it drops it today) and sleep, capped, before answering.

import { createServer, type Server } from 'node:http'

export interface App {
  name: string
  port: number
  /** Requests this app has started to answer (health checks excluded). */
  requests(): number
  stop(): Promise<void>
}

export const SLOW_QUERY = 'sleep'

export async function startApp(name: string, healthPath = '/health'): Promise<App> {
  let requests = 0
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname === healthPath) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n')
      return
    }
    requests++
    const ms = Math.min(10_000, Number(url.searchParams.get(SLOW_QUERY) ?? 0) || 0)
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${name}\n`), ms)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    name,
    port,
    requests: () => requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
