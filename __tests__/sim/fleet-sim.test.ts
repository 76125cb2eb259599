// The simulator itself: does it behave like AWS where the rollout relies on it?

import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  CancelCommandCommand,
  DeleteParameterCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  ListCommandInvocationsCommand,
  PutParameterCommand,
  SendCommandCommand
} from '@aws-sdk/client-ssm'
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { healthScript, parseHealthOutput } from '../../src/health/script.js'
import {
  DEPLOY_SCRIPT,
  NEW,
  OLD,
  ROLLBACK_SCRIPT,
  fastGroup,
  instanceId,
  newSim,
  simpleFleet
} from './helpers.js'
import { mulberry32, type FaultPlan, type FleetSim, type SimFleetSpec } from './fleet-sim.js'
import type { VirtualClock } from '../support/virtual-clock.js'

const A = instanceId(0)
const B = instanceId(1)

function setup(fleet: SimFleetSpec = simpleFleet(2), faults: FaultPlan = {}) {
  const { clock, sim } = newSim(fleet, faults)
  const { elb, ssm, cloudwatch } = sim.clients
  return { clock, sim, elb, ssm, cloudwatch }
}

async function states(sim: FleetSim, group = 'web'): Promise<Record<string, string>> {
  const out = await sim.clients.elb.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: sim.arnOf(group) })
  )
  return Object.fromEntries(
    (out.TargetHealthDescriptions ?? []).map((d) => [
      `${d.Target!.Id}:${d.Target!.Port}`,
      d.TargetHealth!.State!
    ])
  )
}

async function rejection(
  p: Promise<unknown>
): Promise<Error & { $fault?: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await p
  } catch (err) {
    return err as Error
  }
  throw new Error('expected the call to fail')
}

const advance = (clock: VirtualClock, ms: number) => clock.advanceTo(clock.now() + ms)

const deploy = (ids: string[], timeoutS = 600) =>
  new SendCommandCommand({
    InstanceIds: ids,
    DocumentName: 'AWS-RunShellScript',
    Parameters: { commands: [DEPLOY_SCRIPT], executionTimeout: [String(timeoutS)] },
    TimeoutSeconds: 60
  })

const health = (ids: string[], port = 80, path = '/health') =>
  new SendCommandCommand({
    InstanceIds: ids,
    DocumentName: 'AWS-RunShellScript',
    Parameters: { commands: [healthScript({ port, path })], executionTimeout: ['30'] },
    TimeoutSeconds: 30
  })

async function invocation(sim: FleetSim, commandId: string, id: string) {
  return sim.clients.ssm.send(
    new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id })
  )
}

describe('target groups', () => {
  it('resolves names and ARNs, with the health-check settings and the deregistration delay', async () => {
    const { sim, elb } = setup(
      simpleFleet(1, [
        fastGroup('web', { healthCheckPort: '8080', deregistrationDelaySeconds: 42 })
      ])
    )
    const byName = await elb.send(new DescribeTargetGroupsCommand({ Names: ['web'] }))
    const tg = byName.TargetGroups![0]!
    expect(tg).toMatchObject({
      TargetGroupName: 'web',
      HealthCheckPort: '8080',
      HealthCheckIntervalSeconds: 5,
      HealthyThresholdCount: 2,
      TargetType: 'instance'
    })
    expect(tg.TargetGroupArn).toBe(sim.arnOf('web'))
    const byArn = await elb.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [sim.arnOf('web')] })
    )
    expect(byArn.TargetGroups![0]!.TargetGroupName).toBe('web')
    const attrs = await elb.send(
      new DescribeTargetGroupAttributesCommand({ TargetGroupArn: sim.arnOf('web') })
    )
    expect(attrs.Attributes).toContainEqual({
      Key: 'deregistration_delay.timeout_seconds',
      Value: '42'
    })
  })

  it('answers TargetGroupNotFoundException for an unknown name', async () => {
    const { elb } = setup()
    const err = await rejection(elb.send(new DescribeTargetGroupsCommand({ Names: ['nope'] })))
    expect(err.name).toBe('TargetGroupNotFoundException')
    expect(err.$fault).toBe('client')
  })

  it('pages DescribeTargetGroups with Marker', async () => {
    const groups = ['a', 'b', 'c'].map((n) => fastGroup(n))
    const { elb } = setup(simpleFleet(1, groups))
    const first = await elb.send(new DescribeTargetGroupsCommand({ PageSize: 2 }))
    expect(first.TargetGroups!.map((g) => g.TargetGroupName)).toEqual(['a', 'b'])
    const second = await elb.send(
      new DescribeTargetGroupsCommand({ PageSize: 2, Marker: first.NextMarker })
    )
    expect(second.TargetGroups!.map((g) => g.TargetGroupName)).toEqual(['c'])
    expect(second.NextMarker).toBeUndefined()
  })
})

