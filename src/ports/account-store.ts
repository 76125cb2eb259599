// The durable account of a run: what it has taken out of service and what it changed in Auto
// Scaling, kept next to its lock so that a run that dies without its post step loses nothing.
// Written BEFORE each change; holds only what is out of service now.

/** One registration of a host that the run took away: a target group ARN or HAProxy backend. */
export interface Membership {
  pool: string
  /** The port it was registered on (target groups); absent for HAProxy servers. */
  port?: number
}

export interface HostOut {
  instanceId: string
  memberships: Membership[]
  /** The host's step in its cycle when last written (drain, deploy, health, restore, ...). */
  step: string
  commandId?: string
  /** Whether the deploy command may have reached the host: if not, it can simply go back. */
  deployStarted: boolean
}

export interface Account {
  runUrl: string
  /** ISO time of the write. */
  updatedAt: string
  hosts: HostOut[]
  /** Auto Scaling changes made so far: opaque JSON owned by the Auto Scaling module. */
  scaling?: unknown
}

export interface AccountStore {
  /** Replaces the account kept under `key` (the lock name's suffix: the target group name). */
  write(key: string, account: Account): Promise<void>
  read(key: string): Promise<Account | undefined>
  /** Removes it: nothing is out of service and nothing is changed any more. */
  clear(key: string): Promise<void>
}
