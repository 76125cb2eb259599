// The job summary as Markdown: result and counts, settings, batch timeline, one row per host
// (failed first), and each failed host's output tail in a collapsed block.

import type { Settings } from '../settings.js'
import type { HostRecord, RolloutOutcome } from '../rollout/types.js'
import { countStates } from './json.js'
import { formatDuration } from './format.js'

const ICON: Record<string, string> = {
  success: '✅',
  failed: '❌',
  'rolled-back': '↩️',
  cancelled: '⏹️',
  'dry-run': '📝'
}

const STATE_ORDER = ['failed', 'rolled-back', 'pending', 'skipped', 'deployed']

/** Table cells must not break the table: pipes escaped, newlines folded, HTML neutralised. */
export function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-'
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
}

function amount(a: Settings['maxFailures']): string {
  return a.kind === 'percent' ? `${a.value}%` : String(a.value)
}

export function renderSettings(s: Settings): string {
  const rows: Array<[string, string]> = [
    ['target-groups', s.targetGroups.join(', ')],
    [s.deploy.kind === 'command' ? 'command' : 'document', s.deploy.kind === 'command' ? 'AWS-RunShellScript' : s.deploy.name],
    ['batch-size', s.batchSize.map(amount).join(', ')],
    ['min-healthy-percent', `${s.minHealthyPercent}%`],
    ['max-failures', amount(s.maxFailures)],
    ['expected-version', s.expectedVersion ?? '-'],
    ['health', `${s.healthPath ?? '(target group path)'} on ${s.healthPort ?? '(target group port)'}`],
    ['timeouts', `drain ${s.drainTimeoutMs !== undefined ? formatDuration(s.drainTimeoutMs) : 'delay+1m'}, command ${formatDuration(s.commandTimeoutMs)}, health ${formatDuration(s.healthTimeoutMs)}`],
    ['canary-wait', formatDuration(s.canaryWaitMs)],
    ['on-failure', s.onFailure],
    ['skip-unhealthy', String(s.skipUnhealthy)],
    ['dry-run', String(s.dryRun)]
  ]
  return ['| setting | value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`)].join('\n')
}

export function renderTimeline(o: RolloutOutcome): string {
  if (o.batches.length === 0) return '_No batch ran._'
  const lines = ['| batch | kind | hosts | started | duration | drain | command | verify | restore | failed |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |']
  for (const b of o.batches) {
    const phase = (name: string) => {
      const p = b.phases.find((x) => x.phase === name)
      return p ? formatDuration((p.finishedAt ?? o.finishedAt) - p.startedAt) : '-'
    }
    lines.push(
      `| ${b.number} | ${b.kind} | ${b.instanceIds.length} | +${formatDuration(b.startedAt - o.startedAt)} | ${formatDuration((b.finishedAt ?? o.finishedAt) - b.startedAt)} | ${phase('drain')} | ${phase('command')} | ${phase('verify')} | ${phase('restore')} | ${b.failed.length ? cell(b.failed.join(', ')) : '-'} |`
    )
  }
  return lines.join('\n')
}

export function sortHosts(hosts: readonly HostRecord[]): HostRecord[] {
  return [...hosts].sort(
    (a, b) =>
      STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) ||
      (a.batch ?? Infinity) - (b.batch ?? Infinity) ||
      a.instanceId.localeCompare(b.instanceId)
  )
}

export function hostRow(h: HostRecord): string {
  const duration = h.startedAt !== undefined && h.finishedAt !== undefined ? formatDuration(h.finishedAt - h.startedAt) : '-'
  return `| ${cell(h.instanceId)} | ${cell(h.batch)} | ${cell(h.state)} | ${cell(h.step)} | ${cell(h.reason)} | ${cell(h.exitCode)} | ${duration} | ${cell(h.version)} |`
}

export function renderHosts(hosts: readonly HostRecord[]): string {
  return [
    '| instance | batch | state | step | reason | exit code | duration | version |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...sortHosts(hosts).map(hostRow)
  ].join('\n')
}

export function renderOutputs(hosts: readonly HostRecord[]): string {
  return hosts
    .filter((h) => h.state === 'failed' && h.outputTail)
    .map((h) => {
      const text = h.outputTail!.replace(/```/g, '`\u200b``')
      return `<details><summary>${cell(h.instanceId)}: command output (tail)</summary>\n\n\`\`\`text\n${text}\n\`\`\`\n\n</details>`
    })
    .join('\n\n')
}

export function renderSummary(o: RolloutOutcome, settings: Settings): string {
  const c = countStates(o.hosts)
  const parts = [
    `## ${ICON[o.result] ?? ''} rolling-deploy: ${o.result}`.replace('  ', ' '),
    `**${c.deployed}** deployed · **${c.failed}** failed · **${c.skipped}** skipped · **${c.pending}** pending${c.rolledBack ? ` · **${c.rolledBack}** rolled back` : ''} — ${o.fleetSize} host(s), at least ${o.minInService} kept in service, ${formatDuration(o.finishedAt - o.startedAt)}`
  ]
  if (o.reason) parts.push(`> ${cell(o.reason)}`)
  parts.push('### Hosts', renderHosts(o.hosts))
  parts.push('### Batches', renderTimeline(o))
  const outputs = renderOutputs(o.hosts)
  if (outputs) parts.push('### Output of failed hosts', outputs)
  parts.push('<details><summary>Settings</summary>\n\n' + renderSettings(settings) + '\n\n</details>')
  return parts.join('\n\n') + '\n'
}
