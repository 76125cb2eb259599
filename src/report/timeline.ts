// The run as pictures for the job summary: a Mermaid gantt of the batches (drain, command,
// verify, restore per batch; batches with failed hosts marked critical, with a milestone naming
// them) and a table of in-service capacity over time. Pure functions returning Markdown.
//
// GitHub renders ```mermaid fences in job summaries (written raw, not through addCodeBlock, which
// makes an HTML <pre>). Mermaid refuses diagrams above 50,000 characters, so a long run keeps the
// canary, every failed batch and the last batch in detail and folds the rest into ranges.

import type { BatchRecord, Phase, RolloutOutcome } from '../rollout/outcome.js'
import { formatDuration } from '../shared/format.js'

export interface TimelineOptions {
  /** Batches drawn phase by phase; the others are folded into ranges (default 40). */
  maxDetailedBatches?: number
  /** Failed hosts named in a batch's milestone (default 5, then "+N more"). */
  maxNamedHosts?: number
  /** Rows of the capacity table (default 24). */
  maxCapacityRows?: number
}

const DEFAULTS: Required<TimelineOptions> = {
  maxDetailedBatches: 40,
  maxNamedHosts: 5,
  maxCapacityRows: 24
}

/** What the gantt calls each phase. */
const PHASE_LABEL: Record<Phase, string> = {
  capacity: 'capacity wait',
  drain: 'drain',
  command: 'command',
  verify: 'verify',
  restore: 'restore',
  canary: 'canary watch'
}

/**
 * Text safe inside a Mermaid gantt task or section name: `:` starts the task data, `;` and line
 * breaks end a statement, `#` starts an entity code, `%%` a comment. Anything outside a small
 * allow-list becomes a space.
 */
