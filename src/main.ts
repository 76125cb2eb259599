// The main step: inputs → rollout → report. Everything here is wiring; the logic lives below.

import * as core from '@actions/core'
import { Output, State } from './constants.js'
import { formatInputError, parseInputs } from './inputs.js'
import { createClients } from './aws/clients.js'
import { awsPorts } from './aws/adapters.js'
import { SsmLockStore } from './aws/lock-store.js'
import { errorMessage, errorName } from './shared/errors.js'
import { systemClock } from './shared/clock.js'
import { rollout } from './rollout/rollout.js'
import { acquireLocks, lockTtlFor, releaseLocks } from './rollout/lock.js'
import type { HeldLocks } from './ports/lock-store.js'
import { ConfigError } from './shared/config-error.js'
import { JournalWriter, journalFileSaver, journalPath } from './journal/journal.js'
import { publish } from './report/publish.js'
import { coreLog } from './core-log.js'
import { describeOutcome, startDeployment, type GitHubDeployment } from './github/deployment.js'

/** After SIGINT the runner kills the step 10 s later: exit on our own terms before that. */
const CANCEL_EXIT_MS = 6_000

export function runUrl(env: NodeJS.ProcessEnv = process.env): string {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return `local run (pid ${process.pid})`
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
}

export async function run(): Promise<void> {
  core.saveState(State.IsPost, 'true')
  const parsed = parseInputs((name) => core.getInput(name))
  if (!parsed.ok) {
    for (const e of parsed.errors)
      core.error(formatInputError(e), { title: `Invalid input: ${e.input}` })
    core.setOutput(Output.Result, 'failed')
    core.setFailed(`${parsed.errors.length} invalid input(s): nothing was read or changed in AWS`)
    return
  }
  const settings = parsed.settings
  if (settings.githubToken) core.setSecret(settings.githubToken)

  const clients = createClients(settings.region)
  const locks = new SsmLockStore(clients.ssm)
  const journalFile = journalPath()
  core.saveState(State.Journal, journalFile)
  const journal = new JournalWriter(
    { region: settings.region, runUrl: runUrl() },
    journalFileSaver(journalFile)
  )
  // A crash still leaves the latest account for the post step.
  process.once('exit', () => journal.flush())
  let held: HeldLocks | undefined
  let deployment: GitHubDeployment | undefined

  const controller = new AbortController()
  const cancel = (signal: string) => {
    if (controller.signal.aborted) return
    core.warning(`${signal} received: starting no new work; the post step restores what it can`)
    controller.abort()
    journal.set({ result: 'cancelled' })
    journal.flush()
    core.setOutput(Output.Result, 'cancelled')
    setTimeout(() => process.exit(1), CANCEL_EXIT_MS).unref()
  }
  process.once('SIGINT', () => cancel('SIGINT'))
  process.once('SIGTERM', () => cancel('SIGTERM'))

  try {
    deployment = await startDeployment(settings)
    if (deployment?.current) journal.set({ deploymentId: deployment.current.id })
    const outcome = await rollout(settings, {
      ...awsPorts(clients),
      clock: systemClock,
      log: coreLog,
      signal: controller.signal,
      onChange: (hosts) => journal.hosts(hosts),
      lock: async (groups, hostCount) => {
        held = await acquireLocks(
          locks,
          groups,
          runUrl(),
          lockTtlFor(settings, groups, hostCount),
          systemClock,
          coreLog
        )
        journal.set({ locks: held })
      }
    })
    if (outcome.result !== 'cancelled') {
      if (held) await releaseLocks(locks, held, coreLog)
      journal.set({ finished: true, result: outcome.result, locks: undefined })
    }
    await publish(outcome, settings)
    if (outcome.result !== 'cancelled') {
      await deployment?.finish(outcome.result, describeOutcome(outcome))
      journal.set({ deploymentId: undefined })
    }
    if (outcome.result !== 'success' && outcome.result !== 'dry-run') {
      core.setFailed(
        `rolling-deploy ${outcome.result}${outcome.reason ? `: ${outcome.reason}` : ''}`
      )
    }
  } catch (err) {
    // Nothing was changed before the rollout gets this far with an error of this kind, but a lock
    // may have been taken: let it go, and tell the post step there is nothing to restore.
    if (held) await releaseLocks(locks, held, coreLog)
    journal.set({ finished: true, result: 'failed', locks: undefined })
    core.setOutput(Output.Result, 'failed')
    const message =
      err instanceof ConfigError
        ? err.message
        : `AWS error: ${errorName(err)}: ${errorMessage(err)}`
    await deployment?.finish('failed', message)
    journal.set({ deploymentId: undefined })
    core.setFailed(message)
  }
}
