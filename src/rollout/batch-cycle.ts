// One batch: drain → command → verify → restore. A host that fails a step stays out of the load
// balancer for a person to look at; the others go back in and must be healthy there.

import type { RolloutContext } from './context.js'
import type { CommandSpec } from '../ports/command-runner.js'
import type { BatchRecord, HostRecord, HostState, Phase } from './outcome.js'
import { poolsOf, putBackHosts, takeOutHosts, waitDrained, waitHealthy } from './load-balancer.js'
import { drainTimeoutMs } from './timeouts.js'
import { runOnHosts, type CommandResult } from './run-command.js'
import { verifyHealth } from './health-check.js'
import { formatDuration } from '../shared/format.js'

/** Extra time past command-timeout before the rollout cancels an invocation itself. */
const COMMAND_GRACE_MS = 30_000
/**
 * How often a running deploy is looked at: every 5% of the time it has run (1 s at first, at most
 * 10 s), so its end is seen within 5% of its duration.
 */
const COMMAND_PACE = { minDelayMs: 1000, maxDelayMs: 10_000, paceFraction: 0.05 }
/** How much of a failed host's output the report keeps. */
const OUTPUT_TAIL_CHARS = 4000

export interface Cycle {
  kind: 'deploy' | 'rollback'
  command: CommandSpec
  /** Checked on the host after the command; rollback checks health only. */
  expectedVersion?: string
  /** The state a host ends in when the whole cycle passes. */
  passState: Extract<HostState, 'deployed' | 'rolled-back'>
}

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
  const phase = async <T>(name: Phase, fn: () => Promise<T>): Promise<T> => {
    const entry: BatchRecord['phases'][number] = { phase: name, startedAt: clock.now() }
    batch.phases.push(entry)
    try {
      return await fn()
    } finally {
      entry.finishedAt = clock.now()
    }
  }
  const fail = (h: HostRecord, step: HostRecord['step'], why: string) => {
    const reason = cycle.kind === 'rollback' ? `rollback: ${why}` : why
    ledger.fail(h, step, reason)
    batch.failed.push(h.instanceId)
    ctx.deps.log.error(`${h.instanceId} failed at ${step}: ${reason}`)
  }
  const done = () => {
    batch.finishedAt = clock.now()
    return batch
  }

  const now = clock.now()
  // A rollback keeps the host's deploy batch and start: the report tells where it was deployed.
  const start = cycle.kind === 'deploy' ? { batch: number, startedAt: now } : {}
  // A host rolled back keeps why its deploy failed until its rollback ends, for the post step.
  const clear = cycle.kind === 'deploy' ? { reason: undefined } : {}
  ledger.update(hosts, {
    ...start,
    ...clear,
    step: 'drain',
    outOfService: true,
    commandSent: false,
    cycle: cycle.kind
  })

  const run: BatchRun = { ctx, cycle, phase, fail }
  const ready = await drain(run, hosts)
  if (ready.length === 0 || ctx.poller.cancelled) return done()
  const ran = await command(run, ready)
  if (ran.length === 0) return done()
  const passed = await verify(run, ran)
  if (passed.length === 0) return done()
  await restore(run, passed)
  return done()
}

/** What every phase of one batch shares. */
interface BatchRun {
  ctx: RolloutContext
  cycle: Cycle
  /** Runs one phase, timing it in the batch's record. */
  phase: <T>(name: Phase, fn: () => Promise<T>) => Promise<T>
  /** Ends a host's run as failed at `step`, in the batch's record and the log. */
  fail: (h: HostRecord, step: HostRecord['step'], why: string) => void
}

/** 1. Out of every pool; the hosts the load balancer has finished draining. */
async function drain(run: BatchRun, hosts: HostRecord[]): Promise<HostRecord[]> {
  const { ctx, phase, fail } = run
  const drained = await phase('drain', async () => {
    await takeOutHosts(ctx, hosts)
    const timeout = drainTimeoutMs(ctx.settings, poolsOf(ctx, hosts))
    const wait = await waitDrained(ctx, hosts, timeout)
    for (const [h, state] of wait.notReached) {
      if (!wait.cancelled)
        fail(h, 'drain', `still ${state} after drain-timeout ${formatDuration(timeout)}`)
    }
    return wait
  })
  return drained.cancelled ? [] : drained.done
}

