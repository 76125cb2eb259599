// canary-wait: after the first batch, watch the alarms and the load balancer's health of the
// hosts just deployed before any other host is touched.

import { describe, it, expect } from '@jest/globals'
import { FakeWorld, MIN, SEC, byHost, counts, ids, settingsFor } from '../support/fake-ports.js'
import type { RolloutOutcome } from '../../src/rollout/outcome.js'

const BAKE = 5 * MIN

function world(n = 4, alarms: Record<string, 'OK' | 'ALARM'> = { 'api-5xx': 'OK' }) {
  return new FakeWorld({
    groups: [
      { name: 'tg-a', targets: ids(n) },
      { name: 'tg-b', targets: ids(n).map((id) => `${id}:8080`) }
    ],
    alarms
  })
}

const settings = (patch = {}) =>
  settingsFor({
    targetGroups: ['tg-a', 'tg-b'],
    canaryWaitMs: BAKE,
    alarms: ['api-5xx'],
    ...patch
  })

function canaryPhase(out: RolloutOutcome) {
  const phase = out.batches[0]!.phases.find((p) => p.phase === 'canary')
  expect(phase).toBeDefined()
  return phase!
}

/** Batch 1's host is back and healthy: the canary watch starts at the next poll. */
const restored = (w: FakeWorld) =>
  w.ok().includes('register tg-b i-1:8080') && w.lbState('tg-b', 'i-1', 8080) === 'healthy'

/** Index of the first call at or after virtual time t. */
function callAt(w: FakeWorld, t: number): number {
  const i = w.callTimes.findIndex((x) => x >= t)
  return i < 0 ? w.calls.length : i
}

