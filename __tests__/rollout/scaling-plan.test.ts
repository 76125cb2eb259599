import { describe, it, expect } from '@jest/globals'
import type {
  GroupChange,
  GroupController,
  GroupMembership,
  ProtectionResult,
  ScalingGroup
} from '../../src/ports/group-controller.js'
import {
  apply,
  describeChange,
  planProtection,
  planSuspensions,
  releasePlan,
  restorePlan
} from '../../src/rollout/scaling-plan.js'

const ROLLOUT = ['AZRebalance', 'HealthCheck', 'ReplaceUnhealthy', 'InstanceRefresh'] as const

/**
 * Scaling groups in memory, as the EC2 Auto Scaling API reference describes the calls:
 * SuspendProcesses adds the named processes to the group's suspended ones and ResumeProcesses
 * removes only the named ones (API_SuspendProcesses, API_ResumeProcesses); SetInstanceProtection
 * sets ProtectedFromScaleIn on the named instances of the group (API_SetInstanceProtection).
 */
class Groups implements GroupController {
  readonly rolloutProcesses = ROLLOUT
  readonly calls: string[] = []
  private groups: Map<string, ScalingGroup>

  constructor(found: ScalingGroup[]) {
    this.groups = new Map(found.map((g) => [g.name, structuredClone(g)]))
  }

  snapshot(): ScalingGroup[] {
    return [...this.groups.values()].map((g) => ({
      ...structuredClone(g),
      suspendedProcesses: [...g.suspendedProcesses].sort()
    }))
  }

  terminate(hostId: string): void {
    for (const g of this.groups.values()) g.members = g.members.filter((m) => m.hostId !== hostId)
  }

  async membership(hostIds: string[]): Promise<GroupMembership[]> {
    return [...this.groups.values()].flatMap((g) =>
      g.members.filter((m) => hostIds.includes(m.hostId))
    )
  }
  async describe(names: string[]): Promise<ScalingGroup[]> {
    return this.snapshot().filter((g) => names.includes(g.name))
  }
  async refreshesInProgress(): Promise<[]> {
    return []
  }
  async suspend(name: string, processes: string[]): Promise<void> {
    this.calls.push(`suspend ${name} ${processes.join(',')}`)
    const g = this.groups.get(name)!
    g.suspendedProcesses = [...new Set([...g.suspendedProcesses, ...processes])]
  }
  async resume(name: string, processes: string[]): Promise<void> {
    this.calls.push(`resume ${name} ${processes.join(',')}`)
    const g = this.groups.get(name)!
    g.suspendedProcesses = g.suspendedProcesses.filter((p) => !processes.includes(p))
  }
  async setProtection(name: string, ids: string[], on: boolean): Promise<ProtectionResult> {
    this.calls.push(`${on ? 'protect' : 'unprotect'} ${name} ${ids.join(',')}`)
    const g = this.groups.get(name)!
    const result: ProtectionResult = { changed: [], gone: [] }
    for (const id of ids) {
      const m = g.members.find((x) => x.hostId === id)
      if (!m) {
        result.gone.push(id)
        continue
      }
      m.protectedFromScaleIn = on
      result.changed.push(id)
    }
    return result
  }
}

const host = (hostId: string, group: string, protectedFromScaleIn = false): GroupMembership => ({
  hostId,
  group,
  lifecycleState: 'InService',
  active: true,
  protectedFromScaleIn
})

function found(): ScalingGroup[] {
  return [
    {
      name: 'web-a',
      minSize: 2,
      maxSize: 6,
      desiredCapacity: 3,
      // the user had suspended these before the run
      suspendedProcesses: ['AZRebalance', 'ScheduledActions'],
      members: [host('i-a1', 'web-a'), host('i-a2', 'web-a', true), host('i-a3', 'web-a')]
    },
    {
      name: 'web-b',
      minSize: 1,
      maxSize: 2,
      desiredCapacity: 2,
      suspendedProcesses: [],
      members: [host('i-b1', 'web-b'), host('i-b2', 'web-b')]
    }
  ]
}

async function applyAll(ctrl: GroupController, changes: GroupChange[], log: GroupChange[]) {
  for (const c of changes) {
    log.push(c) // the journal records each change before it is made
    await apply(ctrl, c)
  }
}

describe('planSuspensions', () => {
  it('suspends only the rollout processes the user had not suspended', () => {
    const plan = planSuspensions(found(), ROLLOUT)

    expect(plan).toEqual([
      {
        kind: 'suspend',
        group: 'web-a',
        processes: ['HealthCheck', 'ReplaceUnhealthy', 'InstanceRefresh']
      },
      { kind: 'suspend', group: 'web-b', processes: [...ROLLOUT] }
    ])
  })

  it('plans nothing for a group that already has every rollout process suspended', () => {
    const g = { ...found()[1]!, suspendedProcesses: [...ROLLOUT, 'Launch'] }

    expect(planSuspensions([g], ROLLOUT)).toEqual([])
  })
})

describe('planProtection', () => {
  it('protects only hosts not already protected, still active, grouped per group', () => {
    const membership = [
      ...found().flatMap((g) => g.members),
      { ...host('i-b3', 'web-b'), active: false, lifecycleState: 'Terminating' }
    ]

    const plan = planProtection(membership, ['i-a1', 'i-a2', 'i-b1', 'i-b3', 'i-none'])

    expect(plan).toEqual([
      { kind: 'protect', group: 'web-a', hostIds: ['i-a1'] },
      { kind: 'protect', group: 'web-b', hostIds: ['i-b1'] }
    ])
  })
})

