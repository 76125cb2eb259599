// Batches and the capacity guard. Pure arithmetic: no AWS, no clock.

import { resolveAmount, type Amount } from '../settings.js'

/** Hosts that must stay healthy and in service during every batch: ceil(percent × fleet / 100). */
export function minInService(minHealthyPercent: number, fleetSize: number): number {
  return Math.ceil((minHealthyPercent * fleetSize) / 100)
}

/** The planned size of batch `index` (0-based): the list's last entry repeats. */
export function batchSizeAt(sizes: Amount[], index: number, fleetSize: number): number {
  const entry = sizes[Math.min(index, sizes.length - 1)] ?? { kind: 'count', value: 1 }
  return Math.max(1, resolveAmount(entry, fleetSize))
}

/** How many hosts may be out at once given how many are in service now. */
export function capacityAllowance(inService: number, minimum: number): number {
  return inService - minimum
}

/** One target group's share of the capacity guard. */
export interface GroupCapacity {
  name: string
  /** Every fleet host registered in the group, skipped ones included: the minimum is a percent of these. */
  members: string[]
  /** How many of them the load balancer serves from in this group now. */
  inService: number
}

/** Each group's members as a set, built once per list: membership tests stay O(1) on 10,000 hosts. */
const memberSets = new WeakMap<string[], Set<string>>()

function isMember(g: GroupCapacity, id: string): boolean {
  let set = memberSets.get(g.members)
  if (!set) {
    set = new Set(g.members)
    memberSets.set(g.members, set)
  }
  return set.has(id)
}

export interface Pick {
  picked: string[]
  /** The first candidate left out for a group's sake, and why: for the log and the stop reason. */
  blocked?: string
}

/**
 * Up to `size` of the candidates (each in service now), in order, such that no target group is
 * left with fewer than min-healthy-percent of its own hosts in service while they are out: a
 * group whose only healthy targets went out together would drop every request sent to it. A
 * candidate that would break a group is left for a later batch.
 */
export function pickBatch(
  candidates: string[],
  size: number,
  groups: GroupCapacity[],
  minHealthyPercent: number
): Pick {
  const out = new Map<GroupCapacity, number>()
  const picked: string[] = []
  let blocked: string | undefined
  for (const id of candidates) {
    if (picked.length >= size) break
    const why = groupBlock(id, groups, out, minHealthyPercent)
    if (why) {
      blocked ??= why
      continue
    }
    takeOut(id, groups, out)
    picked.push(id)
  }
  return { picked, blocked }
}

/**
 * Why taking `id` out as well would leave one of its target groups with fewer than
 * min-healthy-percent of its hosts in service (`out`: hosts of each group already taken out for
 * this batch); undefined when it would not.
 */
export function groupBlock(
  id: string,
  groups: GroupCapacity[],
  out: Map<GroupCapacity, number>,
  minHealthyPercent: number
): string | undefined {
  const breaks = groups.find(
    (g) =>
      isMember(g, id) &&
      g.inService - (out.get(g) ?? 0) - 1 < minInService(minHealthyPercent, g.members.length)
  )
  if (!breaks) return undefined
  const left = breaks.inService - (out.get(breaks) ?? 0) - 1
  const min = minInService(minHealthyPercent, breaks.members.length)
  // A group too small to ever spare a host needs the user's decision, not patience.
  const fix =
    breaks.members.length - min < 1
      ? `; ${breaks.name} has too few hosts to take any out at this min-healthy-percent: add hosts, or set min-healthy-percent: 0 to accept it going dark`
      : ''
  return `taking out ${id} would leave ${breaks.name} with ${left} of ${breaks.members.length} host(s) in service, ${min} must stay in service (min-healthy-percent ${minHealthyPercent})${fix}`
}

/** Counts `id` as taken out of each of its groups. */
export function takeOut(
  id: string,
  groups: GroupCapacity[],
  out: Map<GroupCapacity, number>
): void {
  for (const g of groups) if (isMember(g, id)) out.set(g, (out.get(g) ?? 0) + 1)
}

/**
 * How many batches planBatches makes of `hostCount` hosts, all in service and with no pool's own
 * minimum in the way: the most a run can have, for the lock's time-to-live.
 */
export function batchCount(sizes: Amount[], hostCount: number, minHealthyPercent: number): number {
  const allowance = capacityAllowance(hostCount, minInService(minHealthyPercent, hostCount))
  let n = 0
  for (let rest = hostCount; rest > 0; n++) {
    rest -= Math.max(1, Math.min(batchSizeAt(sizes, n, hostCount), allowance, rest))
  }
  return n
}

export interface Plan {
  batches: string[][]
  fleetSize: number
  minInService: number
  /** Batches the capacity guard made smaller than asked, for the log. */
  notes: string[]
}

/**
 * The batches as they will run if nothing fails: the eligible hosts in order, each batch as big
 * as batch-size asks but never so big that fewer than minInService hosts stay in service, nor
 * so that a target group keeps fewer than min-healthy-percent of its own hosts (`groups`).
 */
export function planBatches(
  sizes: Amount[],
  eligible: string[],
  fleetSize: number,
  minHealthyPercent: number,
  inService = eligible.length,
  groups: GroupCapacity[] = []
): Plan {
  const minimum = minInService(minHealthyPercent, fleetSize)
  const allowance = capacityAllowance(inService, minimum)
  const batches: string[][] = []
  const notes: string[] = []
  let rest = eligible
  while (rest.length > 0) {
    const asked = batchSizeAt(sizes, batches.length, fleetSize)
    const size = Math.max(1, Math.min(asked, allowance, rest.length))
    const n = batches.length + 1
    if (size < Math.min(asked, rest.length)) {
      notes.push(
        `batch ${n}: ${size} instead of ${asked} host(s), so that ${minimum} of ${fleetSize} stay in service (min-healthy-percent)`
      )
    }
    const { blocked, ...pick } = pickBatch(rest, size, groups, minHealthyPercent)
    let picked = pick.picked
    if (picked.length === 0) {
      // Nothing fits: the run will wait for capacity before this batch, and may stop there.
      picked = rest.slice(0, 1)
      notes.push(`batch ${n}: ${blocked}; the run will wait for capacity to recover`)
    } else if (blocked && picked.length < size) {
      notes.push(`batch ${n}: ${picked.length} instead of ${size} host(s): ${blocked}`)
    }
    batches.push(picked)
    const taken = new Set(picked)
    rest = rest.filter((id) => !taken.has(id))
  }
  if (allowance < 1 && eligible.length > 0) {
    notes.push(
      `only ${inService} host(s) are in service and ${minimum} must stay in service: no host can be taken out until more recover (min-healthy-percent)`
    )
  }
  return { batches, fleetSize, minInService: minimum, notes }
}
