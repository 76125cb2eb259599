// The health script read the way the load balancer reads a target (ELB "Health checks for
// Application Load Balancer target groups" / "...for Network Load Balancer target groups": the
// HealthCheckProtocol HTTP, HTTPS or TCP; for HTTPS "the load balancer does not validate the
// certificate"; a TCP check passes when the connection opens; Matcher HttpCode takes "200",
// "200,202" or "200-399", default 200 for ALB). The script runs for real against local servers:
// HTTPS with a self-signed certificate, a redirecting path, a bare TCP listener.

import { describe, it, expect, beforeAll, afterAll, jest } from '@jest/globals'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import {
  healthScript,
  matchesCodes,
  parseHealthOutput,
  readHealthScript,
  type HealthTarget
} from '../../src/health/script.js'

jest.setTimeout(60_000)

const work = mkdtempSync(join(tmpdir(), 'rd-proto-'))
const dirs: string[] = [work]
let httpsServer: https.Server
let httpServer: http.Server
let tcpServer: net.Server
let httpsPort = 0
let httpPort = 0
let tcpPort = 0
let closedPort = 0

const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
  if (req.url === '/moved') {
    res.writeHead(302, { location: '/health' })
    return res.end()
  }
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end('{"version":"v2"}')
}

const listen = (s: net.Server) =>
  new Promise<number>((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port))
  )

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=not-this-host',
      '-keyout',
      join(work, 'key.pem'),
      '-out',
      join(work, 'cert.pem')
    ],
    { stdio: 'ignore' }
  )
  httpsServer = https.createServer(
    { key: readFileSync(join(work, 'key.pem')), cert: readFileSync(join(work, 'cert.pem')) },
    handler
  )
  httpServer = http.createServer(handler)
  tcpServer = net.createServer((sock) => sock.end())
  httpsPort = await listen(httpsServer)
  httpPort = await listen(httpServer)
  tcpPort = await listen(tcpServer)
  const closed = net.createServer()
  closedPort = await listen(closed)
  await new Promise((r) => closed.close(r))
})

afterAll(async () => {
  for (const s of [httpsServer, httpServer, tcpServer]) await new Promise((r) => s.close(r))
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name)
  }
  return undefined
}

const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8'
}).trim()

/** A PATH with the script's helpers and one fetcher (curl, wget or python3). */
function pathWith(name: string, binary: string): string {
  const dir = mkdtempSync(join(tmpdir(), `rd-bin-${name}-`))
  dirs.push(dir)
  for (const tool of ['base64', 'mktemp', 'head', 'rm', 'awk', 'cat', 'date', 'grep', 'sleep']) {
    const p = which(tool)
    if (p) symlinkSync(p, join(dir, tool))
  }
  symlinkSync(binary, join(dir, name))
  return dir
}

function run(target: HealthTarget, pathEnv = process.env.PATH ?? '') {
  const file = join(work, `s-${Math.random().toString(36).slice(2)}.sh`)
  writeFileSync(file, healthScript(target))
  return new Promise<ReturnType<typeof parseHealthOutput>>((resolve, reject) => {
    const child = spawn('/bin/sh', [file], {
      env: { PATH: pathEnv },
      stdio: ['ignore', 'pipe', 'ignore']
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('close', () => resolve(parseHealthOutput(out)))
  })
}

const FETCHERS: Array<[string, () => string]> = [
  ['curl', () => process.env.PATH ?? ''],
  ['wget', () => pathWith('wget', which('wget')!)],
  ['python3', () => pathWith('python3', python)]
]

describe.each(FETCHERS)('health read as the load balancer reads it, with %s', (_name, env) => {
  it('reads an HTTPS check without verifying the certificate', async () => {
    const r = await run({ port: httpsPort, path: '/health', protocol: 'https' }, env())
    expect(r).toMatchObject({ status: 200, version: 'v2' })
  })

  it('does not follow a redirect: 302 is what the matcher 200-399 judges', async () => {
    const r = await run(
      { port: httpsPort, path: '/moved', protocol: 'https', codes: '200-399' },
      env()
    )
    expect(r?.status).toBe(302)
    expect(matchesCodes(r!.status, '200-399')).toBe(true)
    expect(matchesCodes(r!.status, undefined)).toBe(false)
  })
})

describe('TCP health checks: the port accepts a connection', () => {
  it('passes when something listens, fails when nothing does', async () => {
    expect(await run({ port: tcpPort, path: '/', protocol: 'tcp' })).toMatchObject({ open: true })
    const closed = await run({ port: closedPort, path: '/', protocol: 'tcp' })
    expect(closed?.open).toBeUndefined()
    expect(closed?.status).toBe(0)
  })

  it('reads no HTTP: an HTTP server on the port passes as an open port', async () => {
    expect(await run({ port: httpPort, path: '/', protocol: 'tcp' })).toMatchObject({ open: true })
  })
})

describe('success codes (ELB Matcher HttpCode)', () => {
  it.each([
    [200, undefined, true],
    [204, undefined, true],
    [302, undefined, false],
    [302, '200-399', true],
    [404, '200-399', false],
    [202, '200,202', true],
    [201, '200,202', false],
    [301, '200, 300-301', true],
    [500, 'garbage', false],
    [200, 'garbage', true]
  ])('%d with %s: %s', (status, codes, ok) => {
    expect(matchesCodes(status, codes)).toBe(ok)
  })

  it('round-trips protocol and codes through the script text for the doubles', () => {
    const t = readHealthScript(
      healthScript({ port: 443, path: '/h', protocol: 'https', codes: '200-399' })
    )
    expect(t).toMatchObject({ port: 443, path: '/h', protocol: 'https', codes: '200-399' })
    expect(readHealthScript(healthScript({ port: 80, path: '/', protocol: 'tcp' }))?.protocol).toBe(
      'tcp'
    )
    expect(readHealthScript(healthScript({ port: 80, path: '/' }))?.protocol).toBeUndefined()
  })
})
