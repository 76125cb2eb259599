// Step 1 of a run: turn the raw action inputs into Settings, or into every problem at once, before
// anything touches AWS. Pure on purpose: the caller decides how to read inputs and report errors.

import { Input } from './constants.js'
import type { Amount, DeploySpec, OnFailure, Settings } from './settings.js'

/** One invalid input. `message` names the input and the value and says how to fix it. */
export interface InputError {
  input: string
  value: string
  message: string
}

export type ParseResult = { ok: true; settings: Settings } | { ok: false; errors: InputError[] }

const SECOND_MS = 1000
const MINUTE_MS = 60 * SECOND_MS
const HOUR_MS = 60 * MINUTE_MS
// SSM's executionTimeout maximum (172800 s). The same cap keeps every wait far below the
// 2^31-1 ms where setTimeout silently fires at once instead of waiting.
const MAX_DURATION_MS = 48 * HOUR_MS

const MAX_SHOWN_VALUE = 200
const MAX_HEALTH_PATH = 1024
const MAX_EXPECTED_VERSION = 256
const MAX_ALARM_NAME = 255

const DURATION_FORMS = 'use seconds (90) or a number with a unit: 90s, 5m, 1h, 1h30m'
const BATCH_FORMS =
  'use a count ≥ 1 (2), a percent over 0 and up to 100 (25%), or a list (1, 10%, 50%)'
const TG_FORMS =
  'use an ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>) or a ' +
  'name of 1–32 letters, digits and hyphens, not starting or ending with a hyphen'
const PARAMS_EXAMPLE = '{"commands": ["./deploy.sh"]}'

const TG_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/
const TG_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:targetgroup\/([A-Za-z0-9-]{1,32})\/[A-Za-z0-9]+$/
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/
// Names and ARNs as SSM accepts them for SendCommand (shared documents go by ARN).
const DOCUMENT_NAME = /^[A-Za-z0-9_.:/-]{3,200}$/
// C0, DEL and C1 controls: they could forge log lines or break the one-line annotation.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
// eslint-disable-next-line no-control-regex
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/

/** Cuts a value to at most 200 characters (code points, so no half surrogate pair). */
function truncate(value: string): string {
  const chars = Array.from(value)
  return chars.length <= MAX_SHOWN_VALUE
    ? value
    : chars.slice(0, MAX_SHOWN_VALUE - 1).join('') + '…'
}

/** A value quoted for a message: truncated, and every invisible or line-breaking character escaped
 *  so the annotation stays on one line and shows what was really given. */
function show(value: string): string {
  return JSON.stringify(truncate(value)).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')
  )
}

