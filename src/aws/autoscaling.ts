// EC2 Auto Scaling behind the GroupController port.
//
// DECISION (issue 13): scale-in protection for the hosts out of service, plus a suspension of the
// four processes that terminate or replace hosts because a rollout takes them out of service —
// not standby. (Draft user-facing text: docs/autoscaling.md.)
//
// Suspended for the run, in every group that owns a host of the fleet (only those the user had
// not already suspended; "Suspend and resume Amazon EC2 Auto Scaling processes",
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-suspend-resume-processes.html):
// - HealthCheck and ReplaceUnhealthy: a group with ELB health checks marks a drained or restarting
//   host unhealthy and replaces it. Scale-in protection does not cover health-check replacement
//   ("Use instance scale-in protection",
//   https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-instance-protection.html),
//   and the guide suggests suspending exactly these two to restart instances without Auto Scaling
//   terminating them ("Considerations for suspending processes",
//   https://docs.aws.amazon.com/autoscaling/ec2/userguide/suspend-resume-considerations.html).
// - AZRebalance: it launches and terminates instances to even out zones.
// - InstanceRefresh: a refresh started during the run would replace hosts under it. A refresh
//   already running when the run starts is an error before any change (refreshesInProgress).
// AWS CodeDeploy suspends a chosen subset of Terminate, AZRebalance, InstanceRefresh and
// ScheduledActions during in-place deployments, resuming them on success, failure or stop
// (https://docs.aws.amazon.com/codedeploy/latest/userguide/integrations-aws-auto-scaling-suspend-processes.html,
// https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_EC2DeploymentOptions.html), and it
// deploys to instances launched mid-deployment (outdatedInstancesStrategy UPDATE). We differ:
// - not Terminate: suspended, AZRebalance can push the group up to 10% above its maximum, and it
//   stops legitimate scale-in of in-service hosts; protection already keeps scale-in off the hosts
//   we hold out of service ("How suspended processes affect other processes",
//   https://docs.aws.amazon.com/autoscaling/ec2/userguide/understand-how-suspending-processes-affects-other-processes.html);
// - not Launch: it breaks the other processes (same page) and the fleet needs scale-out under
//   load; hosts launched during the run join it and are deployed (SPEC step 4);
// - not ScheduledActions: a scheduled action that falls in a suspension is skipped for good, not
//   run at resume (API_EC2DeploymentOptions above): suspending it would silently drop the user's
//   schedule. A scheduled scale-in reaches only unprotected (in-service) hosts, which the run
//   handles as hosts that vanish (SPEC 7.6);
// - not AlarmNotification or AddToLoadBalancer: scaling policies keep working, and new hosts are
//   registered as usual, so they show in the pools and join the rollout.
//
// Why not standby (EnterStandby, https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_EnterStandby.html):
// with ShouldDecrementDesiredCapacity it is refused when desired capacity would fall below the
// minimum (a group at min size could not roll at all); without it the group launches replacements
// (extra, old-version hosts that would join the rollout). Standby also deregisters from the target
// groups itself, waiting out the deregistration delay, which takes the drain (and min-drain) out
// of the rollout's hands; takes 20 instances per call; makes an instance refresh wait and then fail;
// and a run that dies leaves hosts in Standby, out of the group's capacity, until someone calls
// ExitStandby. Protection is one flag per host, put back with one call, and changes no capacity.
//
// Limits (API reference pages of each action): DescribeAutoScalingInstances 50 InstanceIds and 50
// records per call; DescribeAutoScalingGroups 50 names by default, MaxRecords up to 100;
// DescribeInstanceRefreshes MaxRecords up to 100 (six weeks of history); SetInstanceProtection 50
// InstanceIds per call.

import {
  AutoScalingClient,
  ResumeProcessesCommand,
  SetInstanceProtectionCommand,
  SuspendProcessesCommand,
  paginateDescribeAutoScalingGroups,
  paginateDescribeAutoScalingInstances,
  paginateDescribeInstanceRefreshes,
  type AutoScalingGroup as SdkGroup
} from '@aws-sdk/client-auto-scaling'
import type {
  GroupController,
  GroupMembership,
  GroupRefresh,
  ProtectionResult,
  ScalingGroup
} from '../ports/group-controller.js'
import { errorName } from '../shared/errors.js'

export const ROLLOUT_PROCESSES = [
  'AZRebalance',
  'HealthCheck',
  'ReplaceUnhealthy',
  'InstanceRefresh'
] as const

/** DescribeAutoScalingInstances: InstanceIds, "Array Members: Maximum number of 50 items". */
export const INSTANCES_PER_DESCRIBE = 50
/** DescribeAutoScalingGroups: "By default, you can only specify up to 50 names". */
export const GROUPS_PER_DESCRIBE = 50
/** SetInstanceProtection: "You can specify up to 50 instances". */
export const INSTANCES_PER_PROTECTION = 50

/**
 * InstanceRefresh.Status values of a refresh that has not ended (API_InstanceRefresh): Pending,
 * InProgress, Cancelling, RollbackInProgress, and Baking (waiting its bake time after updating
 * instances; it has no EndTime yet). Successful, Failed, Cancelled, RollbackFailed and
 * RollbackSuccessful have ended.
 */
export const REFRESH_IN_PROGRESS = new Set([
  'Pending',
  'InProgress',
  'Cancelling',
  'RollbackInProgress',
  'Baking'
])

