// What the GitHub deployment says about a finished run: its state and a one-line description.
// Reads the outcome here, so the github/ adapter only ever receives plain states and strings.

import type { RolloutOutcome, RunResult } from '../rollout/outcome.js'
import { countStates } from './json.js'

/** The final deployment states a run can end in (GitHub's names; a subset of its states). */
export type FinalDeploymentState = 'success' | 'inactive' | 'failure'

/** success → success; failed, rolled-back and cancelled → failure; a dry run records nothing. */
export function deploymentState(result: RunResult): FinalDeploymentState {
  return result === 'success' ? 'success' : result === 'dry-run' ? 'inactive' : 'failure'
}

/** A one-line description of a finished run for its deployment status (the github adapter cuts
 *  it to GitHub's 140 characters). */
export function describeOutcome(
  outcome: Pick<RolloutOutcome, 'result' | 'reason' | 'hosts'>
): string {
  const c = countStates(outcome.hosts)
  const counts = [
    `${c.deployed} deployed`,
    `${c.failed} failed`,
    c.rolledBack ? `${c.rolledBack} rolled back` : '',
    c.pending ? `${c.pending} pending` : '',
    c.skipped ? `${c.skipped} skipped` : ''
  ]
    .filter(Boolean)
    .join(', ')
  return `rolling-deploy ${outcome.result}: ${counts}${outcome.reason ? ` (${outcome.reason})` : ''}`
}
