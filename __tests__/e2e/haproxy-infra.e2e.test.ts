// The HAProxy e2e infrastructure, proven on its own: two real HAProxy processes (two "nodes") in
// front of two loopback apps, real traffic from the bounded load generator, and the node scripts
// of src/haproxy run with sh against each node's runtime API socket, as SSM would run them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startApp, type App } from './haproxy/apps.js'
import { startHaproxy, waitForStatus, type RunningHaproxy } from './haproxy/haproxy-process.js'
import { runLoad } from './haproxy/load.js'
import { runNodeScript } from './haproxy/node-run.js'
import { changeScript, readScript } from '../../src/haproxy/node-script.js'
import { parseChangeOutput, parseReadOutput } from '../../src/haproxy/script-output.js'
import { memberState, type MemberView } from '../../src/haproxy/member-state.js'

let apps: App[] = []
const nodes: RunningHaproxy[] = []
const A = { backend: 'web', server: 'a' }
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  apps = [await startApp('a'), await startApp('b')]
  for (let i = 0; i < 2; i++) {
    nodes.push(
      await startHaproxy({
        backends: [
          {
            name: 'web',
            healthPath: '/health',
            interMs: 2000,
            servers: [
              { name: 'a', port: apps[0]!.port },
              { name: 'b', port: apps[1]!.port }
            ]
          }
        ]
      })
    )
  }
  for (const node of nodes) await waitForStatus(node, 'web', ['a', 'b'], 'UP')
}, 60_000)

afterAll(async () => {
  for (const node of nodes) await node.stop()
  await Promise.all(apps.map((a) => a.stop()))
})

async function change(step: 'drain' | 'restore', node: RunningHaproxy): Promise<void> {
  const run = await runNodeScript(changeScript(step, [A], { socket: node.socket }))
  const results = parseChangeOutput(run.stdout).results
  expect(results.length).toBeGreaterThan(0)
  expect(results.filter((r) => !r.ok)).toEqual([])
}

async function stateOfA(): Promise<MemberView> {
  const views = []
  for (const [i, node] of nodes.entries()) {
    const run = await runNodeScript(readScript(['web'], { socket: node.socket }))
    const read = parseReadOutput(run.stdout)
    expect(read.complete).toBe(true)
    views.push({
      node: `node-${i + 1}`,
      server: read.backends.get('web')?.servers.find((s) => s.server === 'a')
    })
  }
  return memberState('web/a', views)
}

describe('HAProxy e2e infrastructure', () => {
  it('each frontend serves through both app servers', async () => {
    for (const node of nodes) {
      const load = await runLoad({
        port: node.port,
        requests: 40,
        seconds: 20,
        keepAlive: false,
        concurrency: 2
      })
      expect(load).toMatchObject({ sent: 40, ok: 40, failed: 0 })
      expect(load.byApp.a).toBeGreaterThan(0)
      expect(load.byApp.b).toBeGreaterThan(0)
    }
    expect(await stateOfA()).toEqual({
      state: 'in-service',
      reason: 'web/a ready and UP on every node'
    })
  }, 60_000)

  it('drain through the node script: no new request reaches the server, in-flight ones finish, zero failures', async () => {
    const loads = [true, false].map((keepAlive) =>
      runLoad({
        port: nodes[0]!.port,
        requests: 100_000,
        seconds: 5,
        keepAlive,
        concurrency: 3,
        slowShare: 0.2,
        slowMs: 2000
      })
    )
    await pause(1000)
    await change('drain', nodes[0]!)
    await pause(300) // a request HAProxy forwarded just before the drain may still be on its way
    const reachedA = apps[0]!.requests()
    const [keepAlive, fresh] = await Promise.all(loads)
    for (const load of [keepAlive!, fresh!]) {
      expect(load.failed).toBe(0)
      expect(load.causes).toEqual({})
      expect(load.slow).toBeGreaterThan(0)
    }
    expect(apps[0]!.requests()).toBe(reachedA)
    const after = await runLoad({
      port: nodes[0]!.port,
      requests: 20,
      seconds: 20,
      keepAlive: true,
      concurrency: 2
    })
    expect(after).toMatchObject({ ok: 20, failed: 0, byApp: { b: 20 } })
    // Drained on node 1 only: node 2 still sends it traffic.
    expect(await stateOfA()).toEqual({ state: 'draining', reason: 'web/a: still ready on node-2' })
    await change('drain', nodes[1]!)
    expect(await stateOfA()).toEqual({
      state: 'out',
      reason: 'web/a in drain with no session on every node'
    })
  }, 60_000)

  it('restore (drain, health down, ready) waits for fresh checks on every node before in-service', async () => {
    for (const node of nodes) await change('restore', node)
    const first = await stateOfA()
    expect(first.state).toBe('entering')
    const seen: string[] = [first.state]
    const deadline = Date.now() + 15_000
    while (seen.at(-1) !== 'in-service' && Date.now() < deadline) {
      await pause(200)
      seen.push((await stateOfA()).state)
    }
    expect([...new Set(seen)]).toEqual(['entering', 'in-service'])
    const load = await runLoad({
      port: nodes[1]!.port,
      requests: 20,
      seconds: 20,
      keepAlive: false,
      concurrency: 2
    })
    expect(load.failed).toBe(0)
    expect(load.byApp.a).toBeGreaterThan(0)
  }, 60_000)
})

