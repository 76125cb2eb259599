import { describe, it, expect, beforeEach } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeInstanceRefreshesCommand,
  ResumeProcessesCommand,
  SetInstanceProtectionCommand,
  SuspendProcessesCommand,
  type AutoScalingInstanceDetails,
  type InstanceRefreshStatus
} from '@aws-sdk/client-auto-scaling'
import { AutoScalingGroups, ROLLOUT_PROCESSES } from '../../src/aws/autoscaling.js'
import { isTransient } from '../../src/shared/errors.js'

const client = new AutoScalingClient({ region: 'us-east-1' })
const asg = mockClient(client)
const groups = new AutoScalingGroups(client)

const ids = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `i-${(from + i).toString(16).padStart(17, '0')}`)

/** Inputs as sent: the SDK paginators mutate their input object between pages. */
let inputs: Array<Record<string, unknown>> = []
const record = (input: object) => inputs.push(structuredClone(input) as Record<string, unknown>)

const validation = (message: string) =>
  Object.assign(new Error(message), {
    name: 'ValidationError',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 }
  })

/**
 * DescribeAutoScalingInstances as the API reference states it
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAutoScalingInstances.html):
 * at most 50 InstanceIds, MaxRecords default 50 and at most 50, NextToken paging, unknown IDs
 * ignored without error. The error for more than 50 IDs is not documented; ValidationError is the
 * service's generic one.
 */
function serveInstances(all: AutoScalingInstanceDetails[]) {
  asg.on(DescribeAutoScalingInstancesCommand).callsFake((input) => {
    record(input)
    const asked: string[] = input.InstanceIds ?? []
    if (asked.length > 50) throw validation('too many instance ids')
    const size = input.MaxRecords ?? 50
    if (size > 50) throw validation('MaxRecords must be at most 50')
    const matching = all.filter((i) => asked.includes(i.InstanceId!))
    const start = Number(input.NextToken ?? 0)
    const next = start + size < matching.length ? String(start + size) : undefined
    return { AutoScalingInstances: matching.slice(start, start + size), NextToken: next }
  })
}

const member = (
  id: string,
  group = 'web-asg',
  extra: Partial<AutoScalingInstanceDetails> = {}
) => ({
  InstanceId: id,
  AutoScalingGroupName: group,
  AvailabilityZone: 'us-east-1a',
  LifecycleState: 'InService',
  HealthStatus: 'HEALTHY',
  ProtectedFromScaleIn: false,
  ...extra
})

beforeEach(() => {
  asg.reset()
  inputs = []
})

describe('the decision', () => {
  it('suspends the processes that replace or rebalance hosts, never Launch, Terminate or ScheduledActions', () => {
    expect([...groups.rolloutProcesses].sort()).toEqual(
      ['AZRebalance', 'HealthCheck', 'InstanceRefresh', 'ReplaceUnhealthy'].sort()
    )
    for (const kept of ['Launch', 'Terminate', 'ScheduledActions', 'AddToLoadBalancer']) {
      expect(ROLLOUT_PROCESSES).not.toContain(kept)
    }
  })
})

describe('membership', () => {
  it('asks for at most 50 instances per call and reads which group each host is in', async () => {
    const fleet = ids(120)
    serveInstances([
      ...fleet.slice(0, 60).map((id) => member(id, 'web-a')),
      ...fleet.slice(60, 110).map((id) => member(id, 'web-b', { ProtectedFromScaleIn: true }))
      // the last 10 hosts are in no group
    ])

    const found = await groups.membership(fleet)

    const asked = inputs.map((i) => (i.InstanceIds as string[]).length)
    expect(asked).toEqual([50, 50, 20])
    expect(inputs.every((i) => i.MaxRecords === 50)).toBe(true)
    expect(found).toHaveLength(110)
    expect(found.find((m) => m.hostId === fleet[0])).toEqual({
      hostId: fleet[0],
      group: 'web-a',
      lifecycleState: 'InService',
      active: true,
      protectedFromScaleIn: false
    })
    expect(found.filter((m) => m.group === 'web-b').every((m) => m.protectedFromScaleIn)).toBe(true)
    expect(found.some((m) => fleet.slice(110).includes(m.hostId))).toBe(false)
  })

  it('follows NextToken when a page holds fewer than the hosts asked', async () => {
    const fleet = ids(30)
    // A service that pages at 20 despite MaxRecords 50 must still be read to the end.
    asg.on(DescribeAutoScalingInstancesCommand).callsFake((input) => {
      record(input)
      const start = Number(input.NextToken ?? 0)
      const page = fleet.slice(start, start + 20).map((id) => member(id))
      return {
        AutoScalingInstances: page,
        NextToken: start + 20 < fleet.length ? String(start + 20) : undefined
      }
    })

    const found = await groups.membership(fleet)

    expect(found.map((m) => m.hostId)).toEqual(fleet)
    expect(inputs.map((i) => i.NextToken)).toEqual([undefined, '20'])
  })

  it('marks a host the group is terminating or detaching as leaving', async () => {
    const [a, b, c] = ids(3) as [string, string, string]
    serveInstances([
      member(a, 'web', { LifecycleState: 'Terminating:Wait' }),
      member(b, 'web', { LifecycleState: 'Detaching' }),
      member(c, 'web', { LifecycleState: 'Pending' })
    ])

    const found = await groups.membership([a, b, c])

    expect(found.map((m) => [m.hostId, m.active])).toEqual([
      [a, false],
      [b, false],
      [c, true]
    ])
  })
})

