import { describe, expect, it } from '@jest/globals'
import { renderPostSummary, restoreAfterCancel, type PostDeps } from '../src/post.js'
import type { Journal, JournalHost } from '../src/journal/journal.js'
import { JournalWriter, outOfServiceHosts, readJournal } from '../src/journal/journal.js'
import type { PostOutcome } from '../src/post.js'
import { acquireLocks, LOCK_PREFIX } from '../src/rollout/lock.js'
import { MemoryParameterStore } from './support/memory-parameter-store.js'
import type { Log } from '../src/ports/log.js'
import type { RolloutOutcome } from '../src/rollout/outcome.js'
import type { Settings } from '../src/settings.js'
import { FakeWorld, SEC, byHost, ids, settingsFor, type FakeHost } from './support/fake-ports.js'

const TG_A = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/1'
const TG_B = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/b/2'

function host(id: string, patch: Partial<JournalHost>): JournalHost {
  return {
    instanceId: id,
    memberships: [
      { poolId: TG_A, port: 80 },
      { poolId: TG_B, port: 8080 }
    ],
    state: 'pending',
    step: 'drain',
    commandSent: false,
    ...patch
  }
}

function deps(failRegister = false) {
  const calls: string[] = []
  const warnings: string[] = []
  const store = new (class extends MemoryParameterStore {
    override async delete(n: string): Promise<void> {
      calls.push(`delete ${n}`)
      return super.delete(n)
    }
  })()
  const params = { set: (n: string, v: string) => store.entries.set(n, { value: v, version: 1 }) }
  const d: PostDeps = {
    lb: {
      resolvePools: async () => [],
      describeMembers: async () => [],
      takeOut: async (arn, t) => {
        calls.push(`deregister ${arn} ${t.map((x) => `${x.instanceId}:${x.port}`).join(',')}`)
      },
      putBack: async (arn, t) => {
        calls.push(`register ${arn} ${t.map((x) => `${x.instanceId}:${x.port}`).join(',')}`)
        if (failRegister) throw Object.assign(new Error('denied'), { name: 'AccessDenied' })
      }
    },
    locks: store,
    log: {
      debug: () => {},
      info: () => {},
      warning: (m) => warnings.push(m),
      error: () => {},
      group: (_n, fn) => fn()
    }
  }
  return { d, calls, params, warnings }
}

const lockValue = {
  runUrl: 'run-1',
  startedAt: '2026-11-23T12:00:00.000Z',
  expiresAt: '2026-11-23T14:00:00.000Z',
  token: 'tok-1'
}

describe('post step after a cancel', () => {
  const journal: Journal = {
    version: 1,
    runUrl: 'run-1',
    finished: false,
    result: 'cancelled',
    locks: { names: ['/rolling-deploy/lock/a'], value: lockValue },
    hosts: [
      host('i-drained', { step: 'drain' }),
      host('i-running', { step: 'command', commandSent: true, commandId: 'cmd-7' }),
      host('i-failed', { state: 'failed', step: 'verify', commandSent: true, reason: 'HTTP 503' })
    ]
  }

  it('registers back drained hosts whose command never started, to every group and port', async () => {
    const { d, calls } = deps()
    const out = await restoreAfterCancel(journal, d)
    expect(out.restored.map((h) => h.instanceId)).toEqual(['i-drained'])
    expect(calls.filter((c) => c.startsWith('register'))).toEqual([
      `register ${TG_A} i-drained:80`,
      `register ${TG_B} i-drained:8080`
    ])
    expect(calls.some((c) => c.includes('i-running') || c.includes('i-failed'))).toBe(false)
  })

  it('reports every host left out with a warning naming it and its command', async () => {
    const { d, warnings } = deps()
    const out = await restoreAfterCancel(journal, d)
    expect(out.leftOut.map((l) => l.host.instanceId)).toEqual(['i-running', 'i-failed'])
    expect(warnings.find((w) => w.startsWith('i-running'))).toContain('cmd-7')
    expect(warnings.find((w) => w.startsWith('i-failed'))).toContain('failed at verify')
    const summary = renderPostSummary(journal, out)
    expect(summary).toContain('| i-running | command | cmd-7 |')
    expect(summary).toContain(
      '| i-drained | drained at step drain, no command sent | registered back in its target groups |'
    )
  })

  it('releases the run lock it still holds', async () => {
    const { d, calls, params } = deps()
    params.set('/rolling-deploy/lock/a', JSON.stringify(lockValue))
    const out = await restoreAfterCancel(journal, d)
    expect(out.releasedLocks).toEqual(['/rolling-deploy/lock/a'])
    expect(calls).toContain('delete /rolling-deploy/lock/a')
  })

  it('reports a host it could not register back instead of calling it restored', async () => {
    const { d, warnings } = deps(true)
    const out = await restoreAfterCancel(journal, d)
    expect(out.restored).toEqual([])
    expect(warnings.find((w) => w.startsWith('i-drained'))).toContain('could not register it back')
  })
})

