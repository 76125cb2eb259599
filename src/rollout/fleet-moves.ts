// The fleet moves while the run works (SPEC step 4 and 7.6): the pools are read again before
// every batch and after the last. A host that joined (an Auto Scaling scale-out, a person) is
// pre-checked and joins the hosts still to deploy; a host still waiting for its batch that left
// the pools, or that its scaling group is terminating, has vanished: it is `failed`, `terminated`.

import type { RolloutContext } from './context.js'
import type { HostRecord } from './outcome.js'
import { describeAll, hostsOf, type Host } from './discover.js'
import { precheck } from './precheck.js'
import { membershipStates, type HealthSnapshot } from './load-balancer.js'

/** The reason of a host that vanished during the run. */
export const TERMINATED = 'terminated'

/** `terminated` for a host seen to vanish, whatever step it failed at; else undefined. */
export function vanishedReason(ctx: RolloutContext, host: HostRecord): string | undefined {
  return ctx.vanished.has(host.instanceId) ? TERMINATED : undefined
}

/** Failed hosts that vanished: they say nothing about the release, so no failure budget counts them. */
export function vanishedCount(ctx: RolloutContext): number {
  return ctx.ledger.records.filter((h) => h.state === 'failed' && h.reason === TERMINATED).length
}

/**
 * Reads the pools again; `when` names the moment for the log ("before batch 2"). A host that
 * joined but is still entering its pools (its health checks not yet passed: a fresh instance
 * booting) is left for a later read; when `last` (nothing left to deploy), the read waits up to
 * health-timeout for such hosts, so the run ends only once every host in the pools has a state.
 */
export async function rereadFleet(ctx: RolloutContext, when: string, last: boolean): Promise<void> {
  const { ledger, deps } = ctx
  const { log } = deps
  const read = () => ctx.poller.retry(() => describeAll(deps.lb, ctx.pools), ctx.apiPatienceMs)
  const newcomers = (hosts: Host[], health: HealthSnapshot) =>
    hosts.filter((h) => !ledger.has(h.instanceId) && entering(h, health))
  let health = await read()
  if (last && newcomers(hostsOf(ctx.pools, health), health).length > 0) {
    log.info(`host(s) joining the fleet ${when}: waiting for them to enter service`)
    await ctx.poller.until(
      async () => {
        health = await read()
        return newcomers(hostsOf(ctx.pools, health), health).length === 0 ? true : undefined
      },
      { timeoutMs: ctx.settings.healthTimeoutMs }
    )
  }
  const all = hostsOf(ctx.pools, health)
  const still = last ? new Set<Host>() : new Set(newcomers(all, health))
  const now = all.filter((h) => !still.has(h))
  const present = new Set(all.map((h) => h.instanceId))

  // Leaving: gone from every pool, or being terminated by its group, while the run does not hold
  // it out (before its batch, skipped, or deployed already).
  const waiting = ledger.records.filter((h) => h.state !== 'failed' && !h.outOfService)
  const leaving = await leavingGroups(ctx, waiting)
  for (const h of waiting) {
    if (present.has(h.instanceId) && !leaving.has(h.instanceId)) continue
    ctx.vanished.add(h.instanceId)
    // Out of service for good: whatever serves traffic, it is not this host.
    ledger.fail(h, h.step, TERMINATED, { outOfService: true })
    log.warning(`${h.instanceId} left the fleet ${when}: ${TERMINATED}`)
  }

  const joined = ledger.add(now.filter((h) => !ledger.has(h.instanceId)))
  if (joined.length === 0) {
    // Nothing joined, nothing waited: the batch's capacity read can take this answer as its own.
    if (!last) ctx.fleetRead = health
    return
  }
  ctx.fleetSize = ledger.size
  log.info(
    `${joined.length} host(s) joined the fleet ${when}: ${joined.map((h) => h.instanceId).join(', ')}`
  )
  // Pre-checked like every other host: one that fails is skipped and left as it is.
  const failed = await precheck(ctx, joined, health)
  for (const [h, reason] of failed) {
    ledger.finish(h, 'skipped', { step: 'precheck', reason })
    log.warning(`${h.instanceId} skipped: ${reason}`)
  }
}

/**
 * After a run that stopped early (failures, an alarm, a rollback): the fleet is read once more so
 * a host that vanished since the last read is reported `terminated` rather than as it was. No
 * host joins here: the stopped run deploys nothing more.
 */
export async function sweepVanished(ctx: RolloutContext): Promise<void> {
  const health = await ctx.poller.retry(
    () => describeAll(ctx.deps.lb, ctx.pools),
    ctx.apiPatienceMs
  )
  const present = new Set(hostsOf(ctx.pools, health).map((h) => h.instanceId))
  for (const h of ctx.ledger.records) {
    if (h.state === 'failed' || h.outOfService || present.has(h.instanceId)) continue
    ctx.vanished.add(h.instanceId)
    ctx.ledger.fail(h, h.step, TERMINATED, { outOfService: true })
    ctx.deps.log.warning(`${h.instanceId} left the fleet during the run: ${TERMINATED}`)
  }
}

/** Hosts their scaling group is terminating or detaching (no group controller: none). */
async function leavingGroups(ctx: RolloutContext, hosts: HostRecord[]): Promise<Set<string>> {
  const controller = ctx.deps.groups
  if (!controller || !ctx.scaling || hosts.length === 0) return new Set()
  const ids = hosts.map((h) => h.instanceId)
  const now = await ctx.poller.retry(() => controller.membership(ids), ctx.apiPatienceMs)
  return new Set(now.filter((m) => !m.active).map((m) => m.hostId))
}

/** Still passing its first health checks in some pool (ELBv2: `initial`). */
function entering(host: Host, health: HealthSnapshot): boolean {
  const record = { ...host } as HostRecord
  return membershipStates(record, health).some((m) => m.state === 'entering')
}
