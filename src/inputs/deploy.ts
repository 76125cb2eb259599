// command / document / document-parameters: what SendCommand runs on each host.

import { Input } from '../constants.js'
import type { DeploySpec } from '../settings.js'
import { show, type Fail } from './errors.js'

const PARAMS_EXAMPLE = '{"commands": ["./deploy.sh"]}'
// Names and ARNs as SSM accepts them for SendCommand (shared documents go by ARN).
const DOCUMENT_NAME = /^[A-Za-z0-9_.:/-]{3,200}$/

export function parseDeploy(
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
