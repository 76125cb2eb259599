import { describe, expect, it } from '@jest/globals'
import {
  acquireLocks,
  LockHeldError,
  lockTtlFor,
  lockTtlMs,
  releaseLocks,
  keepLocks,
  renewLocks
} from '../../src/rollout/lock.js'
import { settingsFor } from '../support/fake-ports.js'
import { MemoryParameterStore } from '../support/memory-parameter-store.js'
import type { Pool } from '../../src/ports/load-balancer.js'
import type { Log } from '../../src/ports/log.js'
import { VirtualClock } from '../support/virtual-clock.js'

/** The in-memory Parameter Store, plus a switch that denies every call (IAM missing). */
class MemoryStore extends MemoryParameterStore {
  denied = false
  override async create(name: string, value: string): Promise<'created' | 'exists'> {
    if (this.denied)
      throw Object.assign(new Error('not authorized to perform ssm:PutParameter'), {
        name: 'AccessDeniedException'
      })
    return super.create(name, value)
  }
  value(name: string): string | undefined {
    return this.entries.get(name)?.value
  }
}

const group = (name: string): Pool => ({
  id: `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/abc`,
  name,
  kind: 'alb',
  healthCheckPortLabel: 'traffic-port',
  healthCheckIntervalSeconds: 5,
  healthyThresholdCount: 2,
  drainDelaySeconds: 30
})

function recordingLog() {
  const warnings: string[] = []
  const log: Log = {
    debug: () => {},
    info: () => {},
    warning: (m) => warnings.push(m),
    error: () => {},
    group: (_n, fn) => fn()
  }
  return { log, warnings }
}

const RUN = 'https://github.com/acme/shop/actions/runs/1'
const OTHER = 'https://github.com/acme/shop/actions/runs/2'

