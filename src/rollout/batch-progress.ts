// The progress lines of one batch in the step log (issue 16): a person watching the job sees
// what the batch is doing and how far it got, without a line per look.

import type { RolloutContext } from './context.js'
import type { CommandResult } from './run-command.js'
import { isTerminal } from './run-command.js'
import { formatDuration } from '../shared/format.js'

/** While the count of finished invocations does not change, repeat it at most this often. */
const REPEAT_MS = 10_000
/** A host still running after this long is named, once. */
const SLOW_HOST_MS = 60_000

/** The Run Command page of one command in the AWS console. */
export function consoleLink(region: string | undefined, commandId: string): string | undefined {
  if (!region) return undefined
  return `https://${region}.console.aws.amazon.com/systems-manager/run-command/${commandId}?region=${region}`
}

export class BatchProgress {
  private lastCount = -1
  private lastLineAt = -Infinity
  private sentAt = 0
  private namedSlow = false

  constructor(
    private readonly ctx: RolloutContext,
    private readonly number: number
  ) {}

  private line(text: string): void {
    this.ctx.deps.log.info(`batch ${this.number}: ${text}`)
  }

  drainStarted(ids: string[]): void {
    this.line(`draining ${ids.join(', ')}`)
  }

  drainEnded(startedAt: number, minDrainMs: number): void {
    const took = formatDuration(this.ctx.deps.clock.now() - startedAt)
    const floor = minDrainMs > 0 ? ` (min-drain ${formatDuration(minDrainMs)})` : ''
    this.line(`drained in ${took}${floor}`)
  }

  commandSent(commandId: string, ids: string[]): void {
    this.sentAt = this.ctx.deps.clock.now()
    const link = consoleLink(this.ctx.settings.region, commandId)
    this.line(`command ${commandId} sent to ${ids.join(', ')}${link ? ` (${link})` : ''}`)
  }

  /** After each look at the invocations: `3/4 done` when it changed or every ~10 s. */
  looked(results: ReadonlyMap<string, CommandResult>): void {
    const now = this.ctx.deps.clock.now()
    const all = [...results.values()]
    const done = all.filter((r) => isTerminal(r.status)).length
    if (done !== this.lastCount || now - this.lastLineAt >= REPEAT_MS) {
      this.lastCount = done
      this.lastLineAt = now
      this.line(`${done}/${all.length} done`)
    }
    if (!this.namedSlow && now - this.sentAt >= SLOW_HOST_MS) {
      const running = all.filter((r) => !isTerminal(r.status)).map((r) => r.instanceId)
      if (running.length > 0) {
        this.namedSlow = true
        this.line(`still running after ${formatDuration(now - this.sentAt)}: ${running.join(', ')}`)
      }
    }
  }

  healthy(id: string, version: string | undefined): void {
    this.line(`${id} passed its health check${version ? ` (version ${version})` : ''}`)
  }

  backInService(id: string): void {
    this.line(`${id} back in service`)
  }
}