/** Lifecycle states of a host the group is taking away (LifecycleState in the API reference). */
const LEAVING = /^(Terminat|Detach|Warmed:Terminat)/

const chunks = <T>(items: T[], size: number): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export class AutoScalingGroups implements GroupController {
  readonly rolloutProcesses: readonly string[] = ROLLOUT_PROCESSES

  constructor(private readonly client: AutoScalingClient) {}

  async membership(hostIds: string[]): Promise<GroupMembership[]> {
    const found: GroupMembership[] = []
    for (const ids of chunks([...new Set(hostIds)], INSTANCES_PER_DESCRIBE)) {
      const pages = paginateDescribeAutoScalingInstances(
        { client: this.client, pageSize: INSTANCES_PER_DESCRIBE },
        { InstanceIds: ids }
      )
      for await (const page of pages) {
        for (const i of page.AutoScalingInstances ?? []) {
          if (!i.InstanceId || !i.AutoScalingGroupName) continue
          const state = i.LifecycleState ?? ''
          found.push({
            hostId: i.InstanceId,
            group: i.AutoScalingGroupName,
            lifecycleState: state,
            active: !LEAVING.test(state),
            protectedFromScaleIn: i.ProtectedFromScaleIn === true
          })
        }
      }
    }
    return found
  }

  async describe(groupNames: string[]): Promise<ScalingGroup[]> {
    const groups: ScalingGroup[] = []
    for (const names of chunks([...new Set(groupNames)], GROUPS_PER_DESCRIBE)) {
      const pages = paginateDescribeAutoScalingGroups(
        { client: this.client, pageSize: GROUPS_PER_DESCRIBE },
        { AutoScalingGroupNames: names }
      )
      for await (const page of pages) {
        for (const g of page.AutoScalingGroups ?? []) groups.push(toGroup(g))
      }
    }
    return groups
  }

  async refreshesInProgress(groupName: string): Promise<GroupRefresh[]> {
    const running: GroupRefresh[] = []
    const pages = paginateDescribeInstanceRefreshes(
      { client: this.client, pageSize: 100 },
      { AutoScalingGroupName: groupName }
    )
    for await (const page of pages) {
      for (const r of page.InstanceRefreshes ?? []) {
        if (r.Status && REFRESH_IN_PROGRESS.has(r.Status)) {
          running.push({ id: r.InstanceRefreshId ?? '', status: r.Status })
        }
      }
    }
    return running
  }

  async suspend(groupName: string, processes: string[]): Promise<void> {
    // An empty ScalingProcesses list means ALL processes to the API: never send one.
    if (processes.length === 0) return
    await this.client.send(
      new SuspendProcessesCommand({ AutoScalingGroupName: groupName, ScalingProcesses: processes })
    )
  }

  async resume(groupName: string, processes: string[]): Promise<void> {
    // Same trap as suspend: no list resumes every process, the user's suspensions included.
    if (processes.length === 0) return
    await this.client.send(
      new ResumeProcessesCommand({ AutoScalingGroupName: groupName, ScalingProcesses: processes })
    )
  }

  async setProtection(
    groupName: string,
    hostIds: string[],
    protect: boolean
  ): Promise<ProtectionResult> {
    const result: ProtectionResult = { changed: [], gone: [] }
    for (const ids of chunks([...new Set(hostIds)], INSTANCES_PER_PROTECTION)) {
      try {
        await this.protect(groupName, ids, protect)
        result.changed.push(...ids)
      } catch (err) {
        // One instance that left the group (terminated, detached) fails the whole call with a
        // ValidationError; the API reference does not say which one, so the group is read again
        // and the call repeated once for the hosts still in it.
        if (errorName(err) !== 'ValidationError') throw err
        const still = new Set(
          (await this.membership(ids))
            .filter((m) => m.group === groupName && m.active)
            .map((m) => m.hostId)
        )
        const kept = ids.filter((id) => still.has(id))
        if (kept.length === ids.length) throw err
        if (kept.length > 0) await this.protect(groupName, kept, protect)
        result.changed.push(...kept)
        result.gone.push(...ids.filter((id) => !still.has(id)))
      }
    }
    return result
  }

  private async protect(groupName: string, ids: string[], protect: boolean): Promise<void> {
    await this.client.send(
      new SetInstanceProtectionCommand({
        AutoScalingGroupName: groupName,
        InstanceIds: ids,
        ProtectedFromScaleIn: protect
      })
    )
  }
}

function toGroup(g: SdkGroup): ScalingGroup {
  const name = g.AutoScalingGroupName ?? ''
  return {
    name,
    minSize: g.MinSize ?? 0,
    maxSize: g.MaxSize ?? 0,
    desiredCapacity: g.DesiredCapacity ?? 0,
    suspendedProcesses: (g.SuspendedProcesses ?? []).flatMap((p) =>
      p.ProcessName ? [p.ProcessName] : []
    ),
    members: (g.Instances ?? []).flatMap((i) => {
      if (!i.InstanceId) return []
      const state = i.LifecycleState ?? ''
      return [
        {
          hostId: i.InstanceId,
          group: name,
          lifecycleState: state,
          active: !LEAVING.test(state),
          protectedFromScaleIn: i.ProtectedFromScaleIn === true
        }
      ]
    })
  }
}
