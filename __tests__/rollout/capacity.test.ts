import { describe, it, expect } from '@jest/globals'
import { FakeWorld, MIN, byHost, counts, ids, settingsFor } from '../support/fake-ports.js'

/** How many hosts the load balancer called healthy in every group, at every call of the run. */
function inServiceAtEachCall(world: FakeWorld, hosts: string[]): number[] {
  const samples: number[] = []
  world.when(
    () => true,
    () => samples.push(hosts.filter((id) => world.lbState('tg-a', id) === 'healthy').length),
    false
  )
  return samples
}

describe('capacity guard', () => {
  it('makes batches smaller so that min-healthy-percent stays in service all the time', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ids(4) }] })
    const samples = inServiceAtEachCall(world, ids(4))
    const out = await world.run(
      settingsFor({ batchSize: [{ kind: 'count', value: 2 }], minHealthyPercent: 75 })
    )

    expect(out.result).toBe('success')
    expect(out.minInService).toBe(3)
    expect(out.batches.map((b) => b.instanceIds)).toEqual([['i-1'], ['i-2'], ['i-3'], ['i-4']])
    expect(Math.min(...samples)).toBe(3)
    expect(world.logLines.join('\n')).toMatch(
      /batch 1: 1 instead of 2 host\(s\), so that 3 of 4 stay in service/
    )
  })

  it('takes failed hosts into account: a failure shrinks the next batches', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ids(6) }],
      hosts: { 'i-1': { deploy: { status: 'Failed' } } }
    })
    const samples = inServiceAtEachCall(world, ids(6))
    const out = await world.run(
      settingsFor({
        batchSize: [{ kind: 'count', value: 3 }],
        minHealthyPercent: 50,
        maxFailures: { kind: 'count', value: 1 }
      })
    )
    expect(out.result).toBe('success')
    // 3 must stay in service. i-1 fails and stays out, so only 2 can go next, then the last one.
    expect(out.batches.map((b) => b.instanceIds)).toEqual([
      ['i-1', 'i-2', 'i-3'],
      ['i-4', 'i-5'],
      ['i-6']
    ])
    expect(Math.min(...samples)).toBe(3)
  })

  it('waits for capacity to recover up to health-timeout, then fails without changing anything', async () => {
    // i-4 failed its pre-check (skipped); 75% of 4 = 3 must stay in service, and only 3 are.
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ids(4) }],
      hosts: { 'i-4': { http: 500 } }
    })
    const out = await world.run(settingsFor({ minHealthyPercent: 75, healthTimeoutMs: 4 * MIN }))

    expect(out.result).toBe('failed')
    expect(out.reason).toMatch(
      /^capacity guard: 3 of 4 host\(s\) in service, 3 must stay in service \(min-healthy-percent 75\); none recovered within health-timeout 4m$/
    )
    expect(world.mutations()).toEqual([])
    expect(byHost(out)).toMatchObject({
      'i-1': { state: 'pending' },
      'i-2': { state: 'pending' },
      'i-3': { state: 'pending' },
      'i-4': { state: 'skipped', step: 'precheck' }
    })
    // It kept looking for the whole health-timeout, on virtual time.
    const describes = world.calls
      .map((c, i) => [c, world.callTimes[i]!] as const)
      .filter(([c]) => c === 'describe tg-a')
    expect(describes.length).toBeGreaterThan(5)
    expect(describes.at(-1)![1] - describes[1]![1]).toBeGreaterThanOrEqual(4 * MIN)
  })

  it('goes on once capacity recovers, a skipped host included', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ids(4) }],
      hosts: { 'i-4': { http: 500 } }
    })
    const start = world.clock.now()
    world.when(
      () => world.clock.now() >= start + 2 * MIN,
      () => (world.host('i-4').http = 200)
    )
    const out = await world.run(settingsFor({ minHealthyPercent: 75, healthTimeoutMs: 4 * MIN }))

    expect(out.result).toBe('success')
    expect(counts(out)).toMatchObject({ deployed: 3, skipped: 1 })
    expect(world.callTimes[world.calls.indexOf('deregister tg-a i-1:80')]!).toBeGreaterThanOrEqual(
      start + 2 * MIN
    )
  })

  it('skips a host that turned unhealthy after the pre-check instead of taking it out', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ids(4) }] })
    world.when('send deploy i-1', () => (world.host('i-3').http = 500))
    const out = await world.run(settingsFor({ minHealthyPercent: 25 }))

    expect(out.result).toBe('success')
    expect(byHost(out)['i-3']).toMatchObject({ state: 'skipped', step: 'capacity', batch: null })
    expect(byHost(out)['i-3']!.reason).toMatch(/^before batch 2: load balancer reports unhealthy/)
    expect(world.callsFor('i-3').filter((c) => !c.startsWith('send health i-1,'))).toEqual([])
  })

  it('never leaves a target group without min-healthy-percent of its own hosts', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', targets: ids(4) },
        { name: 'tg-b', targets: ['i-1:8080', 'i-2:8080'] }
      ]
    })
    const tgB: number[] = []
    world.when(
      () => true,
      () =>
        tgB.push(
          ['i-1', 'i-2'].filter((id) => world.lbState('tg-b', id, 8080) === 'healthy').length
        ),
      false
    )
    const out = await world.run(
      settingsFor({ targetGroups: ['tg-a', 'tg-b'], batchSize: [{ kind: 'count', value: 2 }] })
    )

    expect(out.result).toBe('success')
    expect(out.batches.map((b) => b.instanceIds)).toEqual([
      ['i-1', 'i-3'],
      ['i-2', 'i-4']
    ])
    expect(Math.min(...tgB)).toBe(1)
  })

  it('stops rather than take the only host of a target group out of it', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', targets: ids(4) },
        { name: 'tg-b', targets: ['i-4:8080'] }
      ]
    })
    const out = await world.run(
      settingsFor({ targetGroups: ['tg-a', 'tg-b'], healthTimeoutMs: 2 * MIN })
    )

    expect(out.result).toBe('failed')
    expect(out.reason).toBe(
      'capacity guard: taking out i-4 would leave tg-b with 0 of 1 host(s) in service, 1 must stay in service (min-healthy-percent 50); tg-b has too few hosts to take any out at this min-healthy-percent: add hosts, or set min-healthy-percent: 0 to accept it going dark; none recovered within health-timeout 2m'
    )
    expect(counts(out)).toMatchObject({ deployed: 3, pending: 1 })
    expect(world.callsFor('i-4').filter((c) => !c.startsWith('send health i-1,'))).toEqual([])
    expect(world.lbState('tg-b', 'i-4', 8080)).toBe('healthy')
  })

  it('takes it out with min-healthy-percent 0', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', targets: ids(4) },
        { name: 'tg-b', targets: ['i-4:8080'] }
      ]
    })
    const out = await world.run(
      settingsFor({ targetGroups: ['tg-a', 'tg-b'], minHealthyPercent: 0 })
    )
    expect(out.result).toBe('success')
    expect(counts(out).deployed).toBe(4)
  })
})

describe('capacity over time', () => {
  it('records the dip while a batch is out and the recovery after it', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ['i-1', 'i-2', 'i-3', 'i-4'] }]
    })
    const out = await world.run(
      settingsFor({ targetGroups: ['tg-a'], batchSize: [{ kind: 'count', value: 2 }] })
    )
    expect(out.result).toBe('success')
    const levels = out.capacity.map((s) => s.inService)
    // Two batches of two: 4 in service, 2 while each batch is out, 4 again at the end.
    expect(Math.min(...levels)).toBe(2)
    expect(levels.at(-1)).toBe(4)
    expect(levels.filter((n) => n === 2).length).toBeGreaterThanOrEqual(2)
    // Samples are in time order, never below the guard's minimum.
    const times = out.capacity.map((s) => s.at)
    expect([...times].sort((a, b) => a - b)).toEqual(times)
    expect(levels.every((n) => n >= out.minInService)).toBe(true)
  })
})
