// The run's dealings with the scaling groups that own its hosts (SPEC "Auto Scaling groups"):
// read them after discovery, refuse a group mid instance refresh before any change, suspend the
// rollout's processes for the run, protect each host from scale-in while it is out of service,
// and put every group back exactly as found on every ending. Each change reaches the journal
// (deps.onGroupChanges) BEFORE it is made, so the post step can undo a change whose call the
// crash interrupted (undoing a change that was never made puts back what was found: harmless).
// What to change, and the exact undo, is src/rollout/scaling-plan.ts.

import type { GroupChange, GroupController } from '../ports/group-controller.js'
import type { Log } from '../ports/log.js'
import type { RolloutContext, ScalingState } from './context.js'
import type { HostRecord } from './outcome.js'
import {
  apply,
  describeChange,
  planProtection,
  planSuspensions,
  releasePlan,
  restorePlan
} from './scaling-plan.js'
import { errorMessage } from '../shared/errors.js'

/** How long one undo is retried through throttling: a cancelled main step has about 6 s left. */
const RESTORE_PATIENCE_MS = 5_000

/**
 * After discovery: which hosts belong to which group, and the groups as found. Logs them; a dry
 * run also logs what a real run would change. Undefined when no group owns a host of the fleet.
 */
export async function readGroups(ctx: RolloutContext): Promise<ScalingState | undefined> {
  const controller = ctx.deps.groups
  if (!controller) return undefined
  const { log } = ctx.deps
  const ids = ctx.ledger.records.map((h) => h.instanceId)
  const membership = await ctx.poller.retry(() => controller.membership(ids), ctx.apiPatienceMs)
  if (membership.length === 0) {
    log.info('No host of the fleet belongs to an Auto Scaling group')
    return undefined
  }
  const names = [...new Set(membership.map((m) => m.group))]
  const groups = await ctx.poller.retry(() => controller.describe(names), ctx.apiPatienceMs)
  const state: ScalingState = { groups, membership, applied: [] }
  ctx.scaling = state
  for (const g of groups) {
    const held = membership.filter((m) => m.group === g.name).length
    const suspended = g.suspendedProcesses.length > 0 ? g.suspendedProcesses.join(', ') : 'none'
    log.info(
      `Auto Scaling group ${g.name}: ${held} host(s) of the fleet, capacity ${g.desiredCapacity} (min ${g.minSize}, max ${g.maxSize}), processes suspended: ${suspended}`
    )
  }
  if (ctx.settings.dryRun) {
    const plan = planSuspensions(groups, controller.rolloutProcesses)
    for (const c of plan) log.info(`A real run would ${describeChange(c)} for the run`)
    log.info(
      'A real run would protect each host from scale-in while it is out of service (hosts already protected are left alone)'
    )
  }
  return state
}

/** Why the run must not start: a group replacing its hosts itself. Read-only. */
export async function refreshInProgress(ctx: RolloutContext): Promise<string | undefined> {
  const controller = ctx.deps.groups
  if (!controller || !ctx.scaling) return undefined
  for (const g of ctx.scaling.groups) {
    const running = await ctx.poller.retry(
      () => controller.refreshesInProgress(g.name),
      ctx.apiPatienceMs
    )
    if (running.length > 0) {
      const r = running[0]!
      return `Auto Scaling group ${g.name} has an instance refresh in progress (${r.id}, ${r.status}); wait for it to end or cancel it, then run again; nothing was changed`
    }
  }
  return undefined
}

/** One change: journaled first, then made. */
async function change(ctx: RolloutContext, c: GroupChange): Promise<void> {
  const controller = ctx.deps.groups!
  ctx.scaling!.applied.push(c)
  ctx.deps.onGroupChanges?.(ctx.scaling!.applied)
  ctx.deps.log.info(`Auto Scaling: ${describeChange(c)}`)
  const result = await ctx.poller.retry(() => apply(controller, c), ctx.apiPatienceMs)
  for (const id of result?.gone ?? []) ctx.vanished.add(id)
}

