// Step 1 of a run: turn the raw action inputs into Settings, or into every problem at once, before
// anything touches AWS. Pure on purpose: the caller decides how to read inputs and report errors.
// Each input's rules live in their own module of this folder; this one only assembles Settings.

import { Input } from '../constants.js'
import type { Settings } from '../settings.js'
import { parseBatchSize, parseMaxFailures, parseMinHealthy } from './amounts.js'
import { parseBoolean } from './booleans.js'
import { parseDeploy } from './deploy.js'
import { parseDurationInput, SECOND_MS, type DurationLimits } from './durations.js'
import { truncate, type InputError } from './errors.js'
import { parseAlarms, parseOnFailure, parseRollbackCommand } from './failure.js'
import { parseExpectedVersion, parseHealthPath, parseHealthPort } from './health.js'
import { parseMinDrain } from './min-drain.js'
import { parseRegion } from './region.js'
import { parseTargetGroups } from './target-groups.js'

export { formatInputError, type InputError } from './errors.js'
export { parseDuration } from './durations.js'

export type ParseResult = { ok: true; settings: Settings } | { ok: false; errors: InputError[] }

/**
 * Validates every input and returns Settings, or all the errors found (never only the first),
 * so one failed run shows everything to fix. `get` returns the raw input ('' when unset).
 */
export function parseInputs(
  get: (name: string) => string,
  env: Record<string, string | undefined> = process.env
): ParseResult {
  const errors: InputError[] = []
  const fail = (input: string, value: string, message: string): void => {
    errors.push({ input, value: truncate(value), message })
  }
  const read = (name: string): string => (get(name) ?? '').trim()
  const duration = (name: string, fallback: string, limits: DurationLimits): number =>
    parseDurationInput(name, read(name), fallback, limits, fail)
  const boolean = (name: string, fallback: boolean): boolean =>
    parseBoolean(name, read(name), fallback, fail)
  const optional = (name: string): string | undefined => read(name) || undefined

  // aws-region first: target group ARNs are checked against it.
  const region = parseRegion(read(Input.AwsRegion), env, fail)

  const targetGroups = parseTargetGroups(read(Input.TargetGroups), region, fail)
  const deploy = parseDeploy(
    get(Input.Command) ?? '',
    read(Input.Document),
    read(Input.DocumentParameters),
    fail
  )
  const batchSize = parseBatchSize(read(Input.BatchSize), fail)
  const canaryWaitMs = duration(Input.CanaryWait, '0', { min: 0 })
  const healthPath = parseHealthPath(read(Input.HealthPath), fail)
  const healthPort = parseHealthPort(read(Input.HealthPort), fail)
  const healthTimeoutMs = duration(Input.HealthTimeout, '5m', {
    min: 1,
    tooShort: 'use a duration above 0, e.g. 5m'
  })
  const expectedVersion = parseExpectedVersion(read(Input.ExpectedVersion), fail)
  const maxFailures = parseMaxFailures(read(Input.MaxFailures), fail)
  const minHealthyPercent = parseMinHealthy(read(Input.MinHealthyPercent), fail)
  const skipUnhealthy = boolean(Input.SkipUnhealthy, true)
  const drainRaw = read(Input.DrainTimeout)
  const drainTimeoutMs = drainRaw === '' ? undefined : duration(Input.DrainTimeout, '', { min: 0 })
  const minDrainMs = parseMinDrain(Input.MinDrain, read(Input.MinDrain), fail)
  const commandTimeoutMs = duration(Input.CommandTimeout, '10m', {
    min: SECOND_MS,
    tooShort: 'use at least 1s (SSM counts whole seconds), e.g. 10m',
    tooLongWhy: 'SSM runs a command for at most 48h (172800 s)'
  })
  const onFailure = parseOnFailure(read(Input.OnFailure), fail)
  const rollbackCommand = parseRollbackCommand(get(Input.RollbackCommand) ?? '', onFailure, fail)
  const alarms = parseAlarms(read(Input.Alarms), fail)
  const lock = boolean(Input.Lock, true)
  const dryRun = boolean(Input.DryRun, false)
  const environment = optional(Input.Environment)
  const githubToken = optional(Input.GithubToken)

  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    settings: {
      targetGroups,
      deploy,
      batchSize,
      canaryWaitMs,
      healthPath,
      healthPort,
      healthTimeoutMs,
      expectedVersion,
      maxFailures,
      minHealthyPercent,
      skipUnhealthy,
      drainTimeoutMs,
      minDrainMs,
      commandTimeoutMs,
      onFailure,
      rollbackCommand,
      alarms,
      lock,
      dryRun,
      environment,
      githubToken,
      region
    }
  }
}
