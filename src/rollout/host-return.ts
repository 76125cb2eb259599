// Steps 3 and 4 of a batch for hosts whose command ended: health on the host itself, then back
// into every pool and port, until the load balancer calls each in service. Called for each group
// of hosts as their invocations end, so a fast host never waits for a slow batch mate.

import type { BatchRun } from './batch-run.js'
import type { HostRecord } from './outcome.js'
import { putBackHosts, takeOutHosts } from './load-balancer.js'
import { verifyHealth } from './health-check.js'
import { healthyTimeoutMs } from './timeouts.js'
import { poolsOf } from './load-balancer.js'
import { formatDuration } from '../shared/format.js'

export async function returnHosts(run: BatchRun, hosts: HostRecord[]): Promise<void> {
  const passed = await verify(run, hosts)
  if (passed.length === 0 || run.ctx.poller.cancelled) return
  await restore(run, passed)
}

/** 3. Health on the host itself, with the expected version; the hosts that passed. */
async function verify(run: BatchRun, ran: HostRecord[]): Promise<HostRecord[]> {
  const { ctx, cycle, span, fail, progress } = run
  const { ledger } = ctx
  ledger.update(ran, { step: 'verify' })
  const phase = span('verify')
  phase.start()
  let verified: Awaited<ReturnType<typeof verifyHealth>>
  try {
    verified = await verifyHealth(ctx, ran, cycle.expectedVersion, ctx.settings.healthTimeoutMs)
  } finally {
    phase.end()
  }
  if (verified.cancelled) return []
  const passed: HostRecord[] = []
  for (const h of ran) {
    const v = verified.verdicts.get(h.instanceId)!
    ledger.update(h, { version: v.version })
    if (v.ok) {
      progress.healthy(h.instanceId, v.version)
      passed.push(h)
    } else
      fail(
        h,
        'verify',
        `${v.reason} (health-timeout ${formatDuration(ctx.settings.healthTimeoutMs)})`
      )
  }
  return passed
}

/** 4. Back into every pool and port it came from, until the load balancer calls it in service. */
async function restore(run: BatchRun, passed: HostRecord[]): Promise<void> {
  const { ctx, cycle, span, fail, progress } = run
  const { ledger } = ctx
  ledger.update(passed, { step: 'restore' })
  const phase = span('restore')
  phase.start()
  try {
    const refused = await putBackHosts(ctx, passed)
    for (const [h, why] of refused) fail(h, 'restore', `the load balancer refused it back: ${why}`)
    const back = passed.filter((h) => !refused.has(h))
    const timeout = healthyTimeoutMs(ctx.settings, poolsOf(ctx, back))
    await Promise.all(
      back.map(async (h) => {
        const verdict = await run.healthy.watch(h, timeout)
        if ('cancelled' in verdict) return
        if (verdict.ok) {
          ledger.finish(h, cycle.passState, { step: 'done', outOfService: false })
          progress.backInService(h.instanceId)
          return
        }
        // A host the load balancer never calls healthy goes back out, for a person to look at.
        await takeOutHosts(ctx, [h])
        fail(
          h,
          'restore',
          `load balancer still reports ${verdict.why} after health-timeout ${formatDuration(timeout)}; taken out again`
        )
      })
    )
  } finally {
    phase.end()
  }
}
