// Before planning: what a run that died (no post step) left out of service, read from the durable
// account kept next to the lock this run now holds. A host whose deploy never started goes back
// into its pools. Every other host -- its deploy may have run, or it failed -- stays out and is
// quarantined: it joins this run's fleet as `skipped` with its last step and command ID, and this
// run's own account carries it on, so every later run names it until a person registers it back.
// A host the load balancer has again (a person registered it back) leaves the account.

import type { AccountStore, HostOut } from '../ports/account-store.js'
import type { LoadBalancer, Member, Pool } from '../ports/load-balancer.js'
import type { Log } from '../ports/log.js'
import type { HostRecord, Step } from './outcome.js'

export interface Recovered {
  /** Registered back: their deploy never started. */
  restored: HostOut[]
  /** Left out of service, as records for this run's ledger (state skipped, out of service). */
  quarantined: HostRecord[]
  /** Hosts the load balancer has again: a person registered them back. */
  returned: string[]
  /** Restored hosts the load balancer refused, with why: quarantined too. */
  refused: Map<string, string>
}

const STEPS = new Set<Step>([
  'discover',
  'precheck',
  'plan',
  'capacity',
  'drain',
  'command',
  'verify',
  'restore',
  'canary',
  'final-check',
  'rollback',
  'done'
])

/** What a person does with a quarantined host: shown in every run's summary until done. */
export const QUARANTINE_ADVICE =
  'check the host (the command output in SSM Run Command history), fix it, then register it back in its target groups'

export function quarantineReason(h: HostOut, runUrl: string, why?: string): string {
  const command = h.commandId ? `command ${h.commandId}` : 'no command ID recorded'
  const what = why ?? (h.deployStarted ? 'its deploy may have run' : 'its deploy never started')
  return `quarantined: left out of service by ${runUrl} at step ${h.step} (${command}; ${what}); ${QUARANTINE_ADVICE}`
}

/**
 * Reads the accounts under `keys` (one per locked pool), puts back what can go back, and answers
 * the rest. `inFleet` holds the instances discovery found in the pools now.
 */
export async function recoverAccounts(
  accounts: AccountStore,
  lb: LoadBalancer,
  pools: Pool[],
  inFleet: ReadonlySet<string>,
  log: Log,
  retry: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn()
): Promise<Recovered> {
  const out: Recovered = { restored: [], quarantined: [], returned: [], refused: new Map() }
  const known = new Set(pools.map((p) => p.id))
  // One host may be in several accounts (a member of several pools): its latest record wins.
  const hosts = new Map<string, { host: HostOut; runUrl: string; at: string }>()
  for (const pool of pools) {
    const account = await retry(() => accounts.read(pool.name))
    for (const host of account?.hosts ?? []) {
      const seen = hosts.get(host.instanceId)
      if (!seen || seen.at < account!.updatedAt)
        hosts.set(host.instanceId, { host, runUrl: account!.runUrl, at: account!.updatedAt })
    }
  }
  for (const { host, runUrl } of hosts.values()) {
    if (inFleet.has(host.instanceId)) {
      out.returned.push(host.instanceId)
      log.info(`${host.instanceId}, left out by ${runUrl}, is back in its pools: account cleared`)
      continue
    }
    if (!host.deployStarted) {
      const why = await putBack(lb, host, known, retry)
      if (!why) {
        out.restored.push(host)
        log.warning(
          `${host.instanceId} was left out of service by ${runUrl} (step ${host.step}, its deploy never started): registered back`
        )
        continue
      }
      out.refused.set(host.instanceId, why)
    }
    const reason = quarantineReason(host, runUrl, out.refused.get(host.instanceId))
    log.warning(`${host.instanceId} ${reason}`)
    out.quarantined.push({
      instanceId: host.instanceId,
      memberships: host.memberships
        .filter((m) => known.has(m.pool))
        .map((m) => ({ poolId: m.pool, port: m.port ?? 0 })),
      batch: null,
      state: 'skipped',
      step: STEPS.has(host.step as Step) ? (host.step as Step) : 'discover',
      reason,
      commandId: host.commandId,
      outOfService: true,
      commandSent: host.deployStarted
    })
  }
  return out
}

/** Registers the host back in every pool it was taken from; why not, when the LB refused. */
async function putBack(
  lb: LoadBalancer,
  host: HostOut,
  known: ReadonlySet<string>,
  retry: <T>(fn: () => Promise<T>) => Promise<T>
): Promise<string | undefined> {
  for (const m of host.memberships.filter((x) => known.has(x.pool))) {
    const member: Member = { instanceId: host.instanceId, port: m.port ?? 0 }
    try {
      await retry(() => lb.putBack(m.pool, [member]))
    } catch (err) {
      if ((err as Error).name !== 'MemberRefusedError') throw err
      return `could not register it back: ${(err as Error).message}`
    }
  }
  return undefined
}