export function mermaidSafe(text: string): string {
  return text
    .replace(/[^A-Za-z0-9 _.,()/+=@-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

function batchLabel(b: BatchRecord): string {
  if (b.kind === 'rollback') return `Rollback batch ${b.number}`
  return b.number === 1 ? 'Batch 1 (canary)' : `Batch ${b.number}`
}

function batchEnd(b: BatchRecord, o: RolloutOutcome): number {
  const phaseEnds = b.phases.map((p) => p.finishedAt ?? p.startedAt)
  return Math.max(b.finishedAt ?? o.finishedAt, b.startedAt, ...phaseEnds)
}

function namedHosts(ids: string[], max: number): string {
  const shown = ids.slice(0, max).join(', ')
  return ids.length > max ? `${shown} +${ids.length - max} more` : shown
}

/** A gantt task line: `name :tags, start, end` with ms timestamps (dateFormat x). */
function task(name: string, tags: string[], start: number, end: number): string {
  const s = Math.round(start)
  const e = Math.max(s, Math.round(end))
  return `    ${mermaidSafe(name) || 'task'} :${[...tags, String(s), String(e)].join(', ')}`
}

function detailedBatch(b: BatchRecord, o: RolloutOutcome, maxNamed: number): string[] {
  const failed = b.failed.length > 0
  const lines = [`  section ${mermaidSafe(`${batchLabel(b)}, ${b.instanceIds.length} host(s)`)}`]
  for (const p of [...b.phases].sort((x, y) => x.startedAt - y.startedAt)) {
    const end = p.finishedAt ?? b.finishedAt ?? o.finishedAt
    const tags = [...(failed ? ['crit'] : []), p.finishedAt === undefined ? 'active' : 'done']
    lines.push(
      task(`${PHASE_LABEL[p.phase]} ${formatDuration(end - p.startedAt)}`, tags, p.startedAt, end)
    )
  }
  if (b.phases.length === 0) {
    lines.push(
      task(
        `batch ${formatDuration(batchEnd(b, o) - b.startedAt)}`,
        failed ? ['crit', 'done'] : ['done'],
        b.startedAt,
        batchEnd(b, o)
      )
    )
  }
  if (failed) {
    const at = batchEnd(b, o)
    lines.push(
      task(
        `${b.failed.length} failed ${namedHosts(b.failed, maxNamed)}`,
        ['milestone', 'crit'],
        at,
        at
      )
    )
  }
  return lines
}

function foldedRange(batches: BatchRecord[], o: RolloutOutcome): string[] {
  const first = batches[0]!
  const last = batches[batches.length - 1]!
  const hosts = batches.reduce((n, b) => n + b.instanceIds.length, 0)
  const failed = batches.reduce((n, b) => n + b.failed.length, 0)
  const kind = first.kind === 'rollback' ? 'Rollback batches' : 'Batches'
  const name = batches.length === 1 ? batchLabel(first) : `${kind} ${first.number}-${last.number}`
  const start = first.startedAt
  const end = Math.max(...batches.map((b) => batchEnd(b, o)))
  const label = `${batches.length} batch(es), ${hosts} host(s)${failed ? `, ${failed} failed` : ''}, ${formatDuration(end - start)}`
  return [
    `  section ${mermaidSafe(name)}`,
    task(label, failed ? ['crit', 'done'] : ['done'], start, end)
  ]
}

/** Which batches are drawn in detail: the canary, failed ones, the last one, then the earliest. */
function detailedSet(batches: BatchRecord[], max: number): Set<BatchRecord> {
  if (batches.length <= max) return new Set(batches)
  const keep = new Set<BatchRecord>()
  const add = (b: BatchRecord | undefined) => {
    if (b && keep.size < max) keep.add(b)
  }
  add(batches[0])
  add(batches[batches.length - 1])
  for (const b of batches) if (b.failed.length > 0) add(b)
  for (const b of batches)
    if (b.kind !== batches[0]!.kind) {
      add(b) // the first batch of a rollback phase
      break
    }
  return keep
}

/**
 * The batches as a Mermaid gantt, in a ```mermaid fence; '' when no batch ran. Times are the
 * real clock times of the run (the viewer's time zone), with each bar's duration in its name.
 */
export function renderGantt(o: RolloutOutcome, options: TimelineOptions = {}): string {
  if (o.batches.length === 0) return ''
  const opts = { ...DEFAULTS, ...options }
  const batches = [...o.batches].sort((a, b) => a.startedAt - b.startedAt)
  const detailed = detailedSet(batches, opts.maxDetailedBatches)
  const failedHosts = batches.reduce((n, b) => n + b.failed.length, 0)
  const lines = [
    '```mermaid',
    'gantt',
    `  title ${mermaidSafe(`rolling-deploy ${o.result}, ${batches.length} batch(es), ${failedHosts} failed host(s), ${formatDuration(o.finishedAt - o.startedAt)}`)}`,
    '  dateFormat x',
    '  axisFormat %H:%M:%S'
  ]
  let run: BatchRecord[] = []
  const flush = () => {
    if (run.length > 0) lines.push(...foldedRange(run, o))
    run = []
  }
  for (const b of batches) {
    if (detailed.has(b)) {
      flush()
      lines.push(...detailedBatch(b, o, opts.maxNamedHosts))
    } else {
      if (run.length > 0 && run[0]!.kind !== b.kind) flush()
      run.push(b)
    }
  }
  flush()
  lines.push('```')
  return lines.join('\n')
}

/** Hosts in service over time as a table with a bar per row; '' when nothing was sampled. */
export function renderCapacity(o: RolloutOutcome, options: TimelineOptions = {}): string {
  const samples = [...o.capacity].sort((a, b) => a.at - b.at)
  if (samples.length === 0) return ''
  const opts = { ...DEFAULTS, ...options }
  const rows = capacityRows(samples, o, opts.maxCapacityRows)
  const lowest = samples.reduce((low, s) => (s.inService < low.inService ? s : low), samples[0]!)
  const fleet = Math.max(o.fleetSize, ...samples.map((s) => s.inService), 1)
  const head = [
    `Lowest: **${lowest.inService}** of ${o.fleetSize} host(s) in service at +${formatDuration(lowest.at - o.startedAt)} (at least ${o.minInService} required). Sampled whenever a host went out or came back, and from the load balancer before each batch.`,
    '',
    legend(fleet, o.minInService),
    '',
    '| time | in service | |',
    '| --- | --- | --- |'
  ]
  const body = rows.map((r) => {
    const value = r.min === r.max ? `${r.min}` : `${r.min}–${r.max}`
    const flag = r.min < o.minInService ? ' ⚠️ below minimum' : ''
    return `| +${formatDuration(r.at - o.startedAt)} | ${value} / ${o.fleetSize} | \`${bar(r.min, fleet, o.minInService)}\`${flag} |`
  })
  return [...head, ...body].join('\n')
}

interface CapacityRow {
  at: number
  min: number
  max: number
}

/** Changes only; past `max` rows, equal time windows with the lowest and highest value in each. */
function capacityRows(
  samples: Array<{ at: number; inService: number }>,
  o: RolloutOutcome,
  max: number
): CapacityRow[] {
  const changes: CapacityRow[] = []
  for (const s of samples) {
    const prev = changes[changes.length - 1]
    if (prev && prev.min === s.inService) continue
    changes.push({ at: s.at, min: s.inService, max: s.inService })
  }
  if (changes.length <= max) return changes
  const start = samples[0]!.at
  const end = Math.max(samples[samples.length - 1]!.at, o.finishedAt, start + 1)
  const width = (end - start) / max
  const windows: CapacityRow[] = []
  for (const s of samples) {
    const i = Math.min(max - 1, Math.floor((s.at - start) / width))
    const at = start + i * width
    const w = windows[windows.length - 1]
    if (w && w.at === at) {
      w.min = Math.min(w.min, s.inService)
      w.max = Math.max(w.max, s.inService)
    } else {
      windows.push({ at, min: s.inService, max: s.inService })
    }
  }
  return windows
}

const BAR_WIDTH = 20

/** What the bars' characters mean, said once above the table. */
function legend(fleet: number, minimum: number): string {
  const scale =
    fleet <= BAR_WIDTH
      ? `${Number((BAR_WIDTH / fleet).toFixed(1))} character(s) per host`
      : `one character ≈ ${Number((fleet / BAR_WIDTH).toFixed(1))} hosts`
  const mark = minimum > 0 ? `, \`|\` the minimum to keep in service (${minimum})` : ''
  return `Each bar is the fleet of ${fleet} host(s), ${scale}: \`█\` in service, \`░\` out of service${mark}.`
}

/** `████████|███░░░░░░░`: in service out of the fleet, `|` where the minimum lies. */
function bar(value: number, fleet: number, minimum: number): string {
  const filled = Math.round((Math.max(0, value) / fleet) * BAR_WIDTH)
  const mark = Math.min(BAR_WIDTH - 1, Math.max(0, Math.round((minimum / fleet) * BAR_WIDTH)))
  let out = ''
  for (let i = 0; i < BAR_WIDTH; i++) {
    if (i === mark && minimum > 0) out += '|'
    else out += i < filled ? '█' : '░'
  }
  return out
}

/** Both pictures under their headings, for the job summary; '' when there is nothing to draw. */
export function renderTimelineSection(o: RolloutOutcome, options: TimelineOptions = {}): string {
  const parts: string[] = []
  const gantt = renderGantt(o, options)
  if (gantt) parts.push('### Timeline', gantt)
  const capacity = renderCapacity(o, options)
  if (capacity) parts.push('### In service over time', capacity)
  return parts.join('\n\n')
}
