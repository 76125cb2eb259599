import { describe, it, expect } from '@jest/globals'
import { settings, onlyError } from './helpers.js'
import { Input } from '../../src/constants.js'

describe('on-failure and rollback-command', () => {
  it('rolls back with a rollback-command', () => {
    const s = settings({ [Input.OnFailure]: 'rollback', [Input.RollbackCommand]: './rollback.sh' })
    expect(s.onFailure).toBe('rollback')
    expect(s.rollbackCommand).toBe('./rollback.sh')
  })

  it('reads the mode case-insensitively', () => {
    expect(settings({ [Input.OnFailure]: 'HALT' }).onFailure).toBe('halt')
  })

  it('needs rollback-command for rollback', () => {
    const e = onlyError({ [Input.OnFailure]: 'rollback' })
    expect(e.input).toBe('rollback-command')
    expect(e.message).toContain('set rollback-command')
  })

  it('keeps a rollback-command that halt does not use', () => {
    const s = settings({ [Input.RollbackCommand]: './rollback.sh' })
    expect(s.onFailure).toBe('halt')
    expect(s.rollbackCommand).toBe('./rollback.sh')
  })

  it.each(['stop', 'roll-back', 'retry'])('rejects %j', (raw) => {
    const e = onlyError({ [Input.OnFailure]: raw })
    expect(e).toEqual({
      input: 'on-failure',
      value: raw,
      message: expect.stringContaining('use halt or rollback')
    })
  })
})

describe('alarms', () => {
  it('splits, trims and dedupes', () => {
    expect(
      settings({ [Input.Alarms]: ' 5xx-high , latency\np99 latency\n5xx-high,' }).alarms
    ).toEqual(['5xx-high', 'latency', 'p99 latency'])
  })

  it('allows names of 255 characters and no more', () => {
    expect(settings({ [Input.Alarms]: 'a'.repeat(255) }).alarms).toEqual(['a'.repeat(255)])
    const e = onlyError({ [Input.Alarms]: `ok, ${'a'.repeat(256)}` })
    expect(e.input).toBe('alarms')
    expect(e.message).toContain('255')
  })
})
