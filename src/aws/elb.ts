// ELBv2 behind the LoadBalancer port: target groups become pools (pool id = the ARN), targets
// become members, target health becomes member states, and deregister/register become take
// out/put back. Every ELB word stays in this file.

import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  paginateDescribeTargetGroups,
  type TargetGroup as SdkTargetGroup
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  MemberRefusedError,
  type LoadBalancer,
  type Member,
  type MemberState,
  type MemberStatus,
  type Pool,
  type PoolKind
} from '../ports/load-balancer.js'
import { ConfigError } from '../shared/config-error.js'
import { errorMessage, errorName } from '../shared/errors.js'

/** ELBv2 target health states (DescribeTargetHealth), in the port's words. */
const STATES: Record<string, MemberState> = {
  healthy: 'in-service',
  initial: 'entering',
  draining: 'draining',
  unused: 'out',
  unhealthy: 'unhealthy',
  // Unhealthy and being deregistered: it is still in the pool, and not serving.
  'unhealthy.draining': 'unhealthy',
  unavailable: 'unavailable'
}

/** The target group's protocol tells which kind of load balancer serves it. */
function kindOf(protocol: string | undefined): PoolKind {
  if (protocol === 'HTTP' || protocol === 'HTTPS') return 'alb'
  if (protocol === 'TCP' || protocol === 'UDP' || protocol === 'TLS' || protocol === 'TCP_UDP')
    return 'nlb'
  if (protocol === 'GENEVE') return 'gwlb'
  return 'other'
}

/** What ELB answers when one target of a call cannot be taken (e.g. autoscaling terminated it). */
const INVALID_TARGET = new Set(['InvalidTargetException', 'InvalidTarget'])

const ARN = /^arn:aws[a-z-]*:elasticloadbalancing:/
/** DescribeTargetGroups takes at most 20 names (or ARNs) per call. */
const PER_CALL = 20

/** An unknown target group, or a name ELB rejects (too long, bad characters). */
const isNotFound = (err: unknown): boolean =>
  errorName(err) === 'TargetGroupNotFoundException' || errorName(err) === 'ValidationError'

function notFound(refs: string[], why: string[] = []): ConfigError {
  const list = refs.map((r) => `"${r}"`).join(', ')
  const detail = why.length > 0 ? ` (${why.join('; ')})` : ''
  return new ConfigError(
    `target-groups: target group ${list} ${refs.length > 1 ? 'were' : 'was'} not found${detail}. ` +
      'Check the names or ARNs in target-groups and the region (aws-region).'
  )
}

export class ElbLoadBalancer implements LoadBalancer {
  constructor(private readonly client: ElasticLoadBalancingV2Client) {}

  async resolvePools(refs: string[]): Promise<Pool[]> {
    const arns = refs.filter((r) => ARN.test(r))
    const names = refs.filter((r) => !ARN.test(r))
    const found: SdkTargetGroup[] = []
    for (let i = 0; i < arns.length; i += PER_CALL) {
      found.push(...(await this.describeOrName({ TargetGroupArns: arns.slice(i, i + PER_CALL) })))
    }
    for (let i = 0; i < names.length; i += PER_CALL) {
      found.push(...(await this.describeOrName({ Names: names.slice(i, i + PER_CALL) })))
    }
    const groups: Pool[] = []
    for (const ref of refs) {
      const tg = found.find((g) => g.TargetGroupArn === ref || g.TargetGroupName === ref)
      if (!tg?.TargetGroupArn) throw notFound([ref])
      if (groups.some((g) => g.id === tg.TargetGroupArn)) continue
      groups.push(await this.withAttributes(tg))
    }
    return groups
  }

  async describeMembers(group: Pool, targets?: Member[]): Promise<MemberStatus[]> {
    if (!targets?.length) return this.describeHealth(group.id)
    try {
      return await this.describeHealth(group.id, targets)
    } catch (err) {
      // Naming an instance that no longer exists (terminated mid-drain, say) fails the whole call
      // with InvalidTarget: read the whole group instead, where such a target is simply absent.
      if (errorName(err) !== 'InvalidTarget') throw err
      const all = await this.describeHealth(group.id)
      const wanted = new Set(targets.map((t) => `${t.instanceId}:${t.port}`))
      const seen = all.filter((t) => wanted.has(`${t.instanceId}:${t.port}`))
      const found = new Set(seen.map((t) => `${t.instanceId}:${t.port}`))
      const gone = targets
        .filter((t) => !found.has(`${t.instanceId}:${t.port}`))
        .map((t) => ({ ...t, ...NOT_REGISTERED }))
      return [...seen, ...gone]
    }
  }

