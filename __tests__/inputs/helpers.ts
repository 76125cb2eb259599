// Shared by the tests of src/inputs/: every input is checked through parseInputs, the way the
// action reads it, so a rule is tested together with how its errors are collected.
import { expect } from '@jest/globals'
import { parseInputs } from '../../src/inputs/index.js'
import type { InputError } from '../../src/inputs/errors.js'
import { Input } from '../../src/constants.js'

export const ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'

/** The smallest valid set of inputs, with overrides; '' means unset like core.getInput. */
export function parse(overrides: Record<string, string> = {}, env: Record<string, string> = {}) {
  const values: Record<string, string> = {
    [Input.TargetGroups]: 'web',
    [Input.Command]: './deploy.sh',
    [Input.AwsRegion]: 'us-east-1',
    ...overrides
  }
  return parseInputs((name) => values[name] ?? '', env)
}

export function settings(overrides: Record<string, string> = {}, env: Record<string, string> = {}) {
  const r = parse(overrides, env)
  if (!r.ok) throw new Error(`expected valid inputs, got: ${JSON.stringify(r.errors)}`)
  return r.settings
}

export function errors(overrides: Record<string, string> = {}, env: Record<string, string> = {}) {
  const r = parse(overrides, env)
  if (r.ok) throw new Error(`expected errors, got settings: ${JSON.stringify(r.settings)}`)
  return r.errors
}

/** The single error of a parse; fails when there are none or several. */
export function onlyError(overrides: Record<string, string>, env: Record<string, string> = {}) {
  const es = errors(overrides, env)
  expect(es).toHaveLength(1)
  return es[0] as InputError
}
