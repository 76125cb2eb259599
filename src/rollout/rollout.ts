// The whole run, pure: discover → alarms exist → lock → pre-check → plan → batch cycle (alarms
// before each batch and during every wait; the canary bake after the first) → final check, and on
// a stop for failures or an alarm with on-failure: rollback, the rollback. It talks only to the
// ports in RolloutDeps and waits only on the injected clock.

import type { Settings } from '../settings.js'
import { resolveAmount } from '../settings.js'
import { discoverFleet } from './discover.js'
import { batchSizeAt, pickBatch, planBatches } from './plan.js'
import { errorMessage } from '../shared/errors.js'
import { formatDuration } from '../shared/format.js'
import type { RolloutContext } from './context.js'
import { HostBook } from './host-book.js'
import { Poller } from './poll.js'
import { RateLimiter } from './rate.js'
import { precheck } from './precheck.js'
import { isInService, unhealthyReason } from './load-balancer.js'
import { runBatch, type Cycle } from './batch-cycle.js'
import { deploySpec } from './command-spec.js'
import { verifyHealth } from './health-check.js'
import { LockHeldError } from './lock.js'
import { awaitCapacity, groupCapacities, type CapacityView } from './capacity.js'
import { ALARM_WATCH_MS, AlarmWatch, alarmReason, validateAlarms } from './alarms.js'
import { canaryBake } from './canary.js'
import { rollBack } from './rollback.js'
import type { HostRecord, RolloutOutcome, RunResult } from './outcome.js'
import type { RolloutDeps } from './deps.js'

/** How long a mutating AWS call keeps being retried through throttling before the run gives up. */
const API_PATIENCE_MS = 5 * 60_000
/**
 * SSM calls (SendCommand, ListCommandInvocations) go out at most a burst of 30, then 8 per second.
 * SSM's rates are per account and region and shared with every other caller; a 1,000-host batch
 * is 20 SendCommand calls and 20 ListCommandInvocations per poll, which unpaced would be throttled
 * (and then slowed further by the SDK's adaptive retry).
 */
