// The emulator's Auto Scaling groups (emulator/rd_autoscaling.py), driven over the wire by the AWS
// SDK and by the action's own adapter (src/aws/autoscaling.ts): the ground the Auto Scaling
// rollout tests will stand on.

import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  SetDesiredCapacityCommand,
  StartInstanceRefreshCommand,
  TerminateInstanceInAutoScalingGroupCommand
} from '@aws-sdk/client-auto-scaling'
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm'
import { AutoScalingGroups, ROLLOUT_PROCESSES } from '../../src/aws/autoscaling.js'
import { Emulator, REGION, sleep, type SeedResult } from './harness.js'

let emu: Emulator
let asg: AutoScalingClient
let elb: ElasticLoadBalancingV2Client
let ssm: SSMClient
let groups: AutoScalingGroups
let seeded: SeedResult & { group: string }

const creds = { accessKeyId: 'test', secretAccessKey: 'test' }

beforeAll(async () => {
  emu = await Emulator.start(60000)
  const config = { region: REGION, endpoint: emu.url, credentials: creds, maxAttempts: 1 }
  asg = new AutoScalingClient(config)
  elb = new ElasticLoadBalancingV2Client(config)
  ssm = new SSMClient(config)
  groups = new AutoScalingGroups(asg)
})

afterAll(async () => {
  asg?.destroy()
  elb?.destroy()
  ssm?.destroy()
  await emu?.stop()
})

beforeEach(async () => {
  await emu.reset()
  seeded = await emu.admin('POST', '/_rd/asg/seed', {
    name: 'web-asg',
    hosts: 4,
    version: 'v1',
    min: 2,
    max: 8,
    targetGroups: [{ name: 'rd-web', deregistrationDelay: 1, interval: 1, healthyThreshold: 2 }]
  })
})

const tgArn = () => seeded.targetGroups[0]!.arn

async function targets(): Promise<Map<string, string>> {
  const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn() }))
  return new Map(
    (out.TargetHealthDescriptions ?? []).map((d) => [d.Target!.Id!, d.TargetHealth!.State!])
  )
}

async function members(): Promise<string[]> {
  const out = await asg.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web-asg'] })
  )
  return (out.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => i.InstanceId!)
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30000
  for (;;) {
    const v = await read()
    if (ok(v)) return v
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`)
    await sleep(250)
  }
}

it('a scale-out launches a new fake host on the group version, registered and then healthy', async () => {
  const before = await members()
  expect(before.sort()).toEqual(seeded.hosts.map((h) => h.instanceId).sort())

  await asg.send(
    new SetDesiredCapacityCommand({ AutoScalingGroupName: 'web-asg', DesiredCapacity: 5 })
  )

  const after = await members()
  const joined = after.filter((id) => !before.includes(id))
  expect(joined).toHaveLength(1)
  const newcomer = joined[0]!
  const health = await until(
    'the new host in the target group',
    targets,
    (t) => [...t.values()].every((s) => s === 'healthy') && t.size === 5
  )
  expect(health.get(newcomer)).toBe('healthy')
  const host = (await emu.state()).find((h) => h.instanceId === newcomer)
  expect(host?.version).toBe('v1')
  const membership = await groups.membership([newcomer])
  expect(membership).toEqual([
    expect.objectContaining({ hostId: newcomer, group: 'web-asg', active: true })
  ])
})

it('a host the rollout deregistered stays out when the group scales out', async () => {
  const out = seeded.hosts[0]!.instanceId
  await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn(), Targets: [{ Id: out }] }))

  await asg.send(
    new SetDesiredCapacityCommand({ AutoScalingGroupName: 'web-asg', DesiredCapacity: 5 })
  )

  const t = await until('the drain to finish', targets, (m) => !m.has(out) && m.size === 4)
  expect(t.has(out)).toBe(false)
})

it('an instance refresh started in the group reads as in progress, and a second one is refused', async () => {
  expect(await groups.refreshesInProgress('web-asg')).toEqual([])

  const started = await asg.send(
    new StartInstanceRefreshCommand({ AutoScalingGroupName: 'web-asg' })
  )

  const described = await asg.send(
    new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'web-asg' })
  )
  expect(described.InstanceRefreshes?.map((r) => [r.InstanceRefreshId, r.Status])).toEqual([
    [started.InstanceRefreshId, 'InProgress']
  ])
  expect(await groups.refreshesInProgress('web-asg')).toEqual([
    { id: started.InstanceRefreshId, status: 'InProgress' }
  ])
  await expect(
    asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'web-asg' }))
  ).rejects.toMatchObject({ name: 'InstanceRefreshInProgressFault' }) // the SDK's name for the wire code InstanceRefreshInProgress

  await emu.admin('POST', '/_rd/asg/refresh', { group: 'web-asg', status: 'Successful' })
  expect(await groups.refreshesInProgress('web-asg')).toEqual([])
})

it('suspension and protection through the adapter: scale-in spares the protected host, resume leaves the user suspension', async () => {
  await groups.suspend('web-asg', ['ScheduledActions']) // the user's own, before the run
  await groups.suspend('web-asg', [...ROLLOUT_PROCESSES])
  const keep = seeded.hosts.map((h) => h.instanceId)
  await groups.setProtection('web-asg', keep.slice(0, 3), true)

  await asg.send(
    new SetDesiredCapacityCommand({ AutoScalingGroupName: 'web-asg', DesiredCapacity: 3 })
  )

  expect((await members()).sort()).toEqual(keep.slice(0, 3).sort())
  await groups.resume('web-asg', [...ROLLOUT_PROCESSES])
  await groups.setProtection('web-asg', keep.slice(0, 3), false)
  const [group] = await groups.describe(['web-asg'])
  expect(group?.suspendedProcesses).toEqual(['ScheduledActions'])
  expect(group?.members.every((m) => !m.protectedFromScaleIn)).toBe(true)
})

it('a terminated host leaves the target group and SSM answers InvalidInstanceId', async () => {
  const victim = seeded.hosts[1]!.instanceId

  await asg.send(
    new TerminateInstanceInAutoScalingGroupCommand({
      InstanceId: victim,
      ShouldDecrementDesiredCapacity: true
    })
  )

  expect((await targets()).has(victim)).toBe(false)
  expect(await members()).not.toContain(victim)
  await expect(
    ssm.send(
      new SendCommandCommand({
        InstanceIds: [victim],
        DocumentName: 'AWS-RunShellScript',
        Parameters: { commands: ['true'] }
      })
    )
  ).rejects.toMatchObject({ name: 'InvalidInstanceId' })
})
