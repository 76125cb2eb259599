// The one reader of action.yml, for the tests (through __tests__/support/action-yml.ts) and the
// scripts (demo, bench). It parses with the `yaml` library, never with regexes.
//
// Metadata syntax: https://docs.github.com/en/actions/reference/workflows-and-actions/metadata-syntax
// An input's `default` is "a string representing the default value", and the runner hands every
// default to the step as text (INPUT_<NAME>). So the file is read with YAML's failsafe schema, in
// which every scalar is a string: `default: 1` stays "1" and `default: true` stays "true", as the
// runner passes them, instead of becoming a number or a boolean.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The action's metadata: inputs (description, required, default when it has one), outputs
 * (description) and runs, as written in action.yml.
 * @param {string} [root] the folder holding action.yml (default: this repository)
 */
export function readActionYml(root = ROOT) {
  const file = path.join(root, 'action.yml')
  const doc = parse(readFileSync(file, 'utf8'), { schema: 'failsafe' }) ?? {}
  const inputs = {}
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    const input = { description: spec?.description ?? '', required: spec?.required === 'true' }
    if (spec?.default !== undefined) input.default = spec.default
    inputs[name] = input
  }
  const outputs = {}
  for (const [name, spec] of Object.entries(doc.outputs ?? {}))
    outputs[name] = { description: spec?.description ?? '' }
  if (!doc.runs?.using) throw new Error(`${file}: no runs.using`)
  return {
    name: doc.name ?? '',
    description: doc.description ?? '',
    inputs,
    outputs,
    runs: doc.runs
  }
}

/**
 * Every input's default, as the runner evaluates it before the step starts. The runner evaluates
 * `${{ }}` expressions in defaults (metadata syntax, `inputs.<input_id>.default`); the only one
 * the action uses is the job's token, replaced here by `githubToken`. Any other expression throws,
 * so a new one is noticed rather than passed on as literal text.
 * @param {{ githubToken?: string, root?: string }} [options]
 */
export function inputDefaults({ githubToken = 'ghs_fakeToken', root } = {}) {
  const defaults = {}
  for (const [name, input] of Object.entries(readActionYml(root).inputs)) {
    if (input.default === undefined) continue
    const value = input.default.replace(/\$\{\{\s*github\.token\s*\}\}/g, githubToken)
    if (value.includes('${{'))
      throw new Error(
        `action.yml: input ${name} has a default expression no test evaluates: ${value}`
      )
    defaults[name] = value
  }
  return defaults
}
