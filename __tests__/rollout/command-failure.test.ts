import { describe, it, expect } from '@jest/globals'
import { commandFailure } from '../../src/rollout/command-failure.js'

const result = (status: string, extra = {}) => ({
  instanceId: 'i-1',
  commandId: 'c-1',
  status,
  ...extra
})

describe('commandFailure', () => {
  it('names the exit code and the last line of the output of a failed command', () => {
    expect(commandFailure(result('Failed', { exitCode: 2 }), 600_000, 'copying\ndisk full\n')).toBe(
      'command failed with exit code 2: disk full'
    )
  })

  it('says what to check when SSM could not deliver the command', () => {
    expect(commandFailure(result('Undeliverable'), 600_000, '')).toMatch(/is the SSM agent running/)
  })

  it('names command-timeout for a command still running or timed out', () => {
    expect(commandFailure(result('Running'), 600_000, '')).toBe(
      'command still running after command-timeout 10m; cancelled'
    )
    expect(commandFailure(result('TimedOut'), 60_000, '')).toMatch(/command-timeout 1m/)
  })
})
