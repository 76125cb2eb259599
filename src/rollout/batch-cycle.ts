// One batch: drain → command → verify → restore. Hosts move on one by one: a host whose command
// ended is verified at once, and one that passes is put back at once, without waiting for a
// slower batch mate. A host that fails a step stays out of the load balancer for a person to
// look at; the others go back in and must be healthy there.

import type { RolloutContext } from './context.js'
import type { BatchRun, Cycle } from './batch-run.js'
import type { BatchRecord, HostRecord, Phase } from './outcome.js'
import { poolsOf, takeOutHosts, waitDrained } from './load-balancer.js'
import { drainTimeoutMs, healthyCadenceMs, minDrainMs } from './timeouts.js'
import { isTerminal, runOnHosts, type CommandResult } from './run-command.js'
import { formatDuration } from '../shared/format.js'
import { BatchProgress } from './batch-progress.js'
import { commandFailure, outputTail } from './command-failure.js'
import { HealthyWatch } from './healthy-watch.js'
import { returnHosts } from './host-return.js'
import { vanishedReason } from './fleet-moves.js'

/** Extra time past command-timeout before the rollout cancels an invocation itself. */
const COMMAND_GRACE_MS = 30_000
/**
 * How often a running deploy is looked at: every 5% of the time it has run (1 s at first, at most
 * 10 s), so its end is seen within 5% of its duration.
 */
const COMMAND_PACE = { minDelayMs: 1000, maxDelayMs: 10_000, paceFraction: 0.05 }

export type { BatchRun, Cycle } from './batch-run.js'

export async function runBatch(
  ctx: RolloutContext,
  hosts: HostRecord[],
  number: number,
  cycle: Cycle
): Promise<BatchRecord> {
  const { ledger } = ctx
  const { clock } = ctx.deps
  const batch: BatchRecord = {
    number,
    instanceIds: hosts.map((h) => h.instanceId),
    kind: cycle.kind,
    startedAt: clock.now(),
    phases: [],
    failed: []
  }
  ctx.batches.push(batch)
  const spans = new Map<Phase, { open: number; entry: BatchRecord['phases'][number] }>()
  const span = (name: Phase) => ({
    start: () => {
      const s = spans.get(name)
      if (s) {
        s.open++
        s.entry.finishedAt = undefined
        return
      }
      const entry: BatchRecord['phases'][number] = { phase: name, startedAt: clock.now() }
      batch.phases.push(entry)
      spans.set(name, { open: 1, entry })
    },
    end: () => {
      const s = spans.get(name)
      if (!s) return
      s.open--
      s.entry.finishedAt = clock.now()
    }
  })
  const fail = (h: HostRecord, step: HostRecord['step'], why: string) => {
    const reason = vanishedReason(ctx, h) ?? (cycle.kind === 'rollback' ? `rollback: ${why}` : why)
    ledger.fail(h, step, reason)
    batch.failed.push(h.instanceId)
    ctx.deps.log.error(`${h.instanceId} failed at ${step}: ${reason}`)
  }
  const done = () => {
    batch.finishedAt = clock.now()
    return batch
  }
  const run: BatchRun = {
    ctx,
    cycle,
    span,
    fail,
    progress: new BatchProgress(ctx, number),
    healthy: new HealthyWatch(ctx, healthyCadenceMs(poolsOf(ctx, hosts)))
  }

  // A rollback goes through the whole cycle whatever the agent says: its hosts already ran a
  // deploy (or are out for a person to look at), so "skipped" would misreport them.
  const online = cycle.kind === 'deploy' ? await agentsOnline(run, hosts) : hosts
  if (online.length === 0) return done()
  const now = clock.now()
  // A rollback keeps the host's deploy batch and start: the report tells where it was deployed.
  const start = cycle.kind === 'deploy' ? { batch: number, startedAt: now } : {}
  // A host rolled back keeps why its deploy failed until its rollback ends, for the post step.
  const clear = cycle.kind === 'deploy' ? { reason: undefined } : {}
  ledger.update(online, {
    ...start,
    ...clear,
    step: 'drain',
    outOfService: true,
    commandSent: false,
    cycle: cycle.kind
  })

  const ready = await drain(run, online)
  if (ready.length === 0 || ctx.poller.cancelled) return done()
  await commandAndReturn(run, ready)
  return done()
}

/**
 * 0. Just before the drain: a host whose SSM agent is not Online could not be deployed, so it is
 * skipped and stays in service (one DescribeInstanceInformation for the batch).
 */
async function agentsOnline(run: BatchRun, hosts: HostRecord[]): Promise<HostRecord[]> {
  const { ctx } = run
  const ids = hosts.map((h) => h.instanceId)
  const ping = await ctx.poller.retry(() => ctx.deps.runner.pingStatus(ids), ctx.apiPatienceMs)
  const online: HostRecord[] = []
  for (const h of hosts) {
    const status = ping.get(h.instanceId)
    if (status === 'Online') {
      online.push(h)
      continue
    }
    const reason = status
      ? `SSM agent is ${status}: not drained, left in service`
      : 'not a managed instance in SSM (no agent ping): not drained, left in service'
    ctx.ledger.finish(h, 'skipped', { step: 'drain', reason })
    ctx.deps.log.warning(`${h.instanceId} skipped: ${reason}`)
  }
  return online
}

