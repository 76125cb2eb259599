// The rollout's own pacing: when the poller looks. This is what bench/ measures as overhead;
// here it is pinned on a virtual clock, so a regression shows as a
// failed assertion, not as a slower benchmark.

import { describe, it, expect } from '@jest/globals'
import { VirtualClock } from '../support/virtual-clock.js'
import { Poller, POLL_DEFAULTS } from '../../src/rollout/poll.js'
import type { Log } from '../../src/ports/log.js'

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

// What the poller says while it waits: a heartbeat every 30 s of a long wait (what is awaited and
// until when), a debug line for every AWS call it retries, and no patience for an AWS that cannot
// be reached.

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0)

function recorder(clock: VirtualClock) {
  const lines: string[] = []
  const log: Log = {
    debug: (m) => void lines.push(`+${(clock.now() - T0) / 1000}s debug: ${m}`),
    info: (m) => void lines.push(`+${(clock.now() - T0) / 1000}s info: ${m}`),
    warning: (m) => void lines.push(`warning: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
    group: (_n, fn) => fn()
  }
  return { lines, log }
}

// AWS's common ThrottlingException (HTTP 400), "Rate exceeded" as ELB words it:
// https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html (and AWS-FACTS.md).
// $call is what aws/clients.ts attaches to every error that leaves an SDK client.
const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
    $call: { api: 'ElasticLoadBalancingV2.DescribeTargetHealth', iamAction: 'x' }
  })

describe('Poller heartbeat', () => {
  it('says every 30 s what it awaits and until when, and nothing in a short wait', async () => {
    const clock = new VirtualClock(T0)
    const { lines, log } = recorder(clock)
    const poller = new Poller(clock, () => 0.5, undefined, log)
    // A 300 s deregistration delay: the first look comes after it; done at 95 s in this test.
    const result = await clock.run(
      poller.until(
        async () => (clock.now() - T0 >= 95_000 ? true : undefined),
        {
          timeoutMs: 10 * 60_000,
          expectedMs: 100_000
        },
        '2 host(s) to drain from web'
      )
    )
    expect(result.status).toBe('done')
    expect(lines).toEqual([
      '+30s info: still waiting for 2 host(s) to drain from web: 30s so far, until 12:10:00 UTC at the latest',
      '+60s info: still waiting for 2 host(s) to drain from web: 1m so far, until 12:10:00 UTC at the latest',
      '+90s info: still waiting for 2 host(s) to drain from web: 1m30s so far, until 12:10:00 UTC at the latest'
    ])

    lines.length = 0
    await clock.run(
      poller.until(async () => true, { timeoutMs: 60_000, expectedMs: 20_000 }, 'short')
    )
    expect(lines).toEqual([])
  })

  it('keeps the pace of the checks: the heartbeat only adds wake-ups, not checks', async () => {
    const clock = new VirtualClock(T0)
    const { log } = recorder(clock)
    const checks: number[] = []
    const poller = new Poller(clock, () => 0.5, undefined, log)
    await clock.run(
      poller.until(
        async () => {
          checks.push(clock.now() - T0)
          return clock.now() - T0 >= 40_000 ? true : undefined
        },
        { timeoutMs: 60_000, expectedMs: 40_000 },
        'x'
      )
    )
    expect(checks).toEqual([40_250])
  })
})

describe('Poller retries', () => {
  it('logs each throttled retry at debug level with the API, the error and the attempt', async () => {
    const clock = new VirtualClock(T0)
    const { lines, log } = recorder(clock)
    const poller = new Poller(clock, () => 0.5, undefined, log)
    let calls = 0
    const value = await clock.run(
      poller.retry(async () => {
        calls += 1
        if (calls <= 2) throw throttled()
        return 'ok'
      }, 60_000)
    )
    expect(value).toBe('ok')
    expect(lines).toEqual([
      '+0s debug: ElasticLoadBalancingV2.DescribeTargetHealth throttled on attempt 1 (ThrottlingException: Rate exceeded); trying again',
      '+1s debug: ElasticLoadBalancingV2.DescribeTargetHealth throttled on attempt 2 (ThrottlingException: Rate exceeded); trying again'
    ])
  })

  it('says every 30 s that it is still retrying through a long throttle', async () => {
    const clock = new VirtualClock(T0)
    const { lines, log } = recorder(clock)
    const poller = new Poller(clock, () => 0.5, undefined, log)
    await clock.run(
      poller.retry(async () => {
        if (clock.now() - T0 < 70_000) throw throttled()
        return 'ok'
      }, 5 * 60_000)
    )
    const beats = lines.filter((l) => l.includes('info:'))
    expect(beats).toEqual([
      '+30s info: still retrying ElasticLoadBalancingV2.DescribeTargetHealth (ThrottlingException) for 30s, until 12:05:00 UTC at the latest',
      '+60s info: still retrying ElasticLoadBalancingV2.DescribeTargetHealth (ThrottlingException) for 1m, until 12:05:00 UTC at the latest'
    ])
  })

  it('gives a refused connection no patience: it throws at once, after the SDK’s own retries', async () => {
    const clock = new VirtualClock(T0)
    const poller = new Poller(clock, () => 0.5)
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5998'), {
      code: 'ECONNREFUSED'
    })
    let calls = 0
    await expect(
      clock.run(
        poller.retry(async () => {
          calls += 1
          throw refused
        }, 5 * 60_000)
      )
    ).rejects.toBe(refused)
    expect(calls).toBe(1)
    expect(clock.now()).toBe(T0)
  })
})
