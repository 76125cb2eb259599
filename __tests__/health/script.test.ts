import { describe, it, expect, beforeAll, afterAll, beforeEach, jest } from '@jest/globals'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { spawn, execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import {
  HEALTH_MARKER,
  healthScript,
  isHealthyStatus,
  matchesCodes,
  type HealthTarget,
  parseHealthOutput,
  readHealthScript,
  reportsVersion,
  wirePath
} from '../../src/health/script.js'

// The script runs for real here (sh, then curl, wget or python3, up to nine runs a test): on a
// loaded machine that takes longer than jest's default 5 s, without anything being wrong.
jest.setTimeout(30_000)

// ---------------------------------------------------------------------------------------------
// The script, run for real: /bin/sh against a local HTTP server that records every request path.
// ---------------------------------------------------------------------------------------------

/** Any file that appears here is a side effect of a hostile value reaching a shell. */
const sentinel = mkdtempSync(join(tmpdir(), 'rd-sentinel-'))
const work = mkdtempSync(join(tmpdir(), 'rd-work-'))
/** TMPDIR of the script: mktemp's body file goes here and must be gone after each run. */
const scratch = mkdtempSync(join(tmpdir(), 'rd-scratch-'))
const binDirs: string[] = []
const S = sentinel

let server: http.Server
let port: number
let received: string[] = []

/** What /mirror answers (200): set by a test. */
let mirrorBody = ''

/** What the server answers: by default 200 with a JSON version. */
function answer(url: string): { status: number; body: string } {
  if (url.startsWith('/mirror')) return { status: 200, body: mirrorBody }
  if (url.startsWith('/starting')) {
    // 503 for the first two requests, then the old version once, then the new one.
    const n = received.filter((r) => r.startsWith('/starting')).length
    if (n <= 2) return { status: 503, body: '{"status":"starting"}' }
    if (n === 3) return { status: 200, body: JSON.stringify({ status: 'ok', version: 'v1' }) }
    return { status: 200, body: JSON.stringify({ status: 'ok', version: 'v2' }) }
  }
  if (url.startsWith('/down')) return { status: 503, body: 'maintenance' }
  if (url.startsWith('/big')) return { status: 200, body: 'x'.repeat(5000) }
  if (url.startsWith('/text')) return { status: 200, body: 'ok build 2.0.1\n' }
  return { status: 200, body: JSON.stringify({ status: 'ok', version: '9.9.9' }) }
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    received.push(req.url ?? '')
    const a = answer(req.url ?? '')
    res.writeHead(a.status, { 'content-type': 'text/plain' })
    res.end(a.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  for (const dir of [sentinel, work, scratch, ...binDirs])
    rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  received = []
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the script the way the SSM agent does: written to a file, run by sh, awaited to its exit. */
function runScript(script: string, pathEnv = process.env.PATH ?? ''): Promise<Run> {
  const file = join(work, `_script-${Math.random().toString(36).slice(2)}.sh`)
  writeFileSync(file, script)
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', [file], {
      cwd: work,
      env: { PATH: pathEnv, HOME: sentinel, USER: 'rd-test', TMPDIR: scratch },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Where a program lives on PATH, or undefined. */
function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name)
    if (dir && existsSync(p)) return p
  }
  return undefined
}

/** A PATH holding only the script's helpers and the given fetcher: the script falls back to it. */
function onlyFetcher(name: string, binary: string): string {
  const dir = mkdtempSync(join(tmpdir(), `rd-bin-${name}-`))
  binDirs.push(dir)
  for (const tool of ['base64', 'mktemp', 'head', 'rm', 'awk', 'cat']) {
    const p = which(tool)
    if (p) symlinkSync(p, join(dir, tool))
  }
  symlinkSync(binary, join(dir, name))
  return dir
}

/** The path percent-encoded where curl needs it (space, newline, non-ASCII), nothing else. */
const onWire = (path: string) =>
  path.replaceAll(' ', '%20').replaceAll('\n', '%0A').replaceAll('é', '%C3%A9')

const HOSTILE: string[] = [
  `/_status;touch ${S}/semicolon`,
  `/$(touch ${S}/dollar)$(id)`,
  `/\`touch ${S}/backtick\`\`id\``,
  `/'";touch ${S}/quotes;'"`,
  `/ok\ntouch ${S}/newline\nid`,
  `/\${HOME}/{a,b}/[1-2]/$USER/\${IFS}`,
  `/x&&touch ${S}/and||touch ${S}/or|tee ${S}/pipe>${S}/redirect`,
  `/a/../b\\c?q=1&r=$(id)#frag-is-not-sent`,
  `/café %41`
]

const noSideEffects = (run: Run) => {
  expect(readdirSync(sentinel)).toEqual([])
  expect(readdirSync(scratch)).toEqual([])
  expect(run.stdout).not.toMatch(/uid=\d+/)
  expect(run.stderr).not.toMatch(/uid=\d+/)
}

describe('healthScript run by sh against a real HTTP server', () => {
  it.each(HOSTILE.map((p) => [JSON.stringify(p.replaceAll(S, '$TMP')), p]))(
    'curl: the server receives exactly %s, URL-encoded, and nothing runs',
    async (_label, path) => {
      const run = await runScript(healthScript({ port, path }))

      expect(run.code).toBe(0)
      const wire = onWire(path).replace(/#.*$/, '')
      expect(received).toEqual([wire])
      noSideEffects(run)
      const reading = parseHealthOutput(run.stdout)
      expect(reading).toEqual({
        status: 200,
        body: '{"status":"ok","version":"9.9.9"}',
        version: '9.9.9'
      })
    }
  )

  it('the script text carries none of the hostile characters: only base64', () => {
    for (const path of HOSTILE) {
      const script = healthScript({ port, path })
      expect(script).not.toContain('touch')
      expect(script).not.toContain('$(id)')
      expect(script).not.toContain('`id`')
      expect(script).not.toContain(S)
    }
  })

  it('takes the port as a number', async () => {
    const run = await runScript(healthScript({ port: Number(String(port)), path: '/health' }))
    expect(received).toEqual(['/health'])
    expect(parseHealthOutput(run.stdout)?.status).toBe(200)
  })

  it('reports a non-2xx answer with its status and body', async () => {
    const run = await runScript(healthScript({ port, path: '/down' }))
    const reading = parseHealthOutput(run.stdout)!
    expect(reading).toMatchObject({ status: 503, body: 'maintenance' })
    expect(isHealthyStatus(reading.status)).toBe(false)
  })

  it('reports status 0 when nothing listens on the port', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const freePort = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))

    const run = await runScript(healthScript({ port: freePort, path: '/health' }))

    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`${HEALTH_MARKER} status=000`)
    expect(parseHealthOutput(run.stdout)).toMatchObject({ status: 0 })
  })

  it('prints at most 2,000 bytes of the body and leaves no temp file behind', async () => {
    const run = await runScript(healthScript({ port, path: '/big' }))
    expect(parseHealthOutput(run.stdout)!.body).toBe('x'.repeat(2000))
    expect(readdirSync(scratch)).toEqual([])
  })

  it('finds a version given as text in a plain body', async () => {
    const run = await runScript(healthScript({ port, path: '/text' }))
    const reading = parseHealthOutput(run.stdout)!
    expect(reading.version).toBeUndefined()
    expect(reportsVersion(reading, '2.0.1')).toBe(true)
    expect(reportsVersion(reading, '2.0.2')).toBe(false)
  })

  const wget = which('wget')
  const python = (() => {
    try {
      return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
        encoding: 'utf8'
      }).trim()
    } catch {
      return undefined
    }
  })()

  // The script tries curl, then wget, then python3; each is tested here, so each must be on this
  // machine: a missing one fails this test with the fix instead of skipping its fallback's test.
  it('has curl, wget and python3 to run the script with', () => {
    const tools: Array<[string, string | undefined, string]> = [
      ['curl', which('curl'), 'apt-get install -y curl'],
      ['wget', wget, 'apt-get install -y wget'],
      ['python3', python, 'apt-get install -y python3']
    ]
    expect(
      tools.filter(([, p]) => !p).map(([name, , fix]) => `${name} is missing: ${fix}`)
    ).toEqual([])
  })

  // Hosts without curl: the same values through wget, then python3. wget re-encodes characters
  // it deems unsafe (" { } \ ^ | and the like) and squashes /../, which any server decodes to
  // the same path: compared decoded.
  const decoded = (p: string) => decodeURIComponent(p)

  it('wget fallback (no curl on PATH): same paths, nothing runs', async () => {
    expect(wget).toBeDefined()
    const pathEnv = onlyFetcher('wget', wget!)
    for (const path of HOSTILE.filter((p) => !p.includes('/../'))) {
      received = []
      const run = await runScript(healthScript({ port, path }), pathEnv)
      expect(received.map(decoded)).toEqual([decoded(onWire(path).replace(/#.*$/, ''))])
      noSideEffects(run)
      expect(parseHealthOutput(run.stdout)).toMatchObject({ status: 200, version: '9.9.9' })
    }
    received = []
    const down = await runScript(healthScript({ port, path: '/down' }), pathEnv)
    expect(parseHealthOutput(down.stdout)?.status).toBe(503)
  })

  it('python3 fallback (no curl, no wget): exact paths, nothing runs', async () => {
    expect(python).toBeDefined()
    const pathEnv = onlyFetcher('python3', python!)
    for (const path of HOSTILE) {
      received = []
      const run = await runScript(healthScript({ port, path }), pathEnv)
      expect(received).toEqual([onWire(path).replace(/#.*$/, '')])
      noSideEffects(run)
      expect(parseHealthOutput(run.stdout)).toMatchObject({ status: 200, version: '9.9.9' })
    }
    received = []
    const down = await runScript(healthScript({ port, path: '/down' }), pathEnv)
    expect(parseHealthOutput(down.stdout)).toMatchObject({ status: 503, body: 'maintenance' })
  })
})

// ---------------------------------------------------------------------------------------------
// Pure parts.
// ---------------------------------------------------------------------------------------------

describe('wirePath', () => {
  it('encodes only what no HTTP client accepts raw', () => {
    expect(wirePath('/health?full=1&x=%41')).toBe('/health?full=1&x=%41')
    expect(wirePath('/a b\tc\nd\re')).toBe('/a%20b%09c%0Ad%0De')
    expect(wirePath('/é€😀')).toBe('/%C3%A9%E2%82%AC%F0%9F%98%80')
    expect(wirePath(`/;'"$(){}[]|&<>\`\\`)).toBe(`/;'"$(){}[]|&<>\`\\`)
  })

  it('gives a path its leading slash, so the host can never be replaced through userinfo', () => {
    expect(wirePath('health')).toBe('/health')
    expect(wirePath('@evil.example/x')).toBe('/@evil.example/x')
    expect(wirePath('')).toBe('/')
  })
})

describe('healthScript waiting on the host for the app', () => {
  it('reads once without a wait, whatever the answer', async () => {
    const run = await runScript(healthScript({ port, path: '/starting' }))
    expect(received).toEqual(['/starting'])
    expect(parseHealthOutput(run.stdout)?.status).toBe(503)
  })

  it('reads every 0.5 s until the app answers 2xx with the expected version, then stops', async () => {
    const run = await runScript(
      healthScript({ port, path: '/starting' }, { seconds: 20, expect: 'v2' })
    )
    expect(run.code).toBe(0)
    // 503, 503, 200 with v1 (not yet), 200 with v2: four reads, no more.
    expect(received).toEqual(['/starting', '/starting', '/starting', '/starting'])
    expect(parseHealthOutput(run.stdout)).toMatchObject({ status: 200, version: 'v2' })
    noSideEffects(run)
  })

  it('without an expected version, stops at the first 2xx', async () => {
    const run = await runScript(healthScript({ port, path: '/starting' }, { seconds: 20 }))
    expect(received).toHaveLength(3)
    expect(parseHealthOutput(run.stdout)).toMatchObject({ status: 200, version: 'v1' })
  })

  it('gives up when the wait is over and prints the last answer', async () => {
    const run = await runScript(healthScript({ port, path: '/down' }, { seconds: 1 }))
    expect(run.code).toBe(0)
    expect(parseHealthOutput(run.stdout)).toMatchObject({ status: 503, body: 'maintenance' })
    noSideEffects(run)
  })

  it.each(HOSTILE.map((p) => [JSON.stringify(p.replaceAll(S, '$TMP')), p]))(
    'an expected version of %s is matched as literal text, and nothing runs',
    async (_label, hostile) => {
      const script = healthScript({ port, path: '/mirror' }, { seconds: 20, expect: hostile })
      expect(script).not.toContain(S)
      // The body holds the text as is: one read finds it (a pattern or a split word would not,
      // and the script would read on for 20 s).
      mirrorBody = `build ${hostile} ok`
      const run = await runScript(script)
      expect(run.code).toBe(0)
      expect(received).toEqual(['/mirror'])
      expect(parseHealthOutput(run.stdout)).toMatchObject({ status: 200, body: mirrorBody })
      noSideEffects(run)
    }
  )
})

describe('readHealthScript', () => {
  it('reads back the port and path of a script', () => {
    expect(readHealthScript(healthScript({ port: 8080, path: '/health?full=1' }))).toEqual({
      port: 8080,
      path: '/health?full=1',
      wait: { seconds: 0, expect: undefined }
    })
    for (const path of HOSTILE) {
      expect(
        readHealthScript(healthScript({ port: 80, path }, { seconds: 7, expect: path }))
      ).toEqual({ port: 80, path: wirePath(path), wait: { seconds: 7, expect: path } })
    }
  })

  it('answers undefined for any other script', () => {
    expect(readHealthScript('./deploy.sh')).toBeUndefined()
    expect(readHealthScript(`echo ${HEALTH_MARKER}`)).toBeUndefined()
  })
})

describe('parseHealthOutput', () => {
  const out = (status: string, body: string) => `${HEALTH_MARKER} status=${status}\n${body}`

  it('reads the status, the body and a JSON version', () => {
    expect(parseHealthOutput(out('200', '{"version":"1.2.3","db":"ok"}'))).toEqual({
      status: 200,
      body: '{"version":"1.2.3","db":"ok"}',
      version: '1.2.3'
    })
  })

  it('reads a numeric JSON version as text', () => {
    expect(parseHealthOutput(out('200', '{"version": 42}'))?.version).toBe('42')
  })

  it('has no version for a body that is not JSON, or JSON without one', () => {
    expect(parseHealthOutput(out('200', 'version 1.2.3'))?.version).toBeUndefined()
    expect(parseHealthOutput(out('200', '{"build":"1.2.3"}'))?.version).toBeUndefined()
    expect(parseHealthOutput(out('200', '["1.2.3"]'))?.version).toBeUndefined()
    expect(parseHealthOutput(out('200', '{"version":{"major":1}}'))?.version).toBeUndefined()
  })

  it('skips whatever was printed before the reading', () => {
    const reading = parseHealthOutput(`agent noise\nmore\n${out('204', '')}`)
    expect(reading).toMatchObject({ status: 204, body: '' })
  })

  it('reads status 000 (nothing answered) and garbage as 0', () => {
    expect(parseHealthOutput(out('000', ''))?.status).toBe(0)
    expect(parseHealthOutput(`${HEALTH_MARKER} status=`)?.status).toBe(0)
    expect(parseHealthOutput(out('abc', ''))?.status).toBe(0)
  })

  it('tolerates CRLF', () => {
    expect(parseHealthOutput(`${HEALTH_MARKER} status=200\r\n{"version":"7"}`)).toMatchObject({
      status: 200,
      version: '7'
    })
  })

  it('answers undefined when the output is not a health reading', () => {
    expect(parseHealthOutput('')).toBeUndefined()
    expect(parseHealthOutput('sh: 1: curl: not found')).toBeUndefined()
  })
})

describe('reportsVersion', () => {
  const reading = (body: string) => parseHealthOutput(`${HEALTH_MARKER} status=200\n${body}`)!

  it('compares the JSON version field exactly, never as a substring', () => {
    expect(reportsVersion(reading('{"version":"1.2.3"}'), '1.2.3')).toBe(true)
    expect(reportsVersion(reading('{"version":"1.2.30"}'), '1.2.3')).toBe(false)
    expect(reportsVersion(reading('{"version":"1.2.2","next":"1.2.3"}'), '1.2.3')).toBe(false)
  })

  it('falls back to a substring of the body when there is no JSON version', () => {
    expect(reportsVersion(reading('release=1.2.3 ok'), '1.2.3')).toBe(true)
    expect(reportsVersion(reading('{"build":"abc-1.2.3"}'), '1.2.3')).toBe(true)
    expect(reportsVersion(reading('release=1.2.2'), '1.2.3')).toBe(false)
  })
})

describe('isHealthyStatus', () => {
  it('is true for 2xx only', () => {
    expect([199, 200, 204, 299, 300, 302, 404, 503, 0].map(isHealthyStatus)).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false
    ])
  })
})

// The health script read the way the load balancer reads a target (ELB "Health checks for
// Application Load Balancer target groups" / "...for Network Load Balancer target groups": the
// HealthCheckProtocol HTTP, HTTPS or TCP; for HTTPS "the load balancer does not validate the
// certificate"; a TCP check passes when the connection opens; Matcher HttpCode takes "200",
// "200,202" or "200-399", default 200 for ALB). The script runs for real against local servers:
// HTTPS with a self-signed certificate, a redirecting path, a bare TCP listener.
describe('the health check as the load balancer makes it', () => {
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
      expect(await run({ port: httpPort, path: '/', protocol: 'tcp' })).toMatchObject({
        open: true
      })
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
      expect(
        readHealthScript(healthScript({ port: 80, path: '/', protocol: 'tcp' }))?.protocol
      ).toBe('tcp')
      expect(readHealthScript(healthScript({ port: 80, path: '/' }))?.protocol).toBeUndefined()
    })
  })
})