/**
 * 1. Out of every pool; the hosts the load balancer has finished draining, once min-drain has
 * passed since each one's own last take-out.
 */
async function drain(run: BatchRun, hosts: HostRecord[]): Promise<HostRecord[]> {
  const { ctx, span, fail, progress } = run
  const { clock } = ctx.deps
  const phase = span('drain')
  phase.start()
  const startedAt = clock.now()
  progress.drainStarted(hosts.map((h) => h.instanceId))
  try {
    const takenOutAt = await takeOutHosts(ctx, hosts)
    const timeout = drainTimeoutMs(ctx.settings, poolsOf(ctx, hosts))
    const wait = await waitDrained(ctx, hosts, timeout)
    for (const [h, state] of wait.notReached) {
      if (!wait.cancelled)
        fail(h, 'drain', `still ${state} after drain-timeout ${formatDuration(timeout)}`)
    }
    if (wait.cancelled) return []
    // The floor, per host: the load balancer may still route new requests to it until then.
    const floors = wait.done.map(
      (h) => (takenOutAt.get(h) ?? startedAt) + minDrainMs(ctx.settings, poolsOf(ctx, [h]))
    )
    const floorAt = Math.max(0, ...floors)
    if (floorAt > clock.now()) await ctx.poller.sleep(floorAt - clock.now())
    if (ctx.poller.cancelled) return []
    progress.drainEnded(startedAt, minDrainMs(ctx.settings, poolsOf(ctx, hosts)))
    return wait.done
  } finally {
    phase.end()
  }
}

/**
 * 2-4. The command on hosts the load balancer no longer sends anything to; each host, as soon as
 * its own invocation ends, is verified and put back (host-return.ts). Ends when every host is
 * back in service or failed.
 */
async function commandAndReturn(run: BatchRun, ready: HostRecord[]): Promise<void> {
  const { ctx, cycle, span, fail, progress } = run
  const { ledger } = ctx
  const handled = new Set<string>()
  const returning: Array<Promise<void>> = []
  const failing: Array<Promise<void>> = []
  // Awaited together at the end; a handler now keeps an early rejection from going unhandled.
  const later = (p: Promise<void>) => {
    p.catch(() => undefined)
    return p
  }
  const onFailed = (h: HostRecord, r: CommandResult) =>
    later(
      (async () => {
        const tail = await outputTail(ctx, r)
        ledger.update(h, { outputTail: tail })
        fail(h, 'command', commandFailure(r, ctx.settings.commandTimeoutMs, tail))
      })()
    )
  const settle = (ended: CommandResult[]) => {
    const passed: HostRecord[] = []
    for (const r of ended) {
      handled.add(r.instanceId)
      const h = ledger.get(r.instanceId)
      ledger.update(h, { exitCode: r.exitCode })
      if (r.status === 'Success') passed.push(h)
      else failing.push(onFailed(h, r))
    }
    // Hosts whose invocations ended in the same look are verified together (one SSM command).
    if (passed.length > 0 && !ctx.poller.cancelled) returning.push(later(returnHosts(run, passed)))
  }

  ledger.update(ready, { step: 'command', commandSent: true })
  // On record as "deploy started" before the SendCommand leaves.
  await ctx.deps.checkpoint?.()
  const phase = span('command')
  phase.start()
  let results: Map<string, CommandResult>
  try {
    results = await runOnHosts(
      ctx,
      ready.map((h) => h.instanceId),
      cycle.command,
      {
        timeoutMs: ctx.settings.commandTimeoutMs + COMMAND_GRACE_MS,
        cancelOnTimeout: true,
        pace: COMMAND_PACE,
        onSent: (commandId, ids) => {
          ledger.update(
            ids.map((id) => ledger.get(id)),
            { commandId }
          )
          progress.commandSent(commandId, ids)
        },
        onLook: (all) => {
          progress.looked(all)
          settle(
            [...all.values()].filter((r) => isTerminal(r.status) && !handled.has(r.instanceId))
          )
        }
      }
    )
  } finally {
    phase.end()
  }
  if (!ctx.poller.cancelled) {
    // A runner that lost a host from its SendCommand calls must not crash the batch: it failed.
    settle(
      ready
        .filter((h) => !handled.has(h.instanceId))
        .map(
          (h) =>
            results.get(h.instanceId) ?? {
              instanceId: h.instanceId,
              commandId: h.commandId ?? '',
              status: 'Undeliverable',
              statusDetails: 'no invocation for this host'
            }
        )
    )
  }
  await Promise.all([...failing, ...returning])
}