describe('describe', () => {
  it('reads sizes, every suspended process and the members, 50 names per call', async () => {
    const names = Array.from({ length: 51 }, (_, i) => `asg-${i}`)
    asg.on(DescribeAutoScalingGroupsCommand).callsFake((input) => {
      record(input)
      return {
        AutoScalingGroups: (input.AutoScalingGroupNames ?? []).map((n: string) => ({
          AutoScalingGroupName: n,
          MinSize: 2,
          MaxSize: 6,
          DesiredCapacity: 4,
          DefaultCooldown: 300,
          AvailabilityZones: ['us-east-1a'],
          HealthCheckType: 'ELB',
          CreatedTime: new Date(0),
          SuspendedProcesses:
            n === 'asg-0'
              ? [{ ProcessName: 'AZRebalance', SuspensionReason: 'User suspended at …' }]
              : [],
          Instances: [
            {
              InstanceId: `i-${n}`,
              AvailabilityZone: 'us-east-1a',
              LifecycleState: 'InService',
              HealthStatus: 'Healthy',
              ProtectedFromScaleIn: n === 'asg-0'
            }
          ]
        }))
      }
    })

    const found = await groups.describe(names)

    expect(inputs.map((i) => (i.AutoScalingGroupNames as string[]).length)).toEqual([50, 1])
    expect(found).toHaveLength(51)
    expect(found[0]).toEqual({
      name: 'asg-0',
      minSize: 2,
      maxSize: 6,
      desiredCapacity: 4,
      suspendedProcesses: ['AZRebalance'],
      members: [
        {
          hostId: 'i-asg-0',
          group: 'asg-0',
          lifecycleState: 'InService',
          active: true,
          protectedFromScaleIn: true
        }
      ]
    })
  })
})

describe('refreshesInProgress', () => {
  it('reports the refreshes that have not ended, across pages, and ignores finished ones', async () => {
    asg.on(DescribeInstanceRefreshesCommand).callsFake((input) => {
      record(input)
      if (!input.NextToken) {
        return {
          InstanceRefreshes: [
            { InstanceRefreshId: 'r-1', AutoScalingGroupName: 'web', Status: 'Successful' },
            { InstanceRefreshId: 'r-2', AutoScalingGroupName: 'web', Status: 'Baking' }
          ],
          NextToken: 'p2'
        }
      }
      return {
        InstanceRefreshes: [
          { InstanceRefreshId: 'r-3', AutoScalingGroupName: 'web', Status: 'Cancelled' },
          { InstanceRefreshId: 'r-4', AutoScalingGroupName: 'web', Status: 'RollbackInProgress' }
        ]
      }
    })

    const running = await groups.refreshesInProgress('web')

    expect(running).toEqual([
      { id: 'r-2', status: 'Baking' },
      { id: 'r-4', status: 'RollbackInProgress' }
    ])
    expect(inputs.map((i) => [i.AutoScalingGroupName, i.NextToken])).toEqual([
      ['web', undefined],
      ['web', 'p2']
    ])
  })

  it('treats Pending, InProgress and Cancelling as in progress', async () => {
    asg.on(DescribeInstanceRefreshesCommand).resolves({
      InstanceRefreshes: ['Pending', 'InProgress', 'Cancelling', 'Failed', 'RollbackFailed'].map(
        (Status, i) => ({ InstanceRefreshId: `r-${i}`, Status: Status as InstanceRefreshStatus })
      )
    })

    const running = await groups.refreshesInProgress('web')

    expect(running.map((r) => r.status)).toEqual(['Pending', 'InProgress', 'Cancelling'])
  })
})

