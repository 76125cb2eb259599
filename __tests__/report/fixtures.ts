// Hosts, batches and settings of a finished run, for the report tests.

import type { Settings } from '../../src/settings.js'
import { settingsFor } from '../support/settings.js'
import type { BatchRecord, HostRecord, RolloutOutcome } from '../../src/rollout/outcome.js'

export const T0 = Date.UTC(2026, 10, 23, 12, 0, 0)
export const TG_WEB =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'
export const TG_API =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/fedcba9876543210'

export function host(instanceId: string, extra: Partial<HostRecord> = {}): HostRecord {
  return {
    instanceId,
    memberships: [{ poolId: TG_WEB, port: 80 }],
    batch: 1,
    state: 'deployed',
    step: 'done',
    outOfService: false,
    commandSent: true,
    ...extra
  }
}

/** The report tests' run: two target groups, a canary then 25%, health and version checks. */
export function settings(extra: Partial<Settings> = {}): Settings {
  return settingsFor({
    targetGroups: ['web', TG_API],
    batchSize: [
      { kind: 'count', value: 1 },
      { kind: 'percent', value: 25 }
    ],
    canaryWaitMs: 120_000,
    healthPath: '/health',
    healthPort: 8080,
    expectedVersion: '1.2.3',
    maxFailures: { kind: 'percent', value: 10 },
    ...extra
  })
}

export function batch(
  number: number,
  instanceIds: string[],
  extra: Partial<BatchRecord> = {}
): BatchRecord {
  const startedAt = T0 + number * 600_000
  return {
    number,
    instanceIds,
    kind: 'deploy',
    startedAt,
    finishedAt: startedAt + 330_000,
    phases: [
      { phase: 'drain', startedAt, finishedAt: startedAt + 60_000 },
      { phase: 'command', startedAt: startedAt + 60_000, finishedAt: startedAt + 180_000 },
      { phase: 'verify', startedAt: startedAt + 180_000, finishedAt: startedAt + 270_000 },
      { phase: 'restore', startedAt: startedAt + 270_000, finishedAt: startedAt + 330_000 }
    ],
    failed: [],
    ...extra
  }
}

/** A failed run: one host deployed, one failed in its command, one skipped, one never reached. */
export function failedRun(): RolloutOutcome {
  const hosts = [
    host('i-0aaa', {
      batch: 1,
      state: 'deployed',
      step: 'done',
      commandId: 'cmd-1',
      exitCode: 0,
      version: '1.2.3',
      startedAt: T0 + 600_000,
      finishedAt: T0 + 930_000,
      memberships: [
        { poolId: TG_WEB, port: 80 },
        { poolId: TG_WEB, port: 8080 },
        { poolId: TG_API, port: 80 }
      ]
    }),
    host('i-0bbb', {
      batch: 2,
      state: 'failed',
      step: 'command',
      reason: 'command failed with exit code 3: npm ERR! missing script',
      commandId: 'cmd-2',
      exitCode: 3,
      startedAt: T0 + 1_200_000,
      finishedAt: T0 + 1_380_000,
      outOfService: true,
      outputTail: 'installing 1.2.3\nnpm ERR! missing script: start'
    }),
    host('i-0ccc', {
      batch: null,
      state: 'skipped',
      step: 'precheck',
      reason: 'pre-check: http://127.0.0.1:8080/health answered HTTP 503',
      commandSent: false
    }),
    host('i-0ddd', { batch: 3, state: 'pending', step: 'plan', commandSent: false })
  ]
  return {
    result: 'failed',
    reason: 'failures (1) exceed max-failures (0)',
    pools: [],
    hosts,
    batches: [batch(1, ['i-0aaa']), batch(2, ['i-0bbb'], { failed: ['i-0bbb'] })],
    startedAt: T0,
    finishedAt: T0 + 1_500_000,
    capacity: [],
    fleetSize: 4,
    minInService: 2
  }
}
