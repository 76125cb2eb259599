// The rollout's own pacing: when the poller looks. This is what bench/ measures as overhead;
// here it is pinned on a virtual clock, so a regression shows as a
// failed assertion, not as a slower benchmark.

import { describe, it, expect } from '@jest/globals'
import { VirtualClock } from '../support/virtual-clock.js'
import { Poller, POLL_DEFAULTS } from '../../src/rollout/poll.js'

/** Runs a poll whose condition holds from `readyAt` ms on; returns when each check happened. */
async function checkTimes(
  random: () => number,
  opts: {
    expectedMs?: number
    readyAt: number
    minDelayMs?: number
    maxDelayMs?: number
    paceFraction?: number
  }
): Promise<number[]> {
  const clock = new VirtualClock(0)
  const poller = new Poller(clock, random)
  const times: number[] = []
  const result = await clock.run(
    poller.until(
      async () => {
        times.push(clock.now())
        return clock.now() >= opts.readyAt ? true : undefined
      },
      { timeoutMs: 60 * 60_000, ...opts }
    )
  )
  expect(result.status).toBe('done')
  return times
}

describe('Poller.until', () => {
  it.each([0, 0.5, 0.999])(
    'looks first just after the expected time, whatever the jitter (random %p)',
    async (r) => {
      // A 30 s drain: jittering the first look by ±20% would land it up to 6 s late.
      const times = await checkTimes(() => r, { expectedMs: 30_000, readyAt: 30_000 })
      expect(times).toEqual([30_250])
    }
  )

  it('polls again, jittered and growing, when the expected time was not enough', async () => {
    const times = await checkTimes(() => 0.5, { expectedMs: 10_000, readyAt: 14_000 })
    expect(times[0]).toBe(10_250)
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    // random 0.5 is no jitter: 1 s, then ×1.5 up to the 3 s cap.
    expect(gaps).toEqual([1000, 1500, 2250])
  })

  it('jitters the later polls by ±20%', async () => {
    const early = await checkTimes(() => 0, { expectedMs: 5_000, readyAt: 6_000 })
    const late = await checkTimes(() => 0.999, { expectedMs: 5_000, readyAt: 6_000 })
    expect(early[1]! - early[0]!).toBe(1000 * (1 - POLL_DEFAULTS.jitter))
    expect(late[1]! - late[0]!).toBeGreaterThan(1000 * (1 + POLL_DEFAULTS.jitter) - 5)
  })

  it('without an expected time, starts at the minimum delay, jittered', async () => {
    const times = await checkTimes(() => 0, { readyAt: 0 })
    expect(times).toEqual([1000 * (1 - POLL_DEFAULTS.jitter)])
  })

  it('keeps to maxDelayMs when a caller caps it (health readings every second)', async () => {
    const times = await checkTimes(() => 0.5, { readyAt: 8_000, maxDelayMs: 1000 })
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    expect(new Set(gaps)).toEqual(new Set([1000]))
  })

  describe('paced to the time waited (a deploy of unknown length)', () => {
    const pace = { minDelayMs: 1000, maxDelayMs: 10_000, paceFraction: 0.05 }
    const lag = (times: number[], readyAt: number) => times[times.length - 1]! - readyAt

    it('sees the end of a 20 s deploy within 1.2 s', async () => {
      const times = await checkTimes(() => 0.999, { ...pace, readyAt: 20_000 })
      expect(lag(times, 20_000)).toBeLessThanOrEqual(1200)
    })

    it('sees the end of a 10 minute deploy within 5%, and looks far less often than every second', async () => {
      const times = await checkTimes(() => 0.5, { ...pace, readyAt: 600_000 })
      expect(lag(times, 600_000)).toBeLessThanOrEqual(0.05 * 600_000 * 1.2)
      // Fewer looks than the default schedule (1 s growing to 3 s), and far fewer than one a second.
      const fixed = await checkTimes(() => 0.5, { readyAt: 600_000 })
      expect(times.length).toBeLessThan(fixed.length * 0.6)
      expect(times.length).toBeLessThan(600 / 5)
      // Never longer apart than maxDelayMs (jitter aside).
      const gaps = times.slice(1).map((t, i) => t - times[i]!)
      expect(Math.max(...gaps)).toBeLessThanOrEqual(10_000)
    })
  })
})