describe('run lock', () => {
  it('creates one parameter per target group holding run URL, start and expiry', async () => {
    const store = new MemoryStore()
    const clock = new VirtualClock()
    const held = await acquireLocks(
      store,
      [group('web'), group('api')],
      RUN,
      3_600_000,
      clock,
      recordingLog().log
    )
    expect(held.names).toEqual(['/rolling-deploy/lock/web', '/rolling-deploy/lock/api'])
    const value = JSON.parse(store.value('/rolling-deploy/lock/web')!)
    expect(value).toEqual({
      runUrl: RUN,
      startedAt: new Date(clock.now()).toISOString(),
      expiresAt: new Date(clock.now() + 3_600_000).toISOString(),
      token: held.value.token
    })
    expect(held.value.token).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('fails naming the holder when another live run holds a lock, and keeps none of its own', async () => {
    const store = new MemoryStore()
    const clock = new VirtualClock()
    await acquireLocks(store, [group('api')], OTHER, 3_600_000, clock, recordingLog().log)
    const attempt = acquireLocks(
      store,
      [group('web'), group('api')],
      RUN,
      3_600_000,
      clock,
      recordingLog().log
    )
    await expect(attempt).rejects.toThrow(LockHeldError)
    await expect(attempt).rejects.toThrow(OTHER)
    // The web lock it had taken is given back; the other run's api lock is untouched.
    expect(store.entries.has('/rolling-deploy/lock/web')).toBe(false)
    expect(JSON.parse(store.value('/rolling-deploy/lock/api')!).runUrl).toBe(OTHER)
  })

  it('takes over an expired lock with a warning', async () => {
    const store = new MemoryStore()
    const clock = new VirtualClock()
    await acquireLocks(store, [group('web')], OTHER, 60_000, clock, recordingLog().log)
    clock.advanceTo(clock.now() + 61_000)
    const { log, warnings } = recordingLog()
    const held = await acquireLocks(store, [group('web')], RUN, 60_000, clock, log)
    expect(held.names).toEqual(['/rolling-deploy/lock/web'])
    expect(JSON.parse(store.value('/rolling-deploy/lock/web')!).runUrl).toBe(RUN)
    expect(warnings.join('\n')).toContain(`held by ${OTHER} expired`)
  })

  it('takes over at once, with a warning naming it, a live lock whose GitHub run has completed', async () => {
    const store = new MemoryStore()
    const clock = new VirtualClock()
    await acquireLocks(store, [group('web')], OTHER, 3_600_000, clock, recordingLog().log)
    const { log, warnings } = recordingLog()
    const asked: string[] = []
    const held = await acquireLocks(store, [group('web')], RUN, 60_000, clock, log, {
      holderEnded: async (h) => (asked.push(h.runUrl), h.runUrl === OTHER)
    })
    expect(asked).toEqual([OTHER])
    expect(held.names).toEqual(['/rolling-deploy/lock/web'])
    expect(JSON.parse(store.value('/rolling-deploy/lock/web')!).runUrl).toBe(RUN)
    expect(warnings.join('\n')).toContain(`held by ${OTHER}, a GitHub run that has completed`)
  })

  it('leaves a live lock alone when GitHub cannot say its run ended', async () => {
    const store = new MemoryStore()
    const clock = new VirtualClock()
    await acquireLocks(store, [group('web')], OTHER, 3_600_000, clock, recordingLog().log)
    const attempt = acquireLocks(store, [group('web')], RUN, 60_000, clock, recordingLog().log, {
      holderEnded: async () => false
    })
    await expect(attempt).rejects.toThrow(LockHeldError)
    expect(JSON.parse(store.value('/rolling-deploy/lock/web')!).runUrl).toBe(OTHER)
  })

  it('lets exactly one of two runs racing for an expired lock proceed', async () => {
    const store = new MemoryStore()
    const clock = new VirtualClock()
    await acquireLocks(store, [group('web')], OTHER, 60_000, clock, recordingLog().log)
    clock.advanceTo(clock.now() + 61_000)
    const results = await Promise.allSettled([
      acquireLocks(store, [group('web')], RUN, 60_000, clock, recordingLog().log),
      acquireLocks(store, [group('web')], RUN + '0', 60_000, clock, recordingLog().log)
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{
      value: { runUrl: string }
    }>
    expect(JSON.parse(store.value('/rolling-deploy/lock/web')!).runUrl).toBe(
      winner.value.value.runUrl
    )
  })

  it('renews its locks while it works, so a run past its estimate keeps them', async () => {
    const store = new MemoryStore()
    const clock = new VirtualClock()
    const held = await acquireLocks(store, [group('web')], RUN, 60_000, clock, recordingLog().log)
    const lost: string[][] = []
    const keeper = keepLocks(store, held, 60_000, clock, recordingLog().log, (n) => lost.push(n))
    await clock.run(() => clock.sleep(5 * 60_000))
    // Five minutes on, another run finds a lock that has not expired.
    const attempt = acquireLocks(store, [group('web')], OTHER, 60_000, clock, recordingLog().log)
    await expect(attempt).rejects.toThrow(RUN)
    expect(
      Date.parse(JSON.parse(store.value('/rolling-deploy/lock/web')!).expiresAt)
    ).toBeGreaterThan(clock.now())
    keeper.stop()
    await keeper.done
    expect(lost).toEqual([])
  })

  it('reports a lock taken away from it', async () => {
    const store = new MemoryStore()
    const clock = new VirtualClock()
    const held = await acquireLocks(store, [group('web')], RUN, 60_000, clock, recordingLog().log)
    await store.delete('/rolling-deploy/lock/web')
    expect(await renewLocks(store, held, 60_000, clock, recordingLog().log)).toEqual([
      '/rolling-deploy/lock/web'
    ])
  })

  it('releases only locks it still holds', async () => {
    const store = new MemoryStore()
    const clock = new VirtualClock()
    const held = await acquireLocks(
      store,
      [group('web'), group('api')],
      RUN,
      60_000,
      clock,
      recordingLog().log
    )
    // Someone took the api lock over after it expired.
    await store.overwrite(
      '/rolling-deploy/lock/api',
      JSON.stringify({ runUrl: OTHER, startedAt: 'x', expiresAt: 'y', token: 'other' })
    )
    const released = await releaseLocks(store, held, recordingLog().log)
    expect(released).toEqual(['/rolling-deploy/lock/web'])
    expect(store.entries.has('/rolling-deploy/lock/web')).toBe(false)
    expect(store.entries.has('/rolling-deploy/lock/api')).toBe(true)
  })

  it('names the IAM actions and the opt-out when the parameter store is denied', async () => {
    const store = new MemoryStore()
    store.denied = true
    const attempt = acquireLocks(
      store,
      [group('web')],
      RUN,
      60_000,
      new VirtualClock(),
      recordingLog().log
    )
    await expect(attempt).rejects.toThrow(/ssm:PutParameter.*lock: false/)
  })

  it('expires after the worst case of every batch', () => {
    const t = { drainMs: 60_000, commandMs: 600_000, healthMs: 300_000, canaryMs: 0 }
    expect(lockTtlMs(t, 4)).toBeGreaterThan(4 * (60_000 + 600_000 + 2 * 300_000))
    expect(lockTtlMs(t, 8)).toBeGreaterThan(lockTtlMs(t, 4))
  })
})

describe("lockTtlFor: the run's lock time-to-live from its settings and pools", () => {
  const MIN = 60_000
  const base = { commandTimeoutMs: 10 * MIN, healthTimeoutMs: 5 * MIN, canaryWaitMs: 0 }
  const perBatch = (drainMs: number) => drainMs + 10 * MIN + 2 * 5 * MIN + MIN

  it('counts the planned batches and drains for the longest delay plus 60 s by default', () => {
    // 4 hosts one at a time: 4 batches; pools drain 30 s and 120 s: 180 s per drain.
    const s = settingsFor({
      ...base,
      batchSize: [{ kind: 'count', value: 1 }],
      minHealthyPercent: 50
    })
    const pools = [group('web'), { ...group('api'), drainDelaySeconds: 120 }]
    expect(lockTtlFor(s, pools, 4)).toBe(4 * perBatch(180_000) + 15 * MIN)
  })

  it('takes drain-timeout when given, the canary wait once, and twice the batches with rollback', () => {
    const s = settingsFor({
      ...base,
      batchSize: [{ kind: 'count', value: 2 }],
      minHealthyPercent: 0,
      drainTimeoutMs: 2 * MIN,
      canaryWaitMs: 7 * MIN,
      onFailure: 'rollback'
    })
    // 5 hosts two at a time: 3 batches, 6 cycles with their rollbacks.
    expect(lockTtlFor(s, [group('web')], 5)).toBe(6 * perBatch(2 * MIN) + 7 * MIN + 15 * MIN)
  })
})
