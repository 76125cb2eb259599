// The job summary as Markdown: result and counts, settings, batch timeline, one row per host
// (failed first), and each failed host's output tail in a collapsed block.

import type { Settings } from '../settings.js'
import { defaultMinDrainMs } from '../shared/min-drain.js'
import type { HostRecord, RolloutOutcome } from '../rollout/outcome.js'
import { countStates } from './json.js'
import { limitHostRows, limitOutputTails } from './limits.js'
import { renderTimelineSection } from './timeline.js'
import { formatDuration } from '../shared/format.js'
import { SUMMARY_LIMIT_BYTES, bytes, fitToBudget } from './budget.js'
import { sortHosts } from './host-order.js'

const ICON: Record<string, string> = {
  success: '✅',
  failed: '❌',
  'rolled-back': '↩️',
  cancelled: '⏹️',
  'dry-run': '📝'
}

/** Table cells must not break the table: pipes escaped, newlines folded, HTML neutralised. */
export function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-'
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, ' ')
}

function amount(a: Settings['maxFailures']): string {
  return a.kind === 'percent' ? `${a.value}%` : String(a.value)
}

/** The settings as the run used them; `pools` resolves defaults that follow the load balancer. */
type Pool = RolloutOutcome['pools'][number]

/** min-drain as given, or its default for the run's kinds of load balancer. */
function minDrainLabel(s: Settings, pools: Pool[]): string {
  if (s.minDrainMs !== undefined) return formatDuration(s.minDrainMs)
  const kinds = [...new Set(pools.map((p) => p.kind))]
  const of = kinds.length > 0 ? ` for ${kinds.join(', ')}` : ''
  return `${formatDuration(defaultMinDrainMs(kinds))} (default${of})`
}

export function renderSettings(s: Settings, pools: Pool[] = []): string {
  const rows: Array<[string, string]> = [
    ['target-groups', s.targetGroups.join(', ')],
    [
      s.deploy.kind === 'command' ? 'command' : 'document',
      s.deploy.kind === 'command' ? 'AWS-RunShellScript' : s.deploy.name
    ],
    ['batch-size', s.batchSize.map(amount).join(', ')],
    ['min-healthy-percent', `${s.minHealthyPercent}%`],
    ['max-failures', amount(s.maxFailures)],
    ['expected-version', s.expectedVersion ?? '-'],
    [
      'health',
      `${s.healthPath ?? '(target group path)'} on ${s.healthPort ?? '(target group port)'}`
    ],
    [
      'timeouts',
      `drain ${s.drainTimeoutMs !== undefined ? formatDuration(s.drainTimeoutMs) : 'delay+1m'}, command ${formatDuration(s.commandTimeoutMs)}, health ${formatDuration(s.healthTimeoutMs)}`
    ],
    ['min-drain', minDrainLabel(s, pools)],
    // NLB: existing flows go on past the deregistration delay unless the group terminates them
    // (NLB target group attributes, deregistration_delay.connection_termination.enabled).
    ...pools
      .filter((p) => p.kind === 'nlb' && p.connectionTermination === false)
      .map((p): [string, string] => [
        `${p.name} (NLB)`,
        'connection termination on deregistration is off: open connections may outlast the drain'
      ]),
    ['canary-wait', formatDuration(s.canaryWaitMs)],
    ['on-failure', s.onFailure],
    ['skip-unhealthy', String(s.skipUnhealthy)],
    ['dry-run', String(s.dryRun)]
  ]
  return [
    '| setting | value |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`)
  ].join('\n')
}

