// The canary watch: after the first batch, canary-wait of watching before any other host is
// touched. Each poll (every 10–15 s) reads the alarms and the load balancer's health of the
// hosts just deployed, one DescribeTargetHealth per group. A deployed host that turns unhealthy
// fails (step canary) and is taken out of the load balancer for a person to look at; an alarm
// in ALARM ends the watch at once, and the run stops.

import { isTransient } from '../shared/errors.js'
import { formatDuration } from '../shared/format.js'
import type { RolloutContext } from './context.js'
import { takeOutHosts, poolsOf, isInService, snapshot, unhealthyReason } from './load-balancer.js'
import type { BatchRecord } from './outcome.js'

export const CANARY_POLL_MS = 10_000
export const CANARY_POLL_MAX_MS = 15_000

export async function canaryWatch(
  ctx: RolloutContext,
  batch: BatchRecord,
  maxFailures: number
): Promise<void> {
  const { ledger, deps, settings } = ctx
  const { clock, log } = deps
  const entry: BatchRecord['phases'][number] = { phase: 'canary', startedAt: clock.now() }
  batch.phases.push(entry)
  ctx.activity = 'during the canary wait'
  log.info(
    `watching ${batch.instanceIds.join(', ')}${settings.alarms.length > 0 ? ` and ${settings.alarms.length} alarm(s)` : ''} for ${formatDuration(settings.canaryWaitMs)}`
  )
  const watched = () =>
    batch.instanceIds.map((id) => ledger.get(id)).filter((h) => h.state === 'deployed')

  await ctx.poller.until(
    async () => {
      await ctx.poller.watchNow()
      if (ctx.alarmStop) return true
      const hosts = watched()
      if (hosts.length > 0) {
        let snap
        try {
          snap = await snapshot(ctx, poolsOf(ctx, hosts))
        } catch (err) {
          if (isTransient(err)) return undefined // no reading this time: look again next poll
          throw err
        }
        const unhealthy = hosts.filter((h) => !isInService(h, snap))
        if (unhealthy.length > 0) {
          // Failed and out of service from now: the journal says so before the load balancer is asked.
          for (const h of unhealthy) {
            const why = unhealthyReason(h, snap, ctx.pools) ?? 'not healthy in the load balancer'
            const reason = `${why} during the canary wait; taken out of the load balancer`
            ledger.fail(h, 'canary', reason, { outOfService: true })
            batch.failed.push(h.instanceId)
            log.error(`${h.instanceId} failed the canary wait: ${h.reason}`)
          }
          await takeOutHosts(ctx, unhealthy)
        }
      }
      return ledger.count('failed') > maxFailures ? true : undefined
    },
    {
      timeoutMs: settings.canaryWaitMs,
      expectedMs: CANARY_POLL_MS,
      minDelayMs: CANARY_POLL_MS,
      maxDelayMs: CANARY_POLL_MAX_MS,
      transientGraceMs: 0,
      watch: false
    },
    `the canary wait on ${batch.instanceIds.length} host(s) to end`
  )
  entry.finishedAt = clock.now()
  batch.finishedAt = clock.now()
}
