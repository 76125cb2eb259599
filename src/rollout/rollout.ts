// The whole run, pure: discover → pre-check → plan → batch cycle → final check. It talks only
// to the ports in RolloutDeps and waits only on the injected clock.

import type { Settings } from '../settings.js'
import { resolveAmount } from '../settings.js'
import { discoverFleet } from '../fleet/discover.js'
import {
  batchSizeAt,
  capacityAllowance,
  pickBatch,
  planBatches,
  type GroupCapacity
} from '../plan.js'
import { errorMessage } from '../aws/errors.js'
import { formatDuration } from '../report/format.js'
import type { RolloutContext } from './context.js'
import { HostBook } from './host-book.js'
import { Poller } from './poll.js'
import { precheck } from './precheck.js'
import {
  isInService,
  registrationStates,
  snapshot,
  unhealthyReason,
  type HealthSnapshot
} from './load-balancer.js'
import { runBatch, type Cycle } from './batch-cycle.js'
import { deploySpec } from './command-spec.js'
import { verifyHealth } from './health-check.js'
import { LockHeldError } from './lock.js'
import type { HostRecord, RolloutDeps, RolloutOutcome, RunResult } from './types.js'

/** How long a mutating AWS call keeps being retried through throttling before the run gives up. */
const API_PATIENCE_MS = 5 * 60_000
/** The final version check reads each deployed host for at most this long. */
const FINAL_CHECK_MS = 60_000
const CANCELLED = 'cancelled (SIGINT/SIGTERM)'

