// The batches: one deploy cycle per batch under the capacity guard, the alarms looked at before
// each batch and during every wait, the canary watch after the first, then the final check.

import { batchSizeAt, pickBatch } from './plan.js'
import { errorMessage } from '../shared/errors.js'
import { formatDuration } from '../shared/format.js'
import type { RolloutContext } from './context.js'
import { isInService, unhealthyReason } from './load-balancer.js'
import { runBatch, type Cycle } from './batch-cycle.js'
import { deploySpec } from './command-spec.js'
import { awaitCapacity, type CapacityView } from './capacity.js'
import { ALARM_WATCH_MS, AlarmWatch } from './alarms.js'
import { canaryWatch } from './canary.js'
import { failMidCycle, finalCheck, type Stop } from './finish.js'
import type { HostRecord } from './outcome.js'
import { protectHosts, releaseHosts, suspendForRun } from './scaling-groups.js'
import { rereadFleet, vanishedCount } from './fleet-moves.js'

/** Runs every batch; the reason the run stopped early, if it did. */
export async function runBatches(
  ctx: RolloutContext,
  maxFailures: number
): Promise<Stop | undefined> {
  const { settings, deps, ledger, poller } = ctx
  const { log } = deps
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
  if (alarms) poller.setWatch({ everyMs: ALARM_WATCH_MS, run: () => alarms.look() })

  let stop: Stop | undefined
  /** Failures over the budget, or an alarm seen by a wait: both call for a rollback. */
  const failureStop = () => {
    // A host that vanished (scale-in, termination) says nothing about the release.
    const failed = ledger.count('failed') - vanishedCount(ctx)
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
    // Before the first change to a host: the groups stop replacing and rebalancing hosts.
    await suspendForRun(ctx)
    // Until a read of the fleet after the final check finds no host left to deploy (SPEC step 4:
    // the run ends only when every host in the pools has a final state).
    let number = 1
    for (;;) {
      for (; ; number++) {
        if (poller.cancelled) break
        // The fleet moves: read before every batch and after the last (SPEC step 4).
        const when = ledger.count('pending') > 0 ? `before batch ${number}` : 'after the last batch'
        await rereadFleet(ctx, when, ledger.count('pending') === 0)
        const remaining = ledger.inState('pending')
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
          async () => {
            await protectHosts(ctx, batch)
            const r = await runBatch(ctx, batch, number, cycle)
            await releaseHosts(ctx, batch)
            return r
          }
        )
        // The canary watch guards the batches after the first: with none left, there is nothing to wait for.
        const watchCanary =
          number === 1 &&
          settings.canaryWaitMs > 0 &&
          ledger.count('pending') > 0 &&
          !poller.cancelled &&
          !failureStop()
        if (watchCanary) {
          await log.group(
            `Canary: watching batch 1 for ${formatDuration(settings.canaryWaitMs)}`,
            () => canaryWatch(ctx, record, maxFailures)
          )
        }
      }
      if (!stop && !poller.cancelled) stop = failureStop()
      // The release has reached every host it will: one more look at the alarms before calling it done.
      if (!stop && !poller.cancelled && ledger.count('deployed') > 0) {
        stop = await checkAlarms('after the last batch')
      }
      if (!stop && !poller.cancelled && settings.expectedVersion !== undefined) {
        ctx.activity = 'during the final check'
        await log.group('Final check', () => finalCheck(ctx, settings.expectedVersion!))
        stop = failureStop()
      }
      // Without a final check the read after the last batch was the last moment: nothing to re-read.
      if (stop || poller.cancelled || settings.expectedVersion === undefined) break
      await rereadFleet(ctx, 'after the final check', true)
      if (ledger.count('pending') === 0) break
    }
  } catch (err) {
    stop = { reason: `stopped by an AWS error: ${errorMessage(err)}`, rollback: false }
    log.error(stop.reason)
    failMidCycle(ctx, stop.reason)
  }

  return stop
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
  const { settings, ledger, deps } = ctx
  /** The batch this view allows, or why it allows none. */
  const choose = (v: CapacityView): { ids: string[]; why?: string } => {
    const candidates = remaining.filter((h) => isInService(h, v.snap)).map((h) => h.instanceId)
    if (candidates.length === 0) return { ids: [] } // all turned unhealthy: skipped below
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
  // A host that turned unhealthy since the pre-check is not taken out: it is skipped, as the pre-check would have.
  for (const h of remaining) {
    if (!isInService(h, got.view.snap)) {
      ledger.finish(h, 'skipped', {
        step: 'capacity',
        batch: null,
        reason: `before batch ${number}: ${unhealthyReason(h, got.view.snap, ctx.pools) ?? 'not in service'}`
      })
      deps.log.warning(`${h.instanceId} skipped: ${h.reason}`)
    }
  }
  return got.ids.map((id) => ledger.get(id))
}
