// Boolean inputs (skip-unhealthy, lock, dry-run): the words YAML 1.1 and people use for yes/no.

import { show, type Fail } from './errors.js'

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1'])
const FALSE_WORDS = new Set(['false', 'no', 'off', '0'])

/** `raw` as a boolean; `fallback` when empty or invalid (the error is recorded). */
export function parseBoolean(name: string, raw: string, fallback: boolean, fail: Fail): boolean {
  if (raw === '') return fallback
  const word = raw.toLowerCase()
  if (TRUE_WORDS.has(word)) return true
  if (FALSE_WORDS.has(word)) return false
  fail(name, raw, `${name} ${show(raw)} is not a boolean: use true or false`)
  return fallback
}
