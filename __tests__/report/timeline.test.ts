// The timeline pictures: a gantt of the batches with failed batches marked, and capacity over time.

import {
  mermaidSafe,
  renderCapacity,
  renderGantt,
  renderTimelineSection
} from '../../src/report/timeline.js'
import type { BatchRecord, HostRecord, Phase, RolloutOutcome } from '../../src/rollout/outcome.js'

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0)
const S = 1000

function batch(
  number: number,
  start: number,
  ids: string[],
  failed: string[] = [],
  phases: Phase[] = ['drain', 'command', 'verify', 'restore'],
  kind: BatchRecord['kind'] = 'deploy'
): BatchRecord {
  let t = start
  const records = phases.map((phase) => {
    const p = { phase, startedAt: t, finishedAt: t + 10 * S }
    t += 10 * S
    return p
  })
  return {
    number,
    instanceIds: ids,
    kind,
    startedAt: start,
    finishedAt: t,
    phases: records,
    failed
  }
}

function host(instanceId: string, state: HostRecord['state'], batchNo: number | null): HostRecord {
  return {
    instanceId,
    memberships: [
      { poolId: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1', port: 80 }
    ],
    batch: batchNo,
    state,
    step: state === 'failed' ? 'verify' : 'done',
    outOfService: state === 'failed',
    commandSent: state !== 'pending'
  }
}

function outcome(patch: Partial<RolloutOutcome> = {}): RolloutOutcome {
  return {
    result: 'success',
    pools: [],
    hosts: [],
    batches: [],
    startedAt: T0,
    finishedAt: T0 + 10 * 60 * S,
    capacity: [],
    fleetSize: 4,
    minInService: 2,
    ...patch
  }
}

/** The task lines of a gantt, each as [name, tags, start, end]. */
function tasks(gantt: string): Array<{ name: string; tags: string[]; start: number; end: number }> {
  return gantt
    .split('\n')
    .filter((l) => l.startsWith('    '))
    .map((l) => {
      const [name, data] = l.trim().split(' :')
      const parts = data!.split(', ')
      const end = Number(parts.pop())
      const start = Number(parts.pop())
      return { name: name!, tags: parts, start, end }
    })
}

describe('a run with a failed batch', () => {
  const o = outcome({
    result: 'failed',
    reason: 'failures exceed max-failures (0)',
    batches: [
      batch(1, T0, ['i-01'], [], ['drain', 'command', 'verify', 'restore', 'canary']),
      batch(2, T0 + 60 * S, ['i-02', 'i-03'], ['i-03'])
    ],
    hosts: [
      host('i-01', 'deployed', 1),
      host('i-02', 'deployed', 2),
      host('i-03', 'failed', 2),
      host('i-04', 'pending', 3)
    ],
    capacity: [
      { at: T0, inService: 4 },
      { at: T0 + 60 * S, inService: 3 },
      { at: T0 + 120 * S, inService: 2 }
    ]
  })
  const gantt = renderGantt(o)

  test('is a mermaid gantt fence with ms timestamps', () => {
    const lines = gantt.split('\n')
    expect(lines[0]).toBe('```mermaid')
    expect(lines[1]).toBe('gantt')
    expect(lines).toContain('  dateFormat x')
    expect(lines[lines.length - 1]).toBe('```')
  })

  test('has one section per batch with its phases in order, the canary watch included', () => {
    const sections = gantt.split('\n').filter((l) => l.startsWith('  section '))
    expect(sections).toEqual([
      '  section Batch 1 (canary), 1 host(s)',
      '  section Batch 2, 2 host(s)'
    ])
    const names = tasks(gantt).map((t) => t.name.split(' ')[0])
    expect(names).toEqual([
      'drain',
      'command',
      'verify',
      'restore',
      'canary',
      'drain',
      'command',
      'verify',
      'restore',
      '1'
    ])
    const first = tasks(gantt)[0]!
    expect(first).toMatchObject({ start: T0, end: T0 + 10 * S, tags: ['done'] })
  })

  test('marks the failed batch crit and names its failed host in a milestone', () => {
    const t = tasks(gantt)
    expect(t.slice(0, 5).every((x) => !x.tags.includes('crit'))).toBe(true)
    expect(t.slice(5, 9).every((x) => x.tags.includes('crit'))).toBe(true)
    const milestone = t[9]!
    expect(milestone.tags).toEqual(['milestone', 'crit'])
    expect(milestone.name).toBe('1 failed i-03')
    expect(milestone.start).toBe(milestone.end)
    expect(milestone.start).toBe(T0 + 60 * S + 40 * S)
  })

  test('task names carry nothing mermaid would read as syntax', () => {
    expect(tasks(gantt).length).toBeGreaterThan(0)
    for (const t of tasks(gantt)) expect(t.name).not.toMatch(/[:;#]/)
    expect(gantt).not.toContain('%%')
  })

  test('capacity table shows each change against the minimum', () => {
    const table = renderCapacity(o)
    expect(table).toContain('Lowest: **2** of 4')
    expect(table).toContain('at least 2 required')
    const rows = table.split('\n').filter((l) => l.startsWith('| +'))
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatch(/^\| \+0s \| 4 \/ 4 \|/)
    expect(rows[2]).toMatch(/^\| \+2m \| 2 \/ 4 \|/)
    expect(table).not.toContain('below minimum')
  })

  test('a legend says what the bar characters mean, and the bars follow it', () => {
    const table = renderCapacity(o)
    expect(table).toContain(
      'Each bar is the fleet of 4 host(s), 5 character(s) per host: `█` in service, `░` out of service, `|` the minimum to keep in service (2).'
    )
    const bars = table
      .split('\n')
      .filter((l) => l.startsWith('| +'))
      .map((l) => /`([^`]+)`/.exec(l)![1]!)
    // 4 of 4 in service: all filled but the minimum's mark at the middle (2 of 4).
    expect(bars[0]).toBe('██████████|█████████')
    // 2 of 4: half filled, the rest out of service, the mark where the minimum lies.
    expect(bars[2]).toBe('██████████|░░░░░░░░░')
  })

  test('the section puts both under headings', () => {
    const section = renderTimelineSection(o)
    expect(section).toContain('### Timeline\n\n```mermaid')
    expect(section).toContain('### In service over time')
  })
})

test('an empty run draws nothing', () => {
  const o = outcome({ result: 'failed', reason: 'no hosts' })
  expect(renderGantt(o)).toBe('')
  expect(renderCapacity(o)).toBe('')
  expect(renderTimelineSection(o)).toBe('')
})

test('a dry run with capacity samples but no batch has only the capacity table', () => {
  const o = outcome({ result: 'dry-run', capacity: [{ at: T0, inService: 4 }] })
  const section = renderTimelineSection(o)
  expect(section).not.toContain('mermaid')
  expect(section).toContain('### In service over time')
})

test('capacity below the minimum is flagged', () => {
  const o = outcome({ capacity: [{ at: T0, inService: 1 }] })
  expect(renderCapacity(o)).toContain('below minimum')
})

test('a phase still open (cancelled run) is drawn active up to the end of the run', () => {
  const b = batch(1, T0, ['i-01'], [], ['drain', 'command'])
  delete b.phases[1]!.finishedAt
  delete b.finishedAt
  const t = tasks(renderGantt(outcome({ result: 'cancelled', batches: [b] })))
  expect(t[1]).toMatchObject({ tags: ['active'], end: T0 + 10 * 60 * S })
})

test('rollback batches get their own sections', () => {
  const o = outcome({
    result: 'rolled-back',
    batches: [
      batch(1, T0, ['i-01'], ['i-01']),
      batch(1, T0 + 60 * S, ['i-01'], [], undefined, 'rollback')
    ]
  })
  expect(renderGantt(o)).toContain('  section Rollback batch 1, 1 host(s)')
})

test('a 5,000-batch run stays well under mermaid’s 50,000-character limit and keeps every failure visible', () => {
  const batches: BatchRecord[] = []
  for (let i = 0; i < 5000; i++) {
    const failed = i % 500 === 250 ? [`i-${String(i).padStart(17, '0')}`] : []
    batches.push(batch(i + 1, T0 + i * 50 * S, [`i-${String(i).padStart(17, '0')}`], failed))
  }
  const o = outcome({ result: 'failed', batches, finishedAt: T0 + 5000 * 50 * S, fleetSize: 5000 })
  const gantt = renderGantt(o)
  expect(gantt.length).toBeLessThan(20_000)
  const milestones = tasks(gantt).filter((t) => t.tags.includes('milestone'))
  expect(milestones).toHaveLength(10)
  expect(gantt).toContain('section Batch 1 (canary)')
  expect(gantt).toContain('section Batch 5000,')
  // The folded ranges cover the batches in between.
  expect(gantt).toMatch(/section Batches 2-250\n {4}249 batch\(es\), 249 host\(s\)/)
})

test('a batch naming many failed hosts names five and counts the rest', () => {
  const ids = Array.from({ length: 12 }, (_, i) => `i-${i}`)
  const t = tasks(renderGantt(outcome({ result: 'failed', batches: [batch(1, T0, ids, ids)] })))
  expect(t[t.length - 1]!.name).toBe('12 failed i-0, i-1, i-2, i-3, i-4 +7 more')
})

test('capacity with many samples is folded into windows showing the lowest and highest', () => {
  const capacity = Array.from({ length: 1000 }, (_, i) => ({
    at: T0 + i * S,
    inService: 10 - (i % 3)
  }))
  const table = renderCapacity(
    outcome({ capacity, fleetSize: 10, minInService: 5, finishedAt: T0 + 1000 * S })
  )
  const rows = table.split('\n').filter((l) => l.startsWith('| +'))
  expect(rows.length).toBeLessThanOrEqual(24)
  expect(rows[0]).toContain('8–10 / 10')
})

test('mermaidSafe strips what mermaid would parse', () => {
  expect(mermaidSafe('a: b; c # d %% e\nf')).toBe('a b c d e f')
  expect(mermaidSafe('i-0abc, i-0def (2)')).toBe('i-0abc, i-0def (2)')
})