export function renderTimeline(o: RolloutOutcome, budgetBytes = Infinity): string {
  if (o.batches.length === 0) return '_No batch ran._'
  const lines = [
    '| batch | kind | hosts | started | duration | drain | command | verify | restore | failed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  ]
  const phase = (b: RolloutOutcome['batches'][number], name: string) => {
    const p = b.phases.find((x) => x.phase === name)
    return p ? formatDuration((p.finishedAt ?? o.finishedAt) - p.startedAt) : '-'
  }
  const fitted = fitToBudget(
    o.batches,
    (b) =>
      `| ${b.number} | ${b.kind} | ${b.instanceIds.length} | +${formatDuration(b.startedAt - o.startedAt)} | ${formatDuration((b.finishedAt ?? o.finishedAt) - b.startedAt)} | ${phase(b, 'drain')} | ${phase(b, 'command')} | ${phase(b, 'verify')} | ${phase(b, 'restore')} | ${b.failed.length ? cell(b.failed.join(', ')) : '-'} |`,
    { usedBytes: bytes(lines.join('\n')), budgetBytes, separatorBytes: 1 }
  )
  lines.push(...fitted.texts)
  if (fitted.leftOut > 0) {
    lines.push(
      '',
      `_${fitted.leftOut} more batch(es) left out: the job summary is limited to 1 MiB._`
    )
  }
  return lines.join('\n')
}

/** Steps that come after the deploy command: a host failing there ran the command to its end. */
const AFTER_COMMAND = new Set<HostRecord['step']>(['verify', 'restore', 'canary', 'final-check'])

/**
 * The exit code cell. A failed host whose deploy command succeeded must not read as "exit code
 * 0" next to a failure with no word of why: say the command succeeded, the reason cell says what
 * failed after it.
 */
export function exitCodeText(h: HostRecord): string | undefined {
  if (h.exitCode === undefined) return undefined
  if (h.state === 'failed' && AFTER_COMMAND.has(h.step) && h.exitCode === 0)
    return 'deploy command succeeded (exit 0)'
  return String(h.exitCode)
}

/**
 * The version cell: what the host itself reported. For a failed host that is its own word, not
 * the version deployed (it may be the old one, or the new one that then failed a later check).
 */
export function versionText(h: HostRecord): string | undefined {
  if (h.version === undefined) return undefined
  return h.state === 'failed' ? `reported ${h.version}` : h.version
}

export function hostRow(h: HostRecord): string {
  const duration =
    h.startedAt !== undefined && h.finishedAt !== undefined
      ? formatDuration(h.finishedAt - h.startedAt)
      : '-'
  const batch = h.state === 'skipped' ? null : h.batch
  const id = h.joined ? `${h.instanceId} (joined during the run)` : h.instanceId
  return `| ${cell(id)} | ${cell(batch)} | ${cell(h.state)} | ${cell(h.step)} | ${cell(h.reason)} | ${cell(exitCodeText(h))} | ${duration} | ${cell(versionText(h))} |`
}

export function renderHosts(hosts: readonly HostRecord[], budgetBytes = Infinity): string {
  const lines = [
    '| instance | batch | state | step | reason | exit code | duration | version |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |'
  ]
  const fitted = fitToBudget(sortHosts(hosts), hostRow, {
    usedBytes: bytes(lines.join('\n')),
    budgetBytes,
    separatorBytes: 1
  })
  lines.push(...fitted.texts)
  if (fitted.leftOut > 0) {
    lines.push(
      '',
      `_${fitted.leftOut} more host(s) left out: the job summary is limited to 1 MiB. The \`report\` output lists every host._`
    )
  }
  return lines.join('\n')
}

function outputBlock(h: HostRecord): string {
  const text = h.outputTail!.replace(/```/g, '`\u200b``')
  return `<details><summary>${cell(h.instanceId)}: command output (tail)</summary>\n\n\`\`\`text\n${text}\n\`\`\`\n\n</details>`
}

export function renderOutputs(hosts: readonly HostRecord[], budgetBytes = Infinity): string {
  const failed = hosts.filter((h) => h.state === 'failed' && h.outputTail)
  const fitted = fitToBudget(failed, outputBlock, { usedBytes: 0, budgetBytes, separatorBytes: 2 })
  const blocks = fitted.texts
  if (fitted.leftOut > 0) {
    blocks.push(
      `_Output of ${fitted.leftOut} more failed host(s) left out: the job summary is limited to 1 MiB._`
    )
  }
  return blocks.join('\n\n')
}

export function renderSummary(o: RolloutOutcome, settings: Settings, reportFile?: string): string {
  const c = countStates(o.hosts)
  const head = [
    `## ${ICON[o.result] ?? ''} rolling-deploy: ${o.result}`.replace('  ', ' '),
    `**${c.deployed}** deployed · **${c.failed}** failed · **${c.skipped}** skipped · **${c.pending}** pending${c.rolledBack ? ` · **${c.rolledBack}** rolled back` : ''} — ${o.fleetSize} host(s), at least ${o.minInService} kept in service, ${formatDuration(o.finishedAt - o.startedAt)}`
  ]
  if (o.reason) head.push(`> ${cell(o.reason)}`)
  const timeline = ['### Batches', renderTimeline(o, SUMMARY_LIMIT_BYTES / 4)]
  const pictures = renderTimelineSection(o)
  const settingsBlock =
    '<details><summary>Settings</summary>\n\n' +
    renderSettings(settings, o.pools) +
    '\n\n</details>'
  const rows = limitHostRows(o.hosts, {}, reportFile)
  const tails = limitOutputTails(o.hosts, {}, reportFile)
  // Hosts get what the fixed parts leave, output tails what the hosts leave: GitHub drops a
  // summary over 1 MiB whole.
  let budget =
    SUMMARY_LIMIT_BYTES - bytes([...head, ...timeline, pictures, settingsBlock].join('\n\n')) - 400
  const hostTable = renderHosts(rows.rows, budget) + (rows.note ? `\n\n${rows.note}` : '')
  budget -= bytes(hostTable)
  const outputs = renderOutputs(tails.hosts, budget)
  const parts = [...head, '### Hosts', hostTable, ...timeline]
  if (pictures) parts.push(pictures)
  if (outputs) parts.push('### Output of failed hosts', outputs)
  if (tails.note) parts.push(tails.note)
  parts.push(settingsBlock)
  return parts.join('\n\n') + '\n'
}
