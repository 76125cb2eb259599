// resolveAmount turns batch-size and max-failures into host counts: a count as given, a percent
// of the fleet rounded up, never 0 when the percent is positive (SPEC.md).

import { test, expect } from '@jest/globals'
import { resolveAmount } from '../src/settings.js'

test.each([
  [{ kind: 'count', value: 3 }, 10, 3],
  [{ kind: 'count', value: 0 }, 10, 0],
  [{ kind: 'percent', value: 20 }, 10, 2],
  [{ kind: 'percent', value: 25 }, 10, 3],
  [{ kind: 'percent', value: 1 }, 10, 1],
  [{ kind: 'percent', value: 0 }, 10, 0],
  [{ kind: 'percent', value: 100 }, 7, 7]
] as const)('%p of %p hosts is %p', (amount, fleet, hosts) => {
  expect(resolveAmount(amount, fleet)).toBe(hosts)
})