describe('a sticky backend (cookie)', () => {
  let sticky: RunningHaproxy
  beforeAll(async () => {
    sticky = await startHaproxy({
      backends: [
        {
          name: 'web',
          healthPath: '/health',
          sticky: true,
          servers: [
            { name: 'a', port: apps[0]!.port },
            { name: 'b', port: apps[1]!.port }
          ]
        }
      ]
    })
    await waitForStatus(sticky, 'web', ['a', 'b'], 'UP')
  }, 30_000)
  afterAll(async () => sticky?.stop())

  const sessionsOfA = async (): Promise<number> => {
    const run = await runNodeScript(readScript(['web'], { socket: sticky.socket }))
    return parseReadOutput(run.stdout)
      .backends.get('web')!
      .servers.find((s) => s.server === 'a')!.sessions
  }

  it('keeps a drained server busy; maint + shutdown sessions ends it, and the cut sessions are counted', async () => {
    const load = runLoad({
      port: sticky.port,
      requests: 100_000,
      seconds: 14,
      keepAlive: true,
      concurrency: 4,
      sticky: true,
      slowShare: 0.5,
      // long enough that a session seen on the server is still there when the shutdown comes
      slowMs: 4000
    })
    await pause(1000)
    const run = await runNodeScript(changeScript('drain', [A], { socket: sticky.socket }))
    expect(parseChangeOutput(run.stdout).results.every((r) => r.ok)).toBe(true)
    const atDrain = apps[0]!.requests()
    // HAProxy's drain still lets requests carrying the server's cookie through.
    const stuck = Date.now() + 8000
    while (apps[0]!.requests() === atDrain && Date.now() < stuck) await pause(50)
    expect(apps[0]!.requests()).toBeGreaterThan(atDrain)
    // Wait for a session on it, so the shutdown has something to cut.
    const deadline = Date.now() + 5000
    while ((await sessionsOfA()) === 0 && Date.now() < deadline) await pause(50)
    const maint = await runNodeScript(changeScript('maint', [A], { socket: sticky.socket }))
    expect(parseChangeOutput(maint.stdout).results.map((r) => [r.command, r.ok])).toEqual([
      ['set server web/a state maint', true],
      ['shutdown sessions server web/a', true]
    ])
    await pause(300)
    const atMaint = apps[0]!.requests()
    const result = await load
    expect(apps[0]!.requests()).toBe(atMaint)
    expect(await sessionsOfA()).toBe(0)
    // The sessions cut by the shutdown are the only failures (at most one per worker: each has
    // one request in flight), and the generator names their cause: the connection was reset.
    expect(result.failed).toBeGreaterThan(0)
    expect(result.failed).toBeLessThanOrEqual(4)
    expect(Object.keys(result.causes)).toEqual(['ECONNRESET'])
  }, 60_000)
})