  private async describeHealth(arn: string, targets?: Member[]): Promise<MemberStatus[]> {
    const out = await this.client.send(
      new DescribeTargetHealthCommand({
        TargetGroupArn: arn,
        Targets: targets ? toTargets(targets) : undefined
      })
    )
    return (out.TargetHealthDescriptions ?? []).flatMap((d) => {
      const id = d.Target?.Id
      if (!id) return []
      const label = d.TargetHealth?.State ?? 'unavailable'
      return [
        {
          instanceId: id,
          port: d.Target?.Port ?? 0,
          // A state this adapter does not know is not serving and not out: unavailable.
          state: STATES[label] ?? 'unavailable',
          label,
          reason: d.TargetHealth?.Reason,
          description: d.TargetHealth?.Description
        }
      ]
    })
  }

  async takeOut(targetGroupArn: string, targets: Member[]): Promise<void> {
    if (targets.length === 0) return
    await refusals(() =>
      this.client.send(
        new DeregisterTargetsCommand({
          TargetGroupArn: targetGroupArn,
          Targets: toTargets(targets)
        })
      )
    )
  }

  async putBack(targetGroupArn: string, targets: Member[]): Promise<void> {
    if (targets.length === 0) return
    await refusals(() =>
      this.client.send(
        new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: toTargets(targets) })
      )
    )
  }

  private async describe(
    input: { TargetGroupArns: string[] } | { Names: string[] }
  ): Promise<SdkTargetGroup[]> {
    const groups: SdkTargetGroup[] = []
    for await (const page of paginateDescribeTargetGroups({ client: this.client }, input)) {
      groups.push(...(page.TargetGroups ?? []))
    }
    return groups
  }

  /**
   * One DescribeTargetGroups call for up to 20 refs. ELB fails the whole call when any of them
   * is unknown ("One or more target groups not found") without saying which: then each ref is
   * looked up on its own, so the error names every missing one.
   */
  private async describeOrName(
    input: { TargetGroupArns: string[] } | { Names: string[] }
  ): Promise<SdkTargetGroup[]> {
    try {
      return await this.describe(input)
    } catch (err) {
      if (!isNotFound(err)) throw err
    }
    const refs = 'Names' in input ? input.Names : input.TargetGroupArns
    const found: SdkTargetGroup[] = []
    const missing: string[] = []
    const why: string[] = []
    for (const ref of refs) {
      try {
        found.push(
          ...(await this.describe('Names' in input ? { Names: [ref] } : { TargetGroupArns: [ref] }))
        )
      } catch (err) {
        if (!isNotFound(err)) throw err
        missing.push(ref)
        if (errorName(err) === 'ValidationError') why.push(errorMessage(err))
      }
    }
    if (missing.length > 0) throw notFound(missing, why)
    return found
  }

  private async withAttributes(tg: SdkTargetGroup): Promise<Pool> {
    const attrs = await this.client.send(
      new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn })
    )
    const delay = attrs.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')
    const termination = attrs.Attributes?.find(
      (a) => a.Key === 'deregistration_delay.connection_termination.enabled'
    )
    const targetType = tg.TargetType ?? 'instance'
    const port = tg.HealthCheckPort ?? 'traffic-port'
    return {
      id: tg.TargetGroupArn!,
      name: tg.TargetGroupName ?? tg.TargetGroupArn!,
      kind: kindOf(tg.Protocol),
      // Only instance targets are hosts SSM can run a command on.
      unsupported: targetType === 'instance' ? undefined : `has target type ${targetType}`,
      healthCheckPath: tg.HealthCheckPath,
      healthCheckProtocol: checkProtocol(tg.HealthCheckProtocol),
      successCodes: tg.Matcher?.HttpCode,
      // `traffic-port`: each target is checked on the port it is registered on.
      healthCheckPort: port === 'traffic-port' ? undefined : Number(port),
      healthCheckPortLabel: port,
      healthCheckIntervalSeconds: tg.HealthCheckIntervalSeconds ?? 30,
      healthyThresholdCount: tg.HealthyThresholdCount ?? 5,
      // AWS's documented default when the attribute is absent.
      drainDelaySeconds: delay?.Value !== undefined ? Number(delay.Value) : 300,
      // NLB only; its documented default is false (NLB target group attributes).
      connectionTermination:
        kindOf(tg.Protocol) === 'nlb' ? termination?.Value === 'true' : undefined
    }
  }
}

/** ELB's health-check protocols as the on-host check reads them: TLS and UDP checks are TCP ones. */
function checkProtocol(p: string | undefined): Pool['healthCheckProtocol'] {
  if (p === 'HTTPS') return 'HTTPS'
  if (p === 'HTTP' || p === undefined) return p
  return 'TCP'
}

const toTargets = (targets: Member[]) =>
  targets.map((t) => ({ Id: t.instanceId ?? '', Port: t.port }))

/** How a target no longer registered reads (ELB leaves it out of the answer). */
const NOT_REGISTERED = { state: 'out', label: 'unused', reason: 'Target.NotRegistered' } as const

/** ELB refusing one target of a call becomes the port's MemberRefusedError, with ELB's message. */
async function refusals(call: () => Promise<unknown>): Promise<void> {
  try {
    await call()
  } catch (err) {
    if (INVALID_TARGET.has(errorName(err))) throw new MemberRefusedError(errorMessage(err))
    throw err
  }
}
