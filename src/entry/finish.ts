// The end of the main step, in the order the post step relies on: locks released and the journal
// marked finished before anything else can fail, then the outputs and summary, then the GitHub
// deployment, then the step's failure. A cancelled run leaves locks, journal and deployment to
// the post step, which restores what it can and finishes them.

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
  deps.setFailed(message)
}
