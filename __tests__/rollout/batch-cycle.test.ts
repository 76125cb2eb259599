import { describe, it, expect } from '@jest/globals'
import {
  FakeWorld,
  MIN,
  SEC,
  between,
  byHost,
  collapse,
  counts,
  ids,
  settingsFor
} from '../support/fake-ports.js'
import { deploySpec } from '../../src/rollout/command-spec.js'

describe('one batch', () => {
  it('runs deregister → drained → deploy → invocations → health → register → healthy, in that order', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', targets: ['i-1'] },
        { name: 'tg-b', targets: ['i-1:8080'] }
      ]
    })
    const out = await world.run(
      settingsFor({ targetGroups: ['tg-a', 'tg-b'], minHealthyPercent: 0, expectedVersion: 'v2' })
    )

    expect(out.result).toBe('success')
    expect(collapse(world.calls)).toEqual([
      // discovery: one DescribeTargetHealth per group
      'resolve tg-a,tg-b',
      'describe tg-a',
      'describe tg-b',
      // pre-check on the host itself
      'send health i-1',
      'list health-1',
      // capacity guard before the batch
      'describe tg-a',
      'describe tg-b',
      // the SSM agent is Online: it can be deployed, so it is drained
      'ping i-1',
      // out of both groups, until the load balancer has finished draining
      'deregister tg-a i-1:80',
      'deregister tg-b i-1:8080',
      'describe tg-a',
      'describe tg-b',
      'send deploy i-1',
      'list deploy-2',
      'send health i-1',
      'list health-3',
      // back into both groups, until healthy in each
      'register tg-a i-1:80',
      'register tg-b i-1:8080',
      'describe tg-a',
      'describe tg-b',
      // final check
      'send health i-1',
      'list health-4',
      // the fleet read once more after it: no host joined (SPEC step 4)
      'describe tg-a',
      'describe tg-b'
    ])
    expect(world.violations).toEqual([])
    expect(byHost(out)['i-1']).toEqual({
      state: 'deployed',
      step: 'done',
      batch: 1,
      reason: undefined
    })
    expect(out.hosts[0]).toMatchObject({ version: 'v2', exitCode: 0, commandId: 'deploy-2' })
    expect(world.lbState('tg-a', 'i-1')).toBe('healthy')
    expect(world.lbState('tg-b', 'i-1', 8080)).toBe('healthy')
  })

  it('keeps describing until draining has ended, and sends nothing before', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', deregistrationDelaySeconds: 30, targets: ['i-1', 'i-2', 'i-3'] },
        { name: 'tg-b', deregistrationDelaySeconds: 45, targets: ['i-1:8080', 'i-2:8080'] }
      ],
      // Draining outlasts the delay, so the first describe (right after the delay) is too early.
      drainOverrunMs: 4 * SEC
    })
    const out = await world.run(settingsFor({ targetGroups: ['tg-a', 'tg-b'] }))

    expect(out.result).toBe('success')
    const batch1 = between(world.ok(), 'deregister tg-a i-1:80', 'deregister tg-a i-2:80')
    const drain = between(batch1, 'deregister', 'send deploy')
    expect(drain.filter((c) => c === 'describe tg-b').length).toBeGreaterThan(1)
    const t = (call: string) => world.callTimes[world.calls.indexOf(call)]!
    expect(t('send deploy i-1') - t('deregister tg-b i-1:8080')).toBeGreaterThanOrEqual(49 * SEC)
    expect(collapse(batch1)).toEqual([
      'deregister tg-a i-1:80',
      'deregister tg-b i-1:8080',
      'describe tg-a',
      'describe tg-b',
      'send deploy i-1',
      'list deploy-2',
      'send health i-1',
      'list health-3',
      'register tg-a i-1:80',
      'register tg-b i-1:8080',
      'describe tg-a',
      'describe tg-b',
      // batch 2 starts with its agents' ping
      'ping i-2'
    ])
    // i-3 is only in tg-a: it is never deregistered from tg-b.
    expect(world.callsFor('i-3').filter((c) => c.startsWith('deregister'))).toEqual([
      'deregister tg-a i-3:80'
    ])
    expect(world.violations).toEqual([])
  })

  it("waits on the batch's own targets, and reads the whole group only for capacity", async () => {
    const world = new FakeWorld({ groups: [{ name: 'web', targets: ids(10) }] })
    const out = await world.run(
      settingsFor({ targetGroups: ['web'], batchSize: [{ kind: 'count', value: 2 }] })
    )
    expect(out.result).toBe('success')
    const asked = new Set(world.describes.map((d) => d.targets ?? 'all'))
    // Every wait names its batch; nothing else is ever named.
    expect(asked).toEqual(
      new Set([
        'all',
        'i-1:80,i-2:80',
        'i-3:80,i-4:80',
        'i-5:80,i-6:80',
        'i-7:80,i-8:80',
        'i-9:80,i-10:80'
      ])
    )
    // Whole-group reads: discovery, then one read per batch (5) for the fleet and its capacity,
    // and one after the last batch (hosts that joined), never one per poll.
    const whole = world.describes.filter((d) => d.targets === undefined).length
    expect(whole).toBe(1 + 5 + 1)
  })

  it('drains a shared host from every group it is in and restores it to all of them', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', targets: ['i-1', 'i-2', 'i-3'] },
        { name: 'tg-b', targets: ['i-2:8080', 'i-2:8081', 'i-4:8080'] }
      ]
    })
    const out = await world.run(settingsFor({ targetGroups: ['tg-a', 'tg-b'] }))

    expect(out.result).toBe('success')
    expect(out.hosts.map((h) => h.instanceId)).toEqual(['i-1', 'i-2', 'i-3', 'i-4'])
    expect(out.hosts[1]!.memberships).toHaveLength(3)
    expect(world.callsFor('i-2').filter((c) => /^(de)?register/.test(c))).toEqual([
      'deregister tg-a i-2:80',
      'deregister tg-b i-2:8080,i-2:8081',
      'register tg-a i-2:80',
      'register tg-b i-2:8080,i-2:8081'
    ])
    // One deploy per host, never twice because it is in two groups.
    expect(world.sends.filter((s) => s.kind === 'deploy').map((s) => s.instanceIds)).toEqual([
      ['i-1'],
      ['i-2'],
      ['i-3'],
      ['i-4']
    ])
    for (const [g, id, port] of [
      ['tg-a', 'i-2', 80],
      ['tg-b', 'i-2', 8080],
      ['tg-b', 'i-2', 8081]
    ] as const) {
      expect(world.lbState(g, id, port)).toBe('healthy')
    }
  })

  it('sends no deploy to a host still draining after drain-timeout: it fails at drain and stays out', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', deregistrationDelaySeconds: 10, targets: ['i-1', 'i-2', 'i-3'] },
        { name: 'tg-b', deregistrationDelaySeconds: 60, targets: ['i-1:8080', 'i-3:8080'] }
      ],
      hosts: { 'i-1': { drainStuck: true } }
    })
    const out = await world.run(
      settingsFor({ targetGroups: ['tg-a', 'tg-b'], drainTimeoutMs: 1 * MIN })
    )

    expect(out.result).toBe('failed')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'drain' })
    expect(byHost(out)['i-1']!.reason).toMatch(/still draining .*after drain-timeout 1m/)
    expect(world.sends.filter((s) => s.kind === 'deploy')).toEqual([])
    expect(world.callsFor('i-1').some((c) => c.startsWith('register'))).toBe(false)
    expect(world.violations).toEqual([])
    // max-failures 0: nothing else was touched.
    expect(counts(out)).toMatchObject({ failed: 1, pending: 2 })
    expect(world.callsFor('i-2').filter((c) => c !== 'send health i-1,i-2,i-3')).toEqual([])
  })

  it('runs a batch of several hosts with one deploy command and judges each invocation', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ['i-1', 'i-2', 'i-3', 'i-4'] }],
      hosts: {
        'i-2': { deploy: { status: 'Undeliverable' } },
        'i-3': { deploy: { status: 'Failed', exitCode: 2, stderr: 'disk full' } }
      }
    })
    const out = await world.run(
      settingsFor({
        batchSize: [{ kind: 'count', value: 3 }],
        minHealthyPercent: 0,
        maxFailures: { kind: 'count', value: 2 }
      })
    )

    expect(world.sends.filter((s) => s.kind === 'deploy')[0]!.instanceIds).toEqual([
      'i-1',
      'i-2',
      'i-3'
    ])
    expect(byHost(out)).toMatchObject({
      'i-1': { state: 'deployed', batch: 1 },
      'i-2': { state: 'failed', step: 'command', batch: 1 },
      'i-3': { state: 'failed', step: 'command', batch: 1 },
      'i-4': { state: 'deployed', batch: 2 }
    })
    // Only the hosts that passed are checked and registered again.
    const batch1 = between(world.ok(), 'send deploy', 'deregister tg-a i-4:80')
    expect(batch1).toContain('send health i-1')
    expect(batch1).toContain('register tg-a i-1:80')
    expect(world.lbState('tg-a', 'i-2')).toBe('absent')
    expect(world.lbState('tg-a', 'i-3')).toBe('absent')
    expect(out.result).toBe('success')
  })

  it('the fake itself catches a deploy sent to a registered host', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ['i-1'] }] })
    await world.send(['i-1'], deploySpec(settingsFor()))
    expect(world.violations).toEqual(['deploy sent to i-1 while healthy in tg-a'])
  })
})

// min-drain (SPEC step 7.2, issue 17): a host's deploy starts no sooner than min-drain after its
// own last deregistration, whatever the deregistration delay; the drain wait ends at the later of
// "every membership out" and that floor. Also: the drain wait does not wait on a membership that
// is already out, and a drain-timeout below a delay is rejected before anything changes.

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
