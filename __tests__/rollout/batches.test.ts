// The batches (src/rollout/batches.ts): one after another, each with its own cycle, and the
// failure budget (max-failures) looked at between them: the run stops before a batch once
// failures exceed it, and the hosts it never reached stay as they were.

import { describe, it, expect } from '@jest/globals'
import { FakeWorld, byHost, counts, ids, settingsFor } from '../support/fake-ports.js'
import type { FakeHost } from '../support/fake-ports.js'

const failing: Partial<FakeHost> = { deploy: { status: 'Failed', exitCode: 1, stderr: 'boom' } }

function fleet(n: number, failingHosts: string[]) {
  return new FakeWorld({
    groups: [{ name: 'tg-a', targets: ids(n) }],
    hosts: Object.fromEntries(failingHosts.map((id) => [id, failing]))
  })
}

/** The hosts the run never reached: still pending, registered and healthy, never touched. */
function expectUntouched(
  world: FakeWorld,
  out: Awaited<ReturnType<FakeWorld['run']>>,
  hosts: string[]
) {
  expect(hosts.length).toBeGreaterThan(0)
  for (const id of hosts) {
    expect(byHost(out)[id]).toMatchObject({ state: 'pending', step: 'plan' })
    expect(world.lbState('tg-a', id)).toBe('healthy')
    // The only call naming it is the pre-check's health reading of the whole fleet.
    const calls = world.callsFor(id)
    expect(calls.length).toBeGreaterThan(0)
    expect(calls.filter((c) => !c.startsWith('send health i-1,'))).toEqual([])
  }
}

describe('max-failures', () => {
  it('as a count: stops once failures exceed it; hosts not reached stay pending and in service', async () => {
    const world = fleet(5, ['i-1', 'i-2'])
    const out = await world.run(settingsFor({ maxFailures: { kind: 'count', value: 1 } }))

    expect(out.result).toBe('failed')
    expect(out.reason).toBe('2 host(s) failed, more than max-failures (1)')
    expect(byHost(out)).toMatchObject({
      'i-1': { state: 'failed', step: 'command', batch: 1 },
      'i-2': { state: 'failed', step: 'command', batch: 2 }
    })
    expectUntouched(world, out, ['i-3', 'i-4', 'i-5'])
    expect(counts(out)).toEqual({
      deployed: 0,
      failed: 2,
      skipped: 0,
      pending: 3,
      'rolled-back': 0
    })
  })

  it('as a percent of the fleet: 20% of 10 tolerates 2, the third failure stops the run', async () => {
    const world = fleet(10, ['i-1', 'i-3', 'i-4'])
    const out = await world.run(settingsFor({ maxFailures: { kind: 'percent', value: 20 } }))

    expect(out.result).toBe('failed')
    expect(out.reason).toBe('3 host(s) failed, more than max-failures (2)')
    expect(byHost(out)).toMatchObject({
      'i-1': { state: 'failed' },
      'i-2': { state: 'deployed' },
      'i-3': { state: 'failed' },
      'i-4': { state: 'failed' }
    })
    expectUntouched(world, out, ids(10).slice(4))
  })

  it('the batch in flight finishes its cycle: its healthy hosts are restored and deployed', async () => {
    const world = fleet(6, ['i-2'])
    const out = await world.run(
      settingsFor({ batchSize: [{ kind: 'count', value: 3 }], minHealthyPercent: 0 })
    )
    expect(out.result).toBe('failed')
    expect(byHost(out)).toMatchObject({
      'i-1': { state: 'deployed', step: 'done' },
      'i-2': { state: 'failed', step: 'command' },
      'i-3': { state: 'deployed', step: 'done' }
    })
    expect(world.lbState('tg-a', 'i-1')).toBe('healthy')
    expect(world.lbState('tg-a', 'i-3')).toBe('healthy')
    expectUntouched(world, out, ['i-4', 'i-5', 'i-6'])
  })

  it('failures within max-failures leave the result success, with a warning', async () => {
    const world = fleet(4, ['i-2'])
    const out = await world.run(settingsFor({ maxFailures: { kind: 'count', value: 1 } }))

    expect(out.result).toBe('success')
    expect(out.reason).toBeUndefined()
    expect(counts(out)).toMatchObject({ deployed: 3, failed: 1, pending: 0 })
    expect(byHost(out)['i-2']).toMatchObject({ state: 'failed', step: 'command' })
    // The failed host stays out; the others are back.
    expect(world.lbState('tg-a', 'i-2')).toBe('absent')
    expect(['i-1', 'i-3', 'i-4'].map((id) => world.lbState('tg-a', id))).toEqual([
      'healthy',
      'healthy',
      'healthy'
    ])
    expect(world.logLines).toContain('warning: 1 host(s) failed, within max-failures (1)')
  })
})

describe('batches', () => {
  it('run one after another: a batch is taken out only once the one before it is back in', async () => {
    const world = fleet(3, [])
    const out = await world.run(settingsFor({ batchSize: [{ kind: 'count', value: 1 }] }))
    expect(out.result).toBe('success')
    const changes = world.mutations().filter((c) => /^(de)?register /.test(c))
    expect(changes).toEqual([
      'deregister tg-a i-1:80',
      'register tg-a i-1:80',
      'deregister tg-a i-2:80',
      'register tg-a i-2:80',
      'deregister tg-a i-3:80',
      'register tg-a i-3:80'
    ])
    expect(out.batches.map((b) => b.instanceIds)).toEqual([['i-1'], ['i-2'], ['i-3']])
    expect(Object.entries(byHost(out)).map(([id, h]) => [id, h.batch, h.state])).toEqual([
      ['i-1', 1, 'deployed'],
      ['i-2', 2, 'deployed'],
      ['i-3', 3, 'deployed']
    ])
  })

  it('grow as batch-size asks, step by step (1, then 2, then the rest)', async () => {
    const world = fleet(6, [])
    const out = await world.run(
      settingsFor({
        batchSize: [
          { kind: 'count', value: 1 },
          { kind: 'count', value: 2 },
          { kind: 'count', value: 3 }
        ],
        minHealthyPercent: 0
      })
    )
    expect(out.batches.map((b) => b.instanceIds.length)).toEqual([1, 2, 3])
    expect(counts(out)).toMatchObject({ deployed: 6 })
  })
})
