// The real clock, as a runner uses it. Its sleep must end early on cancel: a cancelled run must
// not wait out a 10 minute poll interval. Tested with jest's fake timers: nothing sleeps here.

import { test, expect, jest, afterEach } from '@jest/globals'
import { systemClock } from '../../src/shared/clock.js'

afterEach(() => {
  jest.useRealTimers()
})

test('now() is the wall clock', () => {
  jest.useFakeTimers({ now: 1_700_000_000_000 })
  expect(systemClock.now()).toBe(1_700_000_000_000)
})

test('sleep resolves after the time given, not before', async () => {
  jest.useFakeTimers()
  let done = false
  const sleeping = systemClock.sleep(10_000).then(() => (done = true))
  await jest.advanceTimersByTimeAsync(9_999)
  expect(done).toBe(false)
  await jest.advanceTimersByTimeAsync(1)
  await sleeping
  expect(done).toBe(true)
})

test('an abort ends the sleep at once, and leaves no timer behind', async () => {
  jest.useFakeTimers()
  const controller = new AbortController()
  let done = false
  const sleeping = systemClock.sleep(600_000, controller.signal).then(() => (done = true))
  await jest.advanceTimersByTimeAsync(1_000)
  controller.abort()
  await sleeping
  expect(done).toBe(true)
  expect(jest.getTimerCount()).toBe(0)
})

test('a signal already aborted does not sleep at all', async () => {
  jest.useFakeTimers()
  const controller = new AbortController()
  controller.abort()
  await systemClock.sleep(600_000, controller.signal)
  expect(jest.getTimerCount()).toBe(0)
})
