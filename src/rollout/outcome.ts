// The rollout's public outcome: its record of each host and of the run. The one rollout file
// that report/, the journal and the entry files read.

import type { Membership, Pool } from '../ports/load-balancer.js'

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
  memberships: Membership[]
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
  /** True for a host that joined the pools during the run (a scale-out, a person): not in the first read. */
  joined?: boolean
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
  /** The pools the run deployed through (target groups today). */
  pools: Pool[]
  hosts: HostRecord[]
  batches: BatchRecord[]
  startedAt: number
  finishedAt: number
  /** Capacity samples: hosts in service over time. */
  capacity: Array<{ at: number; inService: number }>
  fleetSize: number
  minInService: number
}
