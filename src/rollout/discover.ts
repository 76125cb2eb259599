// Target groups → hosts. One host per EC2 instance, however many groups and ports it is in.

import type {
  LoadBalancer,
  Registration,
  TargetGroup,
  TargetHealth
} from '../ports/load-balancer.js'
import { ConfigError } from '../shared/config-error.js'

/** One EC2 instance, however many groups and ports it is registered on. */
export interface Host {
  instanceId: string
  registrations: Registration[]
}

export interface Fleet {
  groups: TargetGroup[]
  hosts: Host[]
  /** The load balancer's view at discovery, per group ARN. */
  health: Map<string, TargetHealth[]>
}

/** Registrations in these states are leaving or gone: they are not part of the fleet. */
const NOT_IN_FLEET = new Set(['draining', 'unused'])

export async function discoverFleet(lb: LoadBalancer, refs: string[]): Promise<Fleet> {
  const groups = await lb.resolveTargetGroups(refs)
  // The adapter should throw for an unknown group; this guards against one that just leaves it out.
  const missing = refs.filter((ref) => !groups.some((g) => g.arn === ref || g.name === ref))
  if (missing.length > 0) {
    throw new ConfigError(
      `target-groups: ${missing.map((r) => `"${r}"`).join(', ')} not found. ` +
        'Check the names or ARNs in target-groups and the region (aws-region).'
    )
  }
  const wrongType = groups.filter((g) => g.targetType !== 'instance')
  if (wrongType.length > 0) {
    throw new ConfigError(
      `target-groups: ${wrongType.map((g) => `"${g.name}" has target type ${g.targetType}`).join(', ')}; ` +
        'rolling-deploy runs commands on EC2 instances through SSM, so only target groups of type instance can be used.'
    )
  }
  const health = await describeAll(lb, groups)
  const hosts = hostsOf(groups, health)
  if (hosts.length === 0) {
    throw new ConfigError(
      `target-groups: no EC2 instance is registered in ${groups.map((g) => g.name).join(', ')}; ` +
        'register the instances (or check the target group names) before deploying.'
    )
  }
  return { groups, hosts, health }
}

/** One DescribeTargetHealth per group: the whole fleet's health in as many calls as groups. */
export async function describeAll(
  lb: LoadBalancer,
  groups: TargetGroup[]
): Promise<Map<string, TargetHealth[]>> {
  const entries = await Promise.all(
    groups.map(async (g) => [g.arn, await lb.describeTargets(g)] as const)
  )
  return new Map(entries)
}

function hostsOf(groups: TargetGroup[], health: Map<string, TargetHealth[]>): Host[] {
  const byId = new Map<string, Host>()
  for (const g of groups) {
    for (const t of health.get(g.arn) ?? []) {
      if (NOT_IN_FLEET.has(t.state)) continue
      let host = byId.get(t.instanceId)
      if (!host) {
        host = { instanceId: t.instanceId, registrations: [] }
        byId.set(t.instanceId, host)
      }
      host.registrations.push({ targetGroupArn: g.arn, port: t.port })
    }
  }
  return [...byId.values()]
}
