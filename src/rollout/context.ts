// What every step of a rollout shares.

import type { MemberStatus, Pool } from '../ports/load-balancer.js'
import type { Settings } from '../settings.js'
import type { HostLedger } from './host-ledger.js'
import type { Poller } from './poll.js'
import type { RateLimiter } from './rate.js'
import type { BatchRecord } from './outcome.js'
import type { RolloutDeps } from './deps.js'
import type { GroupChange, GroupMembership, ScalingGroup } from '../ports/group-controller.js'

/** What the run knows of the scaling groups, and every change it made to them, in order. */
export interface ScalingState {
  groups: ScalingGroup[]
  membership: GroupMembership[]
  applied: GroupChange[]
}

export interface RolloutContext {
  settings: Settings
  deps: RolloutDeps
  pools: Pool[]
  ledger: HostLedger
  poller: Poller
  batches: BatchRecord[]
  capacity: Array<{ at: number; inService: number }>
  fleetSize: number
  minInService: number
  /** When the run started (clock time). */
  startedAt: number
  /** How long a mutating call keeps being retried through throttling before the run gives up. */
  apiPatienceMs: number
  /** Where the run is, for reasons that say when something was seen ("during batch 2"). */
  activity?: string
  /**
   * Set when an alarm named in `alarms` was seen in ALARM: the batch in flight finishes its
   * cycle, no new batch starts.
   */
  alarmStop?: string
  /** Paces SSM calls (SendCommand, ListCommandInvocations) under SSM's rate. */
  ssmRate: RateLimiter
  /** The scaling groups that own hosts of the fleet, and the run's changes to them. */
  scaling?: ScalingState
  /** Hosts seen to vanish (terminated, refused by SSM as InvalidInstanceId, leaving their group). */
  vanished: Set<string>
  /** The pools as the fleet's re-read just saw them, for the capacity read that follows at once. */
  fleetRead?: Map<string, MemberStatus[]>
}
