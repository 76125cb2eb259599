import { describe, it, expect, beforeEach } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  TargetGroupNotFoundException,
  type TargetGroup as SdkTargetGroup
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { ElbLoadBalancer } from '../../src/aws/elb.js'
import { ConfigError } from '../../src/shared/config-error.js'
import { MemberRefusedError, type Pool } from '../../src/ports/load-balancer.js'

const client = new ElasticLoadBalancingV2Client({ region: 'us-east-1' })
const elb = mockClient(client)
const lb = new ElbLoadBalancer(client)

const arnOf = (name: string) =>
  `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0123456789abcdef`

function sdkGroup(name: string, extra: Partial<SdkTargetGroup> = {}): SdkTargetGroup {
  return {
    TargetGroupArn: arnOf(name),
    TargetGroupName: name,
    TargetType: 'instance',
    Protocol: 'HTTP',
    HealthCheckPath: `/${name}/health`,
    HealthCheckPort: 'traffic-port',
    HealthCheckIntervalSeconds: 10,
    HealthyThresholdCount: 3,
    ...extra
  }
}

const notFound = () =>
  new TargetGroupNotFoundException({
    message: 'One or more target groups not found',
    $metadata: { httpStatusCode: 400 }
  })

type DescribeInput = { Names?: string[]; TargetGroupArns?: string[]; Marker?: string }

/** DescribeTargetGroups inputs as sent: the SDK paginator mutates its input object between pages. */
let describeInputs: DescribeInput[] = []

/** Answers DescribeTargetGroups like ELB: by ARN or by name, failing the call on any unknown one. */
function serveGroups(groups: SdkTargetGroup[]) {
  elb.on(DescribeTargetGroupsCommand).callsFake((input: DescribeInput) => {
    describeInputs.push(structuredClone(input))
    const refs = input.Names ?? input.TargetGroupArns ?? []
    const found = refs.map((r) =>
      groups.find((g) => g.TargetGroupName === r || g.TargetGroupArn === r)
    )
    if (found.some((g) => g === undefined)) throw notFound()
    return { TargetGroups: found }
  })
  elb.on(DescribeTargetGroupAttributesCommand).resolves({ Attributes: [] })
}

beforeEach(() => {
  elb.reset()
  describeInputs = []
})