/** Splits a list input on commas and newlines; empty entries are dropped. */
function splitList(raw: string): string[] {
  return raw
    .split(/[,\r\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

const unique = (items: string[]): string[] => [...new Set(items)]

const UNIT_MS: Record<string, number> = { h: HOUR_MS, m: MINUTE_MS, s: SECOND_MS }
const DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/

/** Milliseconds of `<int>[.<frac>]` × unit, computed exactly; undefined when not a whole ms. */
function componentMs(text: string, unitMs: number): number | undefined {
  const [whole = '', frac = ''] = text.split('.')
  // Capped so fraction × unit stays an exact integer and the divisibility test can be trusted.
  if (frac.length > 6) return undefined
  const scale = 10 ** frac.length
  const fracScaled = Number(frac || '0') * unitMs
  if (fracScaled % scale !== 0) return undefined
  const ms = Number(whole) * unitMs + fracScaled / scale
  return Number.isSafeInteger(ms) ? ms : undefined
}

/**
 * Parses `90` (seconds), `90s`, `5m`, `1h`, `1h30m`, `1h30m15s` or `1.5m` into milliseconds.
 * Units are h, m, s in that order, each at most once, case-insensitive. Undefined when the text
 * is empty, negative, not a whole number of milliseconds, or anything else.
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase()
  if (t === '') return undefined
  if (/^\d+(?:\.\d+)?$/.test(t)) return componentMs(t, SECOND_MS)
  const m = DURATION.exec(t)
  if (m === null) return undefined
  let total = 0
  let parts = 0
  for (const [i, unit] of ['h', 'm', 's'].entries()) {
    const part = m[i + 1]
    if (part === undefined) continue
    const ms = componentMs(part, UNIT_MS[unit] ?? 0)
    if (ms === undefined) return undefined
    total += ms
    parts++
  }
  return parts > 0 && Number.isSafeInteger(total) ? total : undefined
}

/** A plain decimal (no sign, exponent or hex): Number() alone would take ' 1e2 ' or '0x10'. */
function parseDecimal(text: string): number | undefined {
  return /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : undefined
}

function parseCount(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : undefined
}

/** `N%` (spaces before % allowed) → N, else undefined. */
function parsePercent(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text)
  return m?.[1] === undefined ? undefined : Number(m[1])
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1'])
const FALSE_WORDS = new Set(['false', 'no', 'off', '0'])

/**
 * Formats an error as the one line of a `::error` annotation. Messages already name the input,
 * the value and the fix; this keeps the line single even for a hand-built error.
 */
export function formatInputError(e: InputError): string {
  const text = e.message.includes(e.input) ? e.message : `${e.input}: ${e.message}`
  return text.replace(/[\r\n]+/g, ' ')
}

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

  const duration = (
    name: string,
    fallback: string,
    limits: { min: number; tooShort?: string; tooLongWhy?: string }
  ): number => {
    const raw = read(name)
    const ms = parseDuration(raw || fallback)
    if (ms === undefined) {
      fail(name, raw, `${name} ${show(raw)} is not a duration: ${DURATION_FORMS}`)
      return 0
    }
    if (ms < limits.min) {
      fail(name, raw, `${name} ${show(raw)} is too short: ${limits.tooShort ?? DURATION_FORMS}`)
    } else if (ms > MAX_DURATION_MS) {
      const why = limits.tooLongWhy === undefined ? '' : `${limits.tooLongWhy}; `
      fail(name, raw, `${name} ${show(raw)} is too long: ${why}use 48h or less`)
    }
    return ms
  }

  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = read(name)
    if (raw === '') return fallback
    const word = raw.toLowerCase()
    if (TRUE_WORDS.has(word)) return true
    if (FALSE_WORDS.has(word)) return false
    fail(name, raw, `${name} ${show(raw)} is not a boolean: use true or false`)
    return fallback
  }

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
  const commandTimeoutMs = duration(Input.CommandTimeout, '10m', {
    min: SECOND_MS,
    tooShort: 'use at least 1s (SSM counts whole seconds), e.g. 10m',
    tooLongWhy: 'SSM runs a command for at most 48h (172800 s)'
  })
  const onFailure = parseOnFailure(read(Input.OnFailure), fail)
  const rollbackRaw = get(Input.RollbackCommand) ?? ''
  const rollbackCommand = rollbackRaw.trim() === '' ? undefined : rollbackRaw
  if (onFailure === 'rollback' && rollbackCommand === undefined) {
    fail(
      Input.RollbackCommand,
      '',
      `${Input.RollbackCommand} is empty but ${Input.OnFailure} is rollback: set ` +
        `${Input.RollbackCommand} to the script that restores the previous release, or use ` +
        `${Input.OnFailure}: halt`
    )
  }
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

type Fail = (input: string, value: string, message: string) => void

function parseRegion(
  input: string,
  env: Record<string, string | undefined>,
  fail: Fail
): string | undefined {
  const name = Input.AwsRegion
  const fromEnv = (key: string): { value: string; source: string } | undefined => {
    const v = env[key]?.trim()
    return v ? { value: v, source: ` (from ${key})` } : undefined
  }
  const found =
    input !== ''
      ? { value: input, source: '' }
      : (fromEnv('AWS_REGION') ?? fromEnv('AWS_DEFAULT_REGION'))
  if (found === undefined) {
    fail(
      name,
      '',
      `${name} is not set, nor AWS_REGION or AWS_DEFAULT_REGION: set aws-region or AWS_REGION, ` +
        'e.g. with aws-actions/configure-aws-credentials'
    )
    return undefined
  }
  if (!REGION.test(found.value)) {
    fail(
      name,
      found.value,
      `${name} ${show(found.value)}${found.source} is not an AWS region: use a region code ` +
        'such as us-east-1 or eu-west-2'
    )
    return undefined
  }
  return found.value
}

function parseTargetGroups(raw: string, region: string | undefined, fail: Fail): string[] {
  const name = Input.TargetGroups
  const entries = unique(splitList(raw))
  if (entries.length === 0) {
    fail(
      name,
      raw,
      `${name} is required: list target group ARNs or names, separated by commas or newlines`
    )
    return []
  }
  for (const entry of entries) {
    const arn = TG_ARN.exec(entry)
    if (arn !== null) {
      const arnRegion = arn[1] ?? ''
      // A client for one region cannot describe a target group of another: say so now, not
      // after a confusing "not found" from AWS.
      if (region !== undefined && arnRegion !== region) {
        fail(
          name,
          raw,
          `${name} entry ${show(entry)} is in region ${arnRegion}, not in aws-region ${region}: ` +
            `set aws-region to ${arnRegion}, or list target groups of one region only`
        )
      } else if (!TG_NAME.test(arn[2] ?? '')) {
        fail(name, raw, `${name} entry ${show(entry)} has an invalid name part: ${TG_FORMS}`)
      }
    } else if (!TG_NAME.test(entry)) {
      fail(
        name,
        raw,
        `${name} entry ${show(entry)} is neither a target group ARN nor a name: ${TG_FORMS}`
      )
    }
  }
  return entries
}

function parseDeploy(
  commandRaw: string,
  document: string,
  paramsRaw: string,
  fail: Fail
): DeploySpec {
  const script = commandRaw.trim() === '' ? undefined : commandRaw
  const params = parseDocumentParameters(paramsRaw, fail)
  if (script !== undefined && document !== '') {
    fail(
      Input.Document,
      document,
      `${Input.Command} and ${Input.Document} ${show(document)} are both set: use exactly one — ` +
        `${Input.Command} for a shell script, ${Input.Document} for another SSM document`
    )
  } else if (script === undefined && document === '') {
    fail(
      Input.Command,
      '',
      `neither ${Input.Command} nor ${Input.Document} is set: set ${Input.Command} to the shell ` +
        `script run on each host, or ${Input.Document} to the name of an SSM document`
    )
  }
  if (script !== undefined && params !== undefined && Object.keys(params).length > 0) {
    fail(
      Input.DocumentParameters,
      paramsRaw,
      `${Input.DocumentParameters} ${show(paramsRaw)} only applies to ${Input.Document}, but ` +
        `${Input.Command} is set: remove ${Input.DocumentParameters}, or use ${Input.Document}`
    )
  }
  if (document !== '' && !DOCUMENT_NAME.test(document)) {
    fail(
      Input.Document,
      document,
      `${Input.Document} ${show(document)} is not an SSM document name: use a name or ARN of ` +
        '3–200 letters, digits and _ - . : /, e.g. AWS-RunShellScript'
    )
  }
  if (script !== undefined) return { kind: 'command', script }
  return { kind: 'document', name: document, parameters: params ?? {} }
}

/** undefined when invalid (the error is already recorded). */
function parseDocumentParameters(raw: string, fail: Fail): Record<string, string[]> | undefined {
  const name = Input.DocumentParameters
  if (raw === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (e) {
    const why = e instanceof Error ? ` (${e.message.replace(/\s+/g, ' ')})` : ''
    fail(
      name,
      raw,
      `${name} ${show(raw)} is not valid JSON${why}: use a JSON object such as ${PARAMS_EXAMPLE}`
    )
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    fail(
      name,
      raw,
      `${name} ${show(raw)} is not a JSON object: use an object of parameter names to strings ` +
        `or lists of strings, such as ${PARAMS_EXAMPLE}`
    )
    return undefined
  }
  const out: Record<string, string[]> = {}
  let valid = true
  for (const [key, value] of Object.entries(parsed)) {
    if (key.trim() === '') {
      fail(name, raw, `${name} ${show(raw)} has an empty parameter name: name every parameter`)
      valid = false
    } else if (typeof value === 'string') {
      out[key] = [value]
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      out[key] = value as string[]
    } else {
      const kind = Array.isArray(value) ? 'a list with non-string items' : `a ${jsonKind(value)}`
      fail(
        name,
        raw,
        `${name} parameter ${show(key)} is ${kind}: SSM takes a string or a list of strings; ` +
          `quote the value, e.g. {${JSON.stringify(key)}: ["3600"]}`
      )
      valid = false
    }
  }
  return valid ? out : undefined
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null'
  return typeof value === 'object' ? 'object' : typeof value
}

function parseBatchSize(raw: string, fail: Fail): Amount[] {
  const name = Input.BatchSize
  if (raw === '') return [{ kind: 'count', value: 1 }]
  const entries = splitList(raw)
  if (entries.length === 0) {
    fail(name, raw, `${name} ${show(raw)} is invalid: ${BATCH_FORMS}`)
    return []
  }
  const sizes: Amount[] = []
  for (const entry of entries) {
    const count = parseCount(entry)
    const percent = parsePercent(entry)
    if (count !== undefined && count >= 1) {
      sizes.push({ kind: 'count', value: count })
    } else if (percent !== undefined && percent > 0 && percent <= 100) {
      sizes.push({ kind: 'percent', value: percent })
    } else if (entries.length === 1) {
      fail(name, raw, `${name} ${show(raw)} is invalid: ${BATCH_FORMS}`)
    } else {
      fail(name, raw, `${name} ${show(raw)} has an invalid entry ${show(entry)}: ${BATCH_FORMS}`)
    }
  }
  return sizes
}

function parseMaxFailures(raw: string, fail: Fail): Amount {
  const name = Input.MaxFailures
  if (raw === '') return { kind: 'count', value: 0 }
  const count = parseCount(raw)
  if (count !== undefined) return { kind: 'count', value: count }
  const percent = parsePercent(raw)
  if (percent !== undefined && percent <= 100) return { kind: 'percent', value: percent }
  fail(
    name,
    raw,
    `${name} ${show(raw)} is invalid: use a count ≥ 0 (2) or a percent of the fleet 0–100 (10%)`
  )
  return { kind: 'count', value: 0 }
}

function parseMinHealthy(raw: string, fail: Fail): number {
  const name = Input.MinHealthyPercent
  if (raw === '') return 50
  const n = parseDecimal(raw.replace(/\s*%$/, ''))
  if (n !== undefined && n <= 100) return n
  fail(name, raw, `${name} ${show(raw)} is invalid: use a percent from 0 to 100, e.g. 50`)
  return 50
}

function parseHealthPath(raw: string, fail: Fail): string | undefined {
  const name = Input.HealthPath
  if (raw === '') return undefined
  if (!raw.startsWith('/')) {
    fail(name, raw, `${name} ${show(raw)} does not start with /: use a path such as /health`)
  } else if (WHITESPACE_OR_CONTROL.test(raw)) {
    fail(
      name,
      raw,
      `${name} ${show(raw)} contains whitespace or a control character: use a path without ` +
        'them, percent-encoded where needed (%20 for a space)'
    )
  } else if (raw.length > MAX_HEALTH_PATH) {
    fail(
      name,
      raw,
      `${name} ${show(raw)} is longer than ${MAX_HEALTH_PATH} characters: use a shorter path`
    )
  }
  return raw
}

function parseHealthPort(raw: string, fail: Fail): number | 'traffic-port' | undefined {
  const name = Input.HealthPort
  if (raw === '') return undefined
  if (raw.toLowerCase() === 'traffic-port') return 'traffic-port'
  const port = parseCount(raw)
  if (port !== undefined && port >= 1 && port <= 65535) return port
  fail(
    name,
    raw,
    `${name} ${show(raw)} is invalid: use traffic-port or a port number from 1 to 65535`
  )
  return undefined
}

function parseExpectedVersion(raw: string, fail: Fail): string | undefined {
  const name = Input.ExpectedVersion
  if (raw === '') return undefined
  if (CONTROL.test(raw)) {
    fail(
      name,
      raw,
      `${name} ${show(raw)} contains a newline or control character: use the single-line ` +
        'version the health endpoint reports, e.g. 1.4.2 or a commit SHA'
    )
  } else if (Array.from(raw).length > MAX_EXPECTED_VERSION) {
    fail(
      name,
      raw,
      `${name} ${show(raw)} is longer than ${MAX_EXPECTED_VERSION} characters: use the ` +
        'version the health endpoint reports, e.g. 1.4.2 or a commit SHA'
    )
  }
  return raw
}

function parseOnFailure(raw: string, fail: Fail): OnFailure {
  const name = Input.OnFailure
  const word = raw.toLowerCase()
  if (word === '' || word === 'halt') return 'halt'
  if (word === 'rollback') return 'rollback'
  fail(name, raw, `${name} ${show(raw)} is invalid: use halt or rollback`)
  return 'halt'
}

function parseAlarms(raw: string, fail: Fail): string[] {
  const name = Input.Alarms
  const alarms = unique(splitList(raw))
  for (const alarm of alarms) {
    if (Array.from(alarm).length > MAX_ALARM_NAME) {
      fail(
        name,
        raw,
        `${name} entry ${show(alarm)} is longer than ${MAX_ALARM_NAME} characters: use alarm ` +
          'names as CloudWatch shows them (at most 255 characters), separated by commas or newlines'
      )
    }
  }
  return alarms
}
