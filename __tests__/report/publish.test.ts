// What a finished run tells its workflow: the outputs, the report file and the job summary.
// @actions/core is replaced by a module mock that records outputs and the summary written.

import { describe, it, expect, jest, beforeEach, afterEach } from '@jest/globals'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { failedRun, settings } from './fixtures.js'

const outputs = new Map<string, unknown>()
const written: string[] = []
const summary = {
  addRaw: jest.fn((text: string) => {
    written.push(text)
    return summary
  }),
  write: jest.fn(async () => summary)
}
const core = {
  setOutput: jest.fn((name: string, value: unknown) => outputs.set(name, value)),
  summary
}
jest.unstable_mockModule('@actions/core', () => ({ ...core, default: core }))

const { publish, writeReportFile } = await import('../../src/report/publish.js')

const savedEnv = { ...process.env }
let dir: string

beforeEach(() => {
  outputs.clear()
  written.length = 0
  dir = mkdtempSync(path.join(tmpdir(), 'publish-test-'))
  process.env.RUNNER_TEMP = dir
  process.env.GITHUB_RUN_ID = '4242'
  process.env.GITHUB_RUN_ATTEMPT = '2'
  delete process.env.GITHUB_STEP_SUMMARY
})

afterEach(() => {
  process.env = { ...savedEnv }
})

describe('writeReportFile', () => {
  it('writes the JSON under RUNNER_TEMP, named after the run and its attempt', async () => {
    const file = await writeReportFile('{"a":1}', {
      RUNNER_TEMP: dir,
      GITHUB_RUN_ID: '7',
      GITHUB_RUN_ATTEMPT: '3'
    })
    expect(file).toBe(path.join(dir, 'rolling-deploy-report-7-3.json'))
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n')
  })
})

describe('publish', () => {
  it('sets result, the counts, the one-line report and the report file', async () => {
    const run = failedRun()
    await publish(run, settings())
    expect(outputs.get('result')).toBe(run.result)
    const report = JSON.parse(String(outputs.get('report'))) as Array<{ instanceId: string }>
    expect(report.map((h) => h.instanceId)).toEqual(run.hosts.map((h) => h.instanceId))
    expect(String(outputs.get('report'))).not.toContain('\n')
    const file = String(outputs.get('report-file'))
    expect(file).toBe(path.join(dir, 'rolling-deploy-report-4242-2.json'))
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(report)
    const counts = ['deployed', 'failed', 'skipped', 'pending'].map((k) => outputs.get(k))
    const byState = (s: string) => run.hosts.filter((h) => h.state === s).length
    expect(counts).toEqual([
      byState('deployed'),
      byState('failed'),
      byState('skipped'),
      byState('pending')
    ])
  })

  it('writes the job summary only where the runner provides one', async () => {
    await publish(failedRun(), settings())
    expect(written).toEqual([])
    process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary.md')
    await publish(failedRun(), settings())
    expect(written).toHaveLength(1)
    expect(written[0]).toMatch(/^## .* rolling-deploy: /)
    expect(written[0]).toContain('| i-0bbb | 2 | failed | command |')
    expect(summary.write).toHaveBeenCalledTimes(1)
  })
})
