// The job summary of a 5,000-host fleet stays under GitHub's 1 MiB limit and still names every
// failed host (up to the cap), with a line counting what it left out.

import { DEFAULT_LIMITS, limitHostRows, limitOutputTails } from '../../src/report/limits.js'
import { renderHosts, renderOutputs, renderSummary } from '../../src/report/summary.js'
import { renderTimelineSection } from '../../src/report/timeline.js'
import type { BatchRecord, HostRecord, RolloutOutcome } from '../../src/rollout/outcome.js'
import { settingsFor } from '../support/settings.js'

const MiB = 1024 * 1024
const bytes = (s: string) => Buffer.byteLength(s, 'utf8')
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0)
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'

const settings = settingsFor({
  targetGroups: ['web'],
  deploy: { kind: 'command', script: 'deploy.sh' },
  batchSize: [
    { kind: 'count', value: 1 },
    { kind: 'percent', value: 2 }
  ],
  canaryWaitMs: 60_000,
  maxFailures: { kind: 'percent', value: 10 }
})

const id = (i: number) => `i-${i.toString(16).padStart(17, '0')}`

interface FleetOptions {
  hosts: number
  /** which hosts fail */
  fails: (i: number) => boolean
  reason?: (i: number) => string
  tail?: (i: number) => string
}

function fleet(opts: FleetOptions): RolloutOutcome {
  const hosts: HostRecord[] = []
  const batches: BatchRecord[] = []
  const perBatch = 100
  for (let i = 0; i < opts.hosts; i++) {
    const b = Math.floor(i / perBatch) + 1
    const failed = opts.fails(i)
    hosts.push({
      instanceId: id(i),
      memberships: [{ poolId: TG, port: 8080 }],
      batch: b,
      state: failed ? 'failed' : 'deployed',
      step: failed ? 'command' : 'done',
      reason: failed
        ? (opts.reason?.(i) ?? 'command failed with exit code 1: npm ERR! missing script')
        : undefined,
      commandId: `cmd-${b}`,
      exitCode: failed ? 1 : 0,
      version: failed ? undefined : 'v2.31.0',
      startedAt: T0 + b * 60_000,
      finishedAt: T0 + b * 60_000 + 45_000,
      outputTail: failed
        ? (opts.tail?.(i) ?? 'npm ERR! missing script: start\n'.repeat(20))
        : undefined,
      outOfService: failed,
      commandSent: true
    })
  }
  for (let b = 1; b <= Math.ceil(opts.hosts / perBatch); b++) {
    const start = T0 + b * 60_000
    const ids = hosts.slice((b - 1) * perBatch, b * perBatch)
    batches.push({
      number: b,
      instanceIds: ids.map((h) => h.instanceId),
      kind: 'deploy',
      startedAt: start,
      finishedAt: start + 50_000,
      phases: [
        { phase: 'drain', startedAt: start, finishedAt: start + 10_000 },
        { phase: 'command', startedAt: start + 10_000, finishedAt: start + 30_000 },
        { phase: 'verify', startedAt: start + 30_000, finishedAt: start + 40_000 },
        { phase: 'restore', startedAt: start + 40_000, finishedAt: start + 50_000 }
      ],
      failed: ids.filter((h) => h.state === 'failed').map((h) => h.instanceId)
    })
  }
  return {
    result: 'failed',
    reason: 'failures exceed max-failures (10%)',
    pools: [],
    hosts,
    batches,
    startedAt: T0,
    finishedAt: T0 + (batches.length + 2) * 60_000,
    capacity: batches.map((b) => ({ at: b.startedAt, inService: opts.hosts - 100 })),
    fleetSize: opts.hosts,
    minInService: Math.ceil(opts.hosts / 2)
  }
}

/**
 * The summary as renderSummary will render it with the limiter wired in: the host table from
 * limitHostRows, the output blocks from limitOutputTails, the timeline pictures.
 */
function limitedSummary(o: RolloutOutcome): string {
  const rows = limitHostRows(o.hosts, {}, '/home/runner/work/_temp/rolling-deploy-report-1-1.json')
  const tails = limitOutputTails(o.hosts)
  const parts = ['## ❌ rolling-deploy: failed', '### Hosts', renderHosts(rows.rows)]
  if (rows.note) parts.push(rows.note)
  parts.push(renderTimelineSection(o))
  const outputs = renderOutputs(tails.hosts)
  if (outputs) parts.push('### Output of failed hosts', outputs)
  if (tails.note) parts.push(tails.note)
  return parts.join('\n\n') + '\n'
}

const tableRows = (md: string) => md.split('\n').filter((l) => /^\| i-[0-9a-f]{17} \|/.test(l))

