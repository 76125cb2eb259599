import { describe, it, expect } from '@jest/globals'
import { settings, onlyError } from './helpers.js'
import { Input } from '../../src/constants.js'

describe('booleans', () => {
  const inputs = [
    [Input.SkipUnhealthy, 'skipUnhealthy'],
    [Input.Lock, 'lock'],
    [Input.DryRun, 'dryRun']
  ] as const

  it.each(['true', 'True', 'TRUE', 'yes', 'YES', 'on', '1'])('reads %j as true', (raw) => {
    for (const [input, key] of inputs) expect(settings({ [input]: raw })[key]).toBe(true)
  })

  it.each(['false', 'False', 'FALSE', 'no', 'No', 'off', '0'])('reads %j as false', (raw) => {
    for (const [input, key] of inputs) expect(settings({ [input]: raw })[key]).toBe(false)
  })

  it.each(['maybe', 'tru', 'y', '2', 'true false'])('rejects %j naming the input', (raw) => {
    for (const [input] of inputs) {
      const e = onlyError({ [input]: raw })
      expect(e).toEqual({
        input,
        value: raw,
        message: expect.stringContaining('use true or false')
      })
      expect(e.message).toContain(input)
    }
  })
})
