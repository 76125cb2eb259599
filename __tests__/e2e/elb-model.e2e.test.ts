// The emulator's ELB timing and its data-plane stand-in, over the wire: the documented model
// (rd_elb_model.py, the same rules as __tests__/support/aws-model) that the rollout e2e tests
// stand on. Pages: __tests__/e2e/emulator/README.md, "Target group seed options".

import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type TargetHealth
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm'
import { Emulator, REGION, sleep, type SeedResult } from './harness.js'

let emu: Emulator
let elb: ElasticLoadBalancingV2Client
let ssm: SSMClient

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
})

async function healthOf(tgArn: string, instanceId: string): Promise<TargetHealth | undefined> {
  const res = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))
  return res.TargetHealthDescriptions?.find((d) => d.Target?.Id === instanceId)?.TargetHealth
}

/** Polls every 100 ms until `ok`, and returns the seconds it took (or Infinity after `ms`). */
async function secondsUntil(fn: () => Promise<boolean>, ms = 20000): Promise<number> {
  const start = Date.now()
  while (Date.now() - start < ms) {
    if (await fn()) return (Date.now() - start) / 1000
    await sleep(100)
  }
  return Infinity
}

function target(seed: SeedResult, i: number): { Id: string; Port: number } {
  return { Id: seed.hosts[i]!.instanceId, Port: seed.hosts[i]!.port }
}

test('a new target is healthy at its first check (interval 2 s, threshold 5): about 2 s, not 10 s', async () => {
  const seed = await emu.seed({
    hosts: 1,
    targetGroups: [{ name: 'rd-first', interval: 2, healthyThreshold: 5, deregistrationDelay: 1 }]
  })
  const arn = seed.targetGroups[0]!.arn
  const t = target(seed, 0)
  await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [t] }))
  expect(await secondsUntil(async () => (await healthOf(arn, t.Id)) === undefined)).toBeLessThan(5)
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [t] }))
  expect(await healthOf(arn, t.Id)).toMatchObject({
    State: 'initial',
    Reason: 'Elb.RegistrationInProgress'
  })
  const took = await secondsUntil(async () => (await healthOf(arn, t.Id))?.State === 'healthy')
  expect(took).toBeGreaterThanOrEqual(1.8)
  expect(took).toBeLessThan(7) // interval x threshold would be 10 s
})

test('an unhealthy target comes back only after healthy-threshold passes', async () => {
  const seed = await emu.seed({
    hosts: 1,
    targetGroups: [{ name: 'rd-back', interval: 1, healthyThreshold: 4, unhealthyThreshold: 2 }]
  })
  const arn = seed.targetGroups[0]!.arn
  const id = seed.hosts[0]!.instanceId
  await emu.faults({ hosts: { [id]: { unhealthy: true } } })
  expect(
    await secondsUntil(async () => (await healthOf(arn, id))?.State === 'unhealthy')
  ).toBeLessThan(8)
  expect(await healthOf(arn, id)).toMatchObject({ Reason: 'Target.ResponseCodeMismatch' })
  await emu.faults({ hosts: { [id]: { unhealthy: false } } })
  expect(
    await secondsUntil(async () => (await healthOf(arn, id))?.State === 'healthy')
  ).toBeGreaterThanOrEqual(2.8)
})

test('NLB: health checks start after the registration propagates; draining adds the deregistration propagation', async () => {
  const seed = await emu.seed({
    hosts: 1,
    targetGroups: [
      {
        name: 'rd-nlb',
        kind: 'nlb',
        interval: 1,
        deregistrationDelay: 1,
        registrationPropagation: 2,
        deregistrationPropagation: 2
      }
    ]
  })
  expect(seed.targetGroups[0]!.kind).toBe('nlb')
  const arn = seed.targetGroups[0]!.arn
  const t = target(seed, 0)
  await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [t] }))
  expect(
    await secondsUntil(async () => (await healthOf(arn, t.Id)) === undefined)
  ).toBeGreaterThanOrEqual(2.8)
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [t] }))
  expect(
    await secondsUntil(async () => (await healthOf(arn, t.Id))?.State === 'healthy')
  ).toBeGreaterThanOrEqual(2.8)
  await emu.faults({ hosts: { [t.Id]: { unhealthy: true } } })
  expect(
    await secondsUntil(async () => (await healthOf(arn, t.Id))?.State === 'unhealthy')
  ).toBeLessThan(8)
  expect(await healthOf(arn, t.Id)).toMatchObject({ Reason: 'Target.FailedHealthChecks' })
})

test('the data plane keeps sending new requests to a deregistered target for the window, and records those that reach a host whose deploy started', async () => {
  const seed = await emu.seed({
    hosts: 2,
    targetGroups: [
      { name: 'rd-traffic', deregistrationDelay: 1, newRequestWindow: 3, trafficRate: 20 }
    ]
  })
  expect(seed.targetGroups[0]!.trafficUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  const arn = seed.targetGroups[0]!.arn
  const t = target(seed, 0)
  await sleep(500)
  const deregisteredAt = Date.now() / 1000
  await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [t] }))
  // the API reads the target gone after the 1 s delay, while the data plane still routes to it
  expect(await secondsUntil(async () => (await healthOf(arn, t.Id)) === undefined)).toBeLessThan(
    2.5
  )
  await ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [t.Id],
      Parameters: { commands: ['true'] }
    })
  )
  const deployAt = Date.now() / 1000
  await sleep(3500)
  const traffic = await emu.traffic()
  const toHost = traffic.requests.filter((r) => r.instanceId === t.Id && r.t > deregisteredAt)
  expect(toHost.some((r) => r.t > deregisteredAt + 1.5)).toBe(true)
  expect(toHost.every((r) => r.t < deregisteredAt + 3.5)).toBe(true)
  expect(toHost.filter((r) => r.t > deployAt + 0.2).every((r) => r.deployStarted)).toBe(true)
  expect(traffic.summary.deployStarted).toBeGreaterThan(0)
  expect(traffic.summary.dropped).toBeGreaterThanOrEqual(traffic.summary.deployStarted)
  // the other host took every request after the window
  const late = traffic.requests.filter((r) => r.t > deregisteredAt + 3.5)
  expect(late.length).toBeGreaterThan(0)
  expect(late.every((r) => r.instanceId === seed.hosts[1]!.instanceId && r.outcome === 'ok')).toBe(
    true
  )
})