describe('target health', () => {
  it('starts healthy; draining lasts the deregistration delay, then the target is gone', async () => {
    const { clock, sim, elb } = setup()
    expect(await states(sim)).toEqual({ [`${A}:80`]: 'healthy', [`${B}:80`]: 'healthy' })
    await elb.send(
      new DeregisterTargetsCommand({
        TargetGroupArn: sim.arnOf('web'),
        Targets: [{ Id: A, Port: 80 }]
      })
    )
    expect((await states(sim))[`${A}:80`]).toBe('draining')
    advance(clock, 9_999)
    expect((await states(sim))[`${A}:80`]).toBe('draining')
    advance(clock, 1)
    expect(await states(sim)).toEqual({ [`${B}:80`]: 'healthy' })
  })

  // Was "initial for healthy-threshold × interval": AWS says a registered target "must pass one
  // health check to be considered healthy" (the model, aws-model/target-health.ts).
  it('is initial until its first health check, one interval after registration, then healthy after one pass', async () => {
    const { clock, sim, elb } = setup(
      simpleFleet(2, [
        fastGroup('web', {
          deregistrationDelaySeconds: 0,
          healthCheckIntervalSeconds: 10,
          healthyThresholdCount: 3
        })
      ])
    )
    const arn = sim.arnOf('web')
    await elb.send(
      new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: A, Port: 80 }] })
    )
    expect((await states(sim))[`${A}:80`]).toBeUndefined()
    await elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: A, Port: 80 }] })
    )
    expect((await states(sim))[`${A}:80`]).toBe('initial')
    advance(clock, 9_999)
    expect((await states(sim))[`${A}:80`]).toBe('initial')
    advance(clock, 1)
    expect((await states(sim))[`${A}:80`]).toBe('healthy')
  })

  it('takes the first check at the injected phase after registration', async () => {
    const { clock, sim, elb } = setup(
      simpleFleet(2, [
        fastGroup('web', {
          deregistrationDelaySeconds: 0,
          healthCheckIntervalSeconds: 30,
          healthyThresholdCount: 5,
          firstCheckPhaseMs: 1_000
        })
      ])
    )
    const arn = sim.arnOf('web')
    await elb.send(
      new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: A, Port: 80 }] })
    )
    await elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: A, Port: 80 }] })
    )
    advance(clock, 999)
    expect((await states(sim))[`${A}:80`]).toBe('initial')
    advance(clock, 1)
    expect((await states(sim))[`${A}:80`]).toBe('healthy')
  })

  it('describes an unregistered target asked for by name as unused (Target.NotRegistered)', async () => {
    const { sim, elb } = setup(
      simpleFleet(2, [fastGroup('web', { deregistrationDelaySeconds: 0 })])
    )
    await elb.send(
      new DeregisterTargetsCommand({
        TargetGroupArn: sim.arnOf('web'),
        Targets: [{ Id: A, Port: 80 }]
      })
    )
    const out = await elb.send(
      new DescribeTargetHealthCommand({
        TargetGroupArn: sim.arnOf('web'),
        Targets: [{ Id: A, Port: 80 }]
      })
    )
    expect(out.TargetHealthDescriptions![0]!.TargetHealth).toMatchObject({
      State: 'unused',
      Reason: 'Target.NotRegistered'
    })
  })

  it('a target whose app fails goes unhealthy after the unhealthy threshold, and back after the healthy one', async () => {
    // Flap: up 60 s, down 60 s; checks every 5 s (at 60 s, 65 s, …), thresholds 2.
    const { clock, sim } = setup(simpleFleet(1), {
      hosts: { [A]: { flap: { upMs: 60_000, downMs: 60_000 } } }
    })
    advance(clock, 64_999)
    expect((await states(sim))[`${A}:80`]).toBe('healthy')
    advance(clock, 1)
    expect((await states(sim))[`${A}:80`]).toBe('unhealthy')
    advance(clock, 59_999) // up again since 120 s: passing checks at 120 s and 125 s
    expect((await states(sim))[`${A}:80`]).toBe('unhealthy')
    advance(clock, 1)
    expect((await states(sim))[`${A}:80`]).toBe('healthy')
  })

  it('checks traffic-port on the registration port and a fixed port on that port', async () => {
    const fleet: SimFleetSpec = {
      groups: [
        fastGroup('web', { port: 8000 }),
        fastGroup('api', { port: 9000, healthCheckPort: '9100', healthCheckPath: '/ready' })
      ],
      hosts: [
        {
          instanceId: A,
          version: OLD,
          registrations: [{ group: 'web' }, { group: 'api' }, { group: 'api', port: 9001 }]
        }
      ],
      targetVersion: NEW
    }
    const { sim } = setup(fleet)
    expect(await states(sim, 'web')).toEqual({ [`${A}:8000`]: 'healthy' })
    expect(await states(sim, 'api')).toEqual({ [`${A}:9000`]: 'healthy', [`${A}:9001`]: 'healthy' })
    const view = sim.host(A)
    expect(view.registrations).toHaveLength(3)
    expect(view.inService).toBe(true)
  })

  it('rejects registering an unknown instance', async () => {
    const { sim, elb } = setup()
    const err = await rejection(
      elb.send(
        new RegisterTargetsCommand({
          TargetGroupArn: sim.arnOf('web'),
          Targets: [{ Id: 'i-nope' }]
        })
      )
    )
    expect(err.name).toBe('InvalidTargetException')
  })
})

