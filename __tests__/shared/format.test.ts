// Durations and times as the log, the reasons and the summary print them.

import { test, expect } from '@jest/globals'
import { formatDuration, isoTime } from '../../src/shared/format.js'

test.each([
  [0, '0s'],
  [1_499, '1s'],
  [59_000, '59s'],
  [60_000, '1m'],
  [90_000, '1m30s'],
  [3_600_000, '1h'],
  [5_400_000, '1h30m'],
  // Seconds are dropped past an hour: 1h30m, not 1h30m5s.
  [5_405_000, '1h30m']
])('formatDuration(%p) is %p', (ms, text) => {
  expect(formatDuration(ms)).toBe(text)
})

test('a duration that cannot be one prints as a dash', () => {
  expect(formatDuration(-1)).toBe('-')
  expect(formatDuration(Number.NaN)).toBe('-')
  expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('-')
})

test('isoTime: UTC ISO 8601, or null for a time that never came', () => {
  expect(isoTime(0)).toBe('1970-01-01T00:00:00.000Z')
  expect(isoTime(undefined)).toBeNull()
})
