// The end of the main step on fakes: which calls happen, in which order, for each kind of result.
// The order matters to the post step: locks and journal first, so a later failure leaves nothing
// for it to undo by mistake.

import { describe, it, expect } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  NOTHING_CHANGED,
  endingSummary,
  failRun,
  finishRun,
  writeJobSummary,
  writeJobSummarySync,
  type FinishDeps
} from '../../src/entry/finish.js'
import type { RolloutOutcome, RunResult } from '../../src/rollout/outcome.js'
import { failedRun, host } from '../report/fixtures.js'

function fakes(options: { publishError?: Error } = {}) {
  const calls: string[] = []
  const deps: FinishDeps = {
    releaseLocks: async () => {
      calls.push('releaseLocks')
    },
    journal: { set: (patch) => calls.push(`journal ${JSON.stringify(patch)}`) },
    publish: async (outcome) => {
      calls.push(`publish ${outcome.result}`)
      if (options.publishError) throw options.publishError
    },
    finishDeployment: async (state, description) => {
      calls.push(`deployment ${state}: ${description}`)
    },
    setOutput: (name, value) => calls.push(`output ${name}=${value}`),
    setFailed: (message) => calls.push(`failed: ${message}`),
    writeSummary: async (markdown) => {
      calls.push(`summary ${markdown}`)
    }
  }
  return { calls, deps }
}

function outcome(result: RunResult, reason?: string): RolloutOutcome {
  return {
    ...failedRun(),
    result,
    reason,
    hosts: [host('i-1'), host('i-2', { state: result === 'success' ? 'deployed' : 'failed' })]
  }
}

describe('finishRun', () => {
  it('on success: locks, journal, publish, deployment, and the step stays green', async () => {
    const { calls, deps } = fakes()
    await finishRun(outcome('success'), deps)
    expect(calls).toEqual([
      'releaseLocks',
      'journal {"finished":true,"result":"success"}',
      'publish success',
      'deployment success: rolling-deploy success: 2 deployed, 0 failed',
      'journal {}'
    ])
  })

  it.each([
    ['failed', 'failure'],
    ['rolled-back', 'failure']
  ] as const)(
    'on %s: the same order, the deployment %s, then the step fails with the reason',
    async (result, state) => {
      const { calls, deps } = fakes()
      await finishRun(outcome(result, 'canary failed'), deps)
      expect(calls).toEqual([
        'releaseLocks',
        `journal {"finished":true,"result":"${result}"}`,
        `publish ${result}`,
        `deployment ${state}: rolling-deploy ${result}: 1 deployed, 1 failed (canary failed)`,
        'journal {}',
        `failed: rolling-deploy ${result}: canary failed`
      ])
    }
  )

  it('on a dry run: the deployment is told inactive and the step stays green', async () => {
    const { calls, deps } = fakes()
    await finishRun(outcome('dry-run'), deps)
    expect(calls.some((c) => c.startsWith('deployment inactive: rolling-deploy dry-run'))).toBe(
      true
    )
    expect(calls.some((c) => c.startsWith('failed'))).toBe(false)
  })

  it("on cancel: only publishes and fails; locks, journal and deployment are the post step's", async () => {
    const { calls, deps } = fakes()
    await finishRun(outcome('cancelled', 'SIGINT'), deps)
    expect(calls).toEqual(['publish cancelled', 'failed: rolling-deploy cancelled: SIGINT'])
  })

  it('a failing publish stops the sequence after the journal, and the error reaches the caller', async () => {
    const { calls, deps } = fakes({ publishError: new Error('disk full') })
    await expect(finishRun(outcome('success'), deps)).rejects.toThrow('disk full')
    expect(calls).toEqual([
      'releaseLocks',
      'journal {"finished":true,"result":"success"}',
      'publish success'
    ])
  })
})

describe('failRun', () => {
  it('releases locks, marks the journal failed, sets result, fails the deployment, then the step', async () => {
    const { calls, deps } = fakes()
    await failRun('AWS error: AccessDenied: no', deps)
    expect(calls).toEqual([
      'releaseLocks',
      'journal {"finished":true,"result":"failed"}',
      'output result=failed',
      'deployment failure: AWS error: AccessDenied: no',
      'journal {}',
      `summary ${endingSummary('AWS error: AccessDenied: no')}`,
      'failed: AWS error: AccessDenied: no'
    ])
  })

  it('a summary that cannot be written does not keep the step from failing with its reason', async () => {
    const { calls, deps } = fakes()
    deps.writeSummary = async () => {
      throw new Error('disk full')
    }
    await failRun('config error', deps)
    expect(calls.at(-1)).toBe('failed: config error')
  })
})

describe('the summary of a run that ended without an outcome', () => {
  it('says the result, the reason and that nothing was changed', () => {
    const md = endingSummary('AWS error: <AccessDenied>\nsecond line')
    expect(md.split('\n\n')).toEqual([
      '## ❌ rolling-deploy: failed',
      '> AWS error: &lt;AccessDenied&gt;\n> second line',
      `**What was changed:** ${NOTHING_CHANGED}.\n`
    ])
  })

  it('is written to GITHUB_STEP_SUMMARY through @actions/core, and not at all without it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'finish-summary-'))
    const file = path.join(dir, 'summary')
    writeFileSync(file, '')
    const saved = process.env.GITHUB_STEP_SUMMARY
    process.env.GITHUB_STEP_SUMMARY = file
    try {
      await writeJobSummary(endingSummary('input error'))
      writeJobSummarySync(endingSummary('crash', 'unknown'))
    } finally {
      if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY
      else process.env.GITHUB_STEP_SUMMARY = saved
    }
    const text = readFileSync(file, 'utf8')
    expect(text).toContain('> input error')
    expect(text).toContain('> crash')
    expect(text).toContain('**What was changed:** unknown.')
    // Outside GitHub Actions: nothing is written, nothing throws.
    await writeJobSummary('x', {})
    writeJobSummarySync('x', {})
    expect(readFileSync(file, 'utf8')).toBe(text)
  })
})