describe('rate limits', () => {
  it('throttles ELB Describe* beyond a bucket of 40 refilled at 10 per second', async () => {
    const { clock, sim, elb } = setup()
    const arn = sim.arnOf('web')
    for (let i = 0; i < 40; i++)
      await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))
    const err = await rejection(elb.send(new DescribeTargetGroupsCommand({})))
    expect(err.name).toBe('ThrottlingException')
    expect(err.message).toBe('Rate exceeded')
    expect(err.$metadata?.httpStatusCode).toBe(400)
    expect(sim.throttled.DescribeTargetGroups).toBe(1)
    advance(clock, 1_000)
    for (let i = 0; i < 10; i++)
      await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))
    await expect(
      elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))
    ).rejects.toMatchObject({ name: 'ThrottlingException' })
    expect(sim.calls.DescribeTargetHealth).toBe(51)
    expect(sim.throttled.DescribeTargetHealth).toBe(1)
    expect(sim.stats()).toMatchObject({
      apiCalls: 52,
      throttled: 2,
      virtualMs: 1_000,
      violations: 0
    })
  })

  it('throttles SSM calls beyond its bucket with ThrottlingException', async () => {
    const { sim, ssm } = setup()
    for (let i = 0; i < 40; i++) await ssm.send(new DescribeInstanceInformationCommand({}))
    await expect(ssm.send(new DescribeInstanceInformationCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $fault: 'client'
    })
    expect(sim.throttled.DescribeInstanceInformation).toBe(1)
  })

  it('rejects SendCommand with 51 instance IDs', async () => {
    const { sim, ssm } = setup(simpleFleet(51))
    const ids = Array.from({ length: 51 }, (_, i) => instanceId(i))
    const err = await rejection(ssm.send(deploy(ids)))
    expect(err.name).toBe('ValidationException')
    expect(sim.commands).toHaveLength(0)
    await expect(ssm.send(deploy(ids.slice(0, 50)))).resolves.toBeDefined()
  })
})