export async function rollout(settings: Settings, deps: RolloutDeps): Promise<RolloutOutcome> {
  const { clock, log } = deps
  const startedAt = clock.now()
  const poller = new Poller(clock, deps.random, deps.signal)

  const fleet = await log.group('Discover the fleet', async () => {
    const f = await poller.retry(
      () => discoverFleet(deps.lb, settings.targetGroups),
      API_PATIENCE_MS
    )
    for (const g of f.groups) {
      log.info(
        `${g.name}: health check ${g.healthCheckPath ?? '/'} on ${g.healthCheckPort}, deregistration delay ${g.deregistrationDelaySeconds}s`
      )
    }
    log.info(`${f.hosts.length} host(s) in ${f.groups.length} target group(s)`)
    return f
  })

  const book = new HostBook(fleet.hosts, clock, deps.onChange)
  const fleetSize = book.size
  const ctx: RolloutContext = {
    settings,
    deps,
    groups: fleet.groups,
    book,
    poller,
    batches: [],
    capacity: [],
    fleetSize,
    minInService: 0,
    apiPatienceMs: API_PATIENCE_MS
  }
  const outcome = (result: RunResult, reason?: string): RolloutOutcome => ({
    result,
    reason,
    groups: fleet.groups,
    hosts: book.records,
    batches: ctx.batches,
    startedAt,
    finishedAt: clock.now(),
    capacity: ctx.capacity,
    fleetSize,
    minInService: ctx.minInService
  })

  if (!settings.dryRun && settings.lock && deps.lock) {
    try {
      await deps.lock(fleet.groups, fleetSize)
    } catch (err) {
      if (err instanceof LockHeldError) return outcome('failed', err.message)
      throw err
    }
  }

  // Pre-check: a host that fails is skipped and left exactly as it was.
  const sick = await log.group('Pre-check', () => precheck(ctx, book.records, fleet.health))
  // A reading cut short by the cancel says nothing about the host: nothing was changed yet.
  if (poller.cancelled) return outcome('cancelled', CANCELLED)
  for (const [h, reason] of sick) {
    book.finish(h, 'skipped', { step: 'precheck', reason })
    log.warning(`${h.instanceId} skipped: ${reason}`)
  }
  if (sick.size > 0 && !settings.skipUnhealthy) {
    return outcome(
      'failed',
      `${sick.size} host(s) failed the pre-check and skip-unhealthy is false; nothing was changed`
    )
  }

  // Plan.
  const eligible = book.inState('pending')
  // Capacity is what the load balancer serves from: a skipped host it calls healthy counts.
  const inService = book.records.filter((h) => isInService(h, fleet.health)).length
  const plan = planBatches(
    settings.batchSize,
    eligible.map((h) => h.instanceId),
    fleetSize,
    settings.minHealthyPercent,
    inService,
    groupCapacities(ctx, fleet.health)
  )
  ctx.minInService = plan.minInService
  plan.batches.forEach((ids, i) =>
    book.update(
      ids.map((id) => book.get(id)),
      { batch: i + 1, step: 'plan' }
    )
  )
  await log.group('Plan', async () => {
    log.info(
      `${fleetSize} host(s), ${sick.size} skipped, ${plan.batches.length} batch(es); at least ${plan.minInService} stay in service`
    )
    plan.batches.forEach((ids, i) => log.info(`batch ${i + 1}: ${ids.join(', ')}`))
    for (const note of plan.notes) log.warning(note)
  })
  if (settings.dryRun) return outcome('dry-run')

  const maxFailures = resolveAmount(settings.maxFailures, fleetSize)
  const cycle: Cycle = {
    kind: 'deploy',
    command: deploySpec(settings),
    expectedVersion: settings.expectedVersion,
    passState: 'deployed'
  }

  let stopReason: string | undefined
  try {
    for (let number = 1; ; number++) {
      const remaining = book.inState('pending')
      if (remaining.length === 0 || poller.cancelled) break
      if (book.count('failed') > maxFailures) {
        stopReason = `${book.count('failed')} host(s) failed, more than max-failures (${maxFailures})`
        break
      }
      const batch = await log.group(`Batch ${number}: capacity`, () =>
        takeBatch(ctx, remaining, number)
      )
      if (typeof batch === 'string') {
        stopReason = batch
        break
      }
      if (batch.length === 0) continue
      if (poller.cancelled) break // the cancel came while the capacity was read: start nothing
      await log.group(`Batch ${number}: ${batch.map((h) => h.instanceId).join(', ')}`, () =>
        runBatch(ctx, batch, number, cycle)
      )
    }
    if (!stopReason && !poller.cancelled && book.count('failed') > maxFailures) {
      stopReason = `${book.count('failed')} host(s) failed, more than max-failures (${maxFailures})`
    }
    if (!stopReason && !poller.cancelled && settings.expectedVersion !== undefined) {
      await log.group('Final check', () => finalCheck(ctx, settings.expectedVersion!))
      if (book.count('failed') > maxFailures) {
        stopReason = `${book.count('failed')} host(s) failed, more than max-failures (${maxFailures})`
      }
    }
  } catch (err) {
    stopReason = `stopped by an AWS error: ${errorMessage(err)}`
    log.error(stopReason)
    // Whoever was mid-cycle is out of service: say so rather than leave them pending.
    for (const h of book.records) {
      if (h.state === 'pending' && h.outOfService) book.fail(h, h.step, stopReason)
    }
  }

  if (poller.cancelled) return outcome('cancelled', CANCELLED)
  if (stopReason) return outcome('failed', stopReason)
  if (book.count('failed') > 0) {
    log.warning(`${book.count('failed')} host(s) failed, within max-failures (${maxFailures})`)
  }
  return outcome('success')
}

/**
 * The next batch under the capacity guard: as big as batch-size asks, never so big that fewer than
 * min-healthy-percent of the fleet, or of any one target group, stay healthy and in service.
 * Waits up to health-timeout for capacity to recover; a string is the reason to stop.
 */
