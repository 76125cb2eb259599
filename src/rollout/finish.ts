// The end of a run: its outcome, the final check, what an AWS error leaves mid-cycle, and the
// rollback when on-failure asks for one.

import { errorMessage } from '../shared/errors.js'
import type { RolloutContext } from './context.js'
import { verifyHealth } from './health-check.js'
import { rollBack } from './rollback.js'
import type { HostRecord, RolloutOutcome, RunResult } from './outcome.js'
import { vanishedReason } from './fleet-moves.js'

/** The final version check reads each deployed host for at most this long. */
const FINAL_CHECK_MS = 60_000
export const CANCELLED = 'cancelled (SIGINT/SIGTERM)'

/** Why the run stops, and whether on-failure: rollback applies to it. */
export interface Stop {
  reason: string
  rollback: boolean
}

/** The run's outcome as it stands now. */
export function outcomeOf(ctx: RolloutContext, result: RunResult, reason?: string): RolloutOutcome {
  return {
    result,
    reason,
    pools: ctx.pools,
    hosts: ctx.ledger.records,
    batches: ctx.batches,
    startedAt: ctx.startedAt,
    finishedAt: ctx.deps.clock.now(),
    capacity: ctx.capacity,
    fleetSize: ctx.fleetSize,
    minInService: ctx.minInService
  }
}

/** How the run ends once the batches are over (or stopped). */
export async function finish(
  ctx: RolloutContext,
  stop: Stop | undefined,
  maxFailures: number
): Promise<RolloutOutcome> {
  const { settings, ledger, poller } = ctx
  const { log } = ctx.deps
  const outcome = (result: RunResult, reason?: string) => outcomeOf(ctx, result, reason)
  if (poller.cancelled) return cancelled(ctx)
  if (stop?.rollback && settings.onFailure === 'rollback') {
    // Not one log group: each rollback batch has its own (GitHub does not nest groups).
    return rollbackAfter(ctx, stop.reason, maxFailures, outcome)
  }
  if (stop) return outcome('failed', stop.reason)
  const nothingDeployed = allSkippedReason(ledger.records)
  if (nothingDeployed) return outcome('failed', nothingDeployed)
  if (ledger.count('failed') > 0) {
    log.warning(`${ledger.count('failed')} host(s) failed, within max-failures (${maxFailures})`)
  }
  return outcome('success')
}

/**
 * SPEC: a run that skipped hosts and deployed none ends `failed` (nothing was rolled out). The
 * reason names how many were skipped and the commonest reason, so the fix is in the summary line.
 */
export function allSkippedReason(hosts: readonly HostRecord[]): string | undefined {
  const skipped = hosts.filter((h) => h.state === 'skipped')
  if (skipped.length === 0 || hosts.some((h) => h.state === 'deployed')) return undefined
  const tally = new Map<string, number>()
  for (const h of skipped) {
    const why = h.reason ?? 'no reason recorded'
    tally.set(why, (tally.get(why) ?? 0) + 1)
  }
  const [why, n] = [...tally].sort((a, b) => b[1] - a[1])[0]!
  return `${skipped.length} host(s) skipped and none deployed: nothing was rolled out; commonest reason (${n} of ${skipped.length}): ${why}`
}

/**
 * After a cancel, no host whose deploy cycle had started is `pending` (SPEC: never touched, still
 * in service). Each says where it stood and what the post step does with it; `cycle` stays set so
 * the post step knows the cycle was cut short.
 */
export function settleCancelled(ctx: RolloutContext): void {
  const { ledger } = ctx
  for (const h of ledger.records) {
    if (h.cycle !== 'deploy' || h.state !== 'pending') continue
    const command = h.commandId ? `command ${h.commandId}` : 'its command'
    const [state, where, then] = !h.commandSent
      ? ([
          'failed',
          `drained (step ${h.step}), no command sent`,
          'the post step registers it back'
        ] as const)
      : h.step === 'restore'
        ? ([
            'deployed',
            `its deploy ran and passed its health check (${command}), it was being registered back`,
            'the post step registers it back'
          ] as const)
        : h.step === 'command'
          ? ([
              'failed',
              `${command} was in flight`,
              'the post step leaves it out of service for a person to check'
            ] as const)
          : ([
              'failed',
              `${command} had ended, its health not yet verified (step ${h.step})`,
              'the post step leaves it out of service for a person to check'
            ] as const)
    ledger.update(h, {
      state,
      reason: `run cancelled: ${where}; ${then}`,
      finishedAt: ctx.deps.clock.now()
    })
  }
}

function cancelled(ctx: RolloutContext): RolloutOutcome {
  settleCancelled(ctx)
  return outcomeOf(ctx, 'cancelled', CANCELLED)
}

/** After an AWS error: whoever was mid-cycle is out of service; say so rather than leave them as they were. */
export function failMidCycle(ctx: RolloutContext, reason: string): void {
  for (const h of ctx.ledger.records) {
    if (h.cycle === 'rollback') ctx.ledger.fail(h, h.step, `rollback: ${reason}`)
    else if (h.cycle || (h.state === 'pending' && h.outOfService))
      ctx.ledger.fail(h, h.step, reason)
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
  if (ctx.poller.cancelled) return cancelled(ctx)
  if (!rb.completed) {
    log.error(`rollback stopped: ${rb.stoppedBecause}`)
    return outcome('failed', `${reason}; rollback stopped: ${rb.stoppedBecause}`)
  }
  if (rb.attempted === 0) return outcome('failed', `${reason}; nothing to roll back`)
  const rolledBack = ctx.ledger.count('rolled-back')
  const failed = rb.attempted - rolledBack
  const tally = `rolled back ${rolledBack} host(s)${failed > 0 ? `, rollback failed on ${failed}` : ''}`
  return outcome('rolled-back', `${reason}; ${tally}`)
}

/** Every deployed host must still report expected-version at the end. */
export async function finalCheck(ctx: RolloutContext, expectedVersion: string): Promise<void> {
  const deployed = ctx.ledger.inState('deployed')
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
    const gone = vanishedReason(ctx, h)
    const why = gone ?? `${v?.reason ?? 'no reading'}; left in service`
    ctx.ledger.fail(h, 'final-check', why, {
      ...(gone ? { outOfService: true } : {}),
      version: v?.version
    })
    ctx.deps.log.error(`${h.instanceId} failed the final check: ${h.reason}`)
  }
}