describe('resolvePools (target groups)', () => {
  it('resolves an ARN with its health-check settings and deregistration delay', async () => {
    elb
      .on(DescribeTargetGroupsCommand)
      .resolves({ TargetGroups: [sdkGroup('web', { HealthCheckPort: '8080' })] })
    elb.on(DescribeTargetGroupAttributesCommand).resolves({
      Attributes: [
        { Key: 'stickiness.enabled', Value: 'false' },
        { Key: 'deregistration_delay.timeout_seconds', Value: '45' }
      ]
    })

    const groups = await lb.resolvePools([arnOf('web')])

    expect(groups).toEqual([
      {
        id: arnOf('web'),
        name: 'web',
        kind: 'alb',
        unsupported: undefined,
        healthCheckPath: '/web/health',
        healthCheckPort: 8080,
        healthCheckPortLabel: '8080',
        healthCheckIntervalSeconds: 10,
        healthyThresholdCount: 3,
        drainDelaySeconds: 45
      }
    ])
    const calls = elb.commandCalls(DescribeTargetGroupsCommand)
    expect(calls).toHaveLength(1)
    expect(calls[0]!.args[0].input).toEqual({ TargetGroupArns: [arnOf('web')] })
    expect(elb.commandCalls(DescribeTargetGroupAttributesCommand)[0]!.args[0].input).toEqual({
      TargetGroupArn: arnOf('web')
    })
  })

  it('uses AWS’s default deregistration delay of 300 s when the attribute is absent', async () => {
    serveGroups([sdkGroup('web')])
    const [group] = await lb.resolvePools(['web'])
    expect(group!.drainDelaySeconds).toBe(300)
    expect(group!.healthCheckPortLabel).toBe('traffic-port')
  })

  it('reads a deregistration delay of 0 as 0, not as the default', async () => {
    elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [sdkGroup('web')] })
    elb.on(DescribeTargetGroupAttributesCommand).resolves({
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '0' }]
    })
    const [group] = await lb.resolvePools(['web'])
    expect(group!.drainDelaySeconds).toBe(0)
  })

  it('reads an NLB group (protocol TCP) as kind nlb, with its connection termination setting', async () => {
    // NLB target group attributes: deregistration_delay.connection_termination.enabled,
    // default false (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html).
    elb.on(DescribeTargetGroupsCommand).resolves({
      TargetGroups: [sdkGroup('tcp', { Protocol: 'TCP' }), sdkGroup('tcp-off', { Protocol: 'TCP' })]
    })
    elb
      .on(DescribeTargetGroupAttributesCommand, { TargetGroupArn: arnOf('tcp') })
      .resolves({
        Attributes: [{ Key: 'deregistration_delay.connection_termination.enabled', Value: 'true' }]
      })
      .on(DescribeTargetGroupAttributesCommand, { TargetGroupArn: arnOf('tcp-off') })
      .resolves({ Attributes: [] })
    const [on, off] = await lb.resolvePools(['tcp', 'tcp-off'])
    expect(on).toMatchObject({ kind: 'nlb', connectionTermination: true })
    expect(off).toMatchObject({ kind: 'nlb', connectionTermination: false })
  })

  it('resolves names in calls of at most 20, keeping the order given', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `tg-${String(i).padStart(2, '0')}`)
    serveGroups(names.map((n) => sdkGroup(n)))

    const groups = await lb.resolvePools(names)

    expect(groups.map((g) => g.name)).toEqual(names)
    expect(describeInputs).toEqual([{ Names: names.slice(0, 20) }, { Names: names.slice(20) }])
    expect(elb.commandCalls(DescribeTargetGroupAttributesCommand)).toHaveLength(25)
  })

  it('mixes ARNs and names, and counts a group named twice (by ARN and by name) once', async () => {
    serveGroups([sdkGroup('web'), sdkGroup('api')])
    const groups = await lb.resolvePools([arnOf('web'), 'api', 'web'])
    expect(groups.map((g) => g.id)).toEqual([arnOf('web'), arnOf('api')])
    expect(describeInputs).toEqual([{ TargetGroupArns: [arnOf('web')] }, { Names: ['api', 'web'] }])
  })

  it('follows NextMarker across pages', async () => {
    elb.on(DescribeTargetGroupsCommand).callsFake((input: DescribeInput) => {
      describeInputs.push(structuredClone(input))
      return input.Marker === 'page-2'
        ? { TargetGroups: [sdkGroup('b')] }
        : { TargetGroups: [sdkGroup('a')], NextMarker: 'page-2' }
    })
    elb.on(DescribeTargetGroupAttributesCommand).resolves({})

    const groups = await lb.resolvePools(['a', 'b'])

    expect(groups.map((g) => g.name)).toEqual(['a', 'b'])
    expect(describeInputs).toEqual([{ Names: ['a', 'b'] }, { Names: ['a', 'b'], Marker: 'page-2' }])
  })

  it('names the unknown target group when ELB fails the whole call', async () => {
    serveGroups([sdkGroup('web'), sdkGroup('api')])
    const attempt = lb.resolvePools(['web', 'no-such-group', 'api'])
    await expect(attempt).rejects.toBeInstanceOf(ConfigError)
    const err = (await attempt.catch((e: unknown) => e)) as ConfigError
    expect(err.message).toContain('target-groups')
    expect(err.message).toContain('"no-such-group"')
    expect(err.message).not.toContain('"web"')
    expect(err.message).not.toContain('"api"')
  })

  it('names every unknown one, ARNs included', async () => {
    serveGroups([sdkGroup('web')])
    const err = (await lb
      .resolvePools([arnOf('gone'), 'web', 'missing'])
      .catch((e: unknown) => e)) as Error
    expect(err).toBeInstanceOf(ConfigError)
    expect(err.message).toContain(`"${arnOf('gone')}"`)
    // The ARN call fails first: the run stops there, before any change.
    expect(elb.commandCalls(DescribeTargetGroupAttributesCommand)).toHaveLength(0)
  })

  it('names a target group ELB rejects as invalid, with ELB’s reason', async () => {
    const longName = 'a-name-far-longer-than-thirty-two-characters'
    elb.on(DescribeTargetGroupsCommand).callsFake((input: DescribeInput) => {
      if (input.Names?.includes(longName)) {
        throw Object.assign(
          new Error(`The target group name '${longName}' cannot be longer than '32' characters`),
          {
            name: 'ValidationError',
            $metadata: { httpStatusCode: 400 }
          }
        )
      }
      return { TargetGroups: [sdkGroup('web')] }
    })
    const err = (await lb.resolvePools(['web', longName]).catch((e: unknown) => e)) as Error
    expect(err).toBeInstanceOf(ConfigError)
    expect(err.message).toContain(`"${longName}"`)
    expect(err.message).toContain("cannot be longer than '32' characters")
    expect(err.message).not.toContain('"web"')
  })

  it('names a group ELB leaves out of an answer without an error', async () => {
    elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [sdkGroup('web')] })
    elb.on(DescribeTargetGroupAttributesCommand).resolves({})
    await expect(lb.resolvePools(['web', 'ghost'])).rejects.toThrow(/"ghost" was not found/)
  })

  it('passes other errors through unchanged (AccessDenied is not "not found")', async () => {
    const denied = Object.assign(new Error('User is not authorized'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 }
    })
    elb.on(DescribeTargetGroupsCommand).rejects(denied)
    const err = await lb.resolvePools(['web']).catch((e: unknown) => e)
    expect(err).not.toBeInstanceOf(ConfigError)
    expect((err as Error).name).toBe('AccessDenied')
  })
})

