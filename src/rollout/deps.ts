// What a rollout is given: the ports it talks to, the clock it waits on, and its hooks.

import type { Pool } from '../ports/load-balancer.js'
import type { AlarmSource } from '../ports/alarms.js'
import type { CommandRunner } from '../ports/command-runner.js'
import type { LoadBalancer } from '../ports/load-balancer.js'
import type { Clock } from '../shared/clock.js'
import type { HostRecord } from './outcome.js'
import type { Log } from '../ports/log.js'
import type { GroupChange, GroupController } from '../ports/group-controller.js'
import type { AccountStore } from '../ports/account-store.js'

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
  lock?: (groups: Pool[], hostCount: number) => Promise<void>
  /** Called after every change of a host's record, for the journal the post step reads. */
  onChange?: (hosts: readonly HostRecord[]) => void
  /** The scaling groups that own hosts (EC2 Auto Scaling); absent: no group is looked at. */
  groups?: GroupController
  /** Called with every group change the run made, in order, each time BEFORE a change is made. */
  onGroupChanges?: (applied: readonly GroupChange[]) => void
  /**
   * The durable account kept next to the lock: read after the lock is taken, before planning, for
   * what a run that died left out of service (recover.ts).
   */
  accounts?: AccountStore
  /** Awaited before each change in AWS (deregistration, SendCommand): writes the account first. */
  checkpoint?: () => Promise<void>
}
