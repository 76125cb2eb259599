// The main step: inputs → rollout → report. Everything here is wiring; the logic lives below.

import * as core from '@actions/core'
import { Output, State } from './constants.js'
import { formatInputError, parseInputs } from './inputs.js'
import { createClients } from './aws/clients.js'
import { awsPorts } from './aws/adapters.js'
import { errorMessage } from './aws/errors.js'
import { systemClock } from './rollout/clock.js'
import { rollout } from './rollout/rollout.js'
import { ConfigError, type Log } from './rollout/types.js'
import { publish } from './report/publish.js'

export const coreLog: Log = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  group: (name, fn) => core.group(name, fn)
}

export async function run(): Promise<void> {
  core.saveState(State.IsPost, 'true')
  const parsed = parseInputs((name) => core.getInput(name))
  if (!parsed.ok) {
    for (const e of parsed.errors) core.error(formatInputError(e), { title: `Invalid input: ${e.input}` })
    core.setOutput(Output.Result, 'failed')
    core.setFailed(`${parsed.errors.length} invalid input(s): nothing was read or changed in AWS`)
    return
  }
  const settings = parsed.settings
  if (settings.githubToken) core.setSecret(settings.githubToken)

  const controller = new AbortController()
  const cancel = (signal: string) => {
    core.warning(`${signal} received: starting no new work`)
    controller.abort()
  }
  process.once('SIGINT', () => cancel('SIGINT'))
  process.once('SIGTERM', () => cancel('SIGTERM'))

  try {
    const outcome = await rollout(settings, {
      ...awsPorts(createClients(settings.region)),
      clock: systemClock,
      log: coreLog,
      signal: controller.signal
    })
    await publish(outcome, settings)
    if (outcome.result !== 'success' && outcome.result !== 'dry-run') {
      core.setFailed(`rolling-deploy ${outcome.result}${outcome.reason ? `: ${outcome.reason}` : ''}`)
    }
  } catch (err) {
    core.setOutput(Output.Result, 'failed')
    const message = err instanceof ConfigError ? err.message : `AWS error before any change: ${errorMessage(err)}`
    core.error(message)
    core.setFailed(message)
  }
}
