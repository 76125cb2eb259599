// What the job summary lists when the fleet is large: GitHub drops a step summary above 1 MiB, and
// a table of 5,000 hosts helps nobody. Up to a row limit every host gets a row; past it only failed
// hosts do (capped too), with a line counting the hosts left out and pointing to the JSON report,
// which always lists every host. Output tails get the same treatment. Pure functions: the summary
// renders what they return.
//
// The bound, worst case (every reason 200 characters that each escape to 5 bytes, every tail 4,000
// three-byte characters): 500 rows × ~1.2 KB + 20 tails × 12 KB ≈ 840 KB, plus the gantt (kept under
// 50,000 characters by timeline.ts) and the fixed parts. renderHosts' byte budget stays the last guard.

import type { HostRecord, HostState } from '../rollout/outcome.js'
import { STATES_IN_ORDER, byPriority } from './host-order.js'

export interface SummaryLimits {
  /** Hosts listed when the fleet is larger than this: failed ones, then others up to it (500). */
  rowLimit: number
  /** Failed hosts listed at most (500): with the row limit, never more than 500 rows. */
  failedLimit: number
  /** Failed hosts whose command output is shown (20). */
  outputLimit: number
  /** Characters kept from the end of each output tail (4,000). */
  tailChars: number
  /** Characters kept of each host's reason (200). */
  reasonChars: number
}

export const DEFAULT_LIMITS: SummaryLimits = {
  rowLimit: 500,
  failedLimit: 500,
  outputLimit: 20,
  tailChars: 4000,
  reasonChars: 200
}

export interface HostRows {
  /** The hosts to give a row, failed first; reasons shortened to reasonChars. */
  rows: HostRecord[]
  total: number
  /** Hosts without a row. */
  omitted: number
  omittedByState: Partial<Record<HostState, number>>
  /** Failed hosts without a row (only past failedLimit). */
  omittedFailed: number
  /** A Markdown line saying what was left out and where to find it; undefined when nothing was. */
  note?: string
}

export interface OutputTails {
  /** Failed hosts whose output to show, tails cut to tailChars. */
  hosts: HostRecord[]
  /** Failed hosts with output that is not shown. */
  omitted: number
  note?: string
}

function shorten(text: string | undefined, max: number): string | undefined {
  if (text === undefined || text.length <= max) return text
  return text.slice(0, max - 1) + '…'
}

function withShortReason(h: HostRecord, max: number): HostRecord {
  const reason = shorten(h.reason, max)
  return reason === h.reason ? h : { ...h, reason }
}

const n = (value: number): string => value.toLocaleString('en-US')

function where(reportFile?: string): string {
  const file = reportFile ? `: \`${reportFile.replace(/`/g, '')}\`` : ''
  return `Every host is in the \`report\` output and in the JSON file of the \`report-file\` output${file} (upload it with actions/upload-artifact to keep it after the job).`
}

/** The hosts to list in the summary's host table. */
export function limitHostRows(
  hosts: readonly HostRecord[],
  limits: Partial<SummaryLimits> = {},
  reportFile?: string
): HostRows {
  const l = { ...DEFAULT_LIMITS, ...limits }
  const sorted = [...hosts].sort(byPriority)
  if (sorted.length <= l.rowLimit) {
    return {
      rows: sorted.map((h) => withShortReason(h, l.reasonChars)),
      total: sorted.length,
      omitted: 0,
      omittedByState: {},
      omittedFailed: 0
    }
  }
  const failed = sorted.filter((h) => h.state === 'failed')
  const others = sorted.filter((h) => h.state !== 'failed')
  const shownFailed = failed.slice(0, l.failedLimit)
  const shownOthers = others.slice(0, Math.max(0, l.rowLimit - shownFailed.length))
  const rows = [...shownFailed, ...shownOthers].map((h) => withShortReason(h, l.reasonChars))
  const left = [...failed.slice(shownFailed.length), ...others.slice(shownOthers.length)]
  const omittedByState: Partial<Record<HostState, number>> = {}
  for (const h of left) omittedByState[h.state] = (omittedByState[h.state] ?? 0) + 1
  const omittedFailed = failed.length - shownFailed.length
  const breakdown = STATES_IN_ORDER.filter((s) => omittedByState[s])
    .map((s) => `${n(omittedByState[s]!)} ${s}`)
    .join(', ')
  const listed =
    omittedFailed > 0
      ? `the first ${n(shownFailed.length)} of ${n(failed.length)} failed hosts`
      : failed.length > 0
        ? `every failed host (${n(failed.length)})${shownOthers.length ? ` and ${n(shownOthers.length)} others` : ''}`
        : `the first ${n(shownOthers.length)}`
  const note =
    `_Listed ${n(rows.length)} of ${n(sorted.length)} hosts: ${listed}; ` +
    `${n(left.length)} not listed (${breakdown}). Past ${n(l.rowLimit)} hosts the summary lists failed hosts first and keeps within GitHub's 1 MiB limit. ${where(reportFile)}_`
  return { rows, total: sorted.length, omitted: left.length, omittedByState, omittedFailed, note }
}

/** The failed hosts whose command output the summary shows, each tail cut from the front. */
export function limitOutputTails(
  hosts: readonly HostRecord[],
  limits: Partial<SummaryLimits> = {},
  reportFile?: string
): OutputTails {
  const l = { ...DEFAULT_LIMITS, ...limits }
  const withOutput = hosts.filter((h) => h.state === 'failed' && h.outputTail).sort(byPriority)
  const shown = withOutput.slice(0, l.outputLimit).map((h) => {
    const tail = h.outputTail!
    return tail.length <= l.tailChars
      ? h
      : { ...h, outputTail: '…' + tail.slice(tail.length - l.tailChars + 1) }
  })
  const omitted = withOutput.length - shown.length
  const note =
    omitted > 0
      ? `_Output of ${n(omitted)} more failed host(s) not shown. The report gives each host's \`commandId\`: \`aws ssm get-command-invocation --command-id <id> --instance-id <instance>\` prints its output. ${where(reportFile)}_`
      : undefined
  return { hosts: shown, omitted, note }
}