/** Before the first batch: the rollout's processes, in every group, that the user had not suspended. */
export async function suspendForRun(ctx: RolloutContext): Promise<void> {
  if (!ctx.scaling || !ctx.deps.groups) return
  for (const c of planSuspensions(ctx.scaling.groups, ctx.deps.groups.rolloutProcesses)) {
    await change(ctx, c)
  }
}

/** Before a batch goes out of service: protect its hosts from scale-in (not those already protected). */
export async function protectHosts(ctx: RolloutContext, hosts: HostRecord[]): Promise<void> {
  const controller = ctx.deps.groups
  if (!ctx.scaling || !controller || hosts.length === 0) return
  const ids = hosts.map((h) => h.instanceId)
  // Read again: a protection the user set since discovery is theirs, and a host the group is
  // terminating is not protected (it is leaving).
  const now = await ctx.poller.retry(() => controller.membership(ids), ctx.apiPatienceMs)
  const mine = new Set(ctx.scaling.applied.flatMap((c) => (c.kind === 'protect' ? c.hostIds : [])))
  for (const m of now) if (!m.active) ctx.vanished.add(m.hostId)
  const fresh = now.filter((m) => !mine.has(m.hostId))
  for (const c of planProtection(fresh, ids)) await change(ctx, c)
}

/** Hosts back in service lose the run's protection (a protection the user set stays). */
export async function releaseHosts(ctx: RolloutContext, hosts: HostRecord[]): Promise<void> {
  if (!ctx.scaling || !ctx.deps.groups) return
  const back = hosts.filter((h) => !h.outOfService).map((h) => h.instanceId)
  for (const c of releasePlan(ctx.scaling.applied, back)) await change(ctx, c)
}

/**
 * Every ending: undo what the run still holds (protections first, then processes). A failure is
 * logged, not thrown: the journal still holds the change, and the post step tries again.
 */
export async function restoreGroups(ctx: RolloutContext): Promise<void> {
  if (!ctx.scaling || !ctx.deps.groups) return
  const plan = restorePlan(ctx.scaling.applied)
  if (plan.length === 0) return
  const controller = ctx.deps.groups
  for (const c of plan) {
    // A cancelled run must still put its groups back: the retry does not stop on the cancel.
    try {
      ctx.scaling.applied.push(c)
      ctx.deps.onGroupChanges?.(ctx.scaling.applied)
      ctx.deps.log.info(`Auto Scaling: ${describeChange(c)}`)
      await ctx.poller.retry(() => apply(controller, c), RESTORE_PATIENCE_MS)
    } catch (err) {
      // Not made: the journal must still show the group as the run holds it.
      ctx.scaling.applied.splice(ctx.scaling.applied.lastIndexOf(c), 1)
      ctx.deps.onGroupChanges?.(ctx.scaling.applied)
      ctx.deps.log.error(
        `Auto Scaling: could not ${describeChange(c)}: ${errorMessage(err)}; the post step tries again`
      )
    }
  }
}

/**
 * The post step's undo, from the journal of a run that could not finish its own: every change it
 * still holds, put back. The lines it could not put back, for the summary (none: all put back).
 */
export async function undoJournaled(
  applied: readonly GroupChange[],
  controller: GroupController,
  log: Log
): Promise<{ done: string[]; failed: string[] }> {
  const out = { done: [] as string[], failed: [] as string[] }
  for (const c of restorePlan([...applied])) {
    try {
      await apply(controller, c)
      out.done.push(describeChange(c))
      log.info(`Auto Scaling: ${describeChange(c)}`)
    } catch (err) {
      out.failed.push(`${describeChange(c)}: ${errorMessage(err)}`)
      log.error(`Auto Scaling: could not ${describeChange(c)}: ${errorMessage(err)}`)
    }
  }
  return out
}
