// min-drain (SPEC step 7.2, issue 17): a host's deploy starts no sooner than min-drain after its
// own last deregistration, whatever the deregistration delay; the drain wait ends at the later of
// "every membership out" and that floor. Also: the drain wait does not wait on a membership that
// is already out, and a drain-timeout below a delay is rejected before anything changes.

import { describe, it, expect } from '@jest/globals'
import { FakeWorld, MIN, SEC, byHost, settingsFor } from '../support/fake-ports.js'

function oneHost(delayS: number, kind: 'alb' | 'nlb' = 'alb') {
  return new FakeWorld({
    groups: [{ name: 'tg-a', kind, deregistrationDelaySeconds: delayS, targets: ['i-1'] }]
  })
}

/** Virtual time from the host's deregistration to its deploy. */
function drainToDeploy(world: FakeWorld, id = 'i-1'): number {
  const t = (call: string) => world.callTimes[world.calls.indexOf(call)]!
  expect(world.calls).toContain(`send deploy ${id}`)
  return t(`send deploy ${id}`) - t(`deregister tg-a ${id}:80`)
}

describe('min-drain', () => {
  it('sends the deploy 30 s after the deregistration on an ALB target group with a 2 s delay', async () => {
    const world = oneHost(2)
    const out = await world.run(settingsFor({ targetGroups: ['tg-a'], minHealthyPercent: 0 }))
    expect(out.result).toBe('success')
    const ms = drainToDeploy(world)
    expect(ms).toBeGreaterThanOrEqual(30 * SEC)
    expect(ms).toBeLessThan(31 * SEC)
    expect(world.violations).toEqual([])
  })

  it('sends the deploy 2 minutes after the deregistration on an NLB target group', async () => {
    const world = oneHost(2, 'nlb')
    const out = await world.run(settingsFor({ targetGroups: ['tg-a'], minHealthyPercent: 0 }))
    expect(out.result).toBe('success')
    const ms = drainToDeploy(world)
    expect(ms).toBeGreaterThanOrEqual(2 * MIN)
    expect(ms).toBeLessThan(2 * MIN + SEC)
  })

  it('changes nothing with a 300 s delay: the deploy comes when draining ends', async () => {
    const world = oneHost(300)
    const out = await world.run(settingsFor({ targetGroups: ['tg-a'], minHealthyPercent: 0 }))
    expect(out.result).toBe('success')
    const ms = drainToDeploy(world)
    expect(ms).toBeGreaterThanOrEqual(300 * SEC)
    expect(ms).toBeLessThan(302 * SEC)
  })

  it('min-drain: 0 restores the delay-only behaviour', async () => {
    const world = oneHost(2)
    const out = await world.run(
      settingsFor({ targetGroups: ['tg-a'], minHealthyPercent: 0, minDrainMs: 0 })
    )
    expect(out.result).toBe('success')
    const ms = drainToDeploy(world)
    expect(ms).toBeGreaterThanOrEqual(2 * SEC)
    expect(ms).toBeLessThan(4 * SEC)
  })

  it('counts from the last deregistration when the host is in several groups', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', deregistrationDelaySeconds: 2, targets: ['i-1'] },
        { name: 'tg-b', kind: 'nlb', deregistrationDelaySeconds: 2, targets: ['i-1:8080'] }
      ]
    })
    const out = await world.run(
      settingsFor({ targetGroups: ['tg-a', 'tg-b'], minHealthyPercent: 0 })
    )
    expect(out.result).toBe('success')
    const t = (call: string) => world.callTimes[world.calls.indexOf(call)]!
    // The longest default of its pools (NLB: 2 min), from its last DeregisterTargets.
    expect(t('send deploy i-1') - t('deregister tg-b i-1:8080')).toBeGreaterThanOrEqual(2 * MIN)
  })
})

describe('the drain wait', () => {
  it('does not wait on a membership already out: a rollback of a host already out goes on at once', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', deregistrationDelaySeconds: 300, targets: ['i-1', 'i-2'] }],
      // The deploy leaves i-1 failing its health check: it fails at verify and stays out.
      hosts: {
        'i-1': { deploy: { then: { http: 500 } }, rollback: { then: { http: 200, version: 'v1' } } }
      }
    })
    const out = await world.run(
      settingsFor({
        targetGroups: ['tg-a'],
        minHealthyPercent: 0,
        minDrainMs: 0,
        onFailure: 'rollback',
        rollbackCommand: './rollback.sh'
      })
    )
    expect(byHost(out)['i-1']).toMatchObject({ state: 'rolled-back' })
    const t = (call: string, from = 0) => {
      const i = world.calls.findIndex((c, k) => k >= from && c === call)
      expect(i).toBeGreaterThanOrEqual(0)
      return { i, at: world.callTimes[i]! }
    }
    const firstDrain = t('deregister tg-a i-1:80')
    const rollbackDrain = t('deregister tg-a i-1:80', firstDrain.i + 1)
    const rollbackSent = t('send rollback i-1')
    // The first drain waited the 300 s delay; the rollback's drain of a host already out did not.
    expect(t('send deploy i-1').at - firstDrain.at).toBeGreaterThanOrEqual(300 * SEC)
    expect(rollbackSent.at - rollbackDrain.at).toBeLessThan(2 * SEC)
    expect(world.violations).toEqual([])
  })

  it('rejects a drain-timeout below a deregistration delay, naming both values, with nothing changed', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', deregistrationDelaySeconds: 300, targets: ['i-1', 'i-2'] }]
    })
    await expect(
      world.run(settingsFor({ targetGroups: ['tg-a'], drainTimeoutMs: 2 * MIN }))
    ).rejects.toThrow(/drain-timeout 2m is shorter than the deregistration delay of tg-a \(5m\)/)
    expect(world.mutations()).toEqual([])
    expect(world.calls.filter((c) => /^(send|deregister|register)/.test(c))).toEqual([])
  })
})