describe('target groups as pools', () => {
  it('names the kind from the protocol, and why a group of other targets than instances cannot be used', async () => {
    elb.on(DescribeTargetGroupsCommand).resolves({
      TargetGroups: [
        sdkGroup('web'),
        sdkGroup('tcp', { Protocol: 'TCP' }),
        sdkGroup('ips', { TargetType: 'ip', Protocol: 'HTTPS' })
      ]
    })
    elb.on(DescribeTargetGroupAttributesCommand).resolves({ Attributes: [] })
    const pools = await lb.resolvePools(['web', 'tcp', 'ips'])
    expect(pools.map((p) => [p.name, p.kind, p.unsupported ?? null])).toEqual([
      ['web', 'alb', null],
      ['tcp', 'nlb', null],
      ['ips', 'alb', 'has target type ip']
    ])
    // traffic-port: no port of its own, each member is checked on its port; AWS's default delay.
    expect(pools[0]).toMatchObject({
      healthCheckPort: undefined,
      healthCheckPortLabel: 'traffic-port',
      drainDelaySeconds: 300
    })
  })

  it("maps every ELB target state to a member state, keeping ELB's word as the label", async () => {
    const states = [
      'healthy',
      'initial',
      'draining',
      'unused',
      'unhealthy',
      'unhealthy.draining',
      'unavailable'
    ]
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: states.map((State, i) => ({
        Target: { Id: `i-${i}`, Port: 80 },
        TargetHealth: { State: State as 'healthy' }
      }))
    })
    const pool = { id: arnOf('web'), name: 'web' } as Pool
    const members = await lb.describeMembers(pool)
    expect(members.map((m) => `${m.label}=${m.state}`)).toEqual([
      'healthy=in-service',
      'initial=entering',
      'draining=draining',
      'unused=out',
      'unhealthy=unhealthy',
      'unhealthy.draining=unhealthy',
      'unavailable=unavailable'
    ])
  })
})

