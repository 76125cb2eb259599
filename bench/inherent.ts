// The waits of a rollout that no tool can shorten, and the minimum they add up to.

/** Part 1 and 2: the simulated fleet's inherent times. */
export const INHERENT = {
  /** Deregistration delay: the load balancer drains connections this long. */
  drainMs: 30_000,
  /** The deploy script's run time on a host. */
  deployMs: 20_000,
  /** The app answers 503 this long after the deploy ends. */
  appStartMs: 5_000,
  /** Health-check interval × healthy threshold: the load balancer calls a target healthy after 10 s. */
  lbIntervalMs: 5_000,
  lbThreshold: 2
} as const

export const perBatchMs = (t: {
  drainMs: number
  deployMs: number
  appStartMs: number
  lbIntervalMs: number
  lbThreshold: number
}): number => t.drainMs + t.deployMs + t.appStartMs + t.lbIntervalMs * t.lbThreshold

/** Inherent minimum of a rollout: (drain + deploy + app start + LB healthy threshold) × batches. */
export function inherentMinimumMs(batches: number, t = INHERENT): number {
  return batches * perBatchMs(t)
}
