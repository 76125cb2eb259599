// The emulator itself, over the AWS SDK wire protocols: proves the ground the rollout e2e tests
// stand on (real commands, real health, draining, throttling, recorders) without dist/index.js.

import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  CancelCommandCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  PutParameterCommand,
  SendCommandCommand,
  SSMClient,
  type CommandInvocation
} from '@aws-sdk/client-ssm'
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand
} from '@aws-sdk/client-cloudwatch'
import { healthScript, parseHealthOutput } from '../../src/health/script.js'
import { Emulator, REGION, sleep, type SeedResult } from './harness.js'

let emu: Emulator
let elb: ElasticLoadBalancingV2Client
let ssm: SSMClient
let seeded: SeedResult

const creds = { accessKeyId: 'test', secretAccessKey: 'test' }

beforeAll(async () => {
  emu = await Emulator.start()
  const config = { region: REGION, endpoint: emu.url, credentials: creds, maxAttempts: 1 }
  elb = new ElasticLoadBalancingV2Client(config)
  ssm = new SSMClient(config)
})

afterAll(async () => {
  elb?.destroy()
  ssm?.destroy()
  await emu?.stop()
})

beforeEach(async () => {
  await emu.reset()
  seeded = await emu.seed({
    hosts: 3,
    targetGroups: [{ name: 'rd-web', deregistrationDelay: 1, interval: 1, healthyThreshold: 2 }]
  })
})

const tgArn = (): string => seeded.targetGroups[0]!.arn
const host = (i: number) => seeded.hosts[i]!

async function health(): Promise<TargetHealthDescription[]> {
  const res = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn() }))
  return res.TargetHealthDescriptions ?? []
}

async function stateOf(instanceId: string): Promise<string | undefined> {
  return (await health()).find((d) => d.Target?.Id === instanceId)?.TargetHealth?.State
}

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 10000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (ok(v) || Date.now() > deadline) return v
    await sleep(100)
  }
}

async function run(
  instanceIds: string[],
  script: string,
  executionTimeout = 30
): Promise<{ commandId: string; invocations: CommandInvocation[] }> {
  const sent = await ssm.send(
    new SendCommandCommand({
      InstanceIds: instanceIds,
      DocumentName: 'AWS-RunShellScript',
      Parameters: { commands: [script], executionTimeout: [String(executionTimeout)] },
      TimeoutSeconds: 60,
      Comment: 'emulator test'
    })
  )
  const commandId = sent.Command!.CommandId!
  const invocations = await waitFor(
    async () =>
      (await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, Details: true })))
        .CommandInvocations ?? [],
    (list) =>
      list.length === instanceIds.length &&
      list.every((i) => !['Pending', 'InProgress', 'Delayed', 'Cancelling'].includes(i.Status!)),
    20000
  )
  return { commandId, invocations }
}

test('seeded fleet: target groups, attributes, every host healthy on its own port', async () => {
  const groups = await elb.send(new DescribeTargetGroupsCommand({ Names: ['rd-web'] }))
  const tg = groups.TargetGroups![0]!
  expect(tg.HealthCheckPath).toBe('/_status')
  expect(tg.HealthCheckPort).toBe('traffic-port')
  expect(tg.HealthCheckIntervalSeconds).toBe(1)
  expect(tg.HealthyThresholdCount).toBe(2)
  const attrs = await elb.send(
    new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn })
  )
  expect(attrs.Attributes).toContainEqual({
    Key: 'deregistration_delay.timeout_seconds',
    Value: '1'
  })
  const h = await health()
  expect(h).toHaveLength(3)
  for (const d of h) {
    expect(d.TargetHealth?.State).toBe('healthy')
    expect(d.Target?.Port).toBe(seeded.hosts.find((x) => x.instanceId === d.Target?.Id)?.port)
  }
  const res = await fetch(`http://127.0.0.1:${host(0).port}/_status`)
  expect(await res.json()).toEqual({ status: 'ok', version: 'v1' })
})

test('deregister → draining for the delay → gone; register → initial → healthy', async () => {
  const target = { Id: host(0).instanceId, Port: host(0).port }
  await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn(), Targets: [target] }))
  expect(await stateOf(target.Id)).toBe('draining')
  expect(
    await waitFor(
      () => stateOf(target.Id),
      (s) => s === undefined,
      3000
    )
  ).toBeUndefined()
  // deregistering a target that is not registered succeeds
  await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tgArn(), Targets: [target] }))
  const filtered = await elb.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: tgArn(), Targets: [target] })
  )
  expect(filtered.TargetHealthDescriptions?.[0]?.TargetHealth?.State).toBe('unused')

  const registered = Date.now()
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn(), Targets: [target] }))
  expect(await stateOf(target.Id)).toBe('initial')
  expect(
    await waitFor(
      () => stateOf(target.Id),
      (s) => s === 'healthy'
    )
  ).toBe('healthy')
  // one passing check makes a new target healthy; the first comes one interval (1 s) after the
  // registration (the seed's default phase); the healthy threshold (2) counts only from unhealthy
  expect(Date.now() - registered).toBeGreaterThanOrEqual(900)

  const oos = await emu.outOfService()
  expect(oos.max).toBe(1)
  expect(oos.current).toEqual([])
  expect(oos.timeline.map((e) => e.event)).toEqual(['out', 'in'])
  expect(await emu.violations()).toEqual([])
})

