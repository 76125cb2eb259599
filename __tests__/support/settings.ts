// The one Settings fixture of the tests. Its defaults are action.yml's, read through the one reader
// and parsed by parseInputs as a run parses them, so a default changed in action.yml changes every
// test that does not set that field itself.

import { parseInputs } from '../../src/inputs/index.js'
import type { Settings } from '../../src/settings.js'
import { readActionYml } from './action-yml.js'

/**
 * action.yml's defaults as text, except github-token: its default is an expression the runner
 * evaluates to the job's token, and no test talks to GitHub through it.
 */
const DEFAULTS: Record<string, string> = Object.fromEntries(
  Object.entries(readActionYml().inputs)
    .filter(([name, input]) => input.default !== undefined && name !== 'github-token')
    .map(([name, input]) => [name, input.default as string])
)

/** The required inputs, and the region the runner's environment would give. */
const REQUIRED: Record<string, string> = { 'target-groups': 'tg-a', command: './deploy.sh' }
const ENV = { AWS_REGION: 'us-east-1' }

/** Settings of a run with action.yml's defaults, one target group `tg-a` and `./deploy.sh`. */
export function settingsFor(patch: Partial<Settings> = {}): Settings {
  const values = { ...DEFAULTS, ...REQUIRED }
  const parsed = parseInputs((name) => values[name] ?? '', ENV)
  if (!parsed.ok)
    throw new Error(`action.yml defaults do not parse: ${JSON.stringify(parsed.errors)}`)
  return { ...parsed.settings, ...patch }
}
