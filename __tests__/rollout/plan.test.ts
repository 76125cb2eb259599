import { describe, it, expect } from '@jest/globals'
import fc from 'fast-check'
import {
  batchCount,
  batchSizeAt,
  capacityAllowance,
  minInService,
  pickBatch,
  planBatches
} from '../../src/rollout/plan.js'
import type { Amount } from '../../src/settings.js'
import { ids } from '../support/fake-ports.js'

const count = (value: number): Amount => ({ kind: 'count', value })
const pct = (value: number): Amount => ({ kind: 'percent', value })
const sizes = (plan: { batches: string[][] }) => plan.batches.map((b) => b.length)

describe('planBatches', () => {
  // min-healthy-percent 0: the capacity guard never makes a batch smaller here.
  it.each<[string, Amount[], number, number[]]>([
    ['1', [count(1)], 4, [1, 1, 1, 1]],
    ['3', [count(3)], 7, [3, 3, 1]],
    ['3 on a fleet of 2', [count(3)], 2, [2]],
    ['25% of 10 (2.5 rounds up)', [pct(25)], 10, [3, 3, 3, 1]],
    ['25% of 3 (at least 1)', [pct(25)], 3, [1, 1, 1]],
    ['1, 10%, 50% of 20: the last entry repeats', [count(1), pct(10), pct(50)], 20, [1, 2, 10, 7]],
    ['1, 10%, 50% of 5', [count(1), pct(10), pct(50)], 5, [1, 1, 3]],
    ['100%', [pct(100)], 51, [51]]
  ])('batch-size %s', (_name, batchSize, fleet, expected) => {
    const plan = planBatches(batchSize, ids(fleet), fleet, 0)
    expect(sizes(plan)).toEqual(expected)
    expect(plan.batches.flat()).toEqual(ids(fleet))
    expect(plan.notes).toEqual([])
  })

  it('makes batches smaller so that min-healthy-percent of the fleet stays in service', () => {
    // 10 hosts, 70%: 7 must stay, so at most 3 out at once.
    const plan = planBatches([pct(50)], ids(10), 10, 70)
    expect(plan.minInService).toBe(7)
    expect(sizes(plan)).toEqual([3, 3, 3, 1])
    expect(plan.notes[0]).toMatch(
      /batch 1: 3 instead of 5 host\(s\), so that 7 of 10 stay in service/
    )
  })

  it('counts skipped hosts in the fleet but not in the allowance when they are out of service', () => {
    // 4 hosts, one skipped and unhealthy: 3 eligible, 3 in service, 50% of 4 = 2 must stay.
    const plan = planBatches([count(2)], ['i-1', 'i-2', 'i-3'], 4, 50, 3)
    expect(plan.minInService).toBe(2)
    expect(sizes(plan)).toEqual([1, 1, 1])
  })

  it('says so when no host can be taken out at all', () => {
    const plan = planBatches([count(1)], ids(3), 4, 75, 3)
    expect(sizes(plan)).toEqual([1, 1, 1])
    expect(plan.notes.join('\n')).toMatch(
      /only 3 host\(s\) are in service and 3 must stay in service/
    )
  })

  it('plans nothing for an empty list of eligible hosts', () => {
    expect(planBatches([count(1)], [], 3, 50).batches).toEqual([])
  })

  it('every plan covers each eligible host once, in order, within batch-size and the guard', () => {
    const amount = fc.oneof(
      fc.integer({ min: 1, max: 60 }).map(count),
      fc.integer({ min: 1, max: 100 }).map(pct)
    )
    fc.assert(
      fc.property(
        fc.array(amount, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 100 }),
        (batchSize, fleet, minHealthy) => {
          const plan = planBatches(batchSize, ids(fleet), fleet, minHealthy)
          expect(plan.batches.flat()).toEqual(ids(fleet))
          const allowance = fleet - minInService(minHealthy, fleet)
          plan.batches.forEach((b, i) => {
            expect(b.length).toBeGreaterThanOrEqual(1)
            expect(b.length).toBeLessThanOrEqual(batchSizeAt(batchSize, i, fleet))
            if (allowance >= 1) expect(b.length).toBeLessThanOrEqual(allowance)
          })
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe('batchSizeAt', () => {
  it('repeats the last entry and rounds percents up, never below 1', () => {
    const list = [count(1), pct(10), pct(50)]
    expect([0, 1, 2, 3, 9].map((i) => batchSizeAt(list, i, 20))).toEqual([1, 2, 10, 10, 10])
    expect(batchSizeAt([pct(1)], 0, 3)).toBe(1)
  })
})

describe('minInService and capacityAllowance', () => {
  it.each([
    [50, 4, 2],
    [50, 5, 3],
    [0, 10, 0],
    [100, 7, 7],
    [75, 4, 3],
    [33, 10, 4]
  ])('%d%% of %d hosts is %d', (percent, fleet, min) => {
    expect(minInService(percent, fleet)).toBe(min)
  })

  it('allows what is in service beyond the minimum', () => {
    expect(capacityAllowance(4, 3)).toBe(1)
    expect(capacityAllowance(3, 3)).toBe(0)
  })
})

describe('the capacity guard per target group', () => {
  // tg-b serves from i-1 and i-2 only: 50% of 2 = 1 must stay.
  const tgB = { name: 'tg-b', members: ['i-1', 'i-2'], inService: 2 }

  it('never takes out together the hosts a group needs', () => {
    expect(pickBatch(['i-1', 'i-2', 'i-3'], 2, [tgB], 50)).toEqual({
      picked: ['i-1', 'i-3'],
      blocked:
        'taking out i-2 would leave tg-b with 0 of 2 host(s) in service, 1 must stay in service (min-healthy-percent 50)'
    })
  })

  it('blocks the only host of a group unless min-healthy-percent is 0', () => {
    const alone = { name: 'tg-c', members: ['i-4'], inService: 1 }
    expect(pickBatch(['i-4'], 1, [alone], 1).picked).toEqual([])
    expect(pickBatch(['i-4'], 1, [alone], 0).picked).toEqual(['i-4'])
  })

  it('plans around it, and says so', () => {
    const plan = planBatches([count(2)], ids(4), 4, 50, 4, [tgB])
    expect(plan.batches).toEqual([
      ['i-1', 'i-3'],
      ['i-2', 'i-4']
    ])
    expect(plan.notes).toEqual([])
    const alone = planBatches([count(1)], ids(3), 3, 50, 3, [
      { name: 'tg-c', members: ['i-3'], inService: 1 }
    ])
    expect(alone.batches).toEqual([['i-1'], ['i-2'], ['i-3']])
    expect(alone.notes).toEqual([
      'batch 3: taking out i-3 would leave tg-c with 0 of 1 host(s) in service, 1 must stay in service (min-healthy-percent 50); tg-c has too few hosts to take any out at this min-healthy-percent: add hosts, or set min-healthy-percent: 0 to accept it going dark; the run will wait for capacity to recover'
    ])
  })
})

describe('batchCount', () => {
  it('counts the batches planBatches makes of a fleet all in service, without naming hosts', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 1, max: 12 }).map(count),
            fc.integer({ min: 1, max: 100 }).map(pct)
          ),
          {
            minLength: 1,
            maxLength: 4
          }
        ),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 100 }),
        (asked, hosts, minHealthy) => {
          const planned = planBatches(asked, ids(hosts), hosts, minHealthy).batches.length
          expect(batchCount(asked, hosts, minHealthy)).toBe(planned)
        }
      )
    )
  })

  it('is one host per batch when min-healthy-percent leaves no room', () => {
    expect(batchCount([count(5)], 4, 100)).toBe(4)
    expect(batchCount([count(5)], 10, 0)).toBe(2)
  })
})
