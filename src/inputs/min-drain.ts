// min-drain: the shortest time from a host's deregistration to its deploy. action.yml declares
// no default because the default depends on the load balancer (see rollout/timeouts.ts): an
// empty input stays undefined here and the rollout resolves it per pool kind.

import { parseDurationInput } from './durations.js'
import type { Fail } from './errors.js'

/** Milliseconds, or undefined when the input is empty (the default by load balancer applies). */
export function parseMinDrain(name: string, raw: string, fail: Fail): number | undefined {
  if (raw === '') return undefined
  return parseDurationInput(
    name,
    raw,
    '',
    { min: 0, tooShort: 'use 0 to turn it off, or a duration such as 30s' },
    fail
  )
}
