// chunks splits a list into calls of a service's documented maximum (50 instances per
// SendCommand, 20 targets per RegisterTargets, ...): in order, none lost, none over the size.

import { test, expect } from '@jest/globals'
import { chunks } from '../../src/shared/chunks.js'

test('splits in order into pieces of at most the size, the last one shorter', () => {
  const ids = Array.from({ length: 101 }, (_, i) => `i-${i + 1}`)
  const pieces = chunks(ids, 50)
  expect(pieces.map((p) => p.length)).toEqual([50, 50, 1])
  expect(pieces.flat()).toEqual(ids)
})

test('an exact multiple leaves no empty piece; an empty list makes no call', () => {
  expect(chunks([1, 2, 3, 4], 2)).toEqual([
    [1, 2],
    [3, 4]
  ])
  expect(chunks([], 50)).toEqual([])
})
