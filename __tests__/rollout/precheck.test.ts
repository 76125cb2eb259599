import { describe, it, expect } from '@jest/globals'
import { FakeWorld, byHost, counts, ids, settingsFor } from '../support/fake-ports.js'
import type { FakeHost } from '../support/fake-ports.js'

/** Four hosts in two groups (i-1 shared); i-3 fails the pre-check in the way given. */
function worldFailingPrecheck(failing: Partial<FakeHost>) {
  return new FakeWorld({
    groups: [
      { name: 'tg-a', targets: ['i-1', 'i-2', 'i-3', 'i-4'] },
      { name: 'tg-b', targets: ['i-1:8080', 'i-2:8080'] }
    ],
    hosts: { 'i-3': failing }
  })
}

const FAILING: Array<[string, Partial<FakeHost>, RegExp]> = [
  [
    'unhealthy in the load balancer',
    { http: 500 },
    /^load balancer reports unhealthy in tg-a port 80 \(Target.ResponseCodeMismatch\)$/
  ],
  [
    'healthy in the load balancer but failing its health check on the host',
    { http: 503, lbCheck: 'pass' },
    /^pre-check: http:\/\/127.0.0.1:80\/health answered HTTP 503$/
  ],
  [
    'unreachable through SSM',
    { ping: 'ConnectionLost' },
    /^pre-check: health check could not run on the host \(SSM Undeliverable\)$/
  ]
]

describe('pre-check with skip-unhealthy: true', () => {
  it.each(FAILING)(
    'skips a host %s and leaves it exactly as it was',
    async (_name, failing, reason) => {
      const world = worldFailingPrecheck(failing)
      const stateBefore = world.lbState('tg-a', 'i-3')
      const out = await world.run(settingsFor({ targetGroups: ['tg-a', 'tg-b'] }))

      expect(out.result).toBe('success')
      expect(byHost(out)['i-3']).toMatchObject({ state: 'skipped', step: 'precheck', batch: null })
      expect(byHost(out)['i-3']!.reason).toMatch(reason)
      expect(counts(out)).toMatchObject({ deployed: 3, skipped: 1, failed: 0 })
      // Never deregistered, never sent a deploy: at most read.
      expect(world.callsFor('i-3').every((c) => c.startsWith('send health i-1,'))).toBe(true)
      expect(world.sends.filter((s) => s.kind === 'deploy').flatMap((s) => s.instanceIds)).toEqual([
        'i-1',
        'i-2',
        'i-4'
      ])
      expect(world.lbState('tg-a', 'i-3')).toBe(stateBefore)
    }
  )
})

describe('pre-check with skip-unhealthy: false', () => {
  it.each(FAILING)('stops before any change when a host is %s', async (_name, failing) => {
    const world = worldFailingPrecheck(failing)
    const out = await world.run(
      settingsFor({ targetGroups: ['tg-a', 'tg-b'], skipUnhealthy: false })
    )

    expect(out.result).toBe('failed')
    expect(out.reason).toMatch(
      /1 host\(s\) failed the pre-check and skip-unhealthy is false; nothing was changed/
    )
    expect(world.mutations()).toEqual([])
    // The only command is the pre-check's health reading.
    expect(world.sends.map((s) => s.kind)).toEqual(['health'])
    expect(byHost(out)['i-3']).toMatchObject({ state: 'skipped', step: 'precheck' })
    expect(counts(out)).toMatchObject({ pending: 3, deployed: 0 })
  })
})

describe('dry-run', () => {
  it('plans, reads only, and runs nothing on the hosts', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', targets: ids(6) },
        { name: 'tg-b', targets: ['i-1:8080', 'i-2:8080'] }
      ]
    })
    const out = await world.run(
      settingsFor({
        targetGroups: ['tg-a', 'tg-b'],
        dryRun: true,
        batchSize: [
          { kind: 'count', value: 1 },
          { kind: 'percent', value: 50 }
        ]
      })
    )

    expect(out.result).toBe('dry-run')
    expect(world.mutations()).toEqual([])
    expect(world.sends).toEqual([])
    expect(world.ok()).toEqual([
      'resolve tg-a,tg-b',
      'describe tg-a',
      'describe tg-b',
      'ping i-1,i-2,i-3,i-4,i-5,i-6'
    ])
    // 6 hosts, 50% must stay in service: batches of 1 then at most 3.
    expect(out.hosts.map((h) => [h.instanceId, h.state, h.batch])).toEqual([
      ['i-1', 'pending', 1],
      ['i-2', 'pending', 2],
      ['i-3', 'pending', 2],
      ['i-4', 'pending', 2],
      ['i-5', 'pending', 3],
      ['i-6', 'pending', 3]
    ])
    expect(world.logLines).toContain('info: batch 2: i-2, i-3, i-4')
  })

  it('skips hosts whose SSM agent is not online, from its ping status', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ids(4) }],
      hosts: { 'i-2': { ping: 'ConnectionLost' }, 'i-4': { ping: 'Unknown' } }
    })
    const out = await world.run(settingsFor({ dryRun: true }))

    expect(out.result).toBe('dry-run')
    expect(byHost(out)).toMatchObject({
      'i-1': { state: 'pending', batch: 1 },
      'i-2': { state: 'skipped', batch: null, reason: 'SSM agent is ConnectionLost' },
      'i-3': { state: 'pending', batch: 2 },
      'i-4': { state: 'skipped', reason: 'not a managed instance in SSM (no agent ping)' }
    })
    expect(world.sends).toEqual([])
    expect(world.mutations()).toEqual([])
  })
})