describe('5,000 hosts, 300 failed', () => {
  const failedAt = (i: number) => i % 16 === 3 && i < 16 * 300
  const o = fleet({ hosts: 5000, fails: failedAt })
  const failedIds = o.hosts.filter((h) => h.state === 'failed').map((h) => h.instanceId)

  test('the fixture has 300 failed hosts', () => {
    expect(failedIds).toHaveLength(300)
  })

  test('renderSummary stays under 1 MiB and names every failed host', () => {
    const md = renderSummary(o, settings)
    expect(bytes(md)).toBeLessThan(MiB)
    for (const h of failedIds) expect(md).toContain(`| ${h} |`)
  })

  test('with the limiter: 500 rows, every failed host first, a line counting the rest', () => {
    const rows = limitHostRows(o.hosts)
    expect(rows.rows).toHaveLength(DEFAULT_LIMITS.rowLimit)
    expect(rows.rows.slice(0, 300).every((h) => h.state === 'failed')).toBe(true)
    expect(rows.omitted).toBe(4500)
    expect(rows.omittedByState).toEqual({ deployed: 4500 })
    expect(rows.note).toContain('4,500 not listed (4,500 deployed)')
    expect(rows.note).toContain('every failed host (300)')
    expect(rows.note).toContain('`report-file`')

    const md = limitedSummary(o)
    expect(bytes(md)).toBeLessThan(MiB)
    expect(tableRows(md)).toHaveLength(500)
    for (const h of failedIds) expect(md).toContain(`| ${h} |`)
    expect(md).toContain('/home/runner/work/_temp/rolling-deploy-report-1-1.json')
    // 20 output blocks, then a line for the other 280
    expect(md.match(/<details><summary>i-/g)).toHaveLength(DEFAULT_LIMITS.outputLimit)
    expect(md).toContain('Output of 280 more failed host(s) not shown')
  })
})

describe('worst case: 5,000 failed hosts, long hostile reasons, 24,000-character output tails', () => {
  const nasty = (i: number) =>
    `command failed with exit code 1: ${'<|>&'.repeat(60)} ${'é'.repeat(100)} #${i}`
  const o = fleet({ hosts: 5000, fails: () => true, reason: nasty, tail: () => 'x'.repeat(24_000) })

  test('renderSummary alone stays under 1 MiB', () => {
    expect(bytes(renderSummary(o, settings))).toBeLessThan(MiB)
  })

  test('with the limiter: under 1 MiB, the first 500 failed hosts listed, the rest counted', () => {
    const rows = limitHostRows(o.hosts)
    expect(rows.rows).toHaveLength(DEFAULT_LIMITS.failedLimit)
    expect(rows.omittedFailed).toBe(4500)
    expect(rows.note).toContain('the first 500 of 5,000 failed hosts')
    expect(rows.rows.every((h) => (h.reason?.length ?? 0) <= DEFAULT_LIMITS.reasonChars)).toBe(true)

    const md = limitedSummary(o)
    expect(bytes(md)).toBeLessThan(MiB)
    const listed = tableRows(md)
    expect(listed).toHaveLength(500)
    const expected = [...o.hosts]
      .sort((a, b) => a.instanceId.localeCompare(b.instanceId))
      .slice(0, 500)
    for (const h of expected) expect(md).toContain(`| ${h.instanceId} |`)
    const tails = limitOutputTails(o.hosts)
    expect(tails.hosts).toHaveLength(DEFAULT_LIMITS.outputLimit)
    expect(tails.hosts.every((h) => h.outputTail!.length <= DEFAULT_LIMITS.tailChars)).toBe(true)
  })
})

test('reasons made only of characters that escape to 5 bytes, tails of 3-byte characters: still under 1 MiB', () => {
  const o = fleet({
    hosts: 5000,
    fails: () => true,
    reason: () => '&'.repeat(5000),
    tail: () => '€'.repeat(24_000)
  })
  const md = limitedSummary(o)
  expect(bytes(md)).toBeLessThan(900 * 1024)
  expect(tableRows(md)).toHaveLength(500)
})

test('a fleet within the row limit is listed whole, with no note', () => {
  const o = fleet({ hosts: 120, fails: (i) => i === 7 })
  const rows = limitHostRows(o.hosts)
  expect(rows.rows).toHaveLength(120)
  expect(rows.rows[0]!.state).toBe('failed')
  expect(rows.omitted).toBe(0)
  expect(rows.note).toBeUndefined()
  expect(limitOutputTails(o.hosts)).toMatchObject({ omitted: 0, note: undefined })
})

test('a large fleet without failures lists the first hosts and counts the others by state', () => {
  const o = fleet({ hosts: 800, fails: () => false })
  o.hosts[799]!.state = 'pending'
  const rows = limitHostRows(o.hosts, { rowLimit: 100 })
  expect(rows.rows).toHaveLength(100)
  expect(rows.rows[0]!.state).toBe('pending')
  expect(rows.omittedByState).toEqual({ deployed: 700 })
  expect(rows.note).toContain('the first 100')
})

test('output tails keep their end', () => {
  const o = fleet({ hosts: 3, fails: () => true, tail: () => 'a'.repeat(5000) + 'THE END' })
  const tails = limitOutputTails(o.hosts, { tailChars: 100 })
  expect(tails.hosts).toHaveLength(3)
  for (const h of tails.hosts) {
    expect(h.outputTail).toHaveLength(100)
    expect(h.outputTail!.endsWith('THE END')).toBe(true)
  }
  // the input records are left as they were
  expect(o.hosts[0]!.outputTail!.length).toBe(5007)
})
