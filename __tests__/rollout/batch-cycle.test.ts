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
      'describe tg-b'
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
        { name: 'tg-b', deregistrationDelaySeconds: 300, targets: ['i-1:8080', 'i-3:8080'] }
      ]
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