test('an unhealthy app is reported unhealthy by the load balancer and by the on-host check', async () => {
  await emu.faults({ hosts: { [host(1).instanceId]: { unhealthy: true } } })
  const desc = await waitFor(
    async () => (await health()).find((d) => d.Target?.Id === host(1).instanceId),
    (d) => d?.TargetHealth?.State === 'unhealthy',
    4000
  )
  expect(desc?.TargetHealth).toMatchObject({
    State: 'unhealthy',
    Reason: 'Target.ResponseCodeMismatch'
  })
  const { invocations } = await run(
    [host(0).instanceId, host(1).instanceId],
    healthScript({ port: host(1).port, path: '/_status' })
  )
  const reading = parseHealthOutput(
    invocations.find((i) => i.InstanceId === host(1).instanceId)!.CommandPlugins![0]!.Output!
  )
  expect(reading).toMatchObject({ status: 503, version: 'v1' })
  // a health check to a registered host is not a violation
  expect(await emu.violations()).toEqual([])
})

test('SendCommand really runs the script on the host, with the agent environment', async () => {
  const a = host(0)
  await elb.send(
    new DeregisterTargetsCommand({
      TargetGroupArn: tgArn(),
      Targets: [{ Id: a.instanceId, Port: a.port }]
    })
  )
  await waitFor(
    () => stateOf(a.instanceId),
    (s) => s === undefined,
    3000
  )
  const { commandId, invocations } = await run(
    [a.instanceId],
    'printf v2 > version\necho "id=$AWS_SSM_INSTANCE_ID region=$AWS_SSM_REGION_NAME dir=$HOST_DIR pwd=$(pwd)"\necho oops >&2'
  )
  expect(invocations[0]).toMatchObject({ Status: 'Success', InstanceId: a.instanceId })
  expect(invocations[0]!.CommandPlugins![0]).toMatchObject({ ResponseCode: 0, Status: 'Success' })
  expect(invocations[0]!.CommandPlugins![0]!.Output).toContain('----------ERROR-------\noops')
  const got = await ssm.send(
    new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: a.instanceId })
  )
  expect(got.StandardOutputContent).toBe(
    `id=${a.instanceId} region=${REGION} dir=${a.dir} pwd=${a.dir}\n`
  )
  expect(got.StandardErrorContent).toBe('oops\n')
  expect(got).toMatchObject({ Status: 'Success', StatusDetails: 'Success', ResponseCode: 0 })
  const res = await fetch(`http://127.0.0.1:${a.port}/_status`)
  expect(await res.json()).toEqual({ status: 'ok', version: 'v2' })
  expect(await emu.violations()).toEqual([])
})

test('exit codes, execution timeout, truncation, cancel, undeliverable, unknown invocation', async () => {
  const [a, b, c] = [host(0), host(1), host(2)]
  await elb.send(
    new DeregisterTargetsCommand({
      TargetGroupArn: tgArn(),
      Targets: [a, b, c].map((h) => ({ Id: h.instanceId, Port: h.port }))
    })
  )
  await waitFor(health, (h) => h.length === 0, 3000)

  const failed = await run([a.instanceId], 'echo before; exit 3')
  expect(failed.invocations[0]).toMatchObject({ Status: 'Failed' })
  expect(failed.invocations[0]!.CommandPlugins![0]!.ResponseCode).toBe(3)

  const timedOut = await run([a.instanceId], 'sleep 5', 1)
  expect(timedOut.invocations[0]).toMatchObject({
    Status: 'TimedOut',
    StatusDetails: 'ExecutionTimedOut'
  })

  const big = await run([a.instanceId], "head -c 30000 /dev/zero | tr '\\0' x")
  expect(big.invocations[0]!.CommandPlugins![0]!.Output).toHaveLength(2500)
  const bigGet = await ssm.send(
    new GetCommandInvocationCommand({ CommandId: big.commandId, InstanceId: a.instanceId })
  )
  expect(bigGet.StandardOutputContent).toHaveLength(24000)

  await emu.faults({ hosts: { [c.instanceId]: { undeliverable: true } } })
  const sent = await ssm.send(
    new SendCommandCommand({
      InstanceIds: [b.instanceId, c.instanceId],
      DocumentName: 'AWS-RunShellScript',
      Parameters: { commands: ['sleep 30'] }
    })
  )
  const id = sent.Command!.CommandId!
  await waitFor(
    async () =>
      (await ssm.send(new GetCommandInvocationCommand({ CommandId: id, InstanceId: b.instanceId })))
        .Status,
    (s) => s === 'InProgress'
  )
  await ssm.send(new CancelCommandCommand({ CommandId: id, InstanceIds: [b.instanceId] }))
  const cancelled = await waitFor(
    async () =>
      ssm.send(new GetCommandInvocationCommand({ CommandId: id, InstanceId: b.instanceId })),
    (r) => r.Status === 'Cancelled'
  )
  expect(cancelled.Status).toBe('Cancelled')
  const undeliverable = await ssm.send(
    new GetCommandInvocationCommand({ CommandId: id, InstanceId: c.instanceId })
  )
  expect(undeliverable).toMatchObject({ Status: 'Undeliverable', ResponseCode: -1 })

  await expect(
    ssm.send(new GetCommandInvocationCommand({ CommandId: id, InstanceId: 'i-0000000000000000' }))
  ).rejects.toMatchObject({ name: 'InvocationDoesNotExist' })
  expect(await emu.violations()).toEqual([])
})

