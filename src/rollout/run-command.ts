// Runs one command on many hosts and waits for every invocation, judging each on its own:
// SSM's overall command status can read Success while some invocations were Undeliverable.

import type { RolloutContext } from './context.js'
import type { CommandSpec, Invocation, SentCommand } from '../ports/command-runner.js'
import { MAX_INSTANCES_PER_COMMAND } from '../ports/command-runner.js'
import { chunks } from '../shared/chunks.js'
import { errorName } from '../shared/errors.js'
import type { PollOptions } from './poll.js'

const TERMINAL = new Set([
  'Success',
  'Cancelled',
  'TimedOut',
  'Failed',
  'Undeliverable',
  'DeliveryTimedOut',
  'InvalidPlatform',
  'AccessDenied',
  'Terminated'
])

/** What SSM answers for a command or invocation it has not finished recording yet. */
const NOT_YET = new Set(['InvocationDoesNotExist'])
/** SendCommand's error for an instance it cannot send to (terminated, stopped, not managed). */
const INVALID_INSTANCE = 'InvalidInstanceId'

export const isTerminal = (status: string): boolean => TERMINAL.has(status)

export interface CommandResult {
  instanceId: string
  commandId: string
  /** The invocation's final status; 'Running' when the wait ended before it did. */
  status: string
  statusDetails?: string
  exitCode?: number
  /** Plugin output (first 2,500 characters), as ListCommandInvocations returns it. */
  output?: string
}

export interface RunOptions {
  timeoutMs: number
  /** Called once each SendCommand returned, before waiting: the journal records command IDs. */
  onSent?: (commandId: string, instanceIds: string[]) => void
  /** Cancel invocations still running at the timeout (deploys); health checks just end. */
  cancelOnTimeout: boolean
  /**
   * How often to look while the command runs (see PollOptions). Default: as the poller's defaults
   * (1 s growing to 3 s).
   */
  pace?: Pick<PollOptions, 'minDelayMs' | 'maxDelayMs' | 'paceFraction'>
  /**
   * Called after every look at the invocations, with every host's result so far: a batch moves
   * each host on as soon as its own invocation ends, without waiting for the slowest.
   */
  onLook?: (results: ReadonlyMap<string, CommandResult>) => void
}

export async function runOnHosts(
  ctx: RolloutContext,
  instanceIds: string[],
  spec: CommandSpec,
  opts: RunOptions
): Promise<Map<string, CommandResult>> {
  const results = new Map<string, CommandResult>()
  if (instanceIds.length === 0) return results
  const { runner } = ctx.deps
  // One SendCommand's worth at a time, each retried on its own: retrying the whole list after a
  // throttled call would run the command twice on the hosts that already got it.
  const sent: SentCommand[] = []
  for (const chunk of chunks(instanceIds, MAX_INSTANCES_PER_COMMAND)) {
    const out = await sendDroppingVanished(ctx, chunk, spec)
    for (const id of out.rejected) {
      // Not sent: the host is gone (terminated) or no longer reachable through SSM at all.
      ctx.vanished.add(id)
      results.set(id, {
        instanceId: id,
        commandId: '',
        status: 'Undeliverable',
        statusDetails: 'InvalidInstanceId'
      })
    }
    for (const s of out.sent) {
      sent.push(s)
      for (const id of s.instanceIds)
        results.set(id, { instanceId: id, commandId: s.commandId, status: 'Pending' })
      opts.onSent?.(s.commandId, s.instanceIds)
    }
  }
  const unfinished = () =>
    sent.filter((s) => s.instanceIds.some((id) => !isTerminal(results.get(id)!.status)))

  const waited = await ctx.poller.until(
    async () => {
      for (const s of unfinished()) {
        // Right after SendCommand the list can be empty or the invocation unknown (eventual
        // consistency): those stay Pending until the next poll.
        await ctx.ssmRate.take()
        const invocations = await runner.invocations(s.commandId).catch((err: unknown) => {
          if (NOT_YET.has(errorName(err))) return []
          throw err
        })
        for (const inv of invocations) record(results, s.commandId, inv)
      }
      opts.onLook?.(results)
      return unfinished().length === 0 ? true : undefined
    },
    { timeoutMs: opts.timeoutMs, ...opts.pace },
    `the command on ${instanceIds.length} host(s) to finish`
  )

  if (waited.status === 'timeout') {
    for (const s of unfinished()) {
      const running = s.instanceIds.filter((id) => !isTerminal(results.get(id)!.status))
      if (opts.cancelOnTimeout) {
        await ctx.poller
          .retry(() => runner.cancel(s.commandId, running), ctx.apiPatienceMs)
          .catch(() => undefined)
      }
      for (const id of running) {
        const r = results.get(id)!
        r.status = 'Running'
        r.statusDetails = `still ${r.statusDetails ?? 'InProgress'}`
      }
    }
  } else if (waited.status === 'cancelled') {
    for (const r of results.values()) if (!isTerminal(r.status)) r.status = 'Running'
  }
  return results
}

/**
 * One SendCommand's worth. SSM rejects the whole call with InvalidInstanceId when any one of its
 * instances is not a running managed instance ("InvalidInstanceId", SendCommand API reference:
 * "the instance isn't valid ... the instance is terminated" among its causes) and does not say
 * which: the rejected list is halved and each half sent again, until every host that can take the
 * command has it and the rejected ones are known, one by one. A rejected call ran nothing, so
 * sending again cannot run the command twice.
 */
async function sendDroppingVanished(
  ctx: RolloutContext,
  ids: string[],
  spec: CommandSpec
): Promise<{ sent: SentCommand[]; rejected: string[] }> {
  try {
    const sent = await ctx.poller.retry(async () => {
      await ctx.ssmRate.take()
      return ctx.deps.runner.send(ids, spec)
    }, ctx.apiPatienceMs)
    return { sent, rejected: [] }
  } catch (err) {
    if (errorName(err) !== INVALID_INSTANCE) throw err
    if (ids.length === 1) return { sent: [], rejected: ids }
    const half = Math.ceil(ids.length / 2)
    const a = await sendDroppingVanished(ctx, ids.slice(0, half), spec)
    const b = await sendDroppingVanished(ctx, ids.slice(half), spec)
    return { sent: [...a.sent, ...b.sent], rejected: [...a.rejected, ...b.rejected] }
  }
}

function record(results: Map<string, CommandResult>, commandId: string, inv: Invocation): void {
  const r = results.get(inv.instanceId)
  if (!r || r.commandId !== commandId) return
  r.status = inv.status
  r.statusDetails = inv.statusDetails
  if (inv.responseCode !== undefined && inv.responseCode !== -1) r.exitCode = inv.responseCode
  r.output = inv.output
}
