import { describe, it, expect } from '@jest/globals'
import { onlyError } from './helpers.js'
import { formatInputError } from '../../src/inputs/errors.js'
import { Input } from '../../src/constants.js'

describe('formatInputError', () => {
  it('is the message, naming input, value and fix', () => {
    const e = onlyError({ [Input.BatchSize]: '0' })
    const line = formatInputError(e)
    expect(line).toContain('batch-size')
    expect(line).toContain('"0"')
    expect(line).toContain('use a count')
  })

  it('shows a hostile value escaped, on one line', () => {
    const e = onlyError({ [Input.HealthPort]: '80\n::error::forged' })
    const line = formatInputError(e)
    expect(line).not.toMatch(/[\r\n]/)
    expect(line).toContain('"80\\n::error::forged"')
  })

  it('adds the input name and joins lines of a hand-built error', () => {
    expect(
      formatInputError({ input: 'lock', value: 'x', message: 'bad\nvalue "x": use true' })
    ).toBe('lock: bad value "x": use true')
  })
})