test('a deploy command to a registered or draining host is recorded as a violation', async () => {
  const a = host(0)
  await run([a.instanceId], 'true')
  await elb.send(
    new DeregisterTargetsCommand({
      TargetGroupArn: tgArn(),
      Targets: [{ Id: a.instanceId, Port: a.port }]
    })
  )
  await run([a.instanceId], 'true')
  const v = await emu.violations()
  expect(v.map((x) => x.state)).toEqual(['healthy', 'draining'])
  expect(v.every((x) => x.instanceId === a.instanceId)).toBe(true)
})

test('DescribeInstanceInformation: ping status, filters, pagination', async () => {
  await emu.faults({ hosts: { [host(2).instanceId]: { offline: true } } })
  const all = await ssm.send(
    new DescribeInstanceInformationCommand({
      Filters: [{ Key: 'InstanceIds', Values: seeded.hosts.map((h) => h.instanceId) }],
      MaxResults: 2
    })
  )
  expect(all.InstanceInformationList).toHaveLength(2)
  expect(all.NextToken).toBeDefined()
  const rest = await ssm.send(
    new DescribeInstanceInformationCommand({
      Filters: [{ Key: 'InstanceIds', Values: seeded.hosts.map((h) => h.instanceId) }],
      MaxResults: 2,
      NextToken: all.NextToken
    })
  )
  expect(rest.NextToken).toBeUndefined()
  const pings = [...all.InstanceInformationList!, ...rest.InstanceInformationList!].map((i) => [
    i.InstanceId,
    i.PingStatus
  ])
  expect(pings).toEqual(
    seeded.hosts.map((h, i) => [h.instanceId, i === 2 ? 'ConnectionLost' : 'Online'])
  )
})

test('throttling faults answer ThrottlingException in each protocol; calls are recorded', async () => {
  await emu.faults({
    throttle: [
      { call: 'elasticloadbalancing:DescribeTargetHealth', firstN: 2 },
      { call: 'ssm:ListCommandInvocations', everyNth: 2 }
    ]
  })
  await expect(health()).rejects.toMatchObject({
    name: 'ThrottlingException',
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 }
  })
  await expect(health()).rejects.toMatchObject({ name: 'ThrottlingException' })
  expect(await health()).toHaveLength(3)
  await ssm.send(new ListCommandInvocationsCommand({}))
  await expect(ssm.send(new ListCommandInvocationsCommand({}))).rejects.toMatchObject({
    name: 'ThrottlingException',
    message: 'Rate exceeded'
  })
  await ssm.send(new ListCommandInvocationsCommand({}))

  // with its default retries the SDK rides over the throttling
  const patient = new ElasticLoadBalancingV2Client({
    region: REGION,
    endpoint: emu.url,
    credentials: creds
  })
  await emu.faults({ throttle: [{ call: 'elasticloadbalancing:DescribeTargetHealth', firstN: 1 }] })
  const res = await patient.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn() }))
  expect(res.TargetHealthDescriptions).toHaveLength(3)
  patient.destroy()

  await ssm.send(new PutParameterCommand({ Name: '/rd/test', Value: 'x', Type: 'String' }))
  const calls = await emu.calls()
  expect(calls.counts['elasticloadbalancing:DescribeTargetHealth']).toBe(5)
  expect(calls.counts['ssm:ListCommandInvocations']).toBe(3)
  expect(calls.injectedErrors).toBe(4)
  expect(calls.mutating).toEqual(['ssm:PutParameter'])
})

test('CloudWatch DescribeAlarms goes to moto (JSON protocol)', async () => {
  const cw = new CloudWatchClient({ region: REGION, endpoint: emu.url, credentials: creds })
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: 'rd-5xx',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Namespace: 'AWS/ApplicationELB',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold'
    })
  )
  const res = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['rd-5xx'] }))
  expect(res.MetricAlarms?.[0]?.AlarmName).toBe('rd-5xx')
  cw.destroy()
  expect((await emu.calls()).counts['cloudwatch:DescribeAlarms']).toBe(1)
})
