import { describe, it, expect } from '@jest/globals'
import { buildReport, countStates, hostReport } from '../../src/report/json.js'
import { formatDuration, isoTime } from '../../src/shared/format.js'
import { T0, TG_API, TG_WEB, failedRun, host } from './fixtures.js'

/** SPEC.md, outputs → report: the fields of one host, no more, no fewer. */
const SPEC_FIELDS = [
  'instanceId',
  'batch',
  'state',
  'step',
  'reason',
  'commandId',
  'exitCode',
  'version',
  'startedAt',
  'finishedAt',
  'targetGroups'
]

describe('the JSON report', () => {
  it('has exactly SPEC’s fields for every host, present even when empty, after a JSON round trip', () => {
    const report = JSON.parse(JSON.stringify(buildReport(failedRun()))) as Array<
      Record<string, unknown>
    >
    expect(report).toHaveLength(4)
    for (const entry of report) expect(Object.keys(entry).sort()).toEqual([...SPEC_FIELDS].sort())
  })

  it('reports every host once, in the order of the run', () => {
    expect(buildReport(failedRun()).map((r) => r.instanceId)).toEqual([
      'i-0aaa',
      'i-0bbb',
      'i-0ccc',
      'i-0ddd'
    ])
  })

  it('fills a deployed host completely, with ISO times and each target group once', () => {
    expect(buildReport(failedRun())[0]).toEqual({
      instanceId: 'i-0aaa',
      batch: 1,
      state: 'deployed',
      step: 'done',
      reason: null,
      commandId: 'cmd-1',
      exitCode: 0,
      version: '1.2.3',
      startedAt: '2026-11-23T12:10:00.000Z',
      finishedAt: '2026-11-23T12:15:30.000Z',
      targetGroups: [TG_WEB, TG_API]
    })
  })

  it('keeps a failed host’s step, reason and exit code', () => {
    expect(buildReport(failedRun())[1]).toMatchObject({
      state: 'failed',
      batch: 2,
      step: 'command',
      reason: 'command failed with exit code 3: npm ERR! missing script',
      exitCode: 3,
      version: null
    })
  })

  it('gives skipped hosts batch null, even when the record carried a planned batch', () => {
    expect(buildReport(failedRun())[2]).toMatchObject({
      state: 'skipped',
      batch: null,
      commandId: null,
      exitCode: null
    })
    expect(hostReport(host('i-x', { state: 'skipped', batch: 2 })).batch).toBeNull()
  })

  it('keeps the planned batch of pending hosts, with null times', () => {
    expect(buildReport(failedRun())[3]).toMatchObject({
      state: 'pending',
      batch: 3,
      startedAt: null,
      finishedAt: null
    })
  })

  it('keeps exit code 0 as 0, not null', () => {
    expect(hostReport(host('i-x', { exitCode: 0 })).exitCode).toBe(0)
  })

  it('leaves out internal fields (output tail, flags)', () => {
    const json = JSON.stringify(buildReport(failedRun()))
    expect(json).not.toContain('npm ERR! missing script: start')
    expect(json).not.toContain('outOfService')
    expect(json).not.toContain('memberships')
  })
})

describe('countStates', () => {
  it('counts each state', () => {
    const hosts = [...failedRun().hosts, host('i-r', { state: 'rolled-back' }), host('i-d2')]
    expect(countStates(hosts)).toEqual({
      deployed: 2,
      failed: 1,
      skipped: 1,
      pending: 1,
      rolledBack: 1
    })
  })
})

describe('format', () => {
  it('formatDuration', () => {
    expect(formatDuration(0)).toBe('0s')
    expect(formatDuration(59_400)).toBe('59s')
    expect(formatDuration(59_600)).toBe('1m')
    expect(formatDuration(90_000)).toBe('1m30s')
    expect(formatDuration(3_600_000)).toBe('1h')
    expect(formatDuration(5_400_000)).toBe('1h30m')
    expect(formatDuration(-1)).toBe('-')
    expect(formatDuration(Number.NaN)).toBe('-')
  })

  it('isoTime', () => {
    expect(isoTime(T0)).toBe('2026-11-23T12:00:00.000Z')
    expect(isoTime(undefined)).toBeNull()
  })
})

describe('a host that joined during the run', () => {
  it('is marked joined: true in the report and in the summary; the others carry no mark', async () => {
    const { hostRow } = await import('../../src/report/summary.js')
    const base = failedRun().hosts[0]!
    const joined = { ...base, instanceId: 'i-new', joined: true }
    expect(hostReport(joined).joined).toBe(true)
    expect('joined' in hostReport(base)).toBe(false)
    expect(hostRow(joined)).toMatch(/^\| i-new \(joined during the run\) \|/)
    expect(hostRow(base)).not.toMatch(/joined/)
  })
})
