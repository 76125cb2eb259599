// What every step of one batch shares (batch-cycle.ts runs the batch, host-return.ts its hosts'
// return): a module of its own so the two do not import each other.

import type { CommandSpec } from '../ports/command-runner.js'
import type { HostRecord, HostState, Phase } from './outcome.js'
import type { RolloutContext } from './context.js'
import type { BatchProgress } from './batch-progress.js'
import type { HealthyWatch } from './healthy-watch.js'

export interface Cycle {
  kind: 'deploy' | 'rollback'
  command: CommandSpec
  /** Checked on the host after the command; rollback checks health only. */
  expectedVersion?: string
  /** The state a host ends in when the whole cycle passes. */
  passState: Extract<HostState, 'deployed' | 'rolled-back'>
}

/** What every step of one batch shares. */
export interface BatchRun {
  ctx: RolloutContext
  cycle: Cycle
  /**
   * Times a phase in the batch's record. Hosts overlap in verify and restore: a phase spans from
   * its first host's start to its last host's end (`start` and `end` count hosts in and out).
   */
  span: (name: Phase) => { start: () => void; end: () => void }
  /** Ends a host's run as failed at `step`, in the batch's record and the log. */
  fail: (h: HostRecord, step: HostRecord['step'], why: string) => void
  progress: BatchProgress
  healthy: HealthyWatch
}
