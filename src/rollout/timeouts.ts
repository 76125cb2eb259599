// Timeouts and floors the rollout derives from the pools when the inputs leave them open, and the
// check that the inputs given fit the pools. Kind-specific numbers come from AWS-FACTS.md and
// __tests__/support/aws-model/README.md (the pages each one rests on are cited there).

import type { Pool } from '../ports/load-balancer.js'
import { defaultMinDrainMs } from '../shared/min-drain.js'
import type { Settings } from '../settings.js'
import { ConfigError } from '../shared/config-error.js'
import { formatDuration } from '../shared/format.js'

/** Past the pools' own drain delay, the time a drain may take before the rollout gives up. */
const DRAIN_SLACK_S = 60
/**
 * A Network Load Balancer's registration and deregistration take minutes to propagate ("It can
 * take a few minutes for the deregistration process to complete", NLB register-targets guide;
 * users measured about 2 minutes, up to about 3 for registration): its drain slack and the
 * allowance added to the healthy wait cover 3 minutes of propagation, so a normal NLB drain or
 * registration is not reported as a failure.
 */
const NLB_PROPAGATION_S = 180

/**
 * How often the healthy wait looks (one describe per pool per look). A new ALB target is healthy
 * after ONE passing check, which comes within one interval of the registration: a 2 s look sees
 * it within 2 s. An NLB target first spends minutes propagating: a look every 5 s costs at most
 * 5 s of a wait of minutes, for far fewer calls.
 */
export function healthyCadenceMs(pools: Pool[]): number {
  return pools.some((p) => p.kind === 'nlb') ? 5000 : 2000
}

/** The healthy wait's bound: health-timeout, plus NLB's registration propagation. */
export function healthyTimeoutMs(
  settings: Pick<Settings, 'healthTimeoutMs'>,
  pools: Pool[]
): number {
  const nlb = pools.some((p) => p.kind === 'nlb')
  return settings.healthTimeoutMs + (nlb ? NLB_PROPAGATION_S * 1000 : 0)
}

/**
 * How long to wait for hosts to drain: drain-timeout when given, else the longest drain delay
 * of their pools plus 60 s (the load balancer ends a drain at its delay at the latest), plus the
 * deregistration propagation for an NLB pool.
 */
export function drainTimeoutMs(settings: Pick<Settings, 'drainTimeoutMs'>, pools: Pool[]): number {
  if (settings.drainTimeoutMs !== undefined) return settings.drainTimeoutMs
  return Math.max(DRAIN_SLACK_S, ...pools.map((p) => p.drainDelaySeconds + slackS(p))) * 1000
}

function slackS(p: Pool): number {
  return p.kind === 'nlb' ? NLB_PROPAGATION_S : DRAIN_SLACK_S
}

/** The shortest time from a host's last take-out to its deploy: min-drain, else by pool kind. */
export function minDrainMs(settings: Pick<Settings, 'minDrainMs'>, pools: Pool[]): number {
  if (settings.minDrainMs !== undefined) return settings.minDrainMs
  return defaultMinDrainMs(pools.map((p) => p.kind))
}

/**
 * A drain-timeout shorter than a pool's deregistration delay would fail every host of that pool
 * while the load balancer still drains it: a configuration error, thrown before anything changes.
 */
export function checkDrainTimeout(settings: Pick<Settings, 'drainTimeoutMs'>, pools: Pool[]): void {
  if (settings.drainTimeoutMs === undefined) return
  const longest = pools.reduce<Pool | undefined>(
    (a, p) => (a && a.drainDelaySeconds >= p.drainDelaySeconds ? a : p),
    undefined
  )
  if (!longest || settings.drainTimeoutMs >= longest.drainDelaySeconds * 1000) return
  throw new ConfigError(
    `drain-timeout ${formatDuration(settings.drainTimeoutMs)} is shorter than the deregistration ` +
      `delay of ${longest.name} (${formatDuration(longest.drainDelaySeconds * 1000)}): every host ` +
      `would fail while the load balancer still drains it. Set drain-timeout to at least ` +
      `${formatDuration(longest.drainDelaySeconds * 1000)}, leave it empty (delay + 1m), or ` +
      `shorten the target group's deregistration_delay.timeout_seconds; nothing was changed.`
  )
}
