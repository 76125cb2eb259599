import { describe, it, expect } from '@jest/globals'
import { defaultMinDrainMs } from '../../src/shared/min-drain.js'

describe('defaultMinDrainMs', () => {
  it('is 30 s for ALB, 2 min for NLB, 0 for HAProxy, the longest over the kinds', () => {
    expect(defaultMinDrainMs(['alb'])).toBe(30_000)
    expect(defaultMinDrainMs(['nlb'])).toBe(120_000)
    expect(defaultMinDrainMs(['haproxy'])).toBe(0)
    expect(defaultMinDrainMs(['alb', 'nlb', 'haproxy'])).toBe(120_000)
  })

  it('takes the ALB value for a kind nobody measured, and 0 for no pool', () => {
    expect(defaultMinDrainMs(['gwlb'])).toBe(30_000)
    expect(defaultMinDrainMs([])).toBe(0)
  })
})