async function takeBatch(
  ctx: RolloutContext,
  remaining: HostRecord[],
  number: number
): Promise<HostRecord[] | string> {
  const { settings, book, deps } = ctx
  const read = async () => {
    const snap = await snapshot(ctx)
    // Every host the load balancer serves from counts, skipped ones included (they are part of the
    // fleet the minimum is computed from); hosts this run took out count only once healthy again.
    const inService = book.records.filter((h) => !h.outOfService && isInService(h, snap))
    ctx.capacity.push({ at: deps.clock.now(), inService: inService.length })
    return {
      snap,
      inService,
      allowance: capacityAllowance(inService.length, ctx.minInService),
      groups: groupCapacities(ctx, snap)
    }
  }
  type View = Awaited<ReturnType<typeof read>>
  /** The batch this view allows, or why it allows none. */
  const choose = (v: View): { ids: string[]; why?: string } => {
    const candidates = remaining.filter((h) => isInService(h, v.snap)).map((h) => h.instanceId)
    if (candidates.length === 0) return { ids: [] } // all fell sick: skipped below
    if (v.allowance < 1) {
      return {
        ids: [],
        why: `${v.inService.length} of ${ctx.fleetSize} host(s) in service, ${ctx.minInService} must stay in service (min-healthy-percent ${settings.minHealthyPercent})`
      }
    }
    const size = Math.min(batchSizeAt(settings.batchSize, number - 1, ctx.fleetSize), v.allowance)
    const pick = pickBatch(candidates, size, v.groups, settings.minHealthyPercent)
    return pick.picked.length > 0 ? { ids: pick.picked } : { ids: [], why: pick.blocked }
  }

  let view = await ctx.poller.retry(read, ctx.apiPatienceMs)
  let choice = choose(view)
  if (choice.why) {
    deps.log.warning(
      `${choice.why}: waiting up to ${formatDuration(settings.healthTimeoutMs)} for capacity to recover`
    )
    const waited = await ctx.poller.until(
      async () => {
        view = await read()
        choice = choose(view)
        return choice.why ? undefined : view
      },
      { timeoutMs: settings.healthTimeoutMs, expectedMs: 5000, maxDelayMs: 10_000 }
    )
    if (waited.status === 'cancelled') return []
    if (waited.status === 'timeout') {
      return `capacity guard: ${choice.why}; none recovered within health-timeout ${formatDuration(settings.healthTimeoutMs)}`
    }
  }
  // A host that fell sick since the pre-check is not taken out: it is skipped, as the pre-check would have.
  for (const h of remaining) {
    if (!isInService(h, view.snap)) {
      book.finish(h, 'skipped', {
        step: 'capacity',
        batch: null,
        reason: `before batch ${number}: ${unhealthyReason(h, view.snap, ctx.groups) ?? 'not in service'}`
      })
      deps.log.warning(`${h.instanceId} skipped: ${h.reason}`)
    }
  }
  return choice.ids.map((id) => book.get(id))
}

/** Per target group: its hosts, and how many of them it serves from now (hosts this run took out excluded). */
function groupCapacities(ctx: RolloutContext, snap: HealthSnapshot): GroupCapacity[] {
  return ctx.groups.map((g) => {
    const members = ctx.book.records.filter((h) =>
      h.registrations.some((r) => r.targetGroupArn === g.arn)
    )
    const serving = members.filter(
      (h) =>
        !h.outOfService &&
        registrationStates(h, snap).every(
          (t, i) => h.registrations[i]!.targetGroupArn !== g.arn || t.state === 'healthy'
        )
    )
    return { name: g.name, members: members.map((h) => h.instanceId), inService: serving.length }
  })
}

/** Every deployed host must still report expected-version at the end. */
async function finalCheck(ctx: RolloutContext, expectedVersion: string): Promise<void> {
  const deployed = ctx.book.inState('deployed')
  if (deployed.length === 0) return
  const { verdicts } = await verifyHealth(
    ctx,
    deployed,
    expectedVersion,
    Math.min(FINAL_CHECK_MS, ctx.settings.healthTimeoutMs)
  )
  for (const h of deployed) {
    const v = verdicts.get(h.instanceId)
    if (v?.ok) continue
    // It is in service and answering; taking it out now would cut capacity outside the guard.
    // The report shows what the host reports now, not what it reported after its deploy.
    ctx.book.fail(h, 'final-check', `${v?.reason ?? 'no reading'}; left in service`, {
      version: v?.version
    })
    ctx.deps.log.error(`${h.instanceId} failed the final check: ${h.reason}`)
  }
}