/** 2. The command, only on hosts the load balancer no longer sends anything to; those it ran on. */
async function command(run: BatchRun, ready: HostRecord[]): Promise<HostRecord[]> {
  const { ctx, cycle, phase, fail } = run
  const { ledger } = ctx
  ledger.update(ready, { step: 'command', commandSent: true })
  // On record as "deploy started" before the SendCommand leaves.
  await ctx.deps.checkpoint?.()
  const results = await phase('command', () =>
    runOnHosts(
      ctx,
      ready.map((h) => h.instanceId),
      cycle.command,
      {
        timeoutMs: ctx.settings.commandTimeoutMs + COMMAND_GRACE_MS,
        cancelOnTimeout: true,
        pace: COMMAND_PACE,
        onSent: (commandId, ids) =>
          ledger.update(
            ids.map((id) => ledger.get(id)),
            { commandId }
          )
      }
    )
  )
  if (ctx.poller.cancelled) return []
  const ran: HostRecord[] = []
  for (const h of ready) {
    // A runner that lost a host from its SendCommand calls must not crash the batch: the host failed.
    const r = results.get(h.instanceId) ?? {
      instanceId: h.instanceId,
      commandId: h.commandId ?? '',
      status: 'Undeliverable',
      statusDetails: 'no invocation for this host'
    }
    ledger.update(h, { exitCode: r.exitCode })
    if (r.status === 'Success') ran.push(h)
    else {
      const tail = await outputTail(ctx, r)
      ledger.update(h, { outputTail: tail })
      fail(h, 'command', commandFailure(r, ctx.settings.commandTimeoutMs, tail))
    }
  }
  return ran
}

/** 3. Health on the host itself, with the expected version; the hosts that passed. */
async function verify(run: BatchRun, ran: HostRecord[]): Promise<HostRecord[]> {
  const { ctx, cycle, phase, fail } = run
  const { ledger } = ctx
  ledger.update(ran, { step: 'verify' })
  const verified = await phase('verify', () =>
    verifyHealth(ctx, ran, cycle.expectedVersion, ctx.settings.healthTimeoutMs)
  )
  if (verified.cancelled) return []
  const passed: HostRecord[] = []
  for (const h of ran) {
    const v = verified.verdicts.get(h.instanceId)!
    ledger.update(h, { version: v.version })
    if (v.ok) passed.push(h)
    else
      fail(
        h,
        'verify',
        `${v.reason} (health-timeout ${formatDuration(ctx.settings.healthTimeoutMs)})`
      )
  }
  return passed
}

/**
 * 4. Back into every pool and port it came from, until the load balancer calls it in service.
 */
async function restore(run: BatchRun, passed: HostRecord[]): Promise<void> {
  const { ctx, cycle, phase, fail } = run
  const { ledger } = ctx
  ledger.update(passed, { step: 'restore' })
  await phase('restore', async () => {
    const refused = await putBackHosts(ctx, passed)
    for (const [h, why] of refused) fail(h, 'restore', `the load balancer refused it back: ${why}`)
    const back = passed.filter((h) => !refused.has(h))
    if (back.length === 0) return
    const wait = await waitHealthy(ctx, back, ctx.settings.healthTimeoutMs)
    if (wait.cancelled) return
    for (const h of wait.done)
      ledger.finish(h, cycle.passState, { step: 'done', outOfService: false })
    const notReached = [...wait.notReached.keys()]
    // A host the load balancer never calls healthy goes back out, for a person to look at.
    if (notReached.length > 0) await takeOutHosts(ctx, notReached)
    for (const [h, state] of wait.notReached) {
      fail(
        h,
        'restore',
        `load balancer still reports ${state} after health-timeout ${formatDuration(ctx.settings.healthTimeoutMs)}; taken out again`
      )
    }
  })
}

/** Said in the summary when the runner returned only the start of the output. */
export const TRUNCATED_NOTE =
  '[rolling-deploy: SSM returns only the first 24,000 characters of stdout (8,000 of stderr): the lines below end there, not where the command ended]'

async function outputTail(ctx: RolloutContext, r: CommandResult): Promise<string> {
  try {
    const out = await ctx.poller.retry(
      () => ctx.deps.runner.output(r.commandId, r.instanceId),
      30_000
    )
    const text = [out.stdout.trimEnd(), out.stderr.trimEnd()].filter(Boolean).join('\n')
    const cut = out.truncated ? `${TRUNCATED_NOTE}\n` : ''
    return cut + text.slice(-OUTPUT_TAIL_CHARS)
  } catch {
    return (r.output ?? '').slice(-OUTPUT_TAIL_CHARS)
  }
}

function commandFailure(r: CommandResult, timeoutMs: number, tail: string): string {
  const lastLine = tail.trim().split('\n').pop()?.slice(0, 200)
  const detail = lastLine ? `: ${lastLine}` : ''
  switch (r.status) {
    case 'Failed':
      return `command failed with exit code ${r.exitCode ?? 'unknown'}${detail}`
    case 'TimedOut':
      return `command timed out on the host (TimedOut, command-timeout ${formatDuration(timeoutMs)})${detail}`
    case 'Running':
      return `command still running after command-timeout ${formatDuration(timeoutMs)}; cancelled`
    case 'Undeliverable':
      return 'SSM could not deliver the command (Undeliverable): is the SSM agent running and the instance reachable?'
    case 'DeliveryTimedOut':
      return 'SSM could not deliver the command in time (DeliveryTimedOut): the SSM agent did not pick it up'
    case 'InvalidPlatform':
      return 'the document does not run on this platform (InvalidPlatform)'
    case 'AccessDenied':
      return "SSM denied the command on this host (AccessDenied): check the instance profile's permissions"
    default:
      return `command ended ${r.status}${r.statusDetails && r.statusDetails !== r.status ? ` (${r.statusDetails})` : ''}${detail}`
  }
}
