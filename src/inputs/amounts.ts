// Sizes given as a count or a percent: batch-size, max-failures, min-healthy-percent.

import { Input } from '../constants.js'
import type { Amount } from '../settings.js'
import { show, type Fail } from './errors.js'
import { parseCount, parseDecimal, parsePercent, splitList } from './text.js'

const BATCH_FORMS =
  'use a count ≥ 1 (2), a percent over 0 and up to 100 (25%), or a list (1, 10%, 50%)'

export function parseBatchSize(raw: string, fail: Fail): Amount[] {
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

export function parseMaxFailures(raw: string, fail: Fail): Amount {
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

export function parseMinHealthy(raw: string, fail: Fail): number {
  const name = Input.MinHealthyPercent
  if (raw === '') return 50
  const n = parseDecimal(raw.replace(/\s*%$/, ''))
  if (n !== undefined && n <= 100) return n
  fail(name, raw, `${name} ${show(raw)} is invalid: use a percent from 0 to 100, e.g. 50`)
  return 50
}
