import { describe, it, expect } from '@jest/globals'
import { settings, errors, onlyError } from './helpers.js'
import { Input } from '../../src/constants.js'

describe('batch-size', () => {
  it.each([
    ['2', [{ kind: 'count', value: 2 }]],
    ['25%', [{ kind: 'percent', value: 25 }]],
    ['100%', [{ kind: 'percent', value: 100 }]],
    ['12.5%', [{ kind: 'percent', value: 12.5 }]],
    ['25 %', [{ kind: 'percent', value: 25 }]],
    [
      '1, 10%, 50%',
      [
        { kind: 'count', value: 1 },
        { kind: 'percent', value: 10 },
        { kind: 'percent', value: 50 }
      ]
    ],
    [
      '1\n2\n\n5',
      [
        { kind: 'count', value: 1 },
        { kind: 'count', value: 2 },
        { kind: 'count', value: 5 }
      ]
    ]
  ])('reads %j', (raw, expected) => {
    expect(settings({ [Input.BatchSize]: raw }).batchSize).toEqual(expected)
  })

  it('explains an invalid size and the forms it takes', () => {
    const e = onlyError({ [Input.BatchSize]: '0' })
    expect(e).toEqual({
      input: 'batch-size',
      value: '0',
      message:
        'batch-size "0" is invalid: use a count ≥ 1 (2), a percent over 0 and up to 100 (25%), ' +
        'or a list (1, 10%, 50%)'
    })
  })

  it.each(['0%', '101%', '-1', '1.5', 'abc', '%', '1e2', ' , '])('rejects %j', (raw) => {
    const e = onlyError({ [Input.BatchSize]: raw })
    expect(e.input).toBe('batch-size')
    expect(e.message).toContain('a list (1, 10%, 50%)')
  })

  it('names each bad entry of a list', () => {
    const es = errors({ [Input.BatchSize]: '1, 0, 10%, 200%' })
    expect(es).toHaveLength(2)
    expect(es[0]?.message).toContain('entry "0"')
    expect(es[1]?.message).toContain('entry "200%"')
    expect(es.every((e) => e.value === '1, 0, 10%, 200%')).toBe(true)
  })
})

describe('max-failures', () => {
  it.each([
    ['0', { kind: 'count', value: 0 }],
    ['3', { kind: 'count', value: 3 }],
    ['0%', { kind: 'percent', value: 0 }],
    ['10%', { kind: 'percent', value: 10 }],
    ['100%', { kind: 'percent', value: 100 }]
  ])('reads %j', (raw, expected) => {
    expect(settings({ [Input.MaxFailures]: raw }).maxFailures).toEqual(expected)
  })

  it.each(['-1', '101%', '1.5', 'none', '10%%'])('rejects %j', (raw) => {
    const e = onlyError({ [Input.MaxFailures]: raw })
    expect(e.input).toBe('max-failures')
    expect(e.message).toContain('count ≥ 0')
  })
})

describe('min-healthy-percent', () => {
  it.each([
    ['0', 0],
    ['75', 75],
    ['75%', 75],
    ['66.6', 66.6],
    ['100', 100]
  ])('reads %j', (raw, expected) => {
    expect(settings({ [Input.MinHealthyPercent]: raw }).minHealthyPercent).toBe(expected)
  })

  it.each(['101', '-5', 'half', '50%%', '1e2'])('rejects %j', (raw) => {
    const e = onlyError({ [Input.MinHealthyPercent]: raw })
    expect(e.input).toBe('min-healthy-percent')
    expect(e.message).toContain('0 to 100')
  })
})
