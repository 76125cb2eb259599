// The rollout's record of each host and of the run: what the report, the summary, the
// post step and the tests read.

import type { Registration, TargetGroup } from '../fleet/types.js'
import type { AlarmSource, CommandRunner, LoadBalancer } from './ports.js'
import type { Clock } from './clock.js'

export type HostState = 'pending' | 'deployed' | 'failed' | 'skipped' | 'rolled-back'

/** Where a host's run ended (or is now). */
export type Step =
  | 'discover'
  | 'precheck'
  | 'plan'
  | 'capacity'
  | 'drain'
  | 'command'
  | 'verify'
  | 'restore'
  | 'canary'
  | 'final-check'
  | 'rollback'
  | 'done'

export type RunResult = 'success' | 'failed' | 'rolled-back' | 'cancelled' | 'dry-run'

export interface HostRecord {
  instanceId: string
  registrations: Registration[]
  /** 1-based; null while unplanned and for skipped hosts. */
  batch: number | null
  state: HostState
  step: Step
  reason?: string
  commandId?: string
  exitCode?: number
  version?: string
  startedAt?: number
  finishedAt?: number
  /** Tail of the deploy command's output, for failed hosts. */
  outputTail?: string
  /** True from deregistration until the load balancer reports the host healthy again. */
  outOfService: boolean
  /** True once a deploy (or rollback) command was sent to the host. */
  commandSent: boolean
  /**
   * The batch cycle the host is in right now (from its deregistration until it ends the cycle,
   * passed or failed): the post step reads it to know what a cancel interrupted.
   */
  cycle?: 'deploy' | 'rollback'
}

export type Phase = 'drain' | 'command' | 'verify' | 'restore' | 'canary' | 'capacity'

export interface BatchRecord {
  number: number
  instanceIds: string[]
  /** 'deploy' or 'rollback' */
  kind: 'deploy' | 'rollback'
  startedAt: number
  finishedAt?: number
  phases: Array<{ phase: Phase; startedAt: number; finishedAt?: number }>
  failed: string[]
}

export interface RolloutOutcome {
  result: RunResult
  /** Why the run stopped, when it did not succeed. */
  reason?: string
  groups: TargetGroup[]
  hosts: HostRecord[]
  batches: BatchRecord[]
  startedAt: number
  finishedAt: number
  /** Capacity samples: hosts in service over time. */
  capacity: Array<{ at: number; inService: number }>
  fleetSize: number
  minInService: number
}

export interface Log {
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

export interface RolloutDeps {
  lb: LoadBalancer
  runner: CommandRunner
  clock: Clock
  log: Log
  alarms?: AlarmSource
  /** Aborts on SIGINT/SIGTERM: the rollout starts no new work once it fires. */
  signal?: AbortSignal
  /** Jitter source for polling; Math.random by default. */
  random?: () => number
  /**
   * Locks the target groups against a concurrent run, before any command reaches a host (not
   * called on a dry run). Throwing LockHeldError stops the run with nothing changed.
   */
  lock?: (groups: TargetGroup[], hostCount: number) => Promise<void>
  /** Called after every change of a host's record, for the journal the post step reads. */
  onChange?: (hosts: readonly HostRecord[]) => void
}

/** A problem with what the user asked for (unknown target group, empty fleet, ...). */
export class ConfigError extends Error {
  override name = 'ConfigError'
}
