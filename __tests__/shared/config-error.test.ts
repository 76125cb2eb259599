// ConfigError marks a problem with what the user asked for: the entry reports its message as it
// is (no stack, no "crashed"), so it must stay recognisable after crossing layers.

import { test, expect } from '@jest/globals'
import { ConfigError } from '../../src/shared/config-error.js'

test('is an Error named ConfigError, carrying the message as written', () => {
  const err: unknown = new ConfigError('target group "web" not found')
  expect(err).toBeInstanceOf(Error)
  expect(err).toBeInstanceOf(ConfigError)
  expect((err as Error).name).toBe('ConfigError')
  expect((err as Error).message).toBe('target group "web" not found')
  expect(String(err)).toBe('ConfigError: target group "web" not found')
})
