// Before the first batch: discover the fleet, check the named alarms exist, take the lock,
// pre-check every host, plan the batches. Nothing on a host is changed here.

import type { Settings } from '../settings.js'
import { discoverFleet, type Fleet } from './discover.js'
import { recoverAccounts } from './recover.js'
import { planBatches } from './plan.js'
import type { RolloutContext } from './context.js'
import { HostLedger } from './host-ledger.js'
import { Poller } from './poll.js'
import { RateLimiter } from './rate.js'
import { precheck } from './precheck.js'
import { isInService } from './load-balancer.js'
import { checkDrainTimeout } from './timeouts.js'
import { LockHeldError } from './lock.js'
import { groupCapacities } from './capacity.js'
import { alarmReason, validateAlarms } from './alarms.js'
import { CANCELLED, outcomeOf } from './finish.js'
import type { HostRecord, RolloutOutcome, RunResult } from './outcome.js'
import type { RolloutDeps } from './deps.js'
import { readGroups, refreshInProgress } from './scaling-groups.js'

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

/** The run's context, and its outcome when the run ends before any batch (`done`). */
export interface Prepared {
  ctx: RolloutContext
  done?: RolloutOutcome
}

/**
 * Rediscovers until the hosts just registered back are in service (or health-timeout passes: they
 * are then in the fleet as the load balancer sees them, and the pre-check skips them).
 */
async function waitBack(
  ids: string[],
  discover: () => Promise<Fleet>,
  ctx: RolloutContext
): Promise<Fleet> {
  const { clock } = ctx.deps
  const until = clock.now() + ctx.settings.healthTimeoutMs
  for (;;) {
    const fleet = await discover()
    const back = ids.every((id) =>
      [...fleet.health.values()].some((members) =>
        members.some((m) => m.instanceId === id && m.state === 'in-service')
      )
    )
    if (back || clock.now() >= until || ctx.poller.cancelled) return fleet
    await clock.sleep(5_000, ctx.deps.signal)
  }
}

export async function prepare(settings: Settings, deps: RolloutDeps): Promise<Prepared> {
  const { clock, log } = deps
  const startedAt = clock.now()
  const poller = new Poller(clock, deps.random, deps.signal, log)

  const discover = () =>
    poller.retry(() => discoverFleet(deps.lb, settings.targetGroups), API_PATIENCE_MS)
  let fleet = await log.group('Discover the fleet', async () => {
    const f = await discover()
    for (const g of f.pools) {
      log.info(
        `${g.name}: health check ${g.healthCheckPath ?? '/'} on ${g.healthCheckPortLabel}, deregistration delay ${g.drainDelaySeconds}s`
      )
    }
    log.info(`${f.hosts.length} host(s) in ${f.pools.length} target group(s)`)
    return f
  })
  // Inputs that do not fit the pools are configuration errors, before anything is changed.
  checkDrainTimeout(settings, fleet.pools)

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
  const newLedger = (hosts: typeof fleet.hosts) =>
    new HostLedger(hosts, clock, (records) => {
      deps.onChange?.(records)
      sampleCapacity(records)
    })
  let ledger = newLedger(fleet.hosts)
  const fleetSize = ledger.size
  const ctx: RolloutContext = {
    settings,
    deps,
    pools: fleet.pools,
    ledger,
    poller,
    batches: [],
    capacity,
    fleetSize,
    minInService: 0,
    startedAt,
    apiPatienceMs: API_PATIENCE_MS,
    ssmRate: new RateLimiter(clock, SSM_BURST, SSM_PER_SECOND),
    vanished: new Set()
  }
  const outcome = (result: RunResult, reason?: string) => ({
    ctx,
    done: outcomeOf(ctx, result, reason)
  })

  if (firingAtStart.length > 0) {
    const why = alarmReason(firingAtStart, 'before the run')
    if (settings.dryRun) log.warning(`${why}: a real run would stop before its first batch`)
    else return outcome('failed', `${why}; nothing was changed`)
  }

  // The scaling groups that own hosts: read, and refused mid instance refresh before any change.
  if (deps.groups) {
    await log.group('Auto Scaling groups', () => readGroups(ctx))
    const refusal = await refreshInProgress(ctx)
    if (refusal && settings.dryRun) log.warning(`${refusal}: a real run would stop here`)
    else if (refusal) {
      log.error(refusal)
      return outcome('failed', refusal)
    }
  }

  if (!settings.dryRun && settings.lock && deps.lock) {
    try {
      await deps.lock(fleet.pools, fleetSize)
    } catch (err) {
      if (err instanceof LockHeldError) return outcome('failed', err.message)
      throw err
    }
    if (deps.accounts) {
      const rec = await log.group('Recover what an earlier run left out of service', () =>
        recoverAccounts(
          deps.accounts!,
          deps.lb,
          fleet.pools,
          new Set(fleet.hosts.map((h) => h.instanceId)),
          log,
          (fn) => poller.retry(fn, API_PATIENCE_MS)
        )
      )
      if (rec.restored.length > 0) {
        // The hosts put back are members again: plan on the fleet as the load balancer sees it.
        fleet = await waitBack(
          rec.restored.map((h) => h.instanceId),
          discover,
          ctx
        )
        ctx.pools = fleet.pools
        ctx.ledger = ledger = newLedger(fleet.hosts)
      }
      ledger.adopt(rec.quarantined)
      ctx.fleetSize = ledger.size
    }
  }

  // Pre-check: a host that fails is skipped and left exactly as it was.
  const failedPrecheck = await log.group('Pre-check', () =>
    precheck(ctx, ledger.inState('pending'), fleet.health)
  )
  // A reading cut short by the cancel says nothing about the host: nothing was changed yet.
  if (poller.cancelled) return outcome('cancelled', CANCELLED)
  for (const [h, reason] of failedPrecheck) {
    ledger.finish(h, 'skipped', { step: 'precheck', reason })
    log.warning(`${h.instanceId} skipped: ${reason}`)
  }
  if (failedPrecheck.size > 0 && !settings.skipUnhealthy) {
    return outcome(
      'failed',
      `${failedPrecheck.size} host(s) failed the pre-check and skip-unhealthy is false; nothing was changed`
    )
  }

  // Plan.
  const eligible = ledger.inState('pending')
  // Capacity is what the load balancer serves from: a skipped host it calls healthy counts.
  const inService = ledger.records.filter((h) => isInService(h, fleet.health)).length
  const plan = planBatches(
    settings.batchSize,
    eligible.map((h) => h.instanceId),
    ctx.fleetSize,
    settings.minHealthyPercent,
    inService,
    groupCapacities(ctx, fleet.health)
  )
  ctx.minInService = plan.minInService
  plan.batches.forEach((ids, i) =>
    ledger.update(
      ids.map((id) => ledger.get(id)),
      { batch: i + 1, step: 'plan' }
    )
  )
  await log.group('Plan', async () => {
    log.info(
      `${ctx.fleetSize} host(s), ${failedPrecheck.size} skipped, ${plan.batches.length} batch(es); at least ${plan.minInService} stay in service`
    )
    plan.batches.forEach((ids, i) => log.info(`batch ${i + 1}: ${ids.join(', ')}`))
    for (const note of plan.notes) log.warning(note)
  })
  if (settings.dryRun) return outcome('dry-run')
  return { ctx }
}
