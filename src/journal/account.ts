// The durable account (ports/account-store.ts) kept in AWS next to each lock: the hosts this run
// has out of service now, so a run that dies without its post step (SIGKILL, a lost machine)
// loses nothing. One account per lock key (the target group's name), holding the hosts that are
// members of that group. checkpoint() is awaited before each change in AWS (a deregistration, a
// SendCommand): the account on record is never behind what the run has done.

import type { Account, AccountStore, HostOut } from '../ports/account-store.js'
import type { Pool } from '../ports/load-balancer.js'
import type { HostRecord } from '../rollout/outcome.js'

/** A host as the account keeps it: only hosts out of service now are written. */
export function hostOut(h: HostRecord): HostOut {
  return {
    instanceId: h.instanceId,
    memberships: h.memberships.map((m) => ({ pool: m.poolId, port: m.port })),
    step: h.step,
    commandId: h.commandId,
    deployStarted: h.commandSent
  }
}

/** The accounts to write, per key, for the hosts out of service in `records`. */
export function accountsOf(
  records: readonly HostRecord[],
  keys: ReadonlyMap<string, string>,
  runUrl: string,
  now: number
): Map<string, Account> {
  const out = new Map<string, Account>()
  for (const key of new Set(keys.values()))
    out.set(key, { runUrl, updatedAt: new Date(now).toISOString(), hosts: [] })
  for (const h of records) {
    if (!h.outOfService) continue
    const mine = new Set(h.memberships.map((m) => keys.get(m.poolId)).filter(Boolean) as string[])
    for (const key of mine) out.get(key)!.hosts.push(hostOut(h))
  }
  return out
}

export class AccountWriter {
  private records: readonly HostRecord[] = []
  private readonly last = new Map<string, string>()
  private chain: Promise<void> = Promise.resolve()
  /** Pool id -> account key (the lock name's suffix: the pool's name). */
  private readonly keys: Map<string, string>

  constructor(
    private readonly store: AccountStore,
    pools: ReadonlyArray<Pick<Pool, 'id' | 'name'>>,
    private readonly runUrl: string,
    private readonly now: () => number
  ) {
    this.keys = new Map(pools.map((p) => [p.id, p.name]))
  }

  /** The ledger changed: remembered, written at the next checkpoint. */
  hosts(records: readonly HostRecord[]): void {
    this.records = records
  }

  /**
   * Writes every account whose hosts changed since the last write (an empty one is cleared), one
   * write at a time. Awaited before each change in AWS; an error reaches the caller, which must
   * not make the change.
   */
  checkpoint(): Promise<void> {
    const next = this.chain.then(() => this.writeChanged())
    // A failed write must not stop the next checkpoint from trying again.
    this.chain = next.catch(() => {})
    return next
  }

  private async writeChanged(): Promise<void> {
    const accounts = accountsOf(this.records, this.keys, this.runUrl, this.now())
    for (const [key, account] of accounts) {
      const fingerprint = JSON.stringify(account.hosts)
      if (this.last.get(key) === fingerprint) continue
      if (account.hosts.length === 0) await this.store.clear(key)
      else await this.store.write(key, account)
      this.last.set(key, fingerprint)
    }
  }
}
