// The one typed shape every input is parsed into (see inputs/). Everything after
// validation reads Settings, never the raw INPUT_* strings.

/** A size given as a host count or as a percent of the fleet. */
export type Amount = { kind: 'count'; value: number } | { kind: 'percent'; value: number }

export type DeploySpec =
  | { kind: 'command'; script: string }
  | { kind: 'document'; name: string; parameters: Record<string, string[]> }

export type OnFailure = 'halt' | 'rollback'

export interface Settings {
  /** Target group ARNs or names, as given. */
  targetGroups: string[]
  deploy: DeploySpec
  /** Batch sizes; the last entry repeats. The first is the canary. */
  batchSize: Amount[]
  canaryWaitMs: number
  /** Overrides the target group's health-check path. */
  healthPath?: string
  /** Overrides the target group's health-check port. */
  healthPort?: number | 'traffic-port'
  healthTimeoutMs: number
  expectedVersion?: string
  maxFailures: Amount
  minHealthyPercent: number
  skipUnhealthy: boolean
  /** Overrides the default: the target groups' longest deregistration delay + 1m. */
  drainTimeoutMs?: number
  /**
   * Shortest time from a host's last deregistration to its deploy (`min-drain`). Undefined: by
   * pool kind, 30 s ALB, 120 s NLB, 0 HAProxy (see rollout/timeouts.ts).
   */
  minDrainMs?: number
  commandTimeoutMs: number
  onFailure: OnFailure
  rollbackCommand?: string
  alarms: string[]
  lock: boolean
  dryRun: boolean
  environment?: string
  githubToken?: string
  region?: string
}

/** Resolves an Amount against the fleet size: percents round up, never below 1 when positive. */
export function resolveAmount(amount: Amount, fleetSize: number): number {
  if (amount.kind === 'count') return amount.value
  if (amount.value <= 0) return 0
  return Math.max(1, Math.ceil((amount.value * fleetSize) / 100))
}
