import { describe, it, expect } from '@jest/globals'
import { SUMMARY_LIMIT_BYTES } from '../../src/report/budget.js'
import { cell, renderOutputs, renderSettings, renderSummary } from '../../src/report/summary.js'
import type { RolloutOutcome } from '../../src/rollout/outcome.js'
import { T0, batch, failedRun, host, settings } from './fixtures.js'

/** The lines of one `### name` section. */
function section(md: string, name: string): string[] {
  const start = md.indexOf(`### ${name}\n`)
  expect(start).toBeGreaterThanOrEqual(0)
  const rest = md.slice(start + name.length + 5)
  const end = rest.search(/\n(### |<details><summary>Settings)/)
  return (end < 0 ? rest : rest.slice(0, end)).split('\n').filter((l) => l !== '')
}

/** The cells of a Markdown table row, split on unescaped pipes. */
const cells = (row: string) =>
  row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim())

/** Table rows without the header and the separator. */
const rows = (lines: string[]) => lines.filter((l) => l.startsWith('|')).slice(2)

describe('renderSummary', () => {
  const md = renderSummary(failedRun(), settings())

  it('opens with the result and the counts', () => {
    const [title, counts] = md.split('\n\n')
    expect(title).toBe('## ❌ rolling-deploy: failed')
    expect(counts).toContain('**1** deployed · **1** failed · **1** skipped · **1** pending')
    expect(counts).toContain('4 host(s), at least 2 kept in service, 25m')
    expect(md).toContain('> failures (1) exceed max-failures (0)')
  })

  it('has one row per host, failed hosts first, with all eight columns', () => {
    const hostRows = rows(section(md, 'Hosts'))
    expect(hostRows).toHaveLength(4)
    expect(hostRows.map((r) => cells(r)[0])).toEqual(['i-0bbb', 'i-0ddd', 'i-0ccc', 'i-0aaa'])
    for (const r of hostRows) expect(cells(r)).toHaveLength(8)
    expect(cells(hostRows[0]!)).toEqual([
      'i-0bbb',
      '2',
      'failed',
      'command',
      'command failed with exit code 3: npm ERR! missing script',
      '3',
      '3m',
      '-'
    ])
    expect(cells(hostRows[3]!)).toEqual([
      'i-0aaa',
      '1',
      'deployed',
      'done',
      '-',
      '0',
      '5m30s',
      '1.2.3'
    ])
  })

  it.each([
    ['verify', 'reports version 1.2.2, expected 1.2.3 (health-timeout 5m)', '1.2.2'],
    ['restore', 'tg-web: unhealthy (Target.FailedHealthChecks)', '1.2.3'],
    ['final-check', 'health answered 503; left in service', '1.2.3']
  ] as const)(
    'a host that failed at %s after its command succeeded: says so, and the version it reported',
    (step, reason, version) => {
      const md = renderSummary(
        {
          ...failedRun(),
          hosts: [host('i-f', { state: 'failed', step, reason, exitCode: 0, version })]
        },
        settings()
      )
      const row = cells(rows(section(md, 'Hosts'))[0]!)
      expect(row.slice(2)).toEqual([
        'failed',
        step,
        reason,
        'deploy command succeeded (exit 0)',
        '-',
        `reported ${version}`
      ])
      expect(md).not.toMatch(/\| 0 \|/)
    }
  )

  it('a host whose command failed keeps its exit code; a deployed host its plain version', () => {
    const md = renderSummary(failedRun(), settings())
    const [failed] = rows(section(md, 'Hosts')).map(cells)
    expect(failed![5]).toBe('3')
    const deployed = rows(section(md, 'Hosts'))
      .map(cells)
      .find((r) => r[2] === 'deployed')!
    expect(deployed.slice(5)).toEqual(['0', '5m30s', '1.2.3'])
  })

  it('shows no batch for a skipped host', () => {
    const skipped = rows(section(md, 'Hosts')).find((r) => r.includes('i-0ccc'))!
    expect(cells(skipped).slice(0, 3)).toEqual(['i-0ccc', '-', 'skipped'])
    const withBatch = renderSummary(
      { ...failedRun(), hosts: [host('i-s', { state: 'skipped', batch: 4 })] },
      settings()
    )
    expect(cells(rows(section(withBatch, 'Hosts'))[0]!)[1]).toBe('-')
  })

  it('puts the failed host’s output tail in a collapsed block, and only the failed host’s', () => {
    const outputs = md.slice(md.indexOf('### Output of failed hosts'))
    expect(outputs).toContain(
      '<details><summary>i-0bbb: command output (tail)</summary>\n\n```text\ninstalling 1.2.3\nnpm ERR! missing script: start\n```\n\n</details>'
    )
    expect(md.match(/command output \(tail\)/g)).toHaveLength(1)
    // A deployed host with an output tail is not shown.
    const deployedWithTail = failedRun()
    deployedWithTail.hosts[0]!.outputTail = 'should not show'
    expect(renderSummary(deployedWithTail, settings())).not.toContain('should not show')
  })

  it('has no output section when no host failed', () => {
    const ok: RolloutOutcome = {
      ...failedRun(),
      result: 'success',
      reason: undefined,
      hosts: [host('i-1')]
    }
    const summary = renderSummary(ok, settings())
    expect(summary).not.toContain('### Output of failed hosts')
    expect(summary.startsWith('## ✅ rolling-deploy: success\n')).toBe(true)
  })

  it('has one timeline row per batch, with its phases and failed hosts', () => {
    const lines = rows(section(md, 'Batches'))
    expect(lines.map(cells)).toEqual([
      ['1', 'deploy', '1', '+10m', '5m30s', '1m', '2m', '1m30s', '1m', '-'],
      ['2', 'deploy', '1', '+20m', '5m30s', '1m', '2m', '1m30s', '1m', 'i-0bbb']
    ])
  })

  it('says so when no batch ran', () => {
    expect(renderSummary({ ...failedRun(), batches: [] }, settings())).toContain('_No batch ran._')
  })

  it('lists the settings used', () => {
    const block = md.slice(md.indexOf('<details><summary>Settings</summary>'))
    const table = Object.fromEntries(
      rows(block.split('\n')).map((r) => cells(r) as [string, string])
    )
    expect(table).toMatchObject({
      'target-groups': `web, ${settings().targetGroups[1]}`,
      command: 'AWS-RunShellScript',
      'batch-size': '1, 25%',
      'min-healthy-percent': '50%',
      'max-failures': '10%',
      'expected-version': '1.2.3',
      health: '/health on 8080',
      timeouts: 'drain delay+1m, command 10m, health 5m',
      'canary-wait': '2m',
      'on-failure': 'halt',
      'skip-unhealthy': 'true',
      'dry-run': 'false'
    })
    expect(block.trimEnd().endsWith('</details>')).toBe(true)
  })

  it('names the document, not the script, for a document run', () => {
    const s = renderSettings(
      settings({ deploy: { kind: 'document', name: 'My-Deploy', parameters: {} } })
    )
    expect(s).toContain('| document | My-Deploy |')
    expect(renderSettings(settings())).not.toContain('./deploy.sh')
  })

  const pool = (kind: 'alb' | 'nlb', connectionTermination?: boolean) => ({
    id: `arn-${kind}`,
    name: `web-${kind}`,
    kind,
    healthCheckPortLabel: 'traffic-port',
    healthCheckIntervalSeconds: 30,
    healthyThresholdCount: 5,
    drainDelaySeconds: 300,
    connectionTermination
  })

  it('shows min-drain as given, or its default for the kinds of load balancer', () => {
    expect(renderSettings(settings({ minDrainMs: 0 }), [pool('alb')])).toContain(
      '| min-drain | 0s |'
    )
    expect(renderSettings(settings(), [pool('alb')])).toContain(
      '| min-drain | 30s (default for alb) |'
    )
    expect(renderSettings(settings(), [pool('alb'), pool('nlb', true)])).toContain(
      '| min-drain | 2m (default for alb, nlb) |'
    )
  })

  it('says when connection termination on deregistration is off for an NLB pool', () => {
    const off = renderSettings(settings(), [pool('nlb', false)])
    expect(off).toContain(
      '| web-nlb (NLB) | connection termination on deregistration is off: open connections may outlast the drain |'
    )
    expect(renderSettings(settings(), [pool('nlb', true)])).not.toContain('(NLB)')
  })
})

describe('escaping', () => {
  const hostile = 'a|b\nc\r\nd\re <script>alert(1)</script> & <img src=x onerror=alert(2)>'

  it('cell() keeps a value inside its cell and turns HTML into text', () => {
    expect(cell(hostile)).toBe(
      'a\\|b c d e &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;'
    )
    expect(cell(undefined)).toBe('-')
    expect(cell(null)).toBe('-')
    expect(cell('')).toBe('-')
    expect(cell(0)).toBe('0')
  })

  it('a hostile reason, version and run reason cannot break the table or inject HTML', () => {
    const run = failedRun()
    run.reason = hostile
    run.hosts[1]!.reason = hostile
    run.hosts[0]!.version = '1|2\n<b>3</b>'
    const md = renderSummary(run, settings({ expectedVersion: '<script>x</script>|y' }))

    expect(md).not.toMatch(/<script>|<img|<b>/)
    const hostRows = rows(section(md, 'Hosts'))
    expect(hostRows).toHaveLength(4)
    for (const r of hostRows) expect(cells(r)).toHaveLength(8)
    expect(cells(hostRows[0]!)[4]).toBe(cell(hostile))
    // The run's reason stays on its one quoted line.
    expect(md).toContain(`> ${cell(hostile)}\n`)
  })

  it('output that tries to close the code fence stays inside it', () => {
    const run = failedRun()
    run.hosts[1]!.outputTail =
      'before\n```\n</details>\n<script>alert(1)</script>\n````\n  ```\nafter'
    const block = renderOutputs(run.hosts)
    const lines = block.split('\n')
    const open = lines.indexOf('```text')
    const close = lines.lastIndexOf('```')
    expect(open).toBeGreaterThanOrEqual(0)
    expect(close).toBeGreaterThan(open)
    // No line between opening and closing fence could close it (CommonMark: up to 3 spaces, ```).
    const inside = lines.slice(open + 1, close)
    expect(inside).toContain('before')
    for (const l of inside) expect(l).not.toMatch(/^ {0,3}```/)
    expect(lines.slice(close + 1).join('\n')).toBe('\n</details>')
  })
})

describe('size', () => {
  it('stays under GitHub’s 1 MiB summary limit with hundreds of failed hosts, failed rows first', () => {
    const tail = 'E'.repeat(4000)
    const hosts = Array.from({ length: 600 }, (_, i) =>
      host(`i-${String(i).padStart(17, '0')}`, {
        batch: i + 1,
        state: i < 500 ? 'failed' : 'deployed',
        step: i < 500 ? 'command' : 'done',
        reason: i < 500 ? 'command failed with exit code 1' : undefined,
        outputTail: i < 500 ? tail : undefined
      })
    )
    const run: RolloutOutcome = {
      ...failedRun(),
      hosts,
      batches: hosts.map((h, i) => batch(i + 1, [h.instanceId]))
    }
    const md = renderSummary(run, settings())

    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(SUMMARY_LIMIT_BYTES).toBeLessThan(1024 * 1024)
    // Past the row limit the failed hosts come first; what is left out is counted, and so are
    // the output tails not shown.
    const hostRows = rows(section(md, 'Hosts'))
    expect(hostRows).toHaveLength(500)
    expect(hostRows.every((r) => cells(r)[2] === 'failed')).toBe(true)
    expect(md).toContain('Listed 500 of 600 hosts')
    expect(/_Output of \d+ more failed host\(s\) not shown/.test(md)).toBe(true)
    expect(md).toContain('<details><summary>Settings</summary>')
  })

  it('cuts the host table of a huge fleet, never the failed hosts at its top', () => {
    const hosts = Array.from({ length: 20_000 }, (_, i) =>
      host(`i-${String(i).padStart(17, '0')}`, {
        state: i % 1000 === 999 ? 'failed' : 'deployed',
        reason: i % 1000 === 999 ? 'x'.repeat(60) : undefined
      })
    )
    const md = renderSummary({ ...failedRun(), hosts, batches: [] }, settings())
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    const hostRows = rows(section(md, 'Hosts'))
    expect(hostRows.slice(0, 20).every((r) => cells(r)[2] === 'failed')).toBe(true)
    expect(hostRows.length).toBeLessThan(20_000)
    // Matched on a slice: a failing toMatch would print the whole megabyte.
    const note = /Listed ([\d,]+) of 20,000 hosts.*?([\d,]+) not listed/.exec(md)
    expect(Number(note?.[1]?.replace(/,/g, ''))).toBe(hostRows.length)
    expect(Number(note?.[2]?.replace(/,/g, ''))).toBe(20_000 - hostRows.length)
  })
})

describe('dry run', () => {
  it('shows planned hosts as pending with their batch', () => {
    const run: RolloutOutcome = {
      ...failedRun(),
      result: 'dry-run',
      reason: undefined,
      hosts: [
        host('i-1', { state: 'pending', step: 'plan', batch: 1 }),
        host('i-2', { state: 'pending', step: 'plan', batch: 2 })
      ],
      batches: [],
      finishedAt: T0 + 5_000
    }
    const md = renderSummary(run, settings({ dryRun: true }))
    expect(md.startsWith('## 📝 rolling-deploy: dry-run\n')).toBe(true)
    expect(rows(section(md, 'Hosts')).map((r) => cells(r).slice(0, 3))).toEqual([
      ['i-1', '1', 'pending'],
      ['i-2', '2', 'pending']
    ])
  })
})
