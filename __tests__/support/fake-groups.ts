// Auto Scaling groups for the fake world (support/fake-ports.ts), behind the GroupController port,
// modelled on the EC2 Auto Scaling documentation:
// - instance lifecycle (scale-out launches an instance, registers it in the group's target groups
//   and it goes InService; scale-in deregisters from the target groups, waits out the
//   deregistration delay, then terminates):
//   https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-lifecycle.html
// - scale-in never picks a protected instance:
//   https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-instance-protection.html
// - SuspendProcesses / ResumeProcesses name the processes; suspending one already suspended, or
//   resuming one not suspended, changes nothing:
//   https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-suspend-resume-processes.html
// - a terminated instance is no longer a managed instance: SSM's SendCommand rejects the whole call
//   with InvalidInstanceId (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html).
// The port's protection call reports hosts that left the group instead of failing (the adapter
// maps SetInstanceProtection's ValidationError so), which the fake answers directly.
// Every call lands in the world's call log: 'asg suspend web HealthCheck,…', 'asg protect web i-1'.

import type {
  GroupController,
  GroupMembership,
  GroupRefresh,
  ProtectionResult,
  ScalingGroup
} from '../../src/ports/group-controller.js'
import type { FakeWorld } from './fake-ports.js'

export const ROLLOUT_PROCESSES = [
  'AZRebalance',
  'HealthCheck',
  'ReplaceUnhealthy',
  'InstanceRefresh'
]

export interface FakeGroupSpec {
  name: string
  /** Instances of the group (they must be registered in `targetGroups` already). */
  instances: string[]
  /** The target groups the group registers its instances in (fake-world group names). */
  targetGroups: string[]
  suspended?: string[]
  protectedIds?: string[]
  refreshes?: GroupRefresh[]
}

interface Group {
  spec: FakeGroupSpec
  suspended: Set<string>
  members: Map<string, { state: string; protectedFromScaleIn: boolean }>
  refreshes: GroupRefresh[]
  launched: number
}

export class FakeScalingGroups implements GroupController {
  readonly rolloutProcesses = ROLLOUT_PROCESSES
  private readonly groups = new Map<string, Group>()

  constructor(
    private readonly world: FakeWorld,
    specs: FakeGroupSpec[]
  ) {
    for (const s of specs) {
      this.groups.set(s.name, {
        spec: s,
        suspended: new Set(s.suspended ?? []),
        members: new Map(
          s.instances.map((id) => [
            id,
            { state: 'InService', protectedFromScaleIn: (s.protectedIds ?? []).includes(id) }
          ])
        ),
        refreshes: s.refreshes ?? [],
        launched: 0
      })
    }
  }

  // ---- what tests look at -----------------------------------------------------------------

  /** The group as a person would see it now: suspended processes and protected instances. */
  snapshot(name: string): { suspended: string[]; protectedIds: string[]; instances: string[] } {
    const g = this.group(name)
    return {
      suspended: [...g.suspended].sort(),
      protectedIds: [...g.members]
        .filter(([, m]) => m.protectedFromScaleIn)
        .map(([id]) => id)
        .sort(),
      instances: [...g.members.keys()].sort()
    }
  }

  // ---- events ------------------------------------------------------------------------------

  /** Scale-out: a new instance on the old release, registered in the group's target groups. */
  scaleOut(name: string, id?: string): string {
    const g = this.group(name)
    const newId = id ?? `i-${name}-new${++g.launched}`
    this.world.hosts.set(newId, {
      version: 'v1',
      http: 200,
      lbCheck: 'auto',
      ping: 'Online',
      deploy: {},
      rollback: {}
    })
    g.members.set(newId, { state: 'InService', protectedFromScaleIn: false })
    this.log(`scale-out ${name} ${newId}`)
    for (const tg of g.spec.targetGroups) {
      // Refused only when another event terminated the new host in the same moment: it is gone.
      this.world
        .putBack(this.world.group(tg).arn, [{ instanceId: newId, port: 80 }])
        .catch(() => undefined)
    }
    return newId
  }

