import { describe, it, expect } from '@jest/globals'
import { settings, onlyError } from './helpers.js'
import { Input } from '../../src/constants.js'

describe('min-drain', () => {
  it('is left to the load balancer kind when not given (action.yml declares no default)', () => {
    expect(settings().minDrainMs).toBeUndefined()
  })

  it.each([
    ['0', 0],
    ['30s', 30_000],
    ['2m', 120_000],
    ['90', 90_000]
  ])('takes a duration like the others: %j is %d ms', (text, ms) => {
    expect(settings({ [Input.MinDrain]: text }).minDrainMs).toBe(ms)
  })

  it.each(['soon', '-5s', '30 s', '1d'])(
    'rejects %j as an input error naming the input',
    (text) => {
      const e = onlyError({ [Input.MinDrain]: text })
      expect(e.input).toBe('min-drain')
      expect(e.message).toMatch(/^min-drain .* is not a duration: use seconds \(90\)/)
    }
  )

  it('rejects more than 48h like every duration', () => {
    expect(onlyError({ [Input.MinDrain]: '49h' }).message).toMatch(/too long: use 48h or less/)
  })
})
