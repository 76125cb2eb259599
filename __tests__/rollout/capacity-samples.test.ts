import { describe, it, expect } from '@jest/globals'
import { FakeWorld, settingsFor } from '../support/fake-ports.js'

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
