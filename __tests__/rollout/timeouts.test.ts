import { describe, expect, it } from '@jest/globals'
import {
  checkDrainTimeout,
  drainTimeoutMs,
  healthyCadenceMs,
  healthyTimeoutMs,
  minDrainMs
} from '../../src/rollout/timeouts.js'
import type { Pool } from '../../src/ports/load-balancer.js'

const pool = (drainDelaySeconds: number, kind: Pool['kind'] = 'alb'): Pool => ({
  id: `pool-${drainDelaySeconds}`,
  name: `pool-${drainDelaySeconds}`,
  kind,
  healthCheckPortLabel: 'traffic-port',
  healthCheckIntervalSeconds: 5,
  healthyThresholdCount: 2,
  drainDelaySeconds
})

describe('drainTimeoutMs', () => {
  it('is the longest drain delay of the pools plus 60 s when drain-timeout is not given', () => {
    expect(drainTimeoutMs({}, [pool(30), pool(300), pool(0)])).toBe(360_000)
    expect(drainTimeoutMs({}, [])).toBe(60_000)
  })

  it('is drain-timeout when given, 0 included', () => {
    expect(drainTimeoutMs({ drainTimeoutMs: 90_000 }, [pool(300)])).toBe(90_000)
    expect(drainTimeoutMs({ drainTimeoutMs: 0 }, [pool(300)])).toBe(0)
  })
})

describe('NLB pools', () => {
  it('give the drain 3 minutes of propagation past the delay, and the healthy wait as much more', () => {
    expect(drainTimeoutMs({}, [pool(300, 'nlb')])).toBe(480_000)
    expect(drainTimeoutMs({}, [pool(300), pool(10, 'nlb')])).toBe(360_000)
    expect(healthyTimeoutMs({ healthTimeoutMs: 300_000 }, [pool(0, 'nlb')])).toBe(480_000)
    expect(healthyTimeoutMs({ healthTimeoutMs: 300_000 }, [pool(0)])).toBe(300_000)
  })

  it('are looked at every 5 s while they come back, ALB pools every 2 s', () => {
    expect(healthyCadenceMs([pool(0, 'nlb'), pool(0)])).toBe(5000)
    expect(healthyCadenceMs([pool(0)])).toBe(2000)
  })
})

describe('minDrainMs', () => {
  it('is min-drain when given, 0 included', () => {
    expect(minDrainMs({ minDrainMs: 0 }, [pool(5, 'nlb')])).toBe(0)
    expect(minDrainMs({ minDrainMs: 45_000 }, [pool(5)])).toBe(45_000)
  })

  it('defaults by kind, the longest over the pools: ALB 30 s, NLB 2 m, HAProxy 0', () => {
    expect(minDrainMs({}, [pool(5)])).toBe(30_000)
    expect(minDrainMs({}, [pool(5), pool(5, 'nlb')])).toBe(120_000)
    expect(minDrainMs({}, [pool(0, 'haproxy')])).toBe(0)
  })
})

describe('checkDrainTimeout', () => {
  it('rejects a drain-timeout shorter than a deregistration delay, naming both', () => {
    expect(() => checkDrainTimeout({ drainTimeoutMs: 60_000 }, [pool(30), pool(300)])).toThrow(
      /drain-timeout 1m is shorter than the deregistration delay of pool-300 \(5m\)/
    )
  })

  it('accepts one at least as long as every delay, and an empty one', () => {
    expect(() => checkDrainTimeout({ drainTimeoutMs: 300_000 }, [pool(300)])).not.toThrow()
    expect(() => checkDrainTimeout({}, [pool(300)])).not.toThrow()
  })
})
