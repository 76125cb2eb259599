import { describe, it, expect } from '@jest/globals'
import fc from 'fast-check'
import { settings, onlyError } from './helpers.js'
import { parseDuration } from '../../src/inputs/durations.js'
import { Input } from '../../src/constants.js'

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['90', 90_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1h30m15s', 5_415_000],
    ['2m30s', 150_000],
    ['90m', 5_400_000],
    ['1.5m', 90_000],
    ['0.5s', 500],
    [' 5m ', 300_000],
    ['5M', 300_000],
    ['172800', 172_800_000]
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([
    '',
    '   ',
    '-5',
    '-5m',
    '+5',
    '5 m',
    '5min',
    '1d',
    '500ms',
    'm',
    '1h1h',
    '30m1h',
    '1e3',
    '0x10',
    '.5s',
    '5.s',
    '0.0001s',
    '1.5.2',
    'Infinity',
    'NaN',
    '99999999999999999999h'
  ])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })

  it('takes up to six decimals, beyond which float arithmetic stops being exact', () => {
    expect(parseDuration('1.500000m')).toBe(90_000)
    expect(parseDuration('1.5000000m')).toBeUndefined()
  })

  it('adds h, m and s components for any combination', () => {
    fc.assert(
      fc.property(
        fc.option(fc.nat(1000), { nil: undefined }),
        fc.option(fc.nat(1000), { nil: undefined }),
        fc.option(fc.nat(1000), { nil: undefined }),
        (h, m, s) => {
          fc.pre(h !== undefined || m !== undefined || s !== undefined)
          const text = `${h === undefined ? '' : `${h}h`}${m === undefined ? '' : `${m}m`}${s === undefined ? '' : `${s}s`}`
          expect(parseDuration(text)).toBe(((h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0)) * 1000)
        }
      )
    )
  })
})

describe('durations', () => {
  it('reads canary-wait, health-timeout, command-timeout and drain-timeout', () => {
    const s = settings({
      [Input.CanaryWait]: '90',
      [Input.HealthTimeout]: '2m',
      [Input.CommandTimeout]: '1h30m',
      [Input.DrainTimeout]: '3660s'
    })
    expect(s.canaryWaitMs).toBe(90_000)
    expect(s.healthTimeoutMs).toBe(120_000)
    expect(s.commandTimeoutMs).toBe(5_400_000)
    expect(s.drainTimeoutMs).toBe(3_660_000)
  })

  it('allows a drain-timeout of 0', () => {
    expect(settings({ [Input.DrainTimeout]: '0' }).drainTimeoutMs).toBe(0)
  })

  it.each([Input.CanaryWait, Input.HealthTimeout, Input.CommandTimeout, Input.DrainTimeout])(
    'rejects a %s that is not a duration, with the forms',
    (input) => {
      const e = onlyError({ [input]: 'soon' })
      expect(e).toEqual({ input, value: 'soon', message: expect.stringContaining('90s, 5m, 1h') })
    }
  )

  it('needs a health-timeout above 0', () => {
    const e = onlyError({ [Input.HealthTimeout]: '0s' })
    expect(e.input).toBe('health-timeout')
    expect(e.message).toContain('too short')
  })

  it('allows command-timeout up to the SSM maximum of 48h', () => {
    expect(settings({ [Input.CommandTimeout]: '48h' }).commandTimeoutMs).toBe(172_800_000)
    expect(settings({ [Input.CommandTimeout]: '172800' }).commandTimeoutMs).toBe(172_800_000)
    const e = onlyError({ [Input.CommandTimeout]: '48h0m1s' })
    expect(e.input).toBe('command-timeout')
    expect(e.message).toContain('172800')
    expect(e.message).toContain('48h or less')
  })

  it.each(['0', '0.5s'])('needs a command-timeout of at least a second, not %j', (raw) => {
    const e = onlyError({ [Input.CommandTimeout]: raw })
    expect(e.input).toBe('command-timeout')
    expect(e.message).toContain('at least 1s')
  })

  it.each([Input.CanaryWait, Input.HealthTimeout, Input.DrainTimeout])(
    'caps %s at 48h so no timer overflows',
    (input) => {
      expect(onlyError({ [input]: '49h' }).message).toContain('48h or less')
    }
  )
})
