// on-failure: rollback. Once the run stops for failures over max-failures or an alarm, the
// rollback command goes through the same drain → command → verify (health only, no
// expected-version) → restore cycle: first on the failed hosts that got the deploy, then on the
// deployed hosts, newest batch first. Batches take the sizes of batch-size (the first rollback
// batch is as small as the canary) and the capacity guard: a host already out of service costs
// no capacity. A host whose rollback passes ends rolled-back; one whose rollback fails ends
// failed ("rollback: ...") and stays out of the load balancer.

import { batchSizeAt, groupBlock, takeOut, type GroupCapacity } from './plan.js'
import type { Settings } from '../settings.js'
import { runBatch, type Cycle } from './batch-cycle.js'
import { awaitCapacity, type CapacityView, type Choice } from './capacity.js'
import { rollbackSpec } from './command-spec.js'
import type { RolloutContext } from './context.js'
import { isInService } from './load-balancer.js'
import type { HostRecord } from './outcome.js'

export interface RollbackOutcome {
  /** Every host of the queue went through its rollback cycle. */
  completed: boolean
  /** Why the rollback stopped short (not set when cancelled). */
  stoppedBecause?: string
  /** Hosts whose rollback was attempted. */
  attempted: number
}

export function rollbackCycle(settings: Settings): Cycle {
  return { kind: 'rollback', command: rollbackSpec(settings), passState: 'rolled-back' }
}

/**
 * The hosts to roll back, in order: failed hosts that got the deploy command (a host that failed
 * at drain never got it and keeps its release), then deployed hosts, newest batch first.
 */
export function rollbackQueue(records: readonly HostRecord[]): HostRecord[] {
  const newestFirst = (a: HostRecord, b: HostRecord) => (b.batch ?? 0) - (a.batch ?? 0)
  const failed = records.filter((h) => h.state === 'failed' && h.commandSent).sort(newestFirst)
  const deployed = records.filter((h) => h.state === 'deployed').sort(newestFirst)
  return [...failed, ...deployed]
}

export async function rollBack(ctx: RolloutContext, maxFailures: number): Promise<RollbackOutcome> {
  const { ledger, deps, settings } = ctx
  const cycle = rollbackCycle(settings)
  const queue = rollbackQueue(ledger.records)
  const outcome: RollbackOutcome = { completed: false, attempted: 0 }
  deps.log.info(
    `rolling back ${queue.length} host(s): ${queue.map((h) => h.instanceId).join(', ') || 'none'}`
  )
  /** Previously deployed hosts whose rollback failed: each one is a serving host now out. */
  let brokeServing = 0
  for (let number = 1; queue.length > 0; number++) {
    if (ctx.poller.cancelled) return outcome
    ctx.activity = `before rollback batch ${number}`
    // An alarm firing now changes nothing: the rollback is what it calls for.
    const capacity = await awaitCapacity(ctx, (v) => chooseRollback(ctx, queue, number, v), {
      stopOnAlarm: false
    })
    if (capacity.status === 'stop') return { ...outcome, stoppedBecause: capacity.reason }
    if (capacity.status === 'interrupted' || ctx.poller.cancelled) return outcome
    const batch = capacity.ids.map((id) => ledger.get(id))
    queue.splice(0, queue.length, ...queue.filter((h) => !batch.includes(h)))
    const before = new Map(
      batch.map((h) => [h, { state: h.state, step: h.step, reason: h.reason }])
    )
    ctx.activity = `during rollback batch ${number}`
    outcome.attempted += batch.length
    await deps.log.group(
      `Rollback batch ${number}: ${batch.map((h) => h.instanceId).join(', ')}`,
      () => runBatch(ctx, batch, number, cycle)
    )
    if (ctx.poller.cancelled) return outcome
    for (const h of batch) {
      const was = before.get(h)!
      if (h.state === 'rolled-back' && was.state === 'failed') {
        // The report keeps why the deploy failed on a host whose rollback then passed.
        ledger.update(h, {
          reason: `deploy failed at ${was.step}: ${was.reason ?? 'see the log'}; rolled back`
        })
      }
      if (h.state === 'failed' && was.state === 'deployed') brokeServing++
    }
    if (brokeServing > maxFailures) {
      return {
        ...outcome,
        stoppedBecause: `the rollback failed on ${brokeServing} host(s) that were serving, more than max-failures (${maxFailures}); the other deployed hosts were left in service`
      }
    }
  }
  return { ...outcome, completed: true }
}

/**
 * The next rollback batch, in queue order: up to the batch size, hosts already out of service
 * for free, hosts in service only while the capacity guard allows (overall and per target
 * group). The first host that does not fit ends the batch, so the order holds.
 */
function chooseRollback(
  ctx: RolloutContext,
  queue: HostRecord[],
  number: number,
  view: CapacityView
): Choice {
  const { settings } = ctx
  const size = batchSizeAt(settings.batchSize, number - 1, ctx.fleetSize)
  const out = new Map<GroupCapacity, number>()
  const picked: string[] = []
  let used = 0
  let why: string | undefined
  for (const h of queue) {
    if (picked.length >= size) break
    if (h.outOfService || !isInService(h, view.snap)) {
      picked.push(h.instanceId)
      continue
    }
    if (used + 1 > view.allowance) {
      why = `${view.inService.length} of ${ctx.fleetSize} host(s) in service, ${ctx.minInService} must stay in service (min-healthy-percent ${settings.minHealthyPercent})`
      break
    }
    why = groupBlock(h.instanceId, view.groups, out, settings.minHealthyPercent)
    if (why) break
    takeOut(h.instanceId, view.groups, out)
    used++
    picked.push(h.instanceId)
  }
  return picked.length > 0 ? { ids: picked } : { ids: [], why }
}
