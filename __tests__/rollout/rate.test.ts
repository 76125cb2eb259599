// How fast the rollout's AWS calls go out: a token bucket shared by every caller. This is what
// bench/ measures as overhead; here it is pinned on a virtual clock, so a regression shows as a
// failed assertion, not as a slower benchmark.

import { describe, it, expect } from '@jest/globals'
import { VirtualClock } from '../support/virtual-clock.js'
import { RateLimiter } from '../../src/rollout/rate.js'

describe('RateLimiter', () => {
  it('lets a burst through at once, then paces calls at the rate', async () => {
    const clock = new VirtualClock(0)
    const limiter = new RateLimiter(clock, 3, 2)
    const at: number[] = []
    await clock.run(async () => {
      for (let i = 0; i < 7; i++) {
        await limiter.take()
        at.push(clock.now())
      }
    })
    // 3 at once, then one every 500 ms.
    expect(at).toEqual([0, 0, 0, 500, 1000, 1500, 2000])
  })

  it('refills while idle, never beyond the burst', async () => {
    const clock = new VirtualClock(0)
    const limiter = new RateLimiter(clock, 2, 1)
    const at: number[] = []
    await clock.run(async () => {
      await limiter.take()
      await limiter.take()
      await clock.sleep(60_000)
      for (let i = 0; i < 3; i++) {
        await limiter.take()
        at.push(clock.now())
      }
    })
    expect(at).toEqual([60_000, 60_000, 61_000])
  })

  it('shares one budget between concurrent callers', async () => {
    const clock = new VirtualClock(0)
    const limiter = new RateLimiter(clock, 1, 10)
    const at: number[] = []
    const caller = async () => {
      for (let i = 0; i < 3; i++) {
        await limiter.take()
        at.push(clock.now())
      }
    }
    await clock.run(() => Promise.all([caller(), caller()]))
    // Six calls on a 1-token bucket at 10/s: the first at once, then one every 100 ms, however
    // the two callers interleave.
    expect([...at].sort((a, b) => a - b)).toEqual([0, 100, 200, 300, 400, 500])
  })
})