describe('API faults', () => {
  it('fails the nth call of an API with throttling or a 5xx', async () => {
    const { sim, elb } = setup(simpleFleet(1), {
      api: [
        { api: 'DescribeTargetHealth', error: 'throttle', calls: [2] },
        { api: 'DescribeTargetHealth', error: 'server', calls: [3] }
      ]
    })
    const call = () =>
      elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: sim.arnOf('web') }))
    await expect(call()).resolves.toBeDefined()
    await expect(call()).rejects.toMatchObject({ name: 'ThrottlingException' })
    const err = await rejection(call())
    expect(err).toMatchObject({ name: 'InternalFailure', $fault: 'server' })
    expect(err.$metadata?.httpStatusCode).toBe(500)
    await expect(call()).resolves.toBeDefined()
    expect(sim.calls.DescribeTargetHealth).toBe(4)
    expect(sim.throttled.DescribeTargetHealth).toBe(1)
    expect(sim.serverErrors.DescribeTargetHealth).toBe(1)
  })

  it('fails calls with a seeded probability, the same way for the same seed', async () => {
    const outcomes = async (seed: number) => {
      const { ssm } = setup(simpleFleet(1), {
        seed,
        api: [{ api: '*', error: 'server', probability: 0.5 }]
      })
      const seen: string[] = []
      for (let i = 0; i < 20; i++) {
        seen.push(
          await ssm.send(new DescribeInstanceInformationCommand({})).then(
            () => 'ok',
            (e: Error) => e.name
          )
        )
      }
      return seen
    }
    const first = await outcomes(7)
    expect(first).toContain('InternalServerError')
    expect(first).toContain('ok')
    expect(await outcomes(7)).toEqual(first)
  })

  it('mulberry32 is deterministic and in [0, 1)', () => {
    const a = mulberry32(42)
    const b = mulberry32(42)
    const xs = Array.from({ length: 1000 }, () => a())
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()))
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...xs)).toBeLessThan(1)
  })
})

