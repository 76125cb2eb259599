// What the batch cycle sends: the user's script through AWS-RunShellScript (its execution
// timeout set from command-timeout), or the user's own document with its parameters.

import type { Settings } from '../settings.js'
import type { CommandSpec } from '../ports/command-runner.js'

/** SendCommand's TimeoutSeconds range. */
const MIN_DELIVERY_S = 30
const MAX_DELIVERY_S = 2_592_000

function shellScript(script: string, settings: Settings, comment: string): CommandSpec {
  const seconds = Math.ceil(settings.commandTimeoutMs / 1000)
  return {
    documentName: 'AWS-RunShellScript',
    parameters: { commands: [script], executionTimeout: [String(seconds)] },
    deliveryTimeoutSeconds: deliveryTimeout(settings),
    comment
  }
}

function deliveryTimeout(settings: Settings): number {
  const seconds = Math.ceil(settings.commandTimeoutMs / 1000)
  return Math.min(MAX_DELIVERY_S, Math.max(MIN_DELIVERY_S, seconds))
}

export function deploySpec(settings: Settings): CommandSpec {
  const comment = `rolling-deploy ${settings.expectedVersion ?? ''}`.trim()
  if (settings.deploy.kind === 'command')
    return shellScript(settings.deploy.script, settings, comment)
  return {
    documentName: settings.deploy.name,
    parameters: settings.deploy.parameters,
    deliveryTimeoutSeconds: deliveryTimeout(settings),
    comment
  }
}

export function rollbackSpec(settings: Settings): CommandSpec {
  return shellScript(settings.rollbackCommand ?? 'true', settings, 'rolling-deploy rollback')
}
