// The main step: inputs → rollout → report. Everything here is wiring; the logic lives below.

import * as core from '@actions/core'
import { Output, State } from './constants.js'
import { formatInputError, parseInputs } from './inputs/index.js'
import { createClients } from './aws/clients.js'
import { awsPorts } from './aws/adapters.js'
import { SsmParameterStore } from './aws/lock-store.js'
import { SsmAccountStore } from './aws/account-store.js'
import { AccountWriter } from './journal/account.js'
import { holderEnded } from './github/run-status.js'
import { errorMessage, errorName } from './shared/errors.js'
import { systemClock } from './shared/clock.js'
import { rollout } from './rollout/rollout.js'
import { acquireLocks, keepLocks, lockTtlFor, releaseLocks } from './rollout/lock.js'
import type { HeldLocks } from './ports/lock-store.js'
import { ConfigError } from './shared/config-error.js'
import { JournalWriter, journalFileSaver, journalPath } from './journal/journal.js'
import { publish } from './report/publish.js'
import { coreLog } from './core-log.js'
import { startDeployment, type GitHubDeployment } from './github/deployment.js'
import {
  endingSummary,
  failRun,
  finishRun,
  writeJobSummary,
  type FinishDeps
} from './entry/finish.js'
import { describeRefusal } from './shared/aws-failure.js'
import { runUrl as workflowRunUrl } from './shared/run-url.js'

/** After SIGINT the runner kills the step 10 s later: exit on our own terms before that. */
const CANCEL_EXIT_MS = 6_000

/** This run's link for the lock and the journal; outside GitHub Actions, the process. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string {
  return workflowRunUrl(env) ?? `local run (pid ${process.pid})`
}

export async function run(): Promise<void> {
  core.saveState(State.IsPost, 'true')
  const parsed = parseInputs((name) => core.getInput(name))
  if (!parsed.ok) {
    for (const e of parsed.errors)
      core.error(formatInputError(e), { title: `Invalid input: ${e.input}` })
    core.setOutput(Output.Result, 'failed')
    const message = `${parsed.errors.length} invalid input(s): nothing was read or changed in AWS`
    await writeJobSummary(
      endingSummary([message, ...parsed.errors.map(formatInputError)].join('\n'))
    )
    core.setFailed(message)
    return
  }
  const settings = parsed.settings
  if (settings.githubToken) core.setSecret(settings.githubToken)

  const clients = createClients(settings.region, coreLog)
  const locks = new SsmParameterStore(clients.ssm)
  const accountStore = new SsmAccountStore(clients.ssm)
  let account: AccountWriter | undefined
  let keeper: ReturnType<typeof keepLocks> | undefined
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
  const finish: FinishDeps = {
    releaseLocks: async () => {
      keeper?.stop()
      // The account keeps what is still out of service (failed hosts: quarantine) for the next run.
      await account
        ?.checkpoint()
        .catch((err) => core.warning(`could not write the durable account: ${errorMessage(err)}`))
      if (held) await releaseLocks(locks, held, coreLog)
    },
    journal,
    publish: (outcome) => publish(outcome, settings),
    finishDeployment: async (state, description) => {
      await deployment?.finish(state, description)
    },
    setOutput: (name, value) => core.setOutput(name, value),
    setFailed: (message) => core.setFailed(message),
    writeSummary: (markdown) => writeJobSummary(markdown)
  }

  try {
    deployment = await startDeployment(settings)
    if (deployment?.current) journal.set({ deploymentId: deployment.current.id })
    const outcome = await rollout(settings, {
      ...awsPorts(clients),
      clock: systemClock,
      log: coreLog,
      signal: controller.signal,
      onChange: (hosts) => {
        journal.hosts(hosts)
        account?.hosts(hosts)
      },
      onGroupChanges: (applied) => journal.groupChanges(applied),
      checkpoint: async () => account?.checkpoint(),
      accounts: accountStore,
      lock: async (groups, hostCount) => {
        const ttl = lockTtlFor(settings, groups, hostCount)
        held = await acquireLocks(locks, groups, runUrl(), ttl, systemClock, coreLog, {
          holderEnded: holderEnded(settings.githubToken)
        })
        journal.set({ locks: held, pools: groups.map((g) => ({ id: g.id, name: g.name })) })
        account = new AccountWriter(accountStore, groups, runUrl(), Date.now)
        const locked = held
        keeper = keepLocks(locks, locked, ttl, systemClock, coreLog, (lost) => {
          core.error(`lost lock(s) ${lost.join(', ')}: stopping; another run may hold the fleet`)
          controller.abort()
        })
      }
    })
    await finishRun(outcome, finish)
  } catch (err) {
    // A refusal (unreachable, no or bad credentials, access denied) names the call, the region,
    // the endpoint and the fix; any other AWS error as the SDK words it.
    const message =
      err instanceof ConfigError
        ? err.message
        : (describeRefusal(err, settings.region) ??
          `AWS error: ${errorName(err)}: ${errorMessage(err)}`)
    await failRun(message, finish)
  }
}