describe('Run Command', () => {
  it('runs a deploy: invisible, Pending, InProgress, Success; the app restarts on the new version', async () => {
    const { clock, sim, ssm } = setup(simpleFleet(1), {})
    const sent = await ssm.send(deploy([A]))
    const id = sent.Command!.CommandId!
    await expect(invocation(sim, id, A)).rejects.toMatchObject({ name: 'InvocationDoesNotExist' })
    expect(
      (await ssm.send(new ListCommandInvocationsCommand({ CommandId: id }))).CommandInvocations
    ).toEqual([])
    advance(clock, 200)
    expect(await invocation(sim, id, A)).toMatchObject({ Status: 'Pending', ResponseCode: -1 })
    advance(clock, 300)
    expect(await invocation(sim, id, A)).toMatchObject({
      Status: 'InProgress',
      StandardOutputContent: ''
    })
    expect(sim.host(A).appStatus).toBe(503)
    advance(clock, 20_000)
    expect(await invocation(sim, id, A)).toMatchObject({
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0
    })
    const listed = await ssm.send(
      new ListCommandInvocationsCommand({ CommandId: id, Details: true })
    )
    expect(listed.CommandInvocations![0]!.CommandPlugins![0]).toMatchObject({
      Status: 'Success',
      ResponseCode: 0
    })
    expect(sim.host(A)).toMatchObject({ version: NEW, appStatus: 503, deploys: 1 })
    advance(clock, 5_000)
    expect(sim.host(A).appStatus).toBe(200)
  })

  it('answers the on-host health check from the app, with its version', async () => {
    const { clock, sim, ssm } = setup(simpleFleet(2), {
      hosts: { [B]: { unhealthyBeforeRun: true } }
    })
    const id = (await ssm.send(health([A, B]))).Command!.CommandId!
    advance(clock, 1_500)
    const a = await invocation(sim, id, A)
    expect(a.Status).toBe('Success')
    expect(parseHealthOutput(a.StandardOutputContent!)).toMatchObject({ status: 200, version: OLD })
    const b = await invocation(sim, id, B)
    expect(parseHealthOutput(b.StandardOutputContent!)).toMatchObject({ status: 500 })
    // Nothing listens on another port; an unknown path is 404.
    const other = (await ssm.send(health([A], 81))).Command!.CommandId!
    const wrongPath = (await ssm.send(health([A], 80, '/nope'))).Command!.CommandId!
    advance(clock, 1_500)
    expect(
      parseHealthOutput((await invocation(sim, other, A)).StandardOutputContent!)
    ).toMatchObject({ status: 0 })
    expect(
      parseHealthOutput((await invocation(sim, wrongPath, A)).StandardOutputContent!)
    ).toMatchObject({ status: 404 })
    expect(sim.commands.map((c) => c.kind)).toEqual(['health', 'health', 'health'])
    expect(sim.violations).toEqual([])
  })

  it('ends deploys Failed, TimedOut (execution and delivery), Undeliverable as SSM reports them', async () => {
    const ids = [0, 1, 2, 3, 4].map(instanceId)
    const { clock, sim, ssm } = setup(
      simpleFleet(5, [fastGroup('web', { deregistrationDelaySeconds: 0 })]),
      {
        hosts: {
          [ids[0]!]: { deploy: 'fail', deployExitCode: 3 },
          [ids[1]!]: { deploy: 'hang' },
          [ids[2]!]: { deploy: 'undeliverable' },
          [ids[3]!]: { deploy: 'delivery-timeout' },
          [ids[4]!]: { agentOffline: true }
        }
      }
    )
    const id = (await ssm.send(deploy(ids, 120))).Command!.CommandId!
    // Was 121 s: an undelivered command turns DeliveryTimedOut only after TimeoutSeconds (60) +
    // executionTimeout (120), per "Understanding command statuses" (aws-model/invocations.ts).
    advance(clock, 181_000)
    const all = await ssm.send(new ListCommandInvocationsCommand({ CommandId: id, Details: true }))
    const by = Object.fromEntries(
      all.CommandInvocations!.map((i) => [
        i.InstanceId,
        [i.Status, i.StatusDetails, i.CommandPlugins![0]!.ResponseCode]
      ])
    )
    expect(by).toEqual({
      [ids[0]!]: ['Failed', 'Failed', 3],
      [ids[1]!]: ['TimedOut', 'ExecutionTimedOut', -1],
      [ids[2]!]: ['Failed', 'Undeliverable', -1],
      [ids[3]!]: ['TimedOut', 'DeliveryTimedOut', -1], // TimeoutSeconds 60 + executionTimeout 120
      [ids[4]!]: ['Failed', 'Undeliverable', -1]
    })
    expect((await invocation(sim, id, ids[0]!)).StandardErrorContent).toContain('exit code 3')
    expect(sim.host(ids[0]!).version).toBe(OLD)
    expect(sim.host(ids[1]!).version).toBe(OLD)
    const ping = await ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: 'InstanceIds', Values: [ids[4]!, ids[0]!] }]
      })
    )
    expect(ping.InstanceInformationList!.map((i) => [i.InstanceId, i.PingStatus])).toEqual([
      [ids[4]!, 'ConnectionLost'],
      [ids[0]!, 'Online']
    ])
  })

  it('cancels a running deploy: Cancelled, the version unchanged, the app restarts', async () => {
    const { clock, sim, ssm } = setup(simpleFleet(1), { hosts: { [A]: { deploy: 'hang' } } })
    const id = (await ssm.send(deploy([A]))).Command!.CommandId!
    advance(clock, 10_000)
    expect(sim.host(A).appStatus).toBe(503)
    await ssm.send(new CancelCommandCommand({ CommandId: id, InstanceIds: [A] }))
    expect(await invocation(sim, id, A)).toMatchObject({ Status: 'Cancelled', ResponseCode: -1 })
    advance(clock, 5_000)
    expect(sim.host(A)).toMatchObject({ version: OLD, appStatus: 200 })
  })

  it('installs the wrong version, or never comes up, or comes up late, as faulted', async () => {
    const ids = [0, 1, 2].map(instanceId)
    const { clock, sim, ssm } = setup(simpleFleet(3), {
      hosts: {
        [ids[0]!]: { wrongVersion: 'v0.9' },
        [ids[1]!]: { neverHealthy: true },
        [ids[2]!]: { healthyLateMs: 60_000 }
      }
    })
    await ssm.send(deploy(ids))
    advance(clock, 26_000)
    expect(sim.host(ids[0]!)).toMatchObject({ version: 'v0.9', appStatus: 200 })
    expect(sim.host(ids[1]!)).toMatchObject({ version: NEW, appStatus: 500 })
    expect(sim.host(ids[2]!)).toMatchObject({ version: NEW, appStatus: 503 })
    advance(clock, 60_000)
    expect(sim.host(ids[2]!).appStatus).toBe(200)
  })

  it('a rollback reinstalls the first version', async () => {
    const { clock, sim, ssm } = setup(simpleFleet(1))
    await ssm.send(deploy([A]))
    advance(clock, 30_000)
    await ssm.send(
      new SendCommandCommand({
        InstanceIds: [A],
        DocumentName: 'AWS-RunShellScript',
        Parameters: { commands: [ROLLBACK_SCRIPT] }
      })
    )
    advance(clock, 30_000)
    expect(sim.host(A)).toMatchObject({ version: OLD, appStatus: 200, deploys: 1, rollbacks: 1 })
  })
})

