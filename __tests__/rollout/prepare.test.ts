// prepare(): everything before the first batch (discover, alarms, lock, pre-check, plan), on the
// fake world. Nothing on a host may change here.

import { describe, expect, it } from '@jest/globals'
import { prepare } from '../../src/rollout/prepare.js'
import { FakeWorld, settingsFor } from '../support/fake-ports.js'

const world = () =>
  new FakeWorld({
    groups: [
      { name: 'tg-a', targets: ['i-1', 'i-2', 'i-3'] },
      { name: 'tg-b', targets: ['i-3:8080', 'i-4:8080'] }
    ]
  })

const changes = (calls: string[]) =>
  calls.filter((c) => /^(deregister|register|send deploy|send rollback)/.test(c))

describe('prepare', () => {
  it('plans every host into batches and hands back a context for the batches, changing nothing', async () => {
    const w = world()
    const locked: string[] = []
    const { ctx, done } = await w.clock.run(() =>
      prepare(
        settingsFor({ targetGroups: ['tg-a', 'tg-b'], minHealthyPercent: 50 }),
        w.deps({ lock: async (pools) => void locked.push(...pools.map((p) => p.name)) })
      )
    )
    expect(done).toBeUndefined()
    expect(ctx.pools.map((p) => p.name)).toEqual(['tg-a', 'tg-b'])
    expect(ctx.ledger.records.map((h) => [h.instanceId, h.state, h.step, h.batch])).toEqual([
      ['i-1', 'pending', 'plan', 1],
      ['i-2', 'pending', 'plan', 2],
      ['i-3', 'pending', 'plan', 3],
      ['i-4', 'pending', 'plan', 4]
    ])
    expect(ctx.minInService).toBe(2)
    expect(locked).toEqual(['tg-a', 'tg-b'])
    expect(changes(w.calls)).toEqual([])
  })

  it('ends a dry run with its outcome after the plan: no lock, no change', async () => {
    const w = world()
    let locks = 0
    const { done } = await w.clock.run(() =>
      prepare(
        settingsFor({ targetGroups: ['tg-a', 'tg-b'], dryRun: true }),
        w.deps({ lock: async () => void locks++ })
      )
    )
    expect(done?.result).toBe('dry-run')
    expect(done?.hosts.every((h) => h.state === 'pending' && h.batch !== null)).toBe(true)
    expect(done?.hosts).toHaveLength(4)
    expect(locks).toBe(0)
    expect(changes(w.calls)).toEqual([])
  })
})
