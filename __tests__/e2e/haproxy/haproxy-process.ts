// A real HAProxy (Debian's 2.6, TOOLCHAIN.md) started for a test with a generated configuration:
// `haproxy -db -f <file>` in the foreground, its pid recorded and killed by pid, never the system
// service. One frontend on a free loopback port, backends whose servers are loopback app ports,
// `option httpchk GET <path>` with a short `inter`, and the runtime API socket at a temporary path
// (`stats socket <path> mode 600 level admin` in `global`: HAProxy configuration manual, 3.1
// "stats socket"). Two of these stand in for two HAProxy nodes.

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface ServerSpec {
  name: string
  port: number
}

export interface BackendSpec {
  name: string
  servers: ServerSpec[]
  healthPath: string
  /** Check interval in ms (HAProxy `inter`); rise and fall default to 2. */
  interMs?: number
  rise?: number
  fall?: number
  /** Health checks on the servers (default true). */
  check?: boolean
  /** Cookie stickiness: `cookie SRV insert indirect nocache`, each server's cookie its name. */
  sticky?: boolean
}

export interface HaproxyOptions {
  backends: BackendSpec[]
  /** The frontend's backend; the first when not given. */
  defaultBackend?: string
}

export interface RunningHaproxy {
  pid: number
  /** The frontend's loopback port. */
  port: number
  socket: string
  config: string
  /** Sends one runtime API command and resolves with the whole answer. */
  cli(command: string): Promise<string>
  log(): string
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export function haproxyConfig(options: HaproxyOptions, port: number, socket: string): string {
  const lines = [
    'global',
    `  stats socket ${socket} mode 600 level admin`,
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  option http-keep-alive',
    'frontend fe',
    `  bind 127.0.0.1:${port}`,
    `  default_backend ${options.defaultBackend ?? options.backends[0]?.name}`
  ]
  for (const b of options.backends) {
    lines.push(`backend ${b.name}`, '  balance roundrobin', `  option httpchk GET ${b.healthPath}`)
    if (b.check !== false)
      lines.push(
        `  default-server check inter ${b.interMs ?? 200} rise ${b.rise ?? 2} fall ${b.fall ?? 2}`
      )
    if (b.sticky) lines.push('  cookie SRV insert indirect nocache')
    for (const s of b.servers)
      lines.push(`  server ${s.name} 127.0.0.1:${s.port}${b.sticky ? ` cookie ${s.name}` : ''}`)
  }
  return lines.join('\n') + '\n'
}

export function runtimeCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const conn = connect({ path: socket }, () => conn.end(`${command}\n`))
    conn.on('data', (c: Buffer) => chunks.push(c))
    conn.on('error', reject)
    conn.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export async function startHaproxy(options: HaproxyOptions): Promise<RunningHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'rd-haproxy-'))
  const socket = join(dir, 'admin.sock')
  const port = await freePort()
  const config = join(dir, 'haproxy.cfg')
  writeFileSync(config, haproxyConfig(options, port, socket))
  const logPath = join(dir, 'haproxy.log')
  const logFd = openSync(logPath, 'w')
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', config], {
    stdio: ['ignore', logFd, logFd]
  })
  closeSync(logFd)
  const pid = child.pid
  if (pid === undefined)
    throw new Error('haproxy did not start (is the haproxy package installed?)')
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const log = (): string => readFileSync(logPath, 'utf8')
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited at start:\n${log()}`)
    try {
      if ((await runtimeCommand(socket, 'show info')).includes('Pid:')) break
    } catch {
      // the socket is not there yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`haproxy's runtime API did not answer within 10 s:\n${log()}`)
    }
    await pause(50)
  }
  return { pid, port, socket, config, cli: (c) => runtimeCommand(socket, c), log, stop }
}

/** Waits until every listed server of the backend shows the status word (e.g. UP) in show stat. */
export async function waitForStatus(
  haproxy: RunningHaproxy,
  backend: string,
  servers: string[],
  status: string,
  timeoutMs = 10_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const csv = await haproxy.cli(`show stat ${backend} 4 -1`)
    const rows = csv.split('\n').map((l) => l.split(','))
    const ok = servers.every((s) => rows.some((r) => r[1] === s && r[17] === status))
    if (ok) return
    if (Date.now() > deadline) throw new Error(`${backend} servers not ${status} in time:\n${csv}`)
    await pause(50)
  }
}
