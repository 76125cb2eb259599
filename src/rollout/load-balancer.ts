// Taking hosts out of and back into every target group they belong to, and waiting for the
// load balancer to agree. One DescribeTargetHealth per group per poll, never one per host.

import { describeAll } from '../fleet/discover.js'
import type { Target, TargetGroup, TargetHealth } from '../fleet/types.js'
import type { RolloutContext } from './context.js'
import type { HostRecord } from './types.js'

export type HealthSnapshot = Map<string, TargetHealth[]>

/** The load balancer's state of each of a host's registrations. */
export function registrationStates(host: HostRecord, snapshot: HealthSnapshot): TargetHealth[] {
  return host.registrations.map(
    (r) =>
      snapshot
        .get(r.targetGroupArn)
        ?.find((t) => t.instanceId === host.instanceId && t.port === r.port) ?? {
        instanceId: host.instanceId,
        port: r.port,
        state: 'unused' as const,
        reason: 'Target.NotRegistered'
      }
  )
}

export function isInService(host: HostRecord, snapshot: HealthSnapshot): boolean {
  return registrationStates(host, snapshot).every((t) => t.state === 'healthy')
}

/** Why the load balancer does not count the host healthy, naming the group. */
export function unhealthyReason(
  host: HostRecord,
  snapshot: HealthSnapshot,
  groups: TargetGroup[]
): string | undefined {
  const regs = registrationStates(host, snapshot)
  const bad = regs.findIndex((t) => t.state !== 'healthy')
  if (bad < 0) return undefined
  const t = regs[bad]!
  const group = groups.find((g) => g.arn === host.registrations[bad]!.targetGroupArn)
  const why = [t.reason, t.description].filter(Boolean).join(': ')
  return `load balancer reports ${t.state} in ${group?.name ?? 'its target group'} port ${t.port}${why ? ` (${why})` : ''}`
}

function groupsOf(ctx: RolloutContext, hosts: HostRecord[]): TargetGroup[] {
  const arns = new Set(hosts.flatMap((h) => h.registrations.map((r) => r.targetGroupArn)))
  return ctx.groups.filter((g) => arns.has(g.arn))
}

function targetsIn(groupArn: string, hosts: HostRecord[]): Target[] {
  return hosts.flatMap((h) =>
    h.registrations
      .filter((r) => r.targetGroupArn === groupArn)
      .map((r) => ({ instanceId: h.instanceId, port: r.port }))
  )
}

export async function snapshot(ctx: RolloutContext, groups = ctx.groups): Promise<HealthSnapshot> {
  return describeAll(ctx.deps.lb, groups)
}

/** Deregisters the hosts from every group and port they are registered on (one call per group). */
export async function deregisterHosts(ctx: RolloutContext, hosts: HostRecord[]): Promise<void> {
  for (const g of groupsOf(ctx, hosts)) {
    await ctx.poller.retry(() => ctx.deps.lb.deregister(g.arn, targetsIn(g.arn, hosts)), ctx.apiPatienceMs)
  }
}

/** Registers the hosts back into every group and port they came from (one call per group). */
export async function registerHosts(ctx: RolloutContext, hosts: HostRecord[]): Promise<void> {
  for (const g of groupsOf(ctx, hosts)) {
    await ctx.poller.retry(() => ctx.deps.lb.register(g.arn, targetsIn(g.arn, hosts)), ctx.apiPatienceMs)
  }
}

export interface WaitOutcome {
  done: HostRecord[]
  /** Hosts that did not get there in time, with the load balancer's last word on them. */
  late: Map<HostRecord, string>
  cancelled: boolean
}

const GONE = new Set(['unused'])

/** Waits until no registration of the hosts is draining (or still registered). */
export function waitDrained(
  ctx: RolloutContext,
  hosts: HostRecord[],
  timeoutMs: number
): Promise<WaitOutcome> {
  const groups = groupsOf(ctx, hosts)
  const expectedMs = Math.max(0, ...groups.map((g) => g.deregistrationDelaySeconds)) * 1000
  return waitFor(ctx, hosts, groups, timeoutMs, expectedMs, (states) =>
    states.every((t) => GONE.has(t.state))
  )
}

/** Waits until every registration of the hosts is healthy (`initial` is not). */
export function waitHealthy(
  ctx: RolloutContext,
  hosts: HostRecord[],
  timeoutMs: number
): Promise<WaitOutcome> {
  const groups = groupsOf(ctx, hosts)
  const expectedMs =
    Math.max(0, ...groups.map((g) => g.healthCheckIntervalSeconds * g.healthyThresholdCount)) * 1000
  return waitFor(ctx, hosts, groups, timeoutMs, expectedMs, (states) =>
    states.every((t) => t.state === 'healthy')
  )
}

async function waitFor(
  ctx: RolloutContext,
  hosts: HostRecord[],
  groups: TargetGroup[],
  timeoutMs: number,
  expectedMs: number,
  reached: (states: TargetHealth[]) => boolean
): Promise<WaitOutcome> {
  const done = new Set<HostRecord>()
  let last: HealthSnapshot = new Map()
  const result = await ctx.poller.until(
    async () => {
      last = await snapshot(ctx, groups)
      for (const h of hosts) if (reached(registrationStates(h, last))) done.add(h)
      return done.size === hosts.length ? true : undefined
    },
    { timeoutMs, expectedMs }
  )
  const late = new Map<HostRecord, string>()
  for (const h of hosts) {
    if (done.has(h)) continue
    const states = registrationStates(h, last)
    const t = states.find((s) => !reached([s])) ?? states[0]
    late.set(h, t ? `${t.state}${t.reason ? ` (${t.reason})` : ''}` : 'no answer from the load balancer')
  }
  return { done: hosts.filter((h) => done.has(h)), late, cancelled: result.status === 'cancelled' }
}
