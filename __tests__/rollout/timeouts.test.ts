import { describe, expect, it } from '@jest/globals'
import { drainTimeoutMs } from '../../src/rollout/timeouts.js'
import type { Pool } from '../../src/ports/load-balancer.js'

const pool = (drainDelaySeconds: number): Pool => ({
  id: `pool-${drainDelaySeconds}`,
  name: `pool-${drainDelaySeconds}`,
  kind: 'alb',
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