// SIGINT/SIGTERM in each phase, then the post step on what the main step left: the run ends
// `cancelled` without starting anything new, and the post step registers back exactly the hosts
// that can go back in. No host is left out of service without being reported.

class MemoryStore extends MemoryParameterStore {}

const quietLog: Log = {
  debug: () => {},
  info: () => {},
  warning: () => {},
  error: () => {},
  group: (_n, fn) => fn()
}

/** Four hosts in tg-a, i-1 and i-3 also in tg-b on 8080; batches [i-1, i-2], [i-3, i-4]. */
function world(hosts: Record<string, Partial<FakeHost>> = {}) {
  return new FakeWorld({
    groups: [
      { name: 'tg-a', targets: ids(4) },
      { name: 'tg-b', targets: ['i-1:8080', 'i-3:8080'] }
    ],
    hosts,
    alarms: { 'api-5xx': 'OK' },
    // Draining outlasts the delay: the first look at a draining host comes while it still drains.
    drainOverrunMs: 3000
  })
}

const base: Partial<Settings> = {
  targetGroups: ['tg-a', 'tg-b'],
  batchSize: [{ kind: 'count', value: 2 }],
  minHealthyPercent: 0,
  expectedVersion: 'v2'
}

interface Cancelled {
  out: RolloutOutcome
  /** Index in world.calls of the call during which the signal fired. */
  signalAt: number
  journal: Journal
  post: PostOutcome
  locks: MemoryStore
}

/**
 * Runs the main step as main.ts does (journal saved on every host change, lock taken), firing the
 * AbortController when `trigger` matches a call; then the post step on the last saved journal.
 */
async function cancelWhen(
  w: FakeWorld,
  trigger: (call: string) => boolean,
  patch: Partial<Settings> = {}
): Promise<Cancelled> {
  const controller = new AbortController()
  const locks = new MemoryStore()
  const saved: string[] = []
  const writer = new JournalWriter({ runUrl: 'run-1' }, (json) => saved.push(json))
  let signalAt = -1
  w.when(trigger, () => {
    signalAt = w.calls.length - 1
    controller.abort()
    writer.set({ result: 'cancelled' })
  })
  const out = await w.run(settingsFor({ ...base, ...patch }), {
    signal: controller.signal,
    onChange: (hosts) => writer.hosts(hosts),
    lock: async (groups) => {
      writer.set({
        locks: await acquireLocks(locks, groups, 'run-1', 3_600_000, w.clock, quietLog)
      })
    }
  })
  expect(signalAt).toBeGreaterThanOrEqual(0)
  writer.flush()
  const journal = readJournal(saved[saved.length - 1]!)!
  // What the main step saved is what its final records say.
  expect(journal.hosts).toEqual(JSON.parse(JSON.stringify(outOfServiceHosts(out.hosts))))
  const post = await restoreAfterCancel(journal, { lb: w, locks, log: quietLog })
  return { out, signalAt, journal, post, locks }
}

/** After the signal: no deregistration and no deploy or rollback command. */
function expectNothingStartedAfter(w: FakeWorld, signalAt: number) {
  const late = w.calls
    .slice(signalAt + 1)
    .filter((c) => !c.includes(' !') && /^(deregister|send deploy|send rollback)/.test(c))
  expect(late).toEqual([])
}

