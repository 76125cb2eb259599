// ELBv2 behind the LoadBalancer port: target groups, their targets' health, (de)registration.

import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  paginateDescribeTargetGroups,
  type TargetGroup as SdkTargetGroup
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Target, TargetGroup, TargetHealth, TargetState } from '../fleet/types.js'
import type { LoadBalancer } from '../rollout/ports.js'
import { ConfigError } from '../rollout/types.js'
import { errorName } from './errors.js'

const ARN = /^arn:aws[a-z-]*:elasticloadbalancing:/
/** DescribeTargetGroups takes at most 20 names per call. */
const NAMES_PER_CALL = 20

export class ElbLoadBalancer implements LoadBalancer {
  constructor(private readonly client: ElasticLoadBalancingV2Client) {}

  async resolveTargetGroups(refs: string[]): Promise<TargetGroup[]> {
    const arns = refs.filter((r) => ARN.test(r))
    const names = refs.filter((r) => !ARN.test(r))
    const found: SdkTargetGroup[] = []
    try {
      if (arns.length > 0) found.push(...(await this.describe({ TargetGroupArns: arns })))
      for (let i = 0; i < names.length; i += NAMES_PER_CALL) {
        found.push(...(await this.describe({ Names: names.slice(i, i + NAMES_PER_CALL) })))
      }
    } catch (err) {
      if (errorName(err) === 'TargetGroupNotFoundException') {
        throw new ConfigError(
          `target-groups: ${(err as Error).message}. Check the names or ARNs in target-groups and the region (aws-region).`
        )
      }
      throw err
    }
    const groups: TargetGroup[] = []
    for (const ref of refs) {
      const tg = found.find((g) => g.TargetGroupArn === ref || g.TargetGroupName === ref)
      if (!tg?.TargetGroupArn) {
        throw new ConfigError(
          `target-groups: target group "${ref}" was not found. Check the name or ARN and the region (aws-region).`
        )
      }
      if (groups.some((g) => g.arn === tg.TargetGroupArn)) continue
      groups.push(await this.withAttributes(tg))
    }
    return groups
  }

  async describeTargets(group: TargetGroup): Promise<TargetHealth[]> {
    const out = await this.client.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: group.arn })
    )
    return (out.TargetHealthDescriptions ?? []).flatMap((d) => {
      const id = d.Target?.Id
      if (!id) return []
      return [
        {
          instanceId: id,
          port: d.Target?.Port ?? 0,
          state: (d.TargetHealth?.State ?? 'unavailable') as TargetState,
          reason: d.TargetHealth?.Reason,
          description: d.TargetHealth?.Description
        }
      ]
    })
  }

  async deregister(targetGroupArn: string, targets: Target[]): Promise<void> {
    if (targets.length === 0) return
    await this.client.send(
      new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: toTargets(targets) })
    )
  }

  async register(targetGroupArn: string, targets: Target[]): Promise<void> {
    if (targets.length === 0) return
    await this.client.send(
      new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: toTargets(targets) })
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

  private async withAttributes(tg: SdkTargetGroup): Promise<TargetGroup> {
    const attrs = await this.client.send(
      new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn })
    )
    const delay = attrs.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')
    return {
      arn: tg.TargetGroupArn!,
      name: tg.TargetGroupName ?? tg.TargetGroupArn!,
      targetType: tg.TargetType ?? 'instance',
      healthCheckPath: tg.HealthCheckPath,
      healthCheckPort: tg.HealthCheckPort ?? 'traffic-port',
      healthCheckIntervalSeconds: tg.HealthCheckIntervalSeconds ?? 30,
      healthyThresholdCount: tg.HealthyThresholdCount ?? 5,
      // AWS's documented default when the attribute is absent.
      deregistrationDelaySeconds: delay?.Value !== undefined ? Number(delay.Value) : 300
    }
  }
}

const toTargets = (targets: Target[]) =>
  targets.map((t) => ({ Id: t.instanceId ?? '', Port: t.port }))
