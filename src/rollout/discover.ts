// Pools → hosts. One host per EC2 instance, however many pools and ports it is a member of.

import type { LoadBalancer, MemberStatus, Pool } from '../ports/load-balancer.js'
import type { HostRecord } from './outcome.js'
import { ConfigError } from '../shared/config-error.js'

/** One EC2 instance, however many pools and ports it is a member of: the start of its record. */
export type Host = Pick<HostRecord, 'instanceId' | 'memberships'>

export interface Fleet {
  pools: Pool[]
  hosts: Host[]
  /** The load balancer's view at discovery, per pool id. */
  health: Map<string, MemberStatus[]>
}

/** Members in these states are leaving or gone: they are not part of the fleet. */
const NOT_IN_FLEET = new Set<MemberStatus['state']>(['draining', 'out'])

export async function discoverFleet(lb: LoadBalancer, refs: string[]): Promise<Fleet> {
  const groups = await lb.resolvePools(refs)
  // The adapter should throw for an unknown group; this guards against one that just leaves it out.
  const missing = refs.filter((ref) => !groups.some((g) => g.id === ref || g.name === ref))
  if (missing.length > 0) {
    throw new ConfigError(
      `target-groups: ${missing.map((r) => `"${r}"`).join(', ')} not found. ` +
        'Check the names or ARNs in target-groups and the region (aws-region).'
    )
  }
  const unsupported = groups.filter((g) => g.unsupported)
  if (unsupported.length > 0) {
    throw new ConfigError(
      `target-groups: ${unsupported.map((g) => `"${g.name}" ${g.unsupported}`).join(', ')}; ` +
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
  return { pools: groups, hosts, health }
}

/** One describe per pool: the whole fleet's health in as many calls as pools. */
export async function describeAll(
  lb: LoadBalancer,
  groups: Pool[]
): Promise<Map<string, MemberStatus[]>> {
  const entries = await Promise.all(
    groups.map(async (g) => [g.id, await lb.describeMembers(g)] as const)
  )
  return new Map(entries)
}

/** One host per instance in the pools' answers (members leaving or gone left out). */
export function hostsOf(groups: Pool[], health: Map<string, MemberStatus[]>): Host[] {
  const byId = new Map<string, Host>()
  for (const g of groups) {
    for (const t of health.get(g.id) ?? []) {
      if (NOT_IN_FLEET.has(t.state)) continue
      let host = byId.get(t.instanceId)
      if (!host) {
        host = { instanceId: t.instanceId, memberships: [] }
        byId.set(t.instanceId, host)
      }
      host.memberships.push({ poolId: g.id, port: t.port })
    }
  }
  return [...byId.values()]
}
