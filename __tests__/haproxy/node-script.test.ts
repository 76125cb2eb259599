// The node scripts run for real: `sh -c <script>` against this machine's HAProxy 2.6 through its
// runtime API socket, with socat and with the python3 fallback.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startApp, type App } from '../e2e/haproxy/apps.js'
import { startHaproxy, waitForStatus, type RunningHaproxy } from '../e2e/haproxy/haproxy-process.js'
import { runNodeScript } from '../e2e/haproxy/node-run.js'
import {
  HAPROXY_MARKER,
  changeScript,
  readScript,
  serversPerRead,
  PER_SERVER_BYTES,
  SSM_OUTPUT_LIMIT
} from '../../src/haproxy/node-script.js'
import { parseChangeOutput, parseReadOutput } from '../../src/haproxy/script-output.js'

let apps: App[] = []
let haproxy: RunningHaproxy

beforeAll(async () => {
  apps = [await startApp('a'), await startApp('b')]
  haproxy = await startHaproxy({
    backends: [
      {
        name: 'web',
        healthPath: '/health',
        interMs: 3000,
        servers: [
          { name: 'i-0123456789abcdef0', port: apps[0]!.port },
          { name: 'b', port: apps[1]!.port }
        ]
      }
    ]
  })
  await waitForStatus(haproxy, 'web', ['i-0123456789abcdef0', 'b'], 'UP')
}, 20_000)

afterAll(async () => {
  await haproxy?.stop()
  await Promise.all(apps.map((a) => a.stop()))
})

const read = async (tool: 'auto' | 'python3' = 'auto') => {
  const run = await runNodeScript(readScript(['web', 'nosuch'], { socket: haproxy.socket, tool }))
  expect(run.code).toBe(0)
  return parseReadOutput(run.stdout)
}