describe('suspend and resume', () => {
  it('names exactly the processes given', async () => {
    asg.on(SuspendProcessesCommand).resolves({})
    asg.on(ResumeProcessesCommand).resolves({})

    await groups.suspend('web', ['HealthCheck', 'ReplaceUnhealthy'])
    await groups.resume('web', ['HealthCheck'])

    expect(asg.commandCalls(SuspendProcessesCommand)[0]!.args[0].input).toEqual({
      AutoScalingGroupName: 'web',
      ScalingProcesses: ['HealthCheck', 'ReplaceUnhealthy']
    })
    expect(asg.commandCalls(ResumeProcessesCommand)[0]!.args[0].input).toEqual({
      AutoScalingGroupName: 'web',
      ScalingProcesses: ['HealthCheck']
    })
  })

  it('never sends an empty list, which the API reads as every process', async () => {
    asg.on(SuspendProcessesCommand).resolves({})
    asg.on(ResumeProcessesCommand).resolves({})

    await groups.suspend('web', [])
    await groups.resume('web', [])

    expect(asg.calls()).toHaveLength(0)
  })

  it('lets ResourceContention through as a transient error for the caller to retry', async () => {
    // ResourceContention: "You already have a pending update…", HTTP 500 (API_SuspendProcesses).
    asg.on(SuspendProcessesCommand).rejects(
      Object.assign(new Error('You already have a pending update'), {
        name: 'ResourceContentionFault', // the SDK's name for the wire code ResourceContention
        $fault: 'server',
        $metadata: { httpStatusCode: 500 }
      })
    )

    const err = await groups.suspend('web', ['AZRebalance']).catch((e: unknown) => e)

    expect(isTransient(err)).toBe(true)
  })
})

describe('setProtection', () => {
  it('sends at most 50 instances per call, with the flag asked', async () => {
    asg.on(SetInstanceProtectionCommand).callsFake((input) => {
      record(input)
      return {}
    })
    const hosts = ids(101)

    const result = await groups.setProtection('web', hosts, true)

    expect(inputs.map((i) => (i.InstanceIds as string[]).length)).toEqual([50, 50, 1])
    expect(
      inputs.every((i) => i.ProtectedFromScaleIn === true && i.AutoScalingGroupName === 'web')
    ).toBe(true)
    expect(result).toEqual({ changed: hosts, gone: [] })
  })

  it('drops a host that left the group and protects the rest of its chunk', async () => {
    const [a, b, c] = ids(3) as [string, string, string]
    // Auto Scaling rejects the whole call when one instance is not in the group (ValidationError;
    // the API reference does not name the error, see src/aws/autoscaling.ts).
    asg.on(SetInstanceProtectionCommand).callsFake((input) => {
      record(input)
      if ((input.InstanceIds as string[]).includes(b)) {
        throw validation(`The instance ${b} is not part of Auto Scaling group web.`)
      }
      return {}
    })
    serveInstances([
      member(a, 'web'),
      member(c, 'web'),
      member(b, 'web', { LifecycleState: 'Terminating' })
    ])

    const result = await groups.setProtection('web', [a, b, c], false)

    expect(result).toEqual({ changed: [a, c], gone: [b] })
    const protections = inputs.filter((i) => 'ProtectedFromScaleIn' in i)
    expect(protections.map((i) => i.InstanceIds)).toEqual([
      [a, b, c],
      [a, c]
    ])
    expect(protections.every((i) => i.ProtectedFromScaleIn === false)).toBe(true)
  })

  it('rethrows a ValidationError when every host is still in the group', async () => {
    const [a] = ids(1) as [string]
    asg.on(SetInstanceProtectionCommand).rejects(validation('something else is wrong'))
    serveInstances([member(a, 'web')])

    await expect(groups.setProtection('web', [a], true)).rejects.toThrow('something else is wrong')
  })
})
