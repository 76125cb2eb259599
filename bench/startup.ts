// Part 4: the bundle's size, and the time from spawning the action (Node 24 on dist/index.js,
// as the runner does) to the first request reaching AWS (a local node:http server stands in).
//   node .bench-build/bench/startup.js [runs]
// Prints one JSON line (StartupResult) on stdout.

import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { gzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { DIST, NODE24 } from '../__tests__/e2e/harness.js'
import { median } from './stats.js'
import { actionEnv, runnerFiles } from './runner-files.js'

export interface StartupResult {
  bundleBytes: number
  bundleGzipBytes: number
  runs: number
  /** ms from spawn to the first AWS request, each run. */
  firstRequestMs: number[]
  medianMs: number
  /** The first request's operation (X-Amz-Target or Action). */
  firstCall: string
  /** ms from spawn to the first request of a bare `node -e "http.get(...)"`: the floor. */
  bareNodeMs: number[]
  bareNodeMedianMs: number
}

interface FirstRequest {
  ms: number
  call: string
}

/** Spawns `args` under Node 24 and resolves with the time to the first request on a fresh server. */
async function timeToFirstRequest(
  args: (url: string) => string[],
  env: (url: string) => NodeJS.ProcessEnv
): Promise<FirstRequest> {
  let started = 0
  let resolveFirst: (r: FirstRequest) => void = () => undefined
  const first = new Promise<FirstRequest>((r) => (resolveFirst = r))
  const server = http.createServer((req, res) => {
    const at = performance.now()
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const target = req.headers['x-amz-target']
      const action = /(?:^|&)Action=([^&]+)/.exec(body)?.[1]
      resolveFirst({
        ms: at - started,
        call: String(target ?? action ?? `${req.method} ${req.url}`)
      })
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end('{"__type":"InternalFailure","message":"bench: first request recorded"}')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  started = performance.now()
  const child = spawn(NODE24, args(url), { env: env(url), stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)))
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`exited ${code} before any request:\n${stderr}`)))
  )
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('no request within 30 s')), 30_000).unref()
  )
  try {
    return await Promise.race([first, exited, timeout])
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
    await new Promise<void>((r) =>
      child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())
    )
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
  }
}

export async function startup(runs: number): Promise<StartupResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rd-bench-start-'))
  try {
    const files = runnerFiles(dir)
    const inputs: Record<string, string> = {
      'target-groups': 'web',
      command: 'sudo /opt/app/deploy.sh',
      'batch-size': '10%',
      'expected-version': 'v2'
    }
    const envFor = (url: string): NodeJS.ProcessEnv => actionEnv(dir, url, inputs, files)
    const bareEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH })
    const bare = (url: string) => [
      '-e',
      `require('node:http').get(${JSON.stringify(url)}, (r) => r.resume())`
    ]

    // One warm-up of each (page cache), not counted.
    await timeToFirstRequest(() => [DIST], envFor)
    await timeToFirstRequest(bare, bareEnv)
    const action: FirstRequest[] = []
    const bareRuns: number[] = []
    for (let i = 0; i < runs; i++) {
      action.push(await timeToFirstRequest(() => [DIST], envFor))
      bareRuns.push((await timeToFirstRequest(bare, bareEnv)).ms)
    }
    // Every .js file of dist/ (one today; ncc splits out dynamic imports as chunks);
    // the .map files are read only when a stack is printed.
    const chunks = readdirSync(path.dirname(DIST))
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(path.join(path.dirname(DIST), f)))
    return {
      bundleBytes: chunks.reduce((n, c) => n + c.length, 0),
      bundleGzipBytes: chunks.reduce((n, c) => n + gzipSync(c).length, 0),
      runs,
      firstRequestMs: action.map((a) => a.ms),
      medianMs: median(action.map((a) => a.ms)),
      firstCall: action[0]?.call ?? '',
      bareNodeMs: bareRuns,
      bareNodeMedianMs: median(bareRuns)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