describe('canary wait', () => {
  it('waits canary-wait after the first batch, recorded as its canary phase, before batch 2 starts', async () => {
    const w = world()
    const out = await w.run(settings())
    expect(out.result).toBe('success')
    const phase = canaryPhase(out)
    expect(phase.finishedAt! - phase.startedAt).toBe(BAKE)
    expect(out.batches[0]!.finishedAt).toBe(phase.finishedAt)
    // Only batch 1 has one; nothing is drained or sent during it.
    expect(out.batches.slice(1).flatMap((b) => b.phases.map((p) => p.phase))).not.toContain(
      'canary'
    )
    const during = w.calls.slice(callAt(w, phase.startedAt), callAt(w, phase.finishedAt!))
    expect(during.filter((c) => /^(deregister|register|send)/.test(c))).toEqual([])
    expect(w.calls.indexOf('deregister tg-a i-2:80')).toBeGreaterThanOrEqual(
      callAt(w, phase.finishedAt!)
    )
  })

  it('polls every 10-15 s: one DescribeTargetHealth per group and one alarm read per poll', async () => {
    const w = world()
    const out = await w.run(settings())
    const phase = canaryPhase(out)
    const during = w.calls
      .map((c, i) => ({ c, t: w.callTimes[i]! }))
      .filter(({ t }) => t > phase.startedAt && t <= phase.finishedAt!)
    const polls = during.filter(({ c }) => c.startsWith('alarms')).map(({ t }) => t)
    expect(polls.length).toBeGreaterThanOrEqual(BAKE / (15 * SEC))
    expect(polls.length).toBeLessThanOrEqual(BAKE / (8 * SEC) + 1)
    const describes = during.filter(({ c }) => c.startsWith('describe'))
    expect(describes.filter(({ c }) => c === 'describe tg-a')).toHaveLength(polls.length)
    expect(describes.filter(({ c }) => c === 'describe tg-b')).toHaveLength(polls.length)
  })

  it('a deployed host turning unhealthy fails at canary, is taken out, and counts against max-failures', async () => {
    const w = world()
    // Two minutes into the canary watch i-1 starts failing the load balancer's checks.
    let watchFrom = Infinity
    w.when(
      (c) => c === 'describe tg-b' && restored(w),
      () => (watchFrom = w.clock.now())
    )
    w.when(
      (c) => c.startsWith('alarms') && w.clock.now() >= watchFrom + 2 * MIN,
      () => (w.host('i-1').lbCheck = 'fail')
    )
    const out = await w.run(settings())

    expect(out.result).toBe('failed')
    expect(out.reason).toBe('1 host(s) failed, more than max-failures (0)')
    expect(byHost(out)['i-1']).toEqual({
      state: 'failed',
      step: 'canary',
      batch: 1,
      reason:
        'load balancer reports unhealthy in tg-a port 80 (Target.ResponseCodeMismatch) during the canary wait; taken out of the load balancer'
    })
    expect(out.hosts[0]!.outOfService).toBe(true)
    expect(w.ok()).toContain('deregister tg-a i-1:80')
    expect(w.ok()).toContain('deregister tg-b i-1:8080')
    expect(w.lbState('tg-a', 'i-1')).not.toBe('healthy')
    expect(out.batches[0]!.failed).toEqual(['i-1'])
    // The canary watch ended at the poll that saw it, and nothing else was touched.
    const phase = canaryPhase(out)
    expect(phase.finishedAt! - phase.startedAt).toBeLessThan(2 * MIN + 20 * SEC)
    expect(counts(out)).toMatchObject({ failed: 1, pending: 3 })
    for (const id of ['i-2', 'i-3', 'i-4']) expect(w.lbState('tg-a', id)).toBe('healthy')
  })

  it('within max-failures the canary watch goes on and the run continues', async () => {
    const w = world()
    let watchFrom = Infinity
    w.when(
      (c) => c === 'describe tg-b' && restored(w),
      () => (watchFrom = w.clock.now())
    )
    w.when(
      (c) => c.startsWith('alarms') && w.clock.now() >= watchFrom + MIN,
      () => (w.host('i-1').lbCheck = 'fail')
    )
    const out = await w.run(settings({ maxFailures: { kind: 'count', value: 1 } }))
    expect(out.result).toBe('success')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'canary' })
    expect(counts(out)).toMatchObject({ deployed: 3, failed: 1 })
    const phase = canaryPhase(out)
    expect(phase.finishedAt! - phase.startedAt).toBe(BAKE)
  })

  it('an alarm during the canary watch stops the run at the poll that saw it', async () => {
    const w = world()
    let watchFrom = Infinity
    w.when(
      (c) => c === 'describe tg-b' && restored(w),
      () => (watchFrom = w.clock.now())
    )
    w.when(
      (c) => c.startsWith('alarms') && w.clock.now() >= watchFrom + 90 * SEC,
      () => w.setAlarm('api-5xx', 'ALARM')
    )
    const out = await w.run(settings())
    expect(out.result).toBe('failed')
    expect(out.reason).toBe('alarm api-5xx is in ALARM (seen during the canary wait)')
    const phase = canaryPhase(out)
    expect(phase.finishedAt! - watchFrom).toBeGreaterThanOrEqual(90 * SEC)
    expect(phase.finishedAt! - watchFrom).toBeLessThan(90 * SEC + 16 * SEC)
    expect(byHost(out)['i-1']).toMatchObject({ state: 'deployed' })
    expect(w.lbState('tg-a', 'i-1')).toBe('healthy')
    expect(counts(out)).toMatchObject({ deployed: 1, pending: 3 })
    expect(w.mutations().filter((c) => !c.includes('i-1'))).toEqual([])
  })

  it('an alarm before the canary watch (during batch 1) skips it; one after it stops batch 2 from going on', async () => {
    const before = world()
    before.when('send deploy i-1', () => before.setAlarm('api-5xx', 'ALARM'))
    const a = await before.run(settings())
    expect(a.reason).toBe('alarm api-5xx is in ALARM (seen during batch 1)')
    expect(a.batches[0]!.phases.map((p) => p.phase)).not.toContain('canary')
    expect(counts(a)).toMatchObject({ deployed: 1, pending: 3 })

    const after = world()
    after.when('deregister tg-a i-2:80', () => after.setAlarm('api-5xx', 'ALARM'))
    const b = await after.run(settings())
    expect(b.result).toBe('failed')
    expect(b.reason).toBe('alarm api-5xx is in ALARM (seen during batch 2)')
    expect(canaryPhase(b).finishedAt! - canaryPhase(b).startedAt).toBe(BAKE)
    // Batch 2 finished its cycle; batches 3 and 4 never started.
    expect(counts(b)).toMatchObject({ deployed: 2, pending: 2 })
    expect(after.lbState('tg-a', 'i-2')).toBe('healthy')
    expect(after.callsFor('i-3').filter((c) => c.startsWith('deregister'))).toEqual([])
  })

  it('no canary watch when the first batch is the only one', async () => {
    const w = world(1)
    const out = await w.run(settings({ minHealthyPercent: 0 }))
    expect(out.result).toBe('success')
    expect(out.batches[0]!.phases.map((p) => p.phase)).toEqual([
      'drain',
      'command',
      'verify',
      'restore'
    ])
  })
})