describe('invariant monitor', () => {
  it('records a violation when a deploy reaches a registered or draining host', async () => {
    const { clock, sim, elb, ssm } = setup()
    await ssm.send(deploy([A]))
    expect(sim.violations).toEqual([
      expect.objectContaining({ instanceId: A, group: 'web', state: 'healthy', kind: 'deploy' })
    ])
    await elb.send(
      new DeregisterTargetsCommand({
        TargetGroupArn: sim.arnOf('web'),
        Targets: [{ Id: B, Port: 80 }]
      })
    )
    advance(clock, 5_000)
    await ssm.send(deploy([B]))
    expect(sim.violations[1]).toMatchObject({ instanceId: B, state: 'draining' })
    advance(clock, 5_000)
    await ssm.send(deploy([B]))
    expect(sim.violations).toHaveLength(2)
  })

  it('tracks hosts out of service from deregistration until healthy again', async () => {
    const { clock, sim, elb } = setup(simpleFleet(3))
    const arn = sim.arnOf('web')
    await elb.send(
      new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: A, Port: 80 }] })
    )
    await elb.send(
      new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: B, Port: 80 }] })
    )
    expect(sim.maxOutOfService).toBe(2)
    expect(sim.deregistrations.map((d) => [d.outOfService, d.inService])).toEqual([
      [[A], 2],
      [[A, B], 1]
    ])
    advance(clock, 10_000)
    await elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: A, Port: 80 }] })
    )
    // Healthy at its first check, one 5 s interval after the registration (was 2 × 5 s: the
    // healthy threshold, which AWS applies only to a target coming back from unhealthy).
    advance(clock, 4_000)
    expect(sim.outOfServiceNow()).toEqual([A, B])
    advance(clock, 1_000)
    expect(sim.outOfServiceNow()).toEqual([B])
    expect(sim.outOfServiceLog[0]).toEqual({
      instanceId: A,
      from: sim.startedAt,
      to: sim.startedAt + 15_000
    })
  })
})

describe('traffic', () => {
  it('drops nothing while every target is healthy, and counts the requests', () => {
    const { clock, sim } = setup(simpleFleet(2))
    advance(clock, 60_000)
    expect(sim.traffic.requests).toBeCloseTo(6_000)
    expect(sim.dropped).toBe(0)
  })

  it('drops requests sent to a host whose deploy runs while it is still registered', async () => {
    const { clock, sim, ssm } = setup(simpleFleet(2))
    await ssm.send(deploy([A]))
    advance(clock, 30_000)
    // The deploy runs 0.5–20.5 s; the load balancer keeps sending half the traffic until it sees
    // two failed checks (10 s), then B takes it all.
    expect(sim.traffic.droppedDeployRunning).toBeGreaterThan(0)
    expect(sim.traffic.droppedDeployRunning).toBeLessThan(1_000)
    expect(sim.traffic.droppedNoTarget).toBe(0)
  })

  it('keeps routing to a deregistered target for the window, and drops what reaches its deploy', async () => {
    const { clock, sim, elb, ssm } = setup(
      simpleFleet(2, [
        fastGroup('web', { deregistrationDelaySeconds: 0, newRequestWindowMs: 20_000 })
      ])
    )
    await elb.send(
      new DeregisterTargetsCommand({ TargetGroupArn: sim.arnOf('web'), Targets: [{ Id: A }] })
    )
    // The API already says A is gone (delay 0), yet the data plane sends it half the traffic for
    // 20 s (aws-model/data-plane.ts); a deploy sent now meets those requests from 0.5 s on.
    expect((await states(sim))[`${A}:80`]).toBeUndefined()
    await ssm.send(deploy([A]))
    advance(clock, 30_000)
    // Half of 100 rps for the 19.5 s of the window after the deploy starts (sampled each second).
    expect(sim.traffic.droppedDeployRunning).toBeGreaterThanOrEqual(50 * 19)
    expect(sim.traffic.droppedDeployRunning).toBeLessThanOrEqual(50 * 20)
    expect(sim.traffic.droppedNoTarget).toBe(0)
  })

  it('drops nothing when the deploy starts after the window', async () => {
    const { clock, sim, elb, ssm } = setup(
      simpleFleet(2, [
        fastGroup('web', { deregistrationDelaySeconds: 0, newRequestWindowMs: 20_000 })
      ])
    )
    await elb.send(
      new DeregisterTargetsCommand({ TargetGroupArn: sim.arnOf('web'), Targets: [{ Id: A }] })
    )
    advance(clock, 20_000)
    await ssm.send(deploy([A]))
    advance(clock, 30_000)
    expect(sim.dropped).toBe(0)
  })

  it('drops requests when no target is healthy', async () => {
    const { clock, sim, elb } = setup(
      simpleFleet(1, [fastGroup('web', { deregistrationDelaySeconds: 0 })])
    )
    await elb.send(
      new DeregisterTargetsCommand({ TargetGroupArn: sim.arnOf('web'), Targets: [{ Id: A }] })
    )
    advance(clock, 10_000)
    expect(sim.traffic.droppedNoTarget).toBeCloseTo(1_000)
  })
})

