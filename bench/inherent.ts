// The waits of a rollout that no tool can shorten, and the minimum they add up to (issue 12 item 5,
// issue 17): per batch, the longer of the deregistration delay and min-drain, the deploy, the
// app's start, and ONE load balancer health check. A registered target "must pass one health
// check to be considered healthy" and the first check comes within one interval of the
// registration (the AWS model, __tests__/support/aws-model/target-health.ts), so the floor counts
// one whole interval, the slowest first check; the healthy threshold does not enter it.

export interface Inherent {
  /** Deregistration delay: the load balancer drains connections this long. */
  drainMs: number
  /** min-drain the action applies (0 while the action has none: the "timing" task adds it). */
  minDrainMs: number
  /** The deploy script's run time on a host. */
  deployMs: number
  /** The app answers 503 this long after the deploy ends. */
  appStartMs: number
  /** Health-check interval: the first check comes within one interval of the registration. */
  lbIntervalMs: number
  /** Healthy threshold: does not enter the floor (it applies only from `unhealthy`). */
  lbThreshold: number
}

/** Part 1: the simulated fleet's inherent times, at the fast health-check settings (5 s, 2). */
export const INHERENT: Inherent = {
  drainMs: 30_000,
  minDrainMs: 0,
  deployMs: 20_000,
  appStartMs: 5_000,
  lbIntervalMs: 5_000,
  lbThreshold: 2
}

/** The same fleet at AWS's default health-check settings (interval 30 s, healthy threshold 5). */
export const AWS_DEFAULT_CHECKS = { lbIntervalMs: 30_000, lbThreshold: 5 } as const
export const FAST_CHECKS = { lbIntervalMs: 5_000, lbThreshold: 2 } as const

export const perBatchMs = (t: Inherent): number =>
  Math.max(t.drainMs, t.minDrainMs) + t.deployMs + t.appStartMs + t.lbIntervalMs

/** Inherent minimum of a rollout: per-batch floor × batches. */
export function inherentMinimumMs(batches: number, t: Inherent = INHERENT): number {
  return batches * perBatchMs(t)
}
