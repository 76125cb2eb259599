// What a rollout changes in the scaling groups that own its hosts, as data: computed from what
// was found, stored in the journal before each change, and undone exactly. Pure except `apply`.
// The rule: change only what the user had not set. A process the user suspended is never
// suspended (so never resumed) by the run; a host the user protected is never protected (so never
// unprotected) by the run. Undo touches only what the run itself changed.

import type {
  GroupChange,
  GroupController,
  GroupMembership,
  ProtectionResult,
  ScalingGroup
} from '../ports/group-controller.js'

/**
 * Suspensions for the run: in every group, the rollout's processes the group did not already
 * have suspended. A group with nothing left to suspend gets no change at all.
 */
export function planSuspensions(
  groups: ScalingGroup[],
  processes: readonly string[]
): GroupChange[] {
  return groups.flatMap((g) => {
    const already = new Set(g.suspendedProcesses)
    const missing = processes.filter((p) => !already.has(p))
    return missing.length > 0
      ? [{ kind: 'suspend' as const, group: g.name, processes: missing }]
      : []
  })
}

/**
 * Protections for hosts about to go out of service, one change per group: only hosts that are in
 * a group, still active in it, and not protected already (by the user or earlier in this run).
 */
export function planProtection(membership: GroupMembership[], hostIds: string[]): GroupChange[] {
  const wanted = new Set(hostIds)
  const byGroup = new Map<string, string[]>()
  for (const m of membership) {
    if (!wanted.has(m.hostId) || !m.active || m.protectedFromScaleIn) continue
    const ids = byGroup.get(m.group) ?? []
    if (!ids.includes(m.hostId)) ids.push(m.hostId)
    byGroup.set(m.group, ids)
  }
  return [...byGroup].map(([group, ids]) => ({ kind: 'protect' as const, group, hostIds: ids }))
}

/** The opposite of one change. */
export function inverse(change: GroupChange): GroupChange {
  switch (change.kind) {
    case 'suspend':
      return { kind: 'resume', group: change.group, processes: [...change.processes] }
    case 'resume':
      return { kind: 'suspend', group: change.group, processes: [...change.processes] }
    case 'protect':
      return { kind: 'unprotect', group: change.group, hostIds: [...change.hostIds] }
    case 'unprotect':
      return { kind: 'protect', group: change.group, hostIds: [...change.hostIds] }
  }
}

/**
 * What the run's changes still hold, per group: processes suspended and not resumed, hosts
 * protected and not unprotected. Changes are the run's own, in the order they were applied
 * (the journal's list); a resume or unprotect only cancels an earlier suspend or protect.
 */
export function outstanding(applied: GroupChange[]): GroupChange[] {
  const suspended = new Map<string, Set<string>>()
  const protectedIds = new Map<string, Set<string>>()
  const setOf = (map: Map<string, Set<string>>, group: string) => {
    const set = map.get(group) ?? new Set<string>()
    map.set(group, set)
    return set
  }
  for (const c of applied) {
    if (c.kind === 'suspend') c.processes.forEach((p) => setOf(suspended, c.group).add(p))
    if (c.kind === 'resume') c.processes.forEach((p) => setOf(suspended, c.group).delete(p))
    if (c.kind === 'protect') c.hostIds.forEach((h) => setOf(protectedIds, c.group).add(h))
    if (c.kind === 'unprotect') c.hostIds.forEach((h) => setOf(protectedIds, c.group).delete(h))
  }
  const out: GroupChange[] = []
  for (const [group, ps] of suspended) {
    if (ps.size > 0) out.push({ kind: 'suspend', group, processes: [...ps] })
  }
  for (const [group, ids] of protectedIds) {
    if (ids.size > 0) out.push({ kind: 'protect', group, hostIds: [...ids] })
  }
  return out
}

/**
 * Everything needed to put the groups back as found: protections lifted first (hosts become
 * ordinary members again), then processes resumed, so health-check replacement only restarts
 * once every host the run held is back to how it was.
 */
export function restorePlan(applied: GroupChange[]): GroupChange[] {
  const held = outstanding(applied).map(inverse)
  return [
    ...held.filter((c) => c.kind === 'unprotect'),
    ...held.filter((c) => c.kind !== 'unprotect')
  ]
}

/** Lifts the run's protection from hosts back in service; a host the user protected is left alone. */
export function releasePlan(applied: GroupChange[], hostIds: string[]): GroupChange[] {
  const back = new Set(hostIds)
  return outstanding(applied).flatMap((c) => {
    if (c.kind !== 'protect') return []
    const ids = c.hostIds.filter((h) => back.has(h))
    return ids.length > 0 ? [{ kind: 'unprotect' as const, group: c.group, hostIds: ids }] : []
  })
}

/** Makes one change through the port; protection reports hosts that left the group meanwhile. */
export async function apply(
  controller: GroupController,
  change: GroupChange
): Promise<ProtectionResult | undefined> {
  switch (change.kind) {
    case 'suspend':
      return void (await controller.suspend(change.group, change.processes))
    case 'resume':
      return void (await controller.resume(change.group, change.processes))
    case 'protect':
      return controller.setProtection(change.group, change.hostIds, true)
    case 'unprotect':
      return controller.setProtection(change.group, change.hostIds, false)
  }
}

/** One line per change, for the log, a dry run's plan and the summary. */
export function describeChange(change: GroupChange): string {
  switch (change.kind) {
    case 'suspend':
      return `suspend ${change.processes.join(', ')} in ${change.group}`
    case 'resume':
      return `resume ${change.processes.join(', ')} in ${change.group}`
    case 'protect':
      return `protect ${change.hostIds.join(', ')} from scale-in in ${change.group}`
    case 'unprotect':
      return `remove scale-in protection from ${change.hostIds.join(', ')} in ${change.group}`
  }
}