/** Every host is back in every group it belongs to, or reported by the post step. */
function expectEveryHostAccountedFor(w: FakeWorld, c: Cancelled) {
  // Let the load balancer finish its health checks on what the post step registered.
  w.clock.advanceTo(w.clock.now() + 60 * SEC)
  const reported = new Set(c.post.leftOut.map((l) => l.host.instanceId))
  expect(c.out.hosts.length).toBeGreaterThan(0)
  for (const h of c.out.hosts) {
    const states = h.memberships.map((r) => {
      const g = w.groups.find((x) => x.info.arn === r.poolId)!
      return w.lbState(g.info.name, h.instanceId, r.port)
    })
    if (reported.has(h.instanceId)) continue
    expect({ id: h.instanceId, states }).toEqual({
      id: h.instanceId,
      states: states.map(() => 'healthy')
    })
  }
  // Whatever the post step reported is really out (nothing reported that is not).
  for (const l of c.post.leftOut) {
    expect(c.out.hosts.find((h) => h.instanceId === l.host.instanceId)!.outOfService).toBe(true)
  }
  // The lock is gone.
  expect([...c.locks.entries.keys()].filter((k) => k.startsWith(LOCK_PREFIX))).toEqual([])
  expect(c.post.releasedLocks).toEqual([`${LOCK_PREFIX}tg-a`, `${LOCK_PREFIX}tg-b`])
}

const restoredIds = (c: Cancelled) => c.post.restored.map((h) => h.instanceId).sort()
const leftOutIds = (c: Cancelled) => c.post.leftOut.map((l) => l.host.instanceId).sort()

