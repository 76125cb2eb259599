// Hosts of one batch return one by one (SPEC step 7.5, issue 12 item 3), while the load balancer
// is still asked once per pool per look and the agents once per batch.

import { describe, it, expect } from '@jest/globals'
import { FakeWorld, SEC, byHost, settingsFor } from '../support/fake-ports.js'

const at = (world: FakeWorld, call: string): number => {
  const i = world.calls.indexOf(call)
  expect(i).toBeGreaterThanOrEqual(0)
  return world.callTimes[i]!
}

describe('hosts return one by one', () => {
  it('registers a fast host back while its batch mate still deploys', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', deregistrationDelaySeconds: 5, targets: ['i-1', 'i-2'] }],
      hosts: {
        'i-1': { deploy: { durationMs: 5 * SEC } },
        'i-2': { deploy: { durationMs: 60 * SEC } }
      }
    })
    const journal: Array<{ at: number; i1: string; i2: string }> = []
    const out = await world.run(
      settingsFor({
        targetGroups: ['tg-a'],
        minHealthyPercent: 0,
        batchSize: [{ kind: 'count', value: 2 }]
      }),
      {
        onChange: (hosts) =>
          journal.push({
            at: world.clock.now(),
            i1: `${hosts[0]!.state}/${hosts[0]!.step}`,
            i2: `${hosts[1]!.state}/${hosts[1]!.step}`
          })
      }
    )
    expect(out.result).toBe('success')
    // One SendCommand for both; i-1 is verified and registered back long before i-2's deploy ends.
    expect(world.sends.filter((s) => s.kind === 'deploy').map((s) => s.instanceIds)).toEqual([
      ['i-1', 'i-2']
    ])
    const sent = at(world, 'send deploy i-1,i-2')
    expect(at(world, 'register tg-a i-1:80') - sent).toBeLessThan(10 * SEC)
    expect(at(world, 'register tg-a i-2:80') - sent).toBeGreaterThanOrEqual(60 * SEC)
    // The journal saw i-1 deployed while i-2 was still at its command.
    expect(journal.some((j) => j.i1 === 'deployed/done' && j.i2 === 'pending/command')).toBe(true)
    expect(byHost(out)['i-1']).toMatchObject({ state: 'deployed', step: 'done' })
    expect(byHost(out)['i-2']).toMatchObject({ state: 'deployed', step: 'done' })
    // Every look at the load balancer is one describe per pool, never one per host.
    const restore = world.describes.filter((d) => d.targets !== undefined)
    expect(restore.length).toBeGreaterThan(0)
    for (const d of restore) expect(d.group).toBe('tg-a')
    expect(world.violations).toEqual([])
    // The timeline: i-1 back in service (capacity 1 of 2) before the batch ends.
    const b = out.batches[0]!
    const back = out.capacity.find((c) => c.at > sent && c.inService === 1)
    expect(back).toBeDefined()
    expect(back!.at).toBeLessThan(b.finishedAt! - 30 * SEC)
    expect(b.phases.map((p) => p.phase)).toEqual(['drain', 'command', 'verify', 'restore'])
  })

  it('skips a host whose SSM agent is not Online before its drain, and leaves it registered', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ['i-1', 'i-2', 'i-3'] }]
    })
    // Online at the pre-check; the agent is lost before batch 2 (i-2) starts.
    world.when('deregister tg-a i-1:80', () => {
      world.host('i-2').ping = 'ConnectionLost'
    })
    const out = await world.run(settingsFor({ targetGroups: ['tg-a'], minHealthyPercent: 0 }))
    expect(byHost(out)['i-2']).toMatchObject({ state: 'skipped', step: 'drain' })
    expect(byHost(out)['i-2']!.reason).toMatch(/SSM agent is ConnectionLost/)
    expect(world.callsFor('i-2').filter((c) => /^(deregister|send deploy)/.test(c))).toEqual([])
    expect(world.lbState('tg-a', 'i-2')).toBe('healthy')
    // One ping per batch, before its drain.
    expect(world.calls.filter((c) => c.startsWith('ping'))).toEqual([
      'ping i-1',
      'ping i-2',
      'ping i-3'
    ])
    expect(byHost(out)['i-3']).toMatchObject({ state: 'deployed' })
  })
})
