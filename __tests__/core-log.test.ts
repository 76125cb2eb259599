// The rollout's log on a GitHub runner: what lands in the step log is workflow commands the
// runner turns into annotations and collapsible groups, as documented in
// https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
// (::warning::, ::error::, ::group:: / ::endgroup::).

import { describe, it, expect, jest, beforeEach, afterEach } from '@jest/globals'
import os from 'node:os'
import { coreLog } from '../src/core-log.js'

let out: string[] = []

beforeEach(() => {
  out = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk))
    return true
  })
})

afterEach(() => {
  jest.restoreAllMocks()
})

describe('coreLog', () => {
  it('prints info as a plain line, warnings and errors as annotations', () => {
    coreLog.info('Batch 1: i-1')
    coreLog.warning('i-3 skipped: unhealthy')
    coreLog.error('stopped by an AWS error')
    expect(out.join('')).toBe(
      [
        'Batch 1: i-1',
        '::warning::i-3 skipped: unhealthy',
        '::error::stopped by an AWS error',
        ''
      ].join(os.EOL)
    )
  })

  it('wraps a group in ::group:: and ::endgroup::, and returns what it returned', async () => {
    const value = await coreLog.group('Batch 2', async () => {
      coreLog.info('inside')
      return 42
    })
    expect(value).toBe(42)
    expect(out.join('')).toBe(['::group::Batch 2', 'inside', '::endgroup::', ''].join(os.EOL))
  })
})
