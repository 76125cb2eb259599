// Seed rule: check a host before touching it. A host that fails is skipped and left exactly as
// it was. A dry run reads only: the load balancer's state and the SSM agent's ping status.

import type { RolloutContext } from './context.js'
import type { HealthSnapshot } from './load-balancer.js'
import { unhealthyReason } from './load-balancer.js'
import { readHealth } from './health-check.js'
import type { HostRecord } from './outcome.js'

/** Each failing host with the reason; hosts not in the map passed. */
export async function precheck(
  ctx: RolloutContext,
  hosts: HostRecord[],
  lbView: HealthSnapshot
): Promise<Map<HostRecord, string>> {
  const failed = new Map<HostRecord, string>()
  for (const h of hosts) {
    const why = unhealthyReason(h, lbView, ctx.pools)
    if (why) failed.set(h, why)
  }
  const candidates = hosts.filter((h) => !failed.has(h))
  if (candidates.length === 0) return failed

  if (ctx.settings.dryRun) {
    const ids = candidates.map((h) => h.instanceId)
    const ping = await ctx.poller.retry(() => ctx.deps.runner.pingStatus(ids), ctx.apiPatienceMs)
    for (const h of candidates) {
      const status = ping.get(h.instanceId)
      if (status !== 'Online') {
        failed.set(
          h,
          status ? `SSM agent is ${status}` : 'not a managed instance in SSM (no agent ping)'
        )
      }
    }
    return failed
  }

  const verdicts = await readHealth(ctx, candidates, undefined)
  for (const h of candidates) {
    const v = verdicts.get(h.instanceId)
    if (!v?.ok) failed.set(h, `pre-check: ${v?.reason ?? 'no health reading'}`)
  }
  return failed
}