describe('restorePlan', () => {
  it('puts every group back exactly as found after a whole run', async () => {
    const before = new Groups(found()).snapshot()
    const ctrl = new Groups(found())
    const journal: GroupChange[] = []

    await applyAll(ctrl, planSuspensions(await ctrl.describe(['web-a', 'web-b']), ROLLOUT), journal)
    // batch 1 goes out of service, comes back; batch 2 goes out and the run ends mid-batch
    const all = await ctrl.membership(['i-a1', 'i-a2', 'i-a3', 'i-b1', 'i-b2'])
    await applyAll(ctrl, planProtection(all, ['i-a1', 'i-a2', 'i-b1']), journal)
    await applyAll(ctrl, releasePlan(journal, ['i-a1', 'i-a2', 'i-b1']), journal)
    const now = await ctrl.membership(['i-a3', 'i-b2'])
    await applyAll(ctrl, planProtection(now, ['i-a3', 'i-b2']), journal)
    expect(ctrl.snapshot()).not.toEqual(before)

    await applyAll(ctrl, restorePlan(journal), journal)

    expect(ctrl.snapshot()).toEqual(before)
  })

  it('never resumes a process nor unprotects a host the user had set', async () => {
    const ctrl = new Groups(found())
    const journal: GroupChange[] = []
    await applyAll(ctrl, planSuspensions(found(), ROLLOUT), journal)
    await applyAll(ctrl, planProtection(await ctrl.membership(['i-a2']), ['i-a2']), journal)

    const undo = restorePlan(journal)

    const resumed = undo.flatMap((c) =>
      c.kind === 'resume' && c.group === 'web-a' ? c.processes : []
    )
    expect(resumed).toEqual(['HealthCheck', 'ReplaceUnhealthy', 'InstanceRefresh'])
    expect(resumed).not.toContain('AZRebalance')
    expect(resumed).not.toContain('ScheduledActions')
    expect(undo.some((c) => c.kind === 'unprotect')).toBe(false)
    await applyAll(ctrl, undo, journal)
    const a = ctrl.snapshot()[0]!
    expect(a.suspendedProcesses).toEqual(['AZRebalance', 'ScheduledActions'])
    expect(a.members.find((m) => m.hostId === 'i-a2')?.protectedFromScaleIn).toBe(true)
  })

  it('lifts protections before resuming processes, and undoes nothing twice', async () => {
    const ctrl = new Groups(found())
    const journal: GroupChange[] = []
    await applyAll(ctrl, planSuspensions(found(), ROLLOUT), journal)
    await applyAll(ctrl, planProtection(await ctrl.membership(['i-b1']), ['i-b1']), journal)
    await applyAll(ctrl, releasePlan(journal, ['i-b1']), journal)
    await applyAll(ctrl, planProtection(await ctrl.membership(['i-b2']), ['i-b2']), journal)

    expect(restorePlan(journal).map(describeChange)).toEqual([
      'remove scale-in protection from i-b2 in web-b',
      'resume HealthCheck, ReplaceUnhealthy, InstanceRefresh in web-a',
      'resume AZRebalance, HealthCheck, ReplaceUnhealthy, InstanceRefresh in web-b'
    ])
  })

  it('restores from the journal alone: a second restore after the first changes nothing', async () => {
    const ctrl = new Groups(found())
    const journal: GroupChange[] = []
    await applyAll(ctrl, planSuspensions(found(), ROLLOUT), journal)
    await applyAll(ctrl, restorePlan(journal), journal)

    expect(restorePlan(journal)).toEqual([])
  })

  it('reports a host that vanished while protected and still restores the rest', async () => {
    const before = new Groups(found()).snapshot()
    const ctrl = new Groups(found())
    const journal: GroupChange[] = []
    await applyAll(ctrl, planSuspensions(found(), ROLLOUT), journal)
    await applyAll(
      ctrl,
      planProtection(await ctrl.membership(['i-b1', 'i-b2']), ['i-b1', 'i-b2']),
      journal
    )
    ctrl.terminate('i-b2')

    const results = []
    for (const c of restorePlan(journal)) results.push(await apply(ctrl, c))

    expect(results[0]).toEqual({ changed: ['i-b1'], gone: ['i-b2'] })
    const expected = before.map((g) => ({
      ...g,
      members: g.members.filter((m) => m.hostId !== 'i-b2')
    }))
    expect(ctrl.snapshot()).toEqual(expected)
  })
})

describe('releasePlan', () => {
  it('unprotects only the hosts back in service that this run protected', () => {
    const journal: GroupChange[] = [
      { kind: 'protect', group: 'web-a', hostIds: ['i-a1', 'i-a3'] },
      { kind: 'protect', group: 'web-b', hostIds: ['i-b1'] }
    ]

    expect(releasePlan(journal, ['i-a1', 'i-a2', 'i-b1'])).toEqual([
      { kind: 'unprotect', group: 'web-a', hostIds: ['i-a1'] },
      { kind: 'unprotect', group: 'web-b', hostIds: ['i-b1'] }
    ])
  })
})