describe('describeMembers (target health)', () => {
  const group: Pool = {
    id: arnOf('web'),
    name: 'web',
    kind: 'alb',
    healthCheckPortLabel: 'traffic-port',
    healthCheckIntervalSeconds: 10,
    healthyThresholdCount: 3,
    drainDelaySeconds: 30
  }

  it('maps every target with its port, state, reason and description in one call', async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: 'i-1', Port: 80 }, TargetHealth: { State: 'healthy' } },
        {
          Target: { Id: 'i-2', Port: 8080 },
          TargetHealth: {
            State: 'unhealthy',
            Reason: 'Target.ResponseCodeMismatch',
            Description: 'Health checks failed with these codes: [502]'
          }
        },
        {
          Target: { Id: 'i-3', Port: 80 },
          TargetHealth: { State: 'draining', Reason: 'Target.DeregistrationInProgress' }
        },
        { Target: { Id: 'i-4', Port: 80 } },
        { TargetHealth: { State: 'healthy' } }
      ]
    })

    const targets = await lb.describeMembers(group)

    expect(targets).toEqual([
      {
        instanceId: 'i-1',
        port: 80,
        state: 'in-service',
        label: 'healthy',
        reason: undefined,
        description: undefined
      },
      {
        instanceId: 'i-2',
        port: 8080,
        state: 'unhealthy',
        label: 'unhealthy',
        reason: 'Target.ResponseCodeMismatch',
        description: 'Health checks failed with these codes: [502]'
      },
      {
        instanceId: 'i-3',
        port: 80,
        state: 'draining',
        label: 'draining',
        reason: 'Target.DeregistrationInProgress',
        description: undefined
      },
      // No state at all is not "healthy".
      {
        instanceId: 'i-4',
        port: 80,
        state: 'unavailable',
        label: 'unavailable',
        reason: undefined,
        description: undefined
      }
    ])
    const calls = elb.commandCalls(DescribeTargetHealthCommand)
    expect(calls).toHaveLength(1)
    expect(calls[0]!.args[0].input).toEqual({ TargetGroupArn: arnOf('web') })
  })
  it("asks only for the batch's targets when given them", async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: 'i-1', Port: 80 }, TargetHealth: { State: 'draining' } },
        {
          Target: { Id: 'i-2', Port: 8080 },
          TargetHealth: { State: 'unused', Reason: 'Target.NotRegistered' }
        }
      ]
    })
    const targets = await lb.describeMembers(group, [
      { instanceId: 'i-1', port: 80 },
      { instanceId: 'i-2', port: 8080 }
    ])
    expect(targets.map((t) => `${t.instanceId}:${t.port}=${t.state}/${t.label}`)).toEqual([
      'i-1:80=draining/draining',
      'i-2:8080=out/unused'
    ])
    expect(elb.commandCalls(DescribeTargetHealthCommand)[0]!.args[0].input).toEqual({
      TargetGroupArn: arnOf('web'),
      Targets: [
        { Id: 'i-1', Port: 80 },
        { Id: 'i-2', Port: 8080 }
      ]
    })
  })

  it('reads the whole group when a named instance no longer exists (InvalidTarget)', async () => {
    const invalid = Object.assign(new Error('The following targets are not valid: i-2'), {
      name: 'InvalidTarget',
      $metadata: { httpStatusCode: 400 }
    })
    elb
      .on(DescribeTargetHealthCommand, { TargetGroupArn: arnOf('web'), Targets: undefined })
      .resolves({
        TargetHealthDescriptions: [
          { Target: { Id: 'i-1', Port: 80 }, TargetHealth: { State: 'draining' } },
          { Target: { Id: 'i-9', Port: 80 }, TargetHealth: { State: 'healthy' } }
        ]
      })
    elb
      .on(DescribeTargetHealthCommand, {
        Targets: [
          { Id: 'i-1', Port: 80 },
          { Id: 'i-2', Port: 80 }
        ]
      })
      .rejects(invalid)
    const targets = await lb.describeMembers(group, [
      { instanceId: 'i-1', port: 80 },
      { instanceId: 'i-2', port: 80 }
    ])
    // Only what was asked for; the vanished instance reads as no longer registered.
    expect(targets.map((t) => `${t.instanceId}:${t.port}=${t.state}/${t.label}`)).toEqual([
      'i-1:80=draining/draining',
      'i-2:80=out/unused'
    ])
    expect(elb.commandCalls(DescribeTargetHealthCommand)).toHaveLength(2)
  })

  it('does not hide other errors behind the fallback', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $metadata: { httpStatusCode: 400 }
    })
    elb.on(DescribeTargetHealthCommand).rejects(throttled)
    await expect(
      lb.describeMembers(group, [{ instanceId: 'i-1', port: 80 }])
    ).rejects.toMatchObject({ name: 'Throttling' })
    expect(elb.commandCalls(DescribeTargetHealthCommand)).toHaveLength(1)
  })
})