describe('cancel in each phase, then the post step', () => {
  it('drain: the drained hosts never got the command and are registered back', async () => {
    const w = world()
    const c = await cancelWhen(
      w,
      (call) => call === 'describe tg-a' && w.lbState('tg-a', 'i-3') === 'draining'
    )
    expect(c.out.result).toBe('cancelled')
    expectNothingStartedAfter(w, c.signalAt)
    expect(byHost(c.out)).toMatchObject({
      'i-1': { state: 'deployed' },
      'i-3': { state: 'failed', step: 'drain' },
      'i-4': { state: 'failed', step: 'drain' }
    })
    expect(w.sends.filter((s) => s.kind === 'deploy').map((s) => s.instanceIds)).toEqual([
      ['i-1', 'i-2']
    ])
    expect(restoredIds(c)).toEqual(['i-3', 'i-4'])
    expect(c.post.leftOut).toEqual([])
    // The post step's calls: back into both groups, each port as it was.
    expect(w.ok().slice(-2)).toEqual(['register tg-a i-3:80,i-4:80', 'register tg-b i-3:8080'])
    expectEveryHostAccountedFor(w, c)
  })

  it('command: the hosts whose command was in flight stay out, reported with their command ID', async () => {
    const w = world()
    const c = await cancelWhen(w, (call) => call === 'list deploy-4')
    expect(c.out.result).toBe('cancelled')
    expectNothingStartedAfter(w, c.signalAt)
    // Never `pending` once its cycle started: where it stood and what the post step does.
    expect(byHost(c.out)['i-3']).toMatchObject({ state: 'failed', step: 'command' })
    expect(byHost(c.out)['i-3']!.reason).toMatch(
      /^run cancelled: command \S+ was in flight; the post step leaves it out of service/
    )
    expect(c.post.restored).toEqual([])
    expect(leftOutIds(c)).toEqual(['i-3', 'i-4'])
    for (const l of c.post.leftOut) {
      expect(l.why).toBe(
        'its command deploy-4 was in flight when the run stopped; check the host, then register it back'
      )
    }
    // Nothing was cancelled on the hosts, nothing registered.
    expect(w.ok().filter((x) => /^(cancel|register)/.test(x) && /i-[34]/.test(x))).toEqual([])
    expectEveryHostAccountedFor(w, c)
  })

  it('verify: the command ended but health was not confirmed: the hosts stay out, reported', async () => {
    const w = world()
    const c = await cancelWhen(w, (call) => call === 'send health i-3,i-4')
    expect(c.out.result).toBe('cancelled')
    expectNothingStartedAfter(w, c.signalAt)
    expect(byHost(c.out)['i-4']).toMatchObject({ state: 'failed', step: 'verify' })
    expect(byHost(c.out)['i-4']!.reason).toMatch(/had ended, its health not yet verified/)
    expect(c.post.restored).toEqual([])
    expect(leftOutIds(c)).toEqual(['i-3', 'i-4'])
    expect(c.post.leftOut[0]!.why).toMatch(
      /^its command deploy-\d+ had ended but its health was not verified when the run stopped \(step verify\)/
    )
    expectEveryHostAccountedFor(w, c)
  })

  it('restore: hosts verified healthy and being registered back are registered in every group', async () => {
    const w = world()
    // Between the two groups: i-3 is back in tg-a, not yet in tg-b.
    const c = await cancelWhen(w, (call) => call === 'register tg-b i-3:8080')
    expect(c.out.result).toBe('cancelled')
    expectNothingStartedAfter(w, c.signalAt)
    // Its deploy ran and was verified: `deployed`, never `pending`.
    expect(byHost(c.out)['i-3']).toMatchObject({ state: 'deployed', step: 'restore' })
    expect(byHost(c.out)['i-3']!.reason).toMatch(
      /^run cancelled: its deploy ran and passed its health check .*; the post step registers it back$/
    )
    expect(c.out.hosts.filter((h) => h.commandSent && h.state === 'pending')).toEqual([])
    expect(c.journal.hosts.map((h) => [h.instanceId, h.cycle])).toEqual([
      ['i-3', 'deploy'],
      ['i-4', 'deploy']
    ])
    expect(restoredIds(c)).toEqual(['i-3', 'i-4'])
    expect(c.post.leftOut).toEqual([])
    expectEveryHostAccountedFor(w, c)
  })

  it('canary: the canary watch ends, no second batch starts, and there is nothing to restore', async () => {
    const w = world()
    const c = await cancelWhen(
      w,
      (call) =>
        call.startsWith('alarms') &&
        w.clock.now() > w.callTimes[w.calls.indexOf('register tg-a i-1:80,i-2:80')]! + 60 * SEC,
      { canaryWaitMs: 10 * 60 * SEC, alarms: ['api-5xx'] }
    )
    expect(c.out.result).toBe('cancelled')
    expectNothingStartedAfter(w, c.signalAt)
    const phase = c.out.batches[0]!.phases.find((p) => p.phase === 'canary')!
    expect(phase.finishedAt! - phase.startedAt).toBeLessThan(2 * 60 * SEC)
    expect(c.out.batches).toHaveLength(1)
    expect(byHost(c.out)).toMatchObject({
      'i-1': { state: 'deployed' },
      'i-3': { state: 'pending', step: 'plan' }
    })
    expect(c.journal.hosts).toEqual([])
    expect(c.post.restored).toEqual([])
    expect(c.post.leftOut).toEqual([])
    expectEveryHostAccountedFor(w, c)
  })

  // i-3's deploy fails: batch 2 ends with i-3 failed, i-4 deployed; the rollback batches (size 2)
  // are [i-3, i-4] (failed first, then newest batch), then [i-1, i-2].
  const failI3 = {
    'i-3': { deploy: { status: 'Failed' as const, exitCode: 1, stdout: 'bad release' } }
  }
  const rollback: Partial<Settings> = { onFailure: 'rollback', rollbackCommand: './rollback.sh' }

  it('rollback drain: the failed host stays out, reported with why its deploy failed; the deployed one goes back in', async () => {
    const w = world(failI3)
    const c = await cancelWhen(
      w,
      (call) =>
        call === 'describe tg-a' &&
        w.ok().filter((x) => x === 'deregister tg-a i-3:80,i-4:80').length === 2 &&
        w.lbState('tg-a', 'i-4') === 'draining',
      rollback
    )
    expect(c.out.result).toBe('cancelled')
    expectNothingStartedAfter(w, c.signalAt)
    expect(w.sends.filter((x) => x.kind === 'rollback')).toEqual([])
    expect(byHost(c.out)).toMatchObject({
      'i-3': { state: 'failed', step: 'drain' },
      'i-4': { state: 'deployed', step: 'drain' },
      'i-1': { state: 'deployed', step: 'done' }
    })
    expect(c.journal.hosts.map((h) => [h.instanceId, h.state, h.cycle, h.commandSent])).toEqual([
      ['i-3', 'failed', 'rollback', false],
      ['i-4', 'deployed', 'rollback', false]
    ])
    expect(restoredIds(c)).toEqual(['i-4'])
    expect(leftOutIds(c)).toEqual(['i-3'])
    expect(c.post.leftOut[0]!.why).toBe(
      'its rollback stopped at drain; its deploy had failed: command failed with exit code 1: bad release; check the host, then register it back'
    )
    expectEveryHostAccountedFor(w, c)
  })

  it('rollback command in flight: those hosts stay out, reported with the rollback command ID', async () => {
    const w = world(failI3)
    const c = await cancelWhen(w, (call) => call.startsWith('list rollback-'), rollback)
    expect(c.out.result).toBe('cancelled')
    expectNothingStartedAfter(w, c.signalAt)
    expect(leftOutIds(c)).toEqual(['i-3', 'i-4'])
    expect(c.post.restored).toEqual([])
    const rollbackId = w.sends.find((x) => x.kind === 'rollback')!.commandIds[0]!
    expect(c.post.leftOut.map((l) => l.why)).toEqual([
      `its rollback command ${rollbackId} was in flight when the run stopped; its deploy had failed: command failed with exit code 1: bad release; check the host, then register it back`,
      `its rollback command ${rollbackId} was in flight when the run stopped; check the host, then register it back`
    ])
    expectEveryHostAccountedFor(w, c)
  })

  it('second rollback batch draining: the deployed hosts drained for it go back in', async () => {
    const w = world(failI3)
    const c = await cancelWhen(
      w,
      (call) =>
        call === 'describe tg-a' &&
        w.sends.some((x) => x.kind === 'rollback') &&
        w.lbState('tg-a', 'i-1') === 'draining',
      rollback
    )
    expect(c.out.result).toBe('cancelled')
    expectNothingStartedAfter(w, c.signalAt)
    expect(byHost(c.out)).toMatchObject({
      'i-3': { state: 'rolled-back' },
      'i-4': { state: 'rolled-back' },
      'i-1': { state: 'deployed', step: 'drain' },
      'i-2': { state: 'deployed', step: 'drain' }
    })
    expect(restoredIds(c)).toEqual(['i-1', 'i-2'])
    expect(c.post.leftOut).toEqual([])
    expectEveryHostAccountedFor(w, c)
  })
})

