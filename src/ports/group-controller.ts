// The group controller port: scaling groups that own hosts (EC2 Auto Scaling groups behind the AWS
// adapter). The orchestration reads what it finds here, plans its changes as data (GroupChange) so
// the journal can store each one before it is made, and undoes exactly those changes at the end.
// Interfaces and plain data only: no SDK type, no AWS word beyond the process names the adapter
// chooses (`rolloutProcesses`), which the orchestration passes through without reading them.

/** Which scaling group a host belongs to, as read at one moment. */
export interface GroupMembership {
  hostId: string
  group: string
  /** The group's own word for the host's state (InService, Terminating, Standby…), for the report. */
  lifecycleState: string
  /** False while the group is terminating, or has detached, the host: it is leaving the fleet. */
  active: boolean
  /** Protected from scale-in (by the user, or by this run). */
  protectedFromScaleIn: boolean
}

/** One scaling group as found: what the rollout may change and must put back. */
export interface ScalingGroup {
  name: string
  minSize: number
  maxSize: number
  desiredCapacity: number
  /** Every process suspended when the group was read, whoever suspended it. */
  suspendedProcesses: string[]
  /** The group's current members (scale-out shows here first, before the load balancer). */
  members: GroupMembership[]
}

/** A replacement of the group's hosts that the group itself is running (an instance refresh). */
export interface GroupRefresh {
  id: string
  /** The group's word for its state, for the error message. */
  status: string
}

/**
 * One change to one group, stored in the journal before it is made. Undo is the same data with
 * the opposite kind (see src/rollout/scaling-plan.ts), so a crashed run can be put back by anyone
 * who reads the journal.
 */
export type GroupChange =
  | { kind: 'suspend'; group: string; processes: string[] }
  | { kind: 'resume'; group: string; processes: string[] }
  | { kind: 'protect'; group: string; hostIds: string[] }
  | { kind: 'unprotect'; group: string; hostIds: string[] }

/** What a protection change actually did: hosts that left the group meanwhile are skipped. */
export interface ProtectionResult {
  changed: string[]
  /** Hosts no longer in the group (terminated, detached): nothing to protect or put back. */
  gone: string[]
}

export interface GroupController {
  /**
   * The processes a rollout suspends in every group it touches (those that would terminate or
   * replace hosts because the rollout takes them out of service). The adapter decides and
   * documents them; the planning only subtracts what the user had already suspended.
   */
  readonly rolloutProcesses: readonly string[]
  /** Which group each host is in; a host in no group is absent from the answer. Read-only. */
  membership(hostIds: string[]): Promise<GroupMembership[]>
  /** The named groups as they are now; an unknown name is absent from the answer. Read-only. */
  describe(groupNames: string[]): Promise<ScalingGroup[]>
  /** The group's host replacements still running (none: empty). Read-only. */
  refreshesInProgress(groupName: string): Promise<GroupRefresh[]>
  suspend(groupName: string, processes: string[]): Promise<void>
  resume(groupName: string, processes: string[]): Promise<void>
  /** Sets or clears scale-in protection; hosts that left the group meanwhile are reported, not fatal. */
  setProtection(groupName: string, hostIds: string[], protect: boolean): Promise<ProtectionResult>
}