const SSM_BURST = 30
const SSM_PER_SECOND = 8
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
    for (const g of f.pools) {
      log.info(
        `${g.name}: health check ${g.healthCheckPath ?? '/'} on ${g.healthCheckPortLabel}, deregistration delay ${g.drainDelaySeconds}s`
      )
    }
    log.info(`${f.hosts.length} host(s) in ${f.pools.length} target group(s)`)
    return f
  })

  // Every named alarm must exist before anything is changed (a dry run checks it too).
  const firingAtStart = await validateAlarms(
    settings.alarms,
    deps,
    poller,
    API_PATIENCE_MS,
    settings.region
  )

  // Capacity over time for the summary: a sample whenever a host goes out or comes back, besides
  // the load balancer's own count read before each batch.
  const capacity: RolloutOutcome['capacity'] = []
  let outNow = -1
  const sampleCapacity = (hosts: readonly HostRecord[]) => {
    const out = hosts.filter((h) => h.outOfService || h.state === 'skipped').length
    if (out === outNow) return
    outNow = out
    capacity.push({ at: clock.now(), inService: hosts.length - out })
  }
  const book = new HostBook(fleet.hosts, clock, (hosts) => {
    deps.onChange?.(hosts)
    sampleCapacity(hosts)
  })
  const fleetSize = book.size
  const ctx: RolloutContext = {
    settings,
    deps,
    pools: fleet.pools,
    book,
    poller,
    batches: [],
    capacity,
    fleetSize,
    minInService: 0,
    apiPatienceMs: API_PATIENCE_MS,
    ssmRate: new RateLimiter(clock, SSM_BURST, SSM_PER_SECOND)
  }
  const outcome = (result: RunResult, reason?: string): RolloutOutcome => ({
    result,
    reason,
    pools: fleet.pools,
    hosts: book.records,
    batches: ctx.batches,
    startedAt,
    finishedAt: clock.now(),
    capacity: ctx.capacity,
    fleetSize,
    minInService: ctx.minInService
  })

  if (firingAtStart.length > 0) {
    const why = alarmReason(firingAtStart, 'before the run')
    if (settings.dryRun) log.warning(`${why}: a real run would stop before its first batch`)
    else return outcome('failed', `${why}; nothing was changed`)
  }

  if (!settings.dryRun && settings.lock && deps.lock) {
    try {
      await deps.lock(fleet.pools, fleetSize)
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
  const source = deps.alarms
  const alarms =
    settings.alarms.length > 0 && source ? new AlarmWatch(ctx, settings.alarms, source) : undefined
  // Every wait from here on looks at the alarms every ALARM_WATCH_MS.
  if (alarms) poller.setWatch({ everyMs: ALARM_WATCH_MS, run: () => alarms.peek() })

  /** Why the run stops, and whether on-failure: rollback applies to it. */
  let stop: { reason: string; rollback: boolean } | undefined
  /** Failures over the budget, or an alarm seen by a wait: both call for a rollback. */
  const failureStop = () => {
    const failed = book.count('failed')
    const reason =
      failed > maxFailures
        ? `${failed} host(s) failed, more than max-failures (${maxFailures})`
        : ctx.alarmStop
    return reason ? { reason, rollback: true } : undefined
  }
  const checkAlarms = async (activity: string) => {
    ctx.activity = activity
    if (alarms && !ctx.alarmStop) await alarms.check()
    return failureStop()
  }
  try {
    for (let number = 1; ; number++) {
      const remaining = book.inState('pending')
      if (remaining.length === 0 || poller.cancelled) break
      stop = failureStop() ?? (await checkAlarms(`before batch ${number}`))
      if (stop || poller.cancelled) break
      const batch = await log.group(`Batch ${number}: capacity`, () =>
        takeBatch(ctx, remaining, number)
      )
      if (typeof batch === 'string') {
        stop = { reason: batch, rollback: false }
        break
      }
      if (batch.length === 0) continue
      if (poller.cancelled) break // the cancel came while the capacity was read: start nothing
      ctx.activity = `during batch ${number}`
      const record = await log.group(
        `Batch ${number}: ${batch.map((h) => h.instanceId).join(', ')}`,
        () => runBatch(ctx, batch, number, cycle)
      )
      // The canary bake guards the batches after the first: with none left, there is nothing to wait for.
      const bake =
        number === 1 &&
        settings.canaryWaitMs > 0 &&
        book.count('pending') > 0 &&
        !poller.cancelled &&
        !failureStop()
      if (bake) {
        await log.group(
          `Canary: watching batch 1 for ${formatDuration(settings.canaryWaitMs)}`,
          () => canaryBake(ctx, record, maxFailures)
        )
      }
    }
    if (!stop && !poller.cancelled) stop = failureStop()
    // The release has reached every host it will: one more look at the alarms before calling it done.
    if (!stop && !poller.cancelled && book.count('deployed') > 0) {
      stop = await checkAlarms('after the last batch')
    }
    if (!stop && !poller.cancelled && settings.expectedVersion !== undefined) {
      ctx.activity = 'during the final check'
      await log.group('Final check', () => finalCheck(ctx, settings.expectedVersion!))
      stop = failureStop()
    }
  } catch (err) {
    stop = { reason: `stopped by an AWS error: ${errorMessage(err)}`, rollback: false }
    log.error(stop.reason)
    failMidCycle(ctx, stop.reason)
  }

  if (poller.cancelled) return outcome('cancelled', CANCELLED)
  if (stop?.rollback && settings.onFailure === 'rollback') {
    // Not one log group: each rollback batch has its own (GitHub does not nest groups).
    return rollbackAfter(ctx, stop.reason, maxFailures, outcome)
  }
  if (stop) return outcome('failed', stop.reason)
  if (book.count('failed') > 0) {
    log.warning(`${book.count('failed')} host(s) failed, within max-failures (${maxFailures})`)
  }
  return outcome('success')
}

/** After an AWS error: whoever was mid-cycle is out of service; say so rather than leave them as they were. */
function failMidCycle(ctx: RolloutContext, reason: string): void {
  for (const h of ctx.book.records) {
    if (h.cycle === 'rollback') ctx.book.fail(h, h.step, `rollback: ${reason}`)
    else if (h.cycle || (h.state === 'pending' && h.outOfService)) ctx.book.fail(h, h.step, reason)
  }
}

/** on-failure: rollback, once the run stopped for failures or an alarm. */
async function rollbackAfter(
  ctx: RolloutContext,
  reason: string,
  maxFailures: number,
  outcome: (result: RunResult, reason?: string) => RolloutOutcome
): Promise<RolloutOutcome> {
  const { log } = ctx.deps
  log.error(`${reason}: on-failure is rollback, running rollback-command`)
  // An alarm now changes nothing: the rollback is what it calls for.
  ctx.poller.setWatch(undefined)
  let rb
  try {
    rb = await rollBack(ctx, maxFailures)
  } catch (err) {
    const why = `stopped by an AWS error: ${errorMessage(err)}`
    log.error(`rollback ${why}`)
    failMidCycle(ctx, why)
    return outcome('failed', `${reason}; rollback ${why}`)
  }
  if (ctx.poller.cancelled) return outcome('cancelled', CANCELLED)
  if (!rb.completed) {
    log.error(`rollback stopped: ${rb.stoppedBecause}`)
    return outcome('failed', `${reason}; rollback stopped: ${rb.stoppedBecause}`)
  }
  if (rb.attempted === 0) return outcome('failed', `${reason}; nothing to roll back`)
  const rolledBack = ctx.book.count('rolled-back')
  const failed = rb.attempted - rolledBack
  const tally = `rolled back ${rolledBack} host(s)${failed > 0 ? `, rollback failed on ${failed}` : ''}`
  return outcome('rolled-back', `${reason}; ${tally}`)
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
  /** The batch this view allows, or why it allows none. */
  const choose = (v: CapacityView): { ids: string[]; why?: string } => {
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

  const got = await awaitCapacity(ctx, choose)
  if (got.status === 'interrupted') return []
  if (got.status === 'stop') return got.reason
  // A host that fell sick since the pre-check is not taken out: it is skipped, as the pre-check would have.
  for (const h of remaining) {
    if (!isInService(h, got.view.snap)) {
      book.finish(h, 'skipped', {
        step: 'capacity',
        batch: null,
        reason: `before batch ${number}: ${unhealthyReason(h, got.view.snap, ctx.pools) ?? 'not in service'}`
      })
      deps.log.warning(`${h.instanceId} skipped: ${h.reason}`)
    }
  }
  return got.ids.map((id) => book.get(id))
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
