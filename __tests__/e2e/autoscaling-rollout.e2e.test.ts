// The bundled action rolling out over an EC2 Auto Scaling group on the moto emulator
// (emulator/rd_autoscaling.py): a scale-out during batch 1, a host terminated while its batch
// drains, an instance refresh in progress, and the group's processes and protections exactly as
// found after a success, a failure and a cancel (main step, then post step).

import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  StartInstanceRefreshCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand
} from '@aws-sdk/client-auto-scaling'
import {
  Emulator,
  REGION,
  describeRun,
  removeRunDirs,
  runAction,
  runPost,
  sleep,
  type ActionRun,
  type SeedResult
} from './harness.js'

let emu: Emulator
let asg: AutoScalingClient
let seeded: SeedResult

const GROUP = 'web-asg'
const TG = 'rd-asg'

beforeAll(async () => {
  emu = await Emulator.start(90_000)
  asg = new AutoScalingClient({
    region: REGION,
    endpoint: emu.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1
  })
})

afterAll(async () => {
  asg?.destroy()
  await emu?.stop()
  removeRunDirs()
})

/** A group of 4 with a user's own suspension and a user's own protection, set before the run. */
async function seed(deregistrationDelay = 1): Promise<{ before: GroupView; ids: string[] }> {
  await emu.reset()
  seeded = await emu.admin('POST', '/_rd/asg/seed', {
    name: GROUP,
    hosts: 4,
    version: 'v1',
    min: 1,
    max: 8,
    targetGroups: [{ name: TG, deregistrationDelay, interval: 1, healthyThreshold: 2 }]
  })
  const ids = seeded.hosts.map((h) => h.instanceId)
  await asg.send(
    new SuspendProcessesCommand({
      AutoScalingGroupName: GROUP,
      ScalingProcesses: ['ScheduledActions']
    })
  )
  await asg.send(
    new SetInstanceProtectionCommand({
      AutoScalingGroupName: GROUP,
      InstanceIds: [ids[3]!],
      ProtectedFromScaleIn: true
    })
  )
  return { before: await groupView(), ids }
}

interface GroupView {
  suspended: string[]
  protectedIds: string[]
}

async function groupView(): Promise<GroupView> {
  const out = await asg.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] })
  )
  const g = out.AutoScalingGroups![0]!
  return {
    suspended: (g.SuspendedProcesses ?? []).map((p) => p.ProcessName!).sort(),
    protectedIds: (g.Instances ?? [])
      .filter((i) => i.ProtectedFromScaleIn)
      .map((i) => i.InstanceId!)
      .sort()
  }
}

const inputs = (patch: Record<string, string> = {}) => ({
  'target-groups': TG,
  command: 'printf v2 > version',
  'expected-version': 'v2',
  'batch-size': '2',
  'min-healthy-percent': '50',
  'health-timeout': '30s',
  'drain-timeout': '20s',
  'command-timeout': '30s',
  ...patch
})

/** Runs `fn` once, the first time the step's log shows `marker` (the harness polls cancelWhen). */
function onceSeen(marker: RegExp, fn: (m: RegExpExecArray) => Promise<void>) {
  let done = false
  return async (stdout: string): Promise<boolean> => {
    const m = marker.exec(stdout)
    if (m && !done) {
      done = true
      await fn(m)
    }
    return false
  }
}

async function waitForCall(call: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if ((await emu.calls()).calls.some((c) => c.call === call)) return
    await sleep(100)
  }
  throw new Error(`the action never called ${call}`)
}

function ok(run: ActionRun, result: string) {
  if (run.outputs.result !== result) {
    throw new Error(`expected ${result}, got ${run.outputs.result}:\n${describeRun(run)}`)
  }
}

test('a group of 4 scaled out to 5 during batch 1: the new host ends deployed, on v2, marked joined; the group as found', async () => {
  const { before, ids } = await seed()
  expect(before).toEqual({ suspended: ['ScheduledActions'], protectedIds: [ids[3]] })
  const run = await runAction(emu, inputs(), {
    cancelWhen: onceSeen(/::group::Batch 1: /, async () => {
      await asg.send(
        new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 5 })
      )
    })
  })
  ok(run, 'success')
  const newcomer = run.report?.find((h) => !ids.includes(h.instanceId))
  expect(run.report).toHaveLength(5)
  expect(newcomer).toMatchObject({ state: 'deployed', version: 'v2', joined: true })
  const host = (await emu.state()).find((h) => h.instanceId === newcomer?.instanceId)
  expect(host?.version).toBe('v2')
  expect(run.summary).toContain(`${newcomer?.instanceId} (joined during the run)`)
  expect(await groupView()).toEqual(before)
  expect(await emu.violations()).toEqual([])
}, 170_000)

test('a host terminated while its batch drains: failed, terminated; its mate ends deployed and in service', async () => {
  const { before } = await seed(3)
  let victim = ''
  let mate = ''
  const run = await runAction(emu, inputs(), {
    cancelWhen: onceSeen(/::group::Batch 1: (i-[0-9a-f]+), (i-[0-9a-f]+)/, async (m) => {
      mate = m[1]!
      victim = m[2]!
      await waitForCall('elasticloadbalancing:DeregisterTargets')
      await asg.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: victim,
          ShouldDecrementDesiredCapacity: true
        })
      )
    })
  })
  expect(victim).not.toBe('')
  const byId = new Map(run.report?.map((h) => [h.instanceId, h]))
  expect(byId.get(victim)).toMatchObject({ state: 'failed', reason: 'terminated' })
  expect(byId.get(mate)).toMatchObject({ state: 'deployed', version: 'v2' })
  const mateNow = (await emu.state()).find((h) => h.instanceId === mate)!
  expect(mateNow.registrations.map((r) => r.state)).toEqual(['healthy'])
  // The terminated host says nothing about the release.
  ok(run, 'success')
  expect(await groupView()).toEqual(before)
}, 170_000)

test('an instance refresh in progress: an error naming the group, nothing changed', async () => {
  const { before } = await seed()
  await asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: GROUP }))
  await emu.admin('DELETE', '/_rd/calls')
  const run = await runAction(emu, inputs({ lock: 'true' }))
  ok(run, 'failed')
  expect(run.stdout).toMatch(
    /::error.*Auto Scaling group web-asg has an instance refresh in progress/
  )
  expect((await emu.calls()).mutating).toEqual([])
  expect(await groupView()).toEqual(before)
}, 170_000)

test('a failed run puts the group back as found', async () => {
  const { before } = await seed()
  const run = await runAction(
    emu,
    inputs({ command: 'echo boom >&2; exit 3', 'max-failures': '0' })
  )
  ok(run, 'failed')
  const calls = (await emu.calls()).calls.map((c) => c.call)
  expect(calls).toContain('autoscaling:SuspendProcesses')
  expect(calls).toContain('autoscaling:SetInstanceProtection')
  expect(await groupView()).toEqual(before)
}, 170_000)

test('a cancel mid-batch, then the post step: the group as found', async () => {
  const { before } = await seed(2)
  const run = await runAction(emu, inputs({ command: 'sleep 4; printf v2 > version' }), {
    cancelWhen: async (stdout) =>
      /::group::Batch 1: /.test(stdout) &&
      (await emu.calls()).calls.some((c) => c.call === 'ssm:SendCommand'),
    timeoutMs: 90_000
  })
  ok(run, 'cancelled')
  const post = await runPost(emu, inputs(), run.state)
  if (post.code !== 0) throw new Error(`post step failed:\n${describeRun(post)}`)
  expect(await groupView()).toEqual(before)
}, 170_000)
