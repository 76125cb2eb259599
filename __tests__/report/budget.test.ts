import { describe, it, expect } from '@jest/globals'
import { SUMMARY_LIMIT_BYTES, bytes, fitToBudget } from '../../src/report/budget.js'

describe('fitToBudget', () => {
  const render = (n: number) => 'x'.repeat(n)

  it('takes everything when the budget is unbounded', () => {
    expect(
      fitToBudget([1, 2, 3], render, { usedBytes: 0, budgetBytes: Infinity, separatorBytes: 1 })
    ).toEqual({ texts: ['x', 'xx', 'xxx'], leftOut: 0 })
  })

  it('keeps 200 bytes free after the last item for the note that follows', () => {
    // 100 + 200 fits 300; the next 100 would need 100 + 1 + 100 + 200 = 401.
    const budget = { usedBytes: 0, budgetBytes: 300, separatorBytes: 1 }
    expect(fitToBudget([100, 100, 100], render, budget)).toEqual({
      texts: [render(100)],
      leftOut: 2
    })
    expect(fitToBudget([100, 100], render, { ...budget, budgetBytes: 401 }).leftOut).toBe(0)
    expect(fitToBudget([100, 100], render, { ...budget, budgetBytes: 400 }).leftOut).toBe(1)
  })

  it('counts bytes already used and the separator between items', () => {
    const budget = { usedBytes: 50, budgetBytes: 50 + 10 + 2 + 10 + 200, separatorBytes: 2 }
    expect(fitToBudget([10, 10], render, budget).leftOut).toBe(0)
    expect(fitToBudget([10, 10], render, { ...budget, separatorBytes: 3 }).leftOut).toBe(1)
  })

  it('stops at the first item that does not fit, even if a later one would', () => {
    const budget = { usedBytes: 0, budgetBytes: 300, separatorBytes: 1 }
    expect(fitToBudget([10, 500, 1], render, budget)).toEqual({ texts: [render(10)], leftOut: 2 })
  })

  it('measures UTF-8 bytes, not characters', () => {
    expect(bytes('é')).toBe(2)
    expect(
      fitToBudget(['é'.repeat(60)], (t) => t, { usedBytes: 0, budgetBytes: 319, separatorBytes: 0 })
        .leftOut
    ).toBe(1)
  })

  it('stays below the 1 MiB at which GitHub drops a summary', () => {
    expect(SUMMARY_LIMIT_BYTES).toBeLessThan(1024 * 1024)
  })
})
