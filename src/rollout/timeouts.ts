// Timeouts the rollout derives from the pools when the inputs leave them open.

import type { Pool } from '../ports/load-balancer.js'
import type { Settings } from '../settings.js'

/** Past the pools' own drain delay, the time a drain may take before the rollout gives up. */
const DRAIN_SLACK_S = 60

/**
 * How long to wait for hosts to drain: drain-timeout when given, else the longest drain delay
 * of their pools plus 60 s (the load balancer ends a drain at its delay at the latest).
 */
export function drainTimeoutMs(settings: Pick<Settings, 'drainTimeoutMs'>, pools: Pool[]): number {
  if (settings.drainTimeoutMs !== undefined) return settings.drainTimeoutMs
  return (Math.max(0, ...pools.map((p) => p.drainDelaySeconds)) + DRAIN_SLACK_S) * 1000
}
