// Duration inputs (canary-wait, health-timeout, drain-timeout, command-timeout): the text forms
// and the bounds every wait must respect.

import { show, type Fail } from './errors.js'

export const SECOND_MS = 1000
const MINUTE_MS = 60 * SECOND_MS
const HOUR_MS = 60 * MINUTE_MS
// SSM's executionTimeout maximum (172800 s). The same cap keeps every wait far below the
// 2^31-1 ms where setTimeout silently fires at once instead of waiting.
const MAX_DURATION_MS = 48 * HOUR_MS

const DURATION_FORMS = 'use seconds (90) or a number with a unit: 90s, 5m, 1h, 1h30m'

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

export interface DurationLimits {
  min: number
  tooShort?: string
  tooLongWhy?: string
}

/** One duration input (`raw`, or `fallback` when empty) in ms, checked against its limits and
 *  the 48h cap; 0 when it is not a duration at all (the error is recorded). */
export function parseDurationInput(
  name: string,
  raw: string,
  fallback: string,
  limits: DurationLimits,
  fail: Fail
): number {
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