  /** Scale-in: the first unprotected InService instance; undefined when every one is protected. */
  scaleIn(name: string): string | undefined {
    const g = this.group(name)
    const victim = [...g.members].find(
      ([, m]) => m.state === 'InService' && !m.protectedFromScaleIn
    )?.[0]
    if (victim) this.terminate(victim)
    return victim
  }

  /**
   * The instance is terminated (scale-in, a person, a failed instance): out of its target groups
   * at once (the fake's drain ends here, the instance is gone), no longer in its group, and SSM
   * refuses it from now on.
   */
  terminate(id: string): void {
    this.log(`terminate ${id}`)
    for (const g of this.groups.values()) g.members.delete(id)
    for (const tg of this.world.groups) {
      tg.regs.splice(0, tg.regs.length, ...tg.regs.filter((r) => r.instanceId !== id))
    }
    // ELB refuses to register it again: RegisterTargets' InvalidTarget, "The specified target
    // does not exist" (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RegisterTargets.html).
    this.world.fail(
      (call) => call.startsWith('register ') && new RegExp(`[ ,]${id}:`).test(call),
      Infinity,
      () =>
        Object.assign(new Error(`The following targets are not valid: ${id}`), {
          name: 'InvalidTarget'
        })
    )
    this.world.fail(
      (call) => call.startsWith('send ') && new RegExp(`[ ,]${id}(,|$)`).test(call),
      Infinity,
      () =>
        Object.assign(new Error(`Instances [[${id}]] not in a valid state`), {
          name: 'InvalidInstanceId'
        })
    )
  }

  // ---- GroupController ---------------------------------------------------------------------

  async membership(hostIds: string[]): Promise<GroupMembership[]> {
    this.log(`membership ${hostIds.join(',')}`)
    const out: GroupMembership[] = []
    for (const id of hostIds) {
      for (const [name, g] of this.groups) {
        const m = g.members.get(id)
        if (m) out.push({ hostId: id, group: name, lifecycleState: m.state, active: true, ...m })
      }
    }
    return out
  }

  async describe(groupNames: string[]): Promise<ScalingGroup[]> {
    this.log(`describe ${groupNames.join(',')}`)
    return groupNames.flatMap((name) => {
      const g = this.groups.get(name)
      if (!g) return []
      return [
        {
          name,
          minSize: 1,
          maxSize: 10,
          desiredCapacity: g.members.size,
          suspendedProcesses: [...g.suspended],
          members: [...g.members].map(([id, m]) => ({
            hostId: id,
            group: name,
            lifecycleState: m.state,
            active: true,
            protectedFromScaleIn: m.protectedFromScaleIn
          }))
        }
      ]
    })
  }

  async refreshesInProgress(groupName: string): Promise<GroupRefresh[]> {
    this.log(`refreshes ${groupName}`)
    return this.group(groupName).refreshes
  }

  async suspend(groupName: string, processes: string[]): Promise<void> {
    this.log(`suspend ${groupName} ${processes.join(',')}`)
    for (const p of processes) this.group(groupName).suspended.add(p)
  }

  async resume(groupName: string, processes: string[]): Promise<void> {
    this.log(`resume ${groupName} ${processes.join(',')}`)
    for (const p of processes) this.group(groupName).suspended.delete(p)
  }

  async setProtection(
    groupName: string,
    hostIds: string[],
    protect: boolean
  ): Promise<ProtectionResult> {
    this.log(`${protect ? 'protect' : 'unprotect'} ${groupName} ${hostIds.join(',')}`)
    const g = this.group(groupName)
    const result: ProtectionResult = { changed: [], gone: [] }
    for (const id of hostIds) {
      const m = g.members.get(id)
      if (!m) result.gone.push(id)
      else {
        m.protectedFromScaleIn = protect
        result.changed.push(id)
      }
    }
    return result
  }

  private group(name: string): Group {
    const g = this.groups.get(name)
    if (!g) throw new Error(`fake: unknown scaling group ${name}`)
    return g
  }

  /** Into the world's ordered call log, so a test sees group calls among the others. */
  private log(line: string): void {
    this.world.calls.push(`asg ${line}`)
    this.world.callTimes.push(this.world.clock.now())
  }
}
