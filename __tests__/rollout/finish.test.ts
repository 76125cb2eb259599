import { describe, it, expect } from '@jest/globals'
import { FakeWorld, byHost, counts, settingsFor } from '../support/fake-ports.js'

describe('final check', () => {
  it('fails a deployed host that no longer reports expected-version at the end', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ['i-1', 'i-2', 'i-3'] }] })
    // Someone reverts i-1 while i-3 deploys.
    world.when('send deploy i-3', () => (world.host('i-1').version = 'v1'))
    const out = await world.run(settingsFor({ expectedVersion: 'v2' }))

    expect(out.result).toBe('failed')
    expect(byHost(out)).toMatchObject({
      'i-1': { state: 'failed', step: 'final-check' },
      'i-2': { state: 'deployed', step: 'done' },
      'i-3': { state: 'deployed', step: 'done' }
    })
    expect(byHost(out)['i-1']!.reason).toMatch(/reports version v1, expected v2/)
    expect(out.hosts[0]!.version).toBe('v1')
    // The final check reads every deployed host after the last batch.
    const last = world.ok().lastIndexOf('register tg-a i-3:80')
    expect(world.ok().slice(last)).toContain('send health i-1,i-2,i-3')
  })

  it('tolerates a final-check failure within max-failures', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ['i-1', 'i-2', 'i-3'] }] })
    world.when('send deploy i-3', () => (world.host('i-1').version = 'v1'))
    const out = await world.run(
      settingsFor({ expectedVersion: 'v2', maxFailures: { kind: 'count', value: 1 } })
    )
    expect(out.result).toBe('success')
    expect(counts(out)).toMatchObject({ deployed: 2, failed: 1 })
  })

  it('is skipped without expected-version', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ['i-1', 'i-2'] }] })
    const out = await world.run(settingsFor())
    expect(out.result).toBe('success')
    expect(world.ok().at(-1)).toMatch(/^describe/)
  })
})

describe('a run that skipped hosts and deployed none', () => {
  it('ends failed with nothing changed, naming how many were skipped and the commonest reason', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ['i-1', 'i-2', 'i-3'] }],
      hosts: { 'i-1': { http: 500 }, 'i-2': { http: 500 }, 'i-3': { ping: 'ConnectionLost' } }
    })
    const out = await world.run(settingsFor())

    expect(out.result).toBe('failed')
    expect(out.reason).toMatch(/^3 host\(s\) skipped and none deployed: nothing was rolled out/)
    expect(out.reason).toMatch(/\(2 of 3\): load balancer reports unhealthy in tg-a/)
    expect(counts(out)).toMatchObject({ skipped: 3, deployed: 0 })
    expect(world.mutations()).toEqual([])
    expect(world.sends.map((s) => s.kind)).toEqual(['health'])
  })

  it('still succeeds when one host was deployed beside the skipped ones', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ['i-1', 'i-2', 'i-3', 'i-4'] }],
      hosts: { 'i-1': { http: 500 } }
    })
    const out = await world.run(settingsFor())
    expect({ result: out.result, reason: out.reason }).toEqual({
      result: 'success',
      reason: undefined
    })
    expect(counts(out)).toMatchObject({ skipped: 1, deployed: 3 })
  })
})