describe('takeOut and putBack (deregister and register)', () => {
  const targets = [
    { instanceId: 'i-1', port: 80 },
    { instanceId: 'i-1', port: 8080 },
    { instanceId: 'i-2', port: 80 }
  ]

  it('deregisters every instance and port of the group in one call', async () => {
    elb.on(DeregisterTargetsCommand).resolves({})
    await lb.takeOut(arnOf('web'), targets)
    expect(elb.commandCalls(DeregisterTargetsCommand).map((c) => c.args[0].input)).toEqual([
      {
        TargetGroupArn: arnOf('web'),
        Targets: [
          { Id: 'i-1', Port: 80 },
          { Id: 'i-1', Port: 8080 },
          { Id: 'i-2', Port: 80 }
        ]
      }
    ])
  })

  it('registers them back on the same ports', async () => {
    elb.on(RegisterTargetsCommand).resolves({})
    await lb.putBack(arnOf('api'), targets)
    expect(elb.commandCalls(RegisterTargetsCommand).map((c) => c.args[0].input)).toEqual([
      {
        TargetGroupArn: arnOf('api'),
        Targets: [
          { Id: 'i-1', Port: 80 },
          { Id: 'i-1', Port: 8080 },
          { Id: 'i-2', Port: 80 }
        ]
      }
    ])
  })

  it('makes no call for an empty list', async () => {
    await lb.putBack(arnOf('web'), [])
    await lb.takeOut(arnOf('web'), [])
    expect(elb.calls()).toHaveLength(0)
  })
  it("turns ELB refusing a target (InvalidTarget) into the port's MemberRefusedError, same message", async () => {
    const invalid = Object.assign(new Error('The following targets are not valid: i-2'), {
      name: 'InvalidTargetException',
      $metadata: { httpStatusCode: 400 }
    })
    elb.on(RegisterTargetsCommand).rejects(invalid)
    elb.on(DeregisterTargetsCommand).rejects(invalid)
    for (const call of [lb.putBack(arnOf('web'), targets), lb.takeOut(arnOf('web'), targets)]) {
      const err = await call.catch((e: unknown) => e)
      expect(err).toBeInstanceOf(MemberRefusedError)
      expect((err as Error).message).toBe('The following targets are not valid: i-2')
    }
  })

  it('passes any other error through as it is', async () => {
    elb.on(RegisterTargetsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }))
    const err = await lb.putBack(arnOf('web'), targets).catch((e: unknown) => e)
    expect(err).not.toBeInstanceOf(MemberRefusedError)
    expect((err as Error).name).toBe('AccessDenied')
  })
})
