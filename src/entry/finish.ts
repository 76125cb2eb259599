// The end of the main step, in the order the post step relies on: locks released and the journal
// marked finished before anything else can fail, then the outputs and summary, then the GitHub
// deployment, then the step's failure. A cancelled run leaves locks, journal and deployment to
// the post step, which restores what it can and finishes them.

import * as core from '@actions/core'
import { appendFileSync } from 'node:fs'
import { Output } from '../constants.js'
import type { Journal } from '../journal/journal.js'
import type { RolloutOutcome } from '../rollout/outcome.js'
import { deploymentState, describeOutcome } from '../report/deployment-text.js'

/** What the finish sequence touches; main.ts passes the real ones, tests pass fakes. */
export interface FinishDeps {
  /** Releases the target-group locks this run holds; nothing when it holds none. */
  releaseLocks(): Promise<void>
  journal: { set(patch: Partial<Journal>): void }
  publish(outcome: RolloutOutcome): Promise<void>
  /** Sets the final state of this run's GitHub deployment; nothing when there is none. */
  finishDeployment(state: 'success' | 'inactive' | 'failure', description: string): Promise<void>
  setOutput(name: string, value: string): void
  setFailed(message: string): void
  /** Appends Markdown to the job summary (nothing outside GitHub Actions). */
  writeSummary(markdown: string): Promise<void>
}

/** What a run that ended without an outcome had changed, in the words of its summary. */
export const NOTHING_CHANGED =
  'nothing: no host was taken out of a load balancer and no command was sent'

/**
 * The job summary of a run that ended before it had an outcome to report (invalid inputs, a
 * configuration or AWS error, a crash): result, why, and what was changed. Cells stay plain text.
 */
export function endingSummary(reason: string, changed: string = NOTHING_CHANGED): string {
  const quote = reason
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n')
  return (
    ['## ❌ rolling-deploy: failed', quote, `**What was changed:** ${changed}.`].join('\n\n') + '\n'
  )
}

/** Writes the job summary through @actions/core when the runner gives one (GITHUB_STEP_SUMMARY). */
export async function writeJobSummary(
  markdown: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown).write()
}

/** The same for a crash, which exits before any promise settles: a synchronous append. */
export function writeJobSummarySync(markdown: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_STEP_SUMMARY
  if (!file) return
  try {
    appendFileSync(file, markdown)
  } catch {
    // The step's ::error says it all; a summary that cannot be written must not hide it.
  }
}

/** The end of a rollout that returned an outcome. */
export async function finishRun(outcome: RolloutOutcome, deps: FinishDeps): Promise<void> {
  const cancelled = outcome.result === 'cancelled'
  if (!cancelled) {
    await deps.releaseLocks()
    deps.journal.set({ finished: true, result: outcome.result, locks: undefined })
  }
  await deps.publish(outcome)
  if (!cancelled) {
    await deps.finishDeployment(deploymentState(outcome.result), describeOutcome(outcome))
    deps.journal.set({ deploymentId: undefined })
  }
  if (outcome.result !== 'success' && outcome.result !== 'dry-run') {
    deps.setFailed(`rolling-deploy ${outcome.result}${outcome.reason ? `: ${outcome.reason}` : ''}`)
  }
}

/**
 * The end of a rollout that threw. Nothing was changed before the rollout gets this far with an
 * error, but a lock may have been taken: let it go, and tell the post step there is nothing to
 * restore. `message` is what the step fails with (the caller words AWS and config errors).
 */
export async function failRun(message: string, deps: FinishDeps): Promise<void> {
  await deps.releaseLocks()
  deps.journal.set({ finished: true, result: 'failed', locks: undefined })
  deps.setOutput(Output.Result, 'failed')
  await deps.finishDeployment(deploymentState('failed'), message)
  deps.journal.set({ deploymentId: undefined })
  try {
    await deps.writeSummary(endingSummary(message))
  } catch (err) {
    core.warning(`could not write the job summary: ${String(err)}`)
  }
  deps.setFailed(message)
}
