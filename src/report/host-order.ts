// The one order hosts are listed in, in the summary table, in the row and output-tail limits:
// failed first (what to look at), then rolled back, pending, skipped, deployed; then by batch
// (skipped hosts, with no batch, last) and instance id.

import type { HostRecord, HostState } from '../rollout/outcome.js'

/** Each state's place in the order, lowest first. */
const STATE_RANK: Record<HostState, number> = {
  failed: 0,
  'rolled-back': 1,
  pending: 2,
  skipped: 3,
  deployed: 4
}

/** A sort comparator for that order. */
export function byPriority(a: HostRecord, b: HostRecord): number {
  return (
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    (a.batch ?? Infinity) - (b.batch ?? Infinity) ||
    a.instanceId.localeCompare(b.instanceId)
  )
}

/** The hosts in that order, as a new array (the input is left as it was). */
/** The host states in that order, e.g. to list counts by state. */
export const STATES_IN_ORDER = (Object.keys(STATE_RANK) as HostState[]).sort(
  (a, b) => STATE_RANK[a] - STATE_RANK[b]
)

export function sortHosts(hosts: readonly HostRecord[]): HostRecord[] {
  return [...hosts].sort(byPriority)
}
