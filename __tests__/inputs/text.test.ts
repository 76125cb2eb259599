import { describe, it, expect } from '@jest/globals'
import { parseCount, parseDecimal, parsePercent, splitList, unique } from '../../src/inputs/text.js'

describe('splitList', () => {
  it('splits on commas and newlines (CRLF too), trims and drops empty entries', () => {
    expect(splitList(' a, b\r\nc\n\n, ,d ')).toEqual(['a', 'b', 'c', 'd'])
  })

  it('keeps duplicates; unique drops them keeping the first order', () => {
    expect(splitList('a,b,a')).toEqual(['a', 'b', 'a'])
    expect(unique(['b', 'a', 'b'])).toEqual(['b', 'a'])
  })
})

describe('numbers', () => {
  it.each([
    ['12', 12],
    ['0', 0],
    ['1.5', undefined],
    ['1e2', undefined],
    ['0x10', undefined],
    ['-1', undefined],
    ['99999999999999999999', undefined]
  ])('parseCount(%j) is %j', (text, expected) => {
    expect(parseCount(text)).toBe(expected)
  })

  it.each([
    ['50', 50],
    ['12.5', 12.5],
    [' 1', undefined],
    ['1e2', undefined],
    ['-5', undefined]
  ])('parseDecimal(%j) is %j', (text, expected) => {
    expect(parseDecimal(text)).toBe(expected)
  })

  it.each([
    ['25%', 25],
    ['12.5 %', 12.5],
    ['25', undefined],
    ['%', undefined],
    ['10%%', undefined]
  ])('parsePercent(%j) is %j', (text, expected) => {
    expect(parsePercent(text)).toBe(expected)
  })
})
