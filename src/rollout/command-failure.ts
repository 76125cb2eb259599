// Why a host's deploy command failed, in words a person can act on, with the tail of its output.

import type { RolloutContext } from './context.js'
import type { CommandResult } from './run-command.js'
import { formatDuration } from '../shared/format.js'

/** How much of a failed host's output the report keeps. */
const OUTPUT_TAIL_CHARS = 4000

/** Said in the summary when the runner returned only the start of the output. */
export const TRUNCATED_NOTE =
  '[rolling-deploy: SSM returns only the first 24,000 characters of stdout (8,000 of stderr): the lines below end there, not where the command ended]'

export async function outputTail(ctx: RolloutContext, r: CommandResult): Promise<string> {
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

export function commandFailure(r: CommandResult, timeoutMs: number, tail: string): string {
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