describe('post step: the Auto Scaling groups the main step still held', () => {
  it('undoes exactly what the journal holds, protections before processes, and says so in the summary', async () => {
    const { d } = deps()
    const groupCalls: string[] = []
    d.groups = {
      rolloutProcesses: [],
      membership: async () => [],
      describe: async () => [],
      refreshesInProgress: async () => [],
      suspend: async (g, p) => void groupCalls.push(`suspend ${g} ${p.join(',')}`),
      resume: async (g, p) => void groupCalls.push(`resume ${g} ${p.join(',')}`),
      setProtection: async (g, ids, on) => {
        groupCalls.push(`${on ? 'protect' : 'unprotect'} ${g} ${ids.join(',')}`)
        return { changed: ids, gone: [] }
      }
    }
    const journal: Journal = {
      version: 1,
      runUrl: 'run-1',
      finished: false,
      hosts: [],
      groupChanges: [
        { kind: 'suspend', group: 'asg', processes: ['HealthCheck', 'AZRebalance'] },
        { kind: 'protect', group: 'asg', hostIds: ['i-1', 'i-2'] },
        { kind: 'unprotect', group: 'asg', hostIds: ['i-1', 'i-2'] },
        // Journaled before it was made: the crash may have come before or after the call.
        { kind: 'protect', group: 'asg', hostIds: ['i-3'] }
      ]
    }
    const out = await restoreAfterCancel(journal, d)
    expect(groupCalls).toEqual(['unprotect asg i-3', 'resume asg HealthCheck,AZRebalance'])
    expect(out.groupsRestored).toHaveLength(2)
    expect(renderPostSummary(journal, out)).toContain(
      '- put back: resume HealthCheck, AZRebalance in asg'
    )
  })

  it('the journal writer keeps every group change it is given, at once', () => {
    const saved: string[] = []
    const w = new JournalWriter({ runUrl: 'run-1' }, (json) => saved.push(json))
    w.groupChanges([{ kind: 'suspend', group: 'asg', processes: ['HealthCheck'] }])
    expect(readJournal(saved.at(-1)!)?.groupChanges).toEqual([
      { kind: 'suspend', group: 'asg', processes: ['HealthCheck'] }
    ])
  })
})