describe('the node scripts against a real HAProxy', () => {
  it('reads every server of a backend, filtered to the kept columns, and names a missing backend', async () => {
    const node = await read()
    expect(node).toMatchObject({ tool: 'socat', complete: true })
    const web = node.backends.get('web')!
    expect(web.total).toBe(2)
    expect(
      web.servers.map((s) => [s.server, s.admin, s.operational, s.sessions, s.queued])
    ).toEqual([
      ['i-0123456789abcdef0', 'ready', 'up', 0, 0],
      ['b', 'ready', 'up', 0, 0]
    ])
    expect(web.servers[0]!.port).toBe(apps[0]!.port)
    expect(node.backends.get('nosuch')?.missing).toBe("Can't find backend.")
  })

  it('uses the python3 fallback when asked, with the same answer', async () => {
    const node = await read('python3')
    expect(node.tool).toBe('python3')
    expect(node.backends.get('web')!.servers.map((s) => s.admin)).toEqual(['ready', 'ready'])
  }, 60_000)

  it('reads a range of servers and reports the total, so a large backend is read in parts', async () => {
    const run = await runNodeScript(
      readScript(['web'], { socket: haproxy.socket }, { first: 1, count: 1 })
    )
    const web = parseReadOutput(run.stdout).backends.get('web')!
    expect(web.total).toBe(2)
    expect(web.servers.map((s) => s.server)).toEqual(['b'])
  })

  it('drains, puts in maint and restores a whole batch in one script per step', async () => {
    const batch = [
      { backend: 'web', server: 'i-0123456789abcdef0' },
      { backend: 'web', server: 'b' }
    ]
    const drain = await runNodeScript(changeScript('drain', batch, { socket: haproxy.socket }))
    expect(drain.code).toBe(0)
    expect(parseChangeOutput(drain.stdout).results).toEqual([
      { command: 'set server web/i-0123456789abcdef0 state drain', ok: true, answer: '' },
      { command: 'set server web/b state drain', ok: true, answer: '' }
    ])
    expect((await read()).backends.get('web')!.servers.map((s) => s.admin)).toEqual([
      'drain',
      'drain'
    ])

    const maint = await runNodeScript(
      changeScript('maint', batch.slice(1), { socket: haproxy.socket })
    )
    expect(parseChangeOutput(maint.stdout).results.map((r) => [r.command, r.ok])).toEqual([
      ['set server web/b state maint', true],
      ['shutdown sessions server web/b', true]
    ])
    expect((await read()).backends.get('web')!.servers.map((s) => s.admin)).toEqual([
      'drain',
      'maint'
    ])

    const restore = await runNodeScript(changeScript('restore', batch, { socket: haproxy.socket }))
    expect(parseChangeOutput(restore.stdout).results.every((r) => r.ok)).toBe(true)
    // drain, health down, ready: ready, but DOWN until fresh checks (inter 3 s, rise 2: a read under load still lands before them), the
    // server that was in maint included.
    const after = (await read()).backends.get('web')!.servers
    expect(after.map((s) => [s.admin, s.operational])).toEqual([
      ['ready', 'down'],
      ['ready', 'down']
    ])
    // Under a loaded machine a check can time out (the apps share this test's event loop): the
    // fresh checks get up to 30 s to bring both UP.
    await waitForStatus(haproxy, 'web', ['i-0123456789abcdef0', 'b'], 'UP', 30_000)
  }, 60_000)

  it('reports what HAProxy answers to a command it refuses, and exits 1', async () => {
    const run = await runNodeScript(
      changeScript('drain', [{ backend: 'web', server: 'nosuch' }], { socket: haproxy.socket })
    )
    expect(run.code).toBe(1)
    expect(parseChangeOutput(run.stdout)).toMatchObject({
      complete: true,
      results: [
        { command: 'set server web/nosuch state drain', ok: false, answer: 'No such server.' }
      ]
    })
  })

  it('says so when the socket is not there, before sending anything', async () => {
    const run = await runNodeScript(readScript(['web'], { socket: `${haproxy.socket}.gone` }))
    expect(run.code).toBe(4)
    expect(parseReadOutput(run.stdout)).toMatchObject({ error: 'no-socket', complete: false })
  })

  it('never lets a value reach the shell or the runtime API unquoted', () => {
    const hostile = "/tmp/x'; touch /tmp/pwned; '"
    expect(() => readScript(['web'], { socket: hostile })).toThrow(/haproxy-socket/)
    expect(() =>
      readScript(['web; shutdown sessions server web/b'], { socket: '/run/h.sock' })
    ).toThrow(/character HAProxy does not allow/)
    expect(() =>
      changeScript('drain', [{ backend: 'web', server: 'b;disable frontend fe' }], {
        socket: '/run/h.sock'
      })
    ).toThrow(/character HAProxy does not allow/)
    // The socket path and the backend travel as base64 literals only.
    const script = readScript(['web'], { socket: '/run/haproxy/admin.sock' })
    expect(script).not.toContain('/run/haproxy/admin.sock')
    expect(script).toContain(HAPROXY_MARKER)
  })

  it('sizes a read so that its output fits in what SSM keeps', () => {
    for (const backends of [1, 2, 5]) {
      expect(serversPerRead(backends) * backends * PER_SERVER_BYTES + 400 * backends).toBeLessThan(
        SSM_OUTPUT_LIMIT
      )
    }
    expect(serversPerRead(1)).toBeGreaterThanOrEqual(100)
  })
})

describe('a backend larger than one SSM output', () => {
  let big: RunningHaproxy
  // 300 servers with 64-character names (the longest the byte budget plans for) and IPv6-long
  // answers are not needed: the names alone make one read far larger than 24,000 characters.
  const names = Array.from({ length: 300 }, (_, i) =>
    `srv-${String(i).padStart(3, '0')}-`.padEnd(64, 'x')
  )
  beforeAll(async () => {
    big = await startHaproxy({
      backends: [
        {
          name: 'big',
          healthPath: '/health',
          check: false,
          servers: names.map((name, i) => ({ name, port: 20000 + i }))
        }
      ]
    })
  }, 20_000)
  afterAll(async () => big?.stop())

  it('is read completely in ranges, each output within what SSM keeps', async () => {
    const count = serversPerRead(1)
    const seen: string[] = []
    let total = Infinity
    for (let first = 0; first < total; first += count) {
      const run = await runNodeScript(readScript(['big'], { socket: big.socket }, { first, count }))
      expect(run.stdout.length).toBeLessThan(SSM_OUTPUT_LIMIT)
      const read = parseReadOutput(run.stdout)
      expect(read.complete).toBe(true)
      const backend = read.backends.get('big')!
      expect(backend.problems).toEqual([])
      total = backend.total
      seen.push(...backend.servers.map((s) => s.server))
    }
    expect(total).toBe(300)
    expect(seen).toEqual(names)
  }, 60_000)
})
