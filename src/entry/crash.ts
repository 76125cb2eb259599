// An error nothing caught ends the step with one ::error carrying its stack, instead of Node's
// default print of the offending bundle line (tens of kilobytes of minified code) on stderr.
// The stack names src/ files because the entry turned source maps on before loading the action.

import * as core from '@actions/core'

/** The text of the one annotation: the stack when there is one (it starts with the message). */
export function crashMessage(err: unknown): string {
  const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err)
  return `rolling-deploy crashed (a bug: please report it with this stack): ${text}`
}

let reported = false

/** Reports the first crash and exits 1; the post step (post-if: always()) still runs after it. */
export function crash(err: unknown): void {
  if (!reported) {
    reported = true
    core.setFailed(crashMessage(err))
  }
  process.exit(1)
}

export function reportCrashes(): void {
  process.on('uncaughtException', crash)
  process.on('unhandledRejection', crash)
}
