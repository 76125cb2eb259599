// The JSON report: one object per host, the same for the `report` output and the report file.

import type { HostRecord, HostState, RolloutOutcome } from '../rollout/outcome.js'
import { isoTime } from '../shared/format.js'

/** A HostRecord's optional fields as the report writes them: always present, null when absent. */
type NullWhenAbsent<T> = {
  [K in keyof T]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K]
}

/**
 * A host in the report: a view of the rollout's HostRecord (the fields users read), with times
 * as ISO strings and the target groups (pools) it is in. SPEC.md fixes these field names.
 */
export type HostReport = NullWhenAbsent<
  Pick<
    HostRecord,
    'instanceId' | 'batch' | 'state' | 'step' | 'reason' | 'commandId' | 'exitCode' | 'version'
  >
> &
  Record<'startedAt' | 'finishedAt', string | null> & { targetGroups: string[] }

export function hostReport(h: HostRecord): HostReport {
  return {
    instanceId: h.instanceId,
    batch: h.state === 'skipped' ? null : h.batch,
    state: h.state,
    step: h.step,
    reason: h.reason ?? null,
    commandId: h.commandId ?? null,
    exitCode: h.exitCode ?? null,
    version: h.version ?? null,
    startedAt: isoTime(h.startedAt),
    finishedAt: isoTime(h.finishedAt),
    targetGroups: [...new Set(h.memberships.map((r) => r.poolId))]
  }
}

export function buildReport(outcome: Pick<RolloutOutcome, 'hosts'>): HostReport[] {
  return outcome.hosts.map(hostReport)
}

export interface Counts {
  deployed: number
  failed: number
  skipped: number
  pending: number
  rolledBack: number
}

export function countStates(hosts: readonly { state: HostState }[]): Counts {
  const n = (s: HostState) => hosts.filter((h) => h.state === s).length
  return {
    deployed: n('deployed'),
    failed: n('failed'),
    skipped: n('skipped'),
    pending: n('pending'),
    rolledBack: n('rolled-back')
  }
}