describe('autoscaling termination', () => {
  it('deregisters the instance, loses its agent, fails its commands and refuses its registration', async () => {
    const { clock, sim, elb, ssm } = setup(simpleFleet(2), {
      hosts: { [A]: { terminateAfterMs: 10_000 } }
    })
    const running = (await ssm.send(deploy([A]))).Command!.CommandId! // a violation, but we look at termination
    advance(clock, 10_000)
    expect((await states(sim))[`${A}:80`]).toBe('draining')
    expect(await invocation(sim, running, A)).toMatchObject({
      Status: 'Failed',
      StatusDetails: 'Undeliverable'
    })
    advance(clock, 10_000)
    expect((await states(sim))[`${A}:80`]).toBeUndefined()
    const ping = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [A] }] })
    )
    expect(ping.InstanceInformationList![0]!.PingStatus).toBe('ConnectionLost')
    const id = (await ssm.send(health([A]))).Command!.CommandId!
    advance(clock, 1_000)
    expect(await invocation(sim, id, A)).toMatchObject({
      Status: 'Failed',
      StatusDetails: 'Undeliverable'
    })
    await expect(
      elb.send(
        new RegisterTargetsCommand({
          TargetGroupArn: sim.arnOf('web'),
          Targets: [{ Id: A, Port: 80 }]
        })
      )
    ).rejects.toMatchObject({
      name: 'InvalidTargetException'
    })
    expect(sim.host(A)).toMatchObject({ terminated: true, registrations: [] })
  })
})

describe('lock and alarms', () => {
  it('stores parameters with Overwrite=false as a lock', async () => {
    const { ssm, sim } = setup()
    const put = (Overwrite: boolean) =>
      ssm.send(
        new PutParameterCommand({
          Name: '/rolling-deploy/lock/web',
          Value: '{}',
          Type: 'String',
          Overwrite
        })
      )
    await put(false)
    await expect(put(false)).rejects.toMatchObject({ name: 'ParameterAlreadyExists' })
    expect(await put(true)).toMatchObject({ Version: 2 })
    expect(
      (await ssm.send(new GetParameterCommand({ Name: '/rolling-deploy/lock/web' }))).Parameter
        ?.Value
    ).toBe('{}')
    await ssm.send(new DeleteParameterCommand({ Name: '/rolling-deploy/lock/web' }))
    await expect(
      ssm.send(new GetParameterCommand({ Name: '/rolling-deploy/lock/web' }))
    ).rejects.toMatchObject({ name: 'ParameterNotFound' })
    expect(sim.parameterValues().size).toBe(0)
  })

  it('reports alarm states along their timeline', async () => {
    const { clock, cloudwatch } = setup(
      simpleFleet(1, [fastGroup('web')], {
        alarms: { errors: [{ afterMs: 60_000, state: 'ALARM' }], latency: [] }
      })
    )
    const firing = async () =>
      (
        await cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmNames: ['errors', 'latency', 'unknown'] })
        )
      ).MetricAlarms!.map((a) => `${a.AlarmName}=${a.StateValue}`)
    expect(await firing()).toEqual(['errors=OK', 'latency=OK'])
    advance(clock, 60_000)
    expect(await firing()).toEqual(['errors=ALARM', 'latency=OK'])
  })

  it('refuses commands it does not model, and says so', async () => {
    const { sim, ssm } = setup()
    const { ListDocumentsCommand } = await import('@aws-sdk/client-ssm')
    await expect(ssm.send(new ListDocumentsCommand({}))).rejects.toThrow(/FleetSim does not answer/)
    expect(sim.unsupported).toHaveLength(1)
  })
})
