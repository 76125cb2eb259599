// What the poller says while it waits: a heartbeat every 30 s of a long wait (what is awaited and
// until when), a debug line for every AWS call it retries, and no patience for an AWS that cannot
// be reached. All on the virtual clock.

import { describe, it, expect } from '@jest/globals'
import { VirtualClock } from '../support/virtual-clock.js'
import { Poller } from '../../src/rollout/poll.js'
import type { Log } from '../../src/ports/log.js'
import { FakeWorld, settingsFor } from '../support/fake-ports.js'
import { describeRefusal } from '../../src/shared/aws-failure.js'

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

describe('an unreachable AWS through the whole rollout', () => {
  it('ends the run within 30 s of virtual time, the error naming the endpoint and the region', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ['i-1', 'i-2'] }] })
    const endpoint = 'http://127.0.0.1:5998'
    // What the SDK client gives up with when nothing listens: Node's connect error (code
    // ECONNREFUSED, https://nodejs.org/api/errors.html#common-system-errors), tagged with its call
    // by aws/clients.ts (pinned against a real closed port in __tests__/aws/clients.test.ts).
    const refused = () =>
      Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:5998`), {
        code: 'ECONNREFUSED',
        $call: {
          api: 'ElasticLoadBalancingV2.DescribeTargetGroups',
          iamAction: 'elasticloadbalancing:DescribeTargetGroups',
          endpoint
        }
      })
    world.fail(() => true, Infinity, refused)
    const started = world.clock.now()
    const err = await world.run(settingsFor({ region: 'eu-west-1' })).catch((e: unknown) => e)
    expect(world.clock.now() - started).toBeLessThanOrEqual(30_000)
    const text = describeRefusal(err, 'eu-west-1', { AWS_ENDPOINT_URL: endpoint })
    expect(text).toContain('ElasticLoadBalancingV2.DescribeTargetGroups in region eu-west-1')
    expect(text).toContain(`at endpoint ${endpoint}`)
    expect(text).toContain('Fix: nothing answers at the endpoint')
  })
})
