// The capacity guard's view of the fleet before a batch (deploy or rollback): how many hosts the
// load balancer serves from, overall and per target group, and the wait for it to recover.

import type { GroupCapacity } from './plan.js'
import { capacityAllowance } from './plan.js'
import { formatDuration } from '../shared/format.js'
import type { RolloutContext } from './context.js'
import { isInService, membershipStates, snapshot, type HealthSnapshot } from './load-balancer.js'
import type { HostRecord } from './outcome.js'

export interface CapacityView {
  snap: HealthSnapshot
  /** Hosts the load balancer serves from now (hosts this run took out count once healthy again). */
  inService: HostRecord[]
  /** How many more may go out now: in service minus the minimum. */
  allowance: number
  groups: GroupCapacity[]
}

/** What a view allows: the hosts of the next batch, or none and why. */
export interface Choice {
  ids: string[]
  why?: string
}

export async function readCapacity(ctx: RolloutContext): Promise<CapacityView> {
  // The fleet's re-read right before a batch is this read too (one whole-pool read, not two).
  const snap = ctx.fleetRead ?? (await snapshot(ctx))
  ctx.fleetRead = undefined
  // Every host the load balancer serves from counts, skipped ones included (they are part of the
  // fleet the minimum is computed from); hosts this run took out count only once healthy again.
  const inService = ctx.ledger.records.filter((h) => !h.outOfService && isInService(h, snap))
  ctx.capacity.push({ at: ctx.deps.clock.now(), inService: inService.length })
  return {
    snap,
    inService,
    allowance: capacityAllowance(inService.length, ctx.minInService),
    groups: groupCapacities(ctx, snap)
  }
}

/** Per target group: its hosts, and how many of them it serves from now (hosts this run took out excluded). */
export function groupCapacities(ctx: RolloutContext, snap: HealthSnapshot): GroupCapacity[] {
  return ctx.pools.map((g) => {
    const members = ctx.ledger.records.filter((h) => h.memberships.some((r) => r.poolId === g.id))
    const serving = members.filter(
      (h) =>
        !h.outOfService &&
        membershipStates(h, snap).every(
          (t, i) => h.memberships[i]!.poolId !== g.id || t.state === 'in-service'
        )
    )
    return { name: g.name, members: members.map((h) => h.instanceId), inService: serving.length }
  })
}

export type CapacityOutcome =
  | { status: 'ok'; view: CapacityView; ids: string[] }
  /** Capacity did not recover within health-timeout: the reason to stop. */
  | { status: 'stop'; reason: string }
  /** Cancelled, or (stopOnAlarm) an alarm fired meanwhile: start nothing. */
  | { status: 'interrupted' }

/**
 * Reads the capacity and lets `choose` pick the batch; when it allows none, re-reads until it
 * does, up to health-timeout.
 */
export async function awaitCapacity(
  ctx: RolloutContext,
  choose: (view: CapacityView) => Choice,
  opts: { stopOnAlarm: boolean } = { stopOnAlarm: true }
): Promise<CapacityOutcome> {
  const alarmed = () => opts.stopOnAlarm && ctx.alarmStop !== undefined
  const { settings, deps } = ctx
  let view = await ctx.poller.retry(() => readCapacity(ctx), ctx.apiPatienceMs)
  let choice = choose(view)
  if (choice.why) {
    deps.log.warning(
      `${choice.why}: waiting up to ${formatDuration(settings.healthTimeoutMs)} for capacity to recover`
    )
    const waited = await ctx.poller.until(
      async () => {
        view = await readCapacity(ctx)
        choice = choose(view)
        return choice.why && !alarmed() ? undefined : view
      },
      { timeoutMs: settings.healthTimeoutMs, expectedMs: 5000, maxDelayMs: 10_000 },
      'capacity to recover'
    )
    if (waited.status === 'cancelled' || alarmed()) return { status: 'interrupted' }
    if (waited.status === 'timeout') {
      return {
        status: 'stop',
        reason: `capacity guard: ${choice.why}; none recovered within health-timeout ${formatDuration(settings.healthTimeoutMs)}`
      }
    }
  }
  return { status: 'ok', view, ids: choice.ids }
}
