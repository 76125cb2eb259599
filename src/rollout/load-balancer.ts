// Taking hosts out of and back into every target group they belong to, and waiting for the
// load balancer to agree. One DescribeTargetHealth per group per poll, never one per host.

import { describeAll } from './discover.js'
import type { Target, TargetGroup, TargetHealth } from '../ports/load-balancer.js'
import type { RolloutContext } from './context.js'
import type { HostRecord } from './outcome.js'
import { errorMessage, errorName } from '../shared/errors.js'

export type HealthSnapshot = Map<string, TargetHealth[]>

/** Each group's targets by `instanceId:port`, built once per answer: a lookup per host stays O(1). */
const indexes = new WeakMap<TargetHealth[], Map<string, TargetHealth>>()

function indexOf(targets: TargetHealth[]): Map<string, TargetHealth> {
  let index = indexes.get(targets)
  if (!index) {
    index = new Map()
    // The first entry wins, as a search from the start would find it.
    for (const t of targets) {
      const key = `${t.instanceId}:${t.port}`
      if (!index.has(key)) index.set(key, t)
    }
    indexes.set(targets, index)
  }
  return index
}

/** The load balancer's state of each of a host's registrations. */
export function registrationStates(host: HostRecord, snapshot: HealthSnapshot): TargetHealth[] {
  return host.registrations.map((r) => {
    const targets = snapshot.get(r.targetGroupArn)
    return (
      (targets && indexOf(targets).get(`${host.instanceId}:${r.port}`)) ?? {
        instanceId: host.instanceId,
        port: r.port,
        state: 'unused' as const,
        reason: 'Target.NotRegistered'
      }
    )
  })
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

export function groupsOf(ctx: RolloutContext, hosts: HostRecord[]): TargetGroup[] {
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

/** What ELB answers when one target of a call cannot be taken (e.g. autoscaling terminated it). */
const INVALID_TARGET = new Set(['InvalidTargetException', 'InvalidTarget'])
const isInvalidTarget = (err: unknown): boolean => INVALID_TARGET.has(errorName(err))

/**
 * Calls `change` for the hosts of one group; when ELB refuses the call because of one target,
 * host by host, so the others still go through. Returns the hosts refused, with ELB's reason.
 */
async function eachGroup(
  ctx: RolloutContext,
  hosts: HostRecord[],
  change: (groupArn: string, targets: Target[]) => Promise<void>
): Promise<Map<HostRecord, string>> {
  const refused = new Map<HostRecord, string>()
  for (const g of groupsOf(ctx, hosts)) {
    // A host one group refused is not put into the next.
    const members = hosts.filter(
      (h) => !refused.has(h) && h.registrations.some((r) => r.targetGroupArn === g.arn)
    )
    if (members.length === 0) continue
    const call = (list: HostRecord[]) =>
      ctx.poller.retry(() => change(g.arn, targetsIn(g.arn, list)), ctx.apiPatienceMs)
    try {
      await call(members)
    } catch (err) {
      if (!isInvalidTarget(err) || members.length === 1) {
        if (!isInvalidTarget(err)) throw err
        refused.set(members[0]!, `${g.name}: ${errorMessage(err)}`)
        continue
      }
      for (const h of members) {
        await call([h]).catch((e: unknown) => {
          if (!isInvalidTarget(e)) throw e
          refused.set(h, `${g.name}: ${errorMessage(e)}`)
        })
      }
    }
  }
  return refused
}

/**
 * Deregisters the hosts from every group and port they are registered on (one call per group).
 * A target ELB no longer knows (a terminated instance) is as good as deregistered.
 */
export async function deregisterHosts(ctx: RolloutContext, hosts: HostRecord[]): Promise<void> {
  await eachGroup(ctx, hosts, (arn, targets) => ctx.deps.lb.deregister(arn, targets))
}

/**
 * Registers the hosts back into every group and port they came from (one call per group).
 * Returns the hosts ELB refused (autoscaling terminated them, say), with the reason: they are
 * taken out again of any group that already took them, so a refused host is in none.
 */
export async function registerHosts(
  ctx: RolloutContext,
  hosts: HostRecord[]
): Promise<Map<HostRecord, string>> {
  const refused = await eachGroup(ctx, hosts, (arn, targets) => ctx.deps.lb.register(arn, targets))
  if (refused.size > 0) await deregisterHosts(ctx, [...refused.keys()])
  return refused
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
  let last: HealthSnapshot | undefined
  const result = await ctx.poller.until(
    async () => {
      // Only the batch's targets: at 10,000 hosts the whole group is megabytes per answer.
      last = new Map(
        await Promise.all(
          groups.map(
            async (g) =>
              [g.arn, await ctx.deps.lb.describeTargets(g, targetsIn(g.arn, hosts))] as const
          )
        )
      )
      for (const h of hosts) if (reached(registrationStates(h, last))) done.add(h)
      return done.size === hosts.length ? true : undefined
    },
    { timeoutMs, expectedMs }
  )
  const late = new Map<HostRecord, string>()
  for (const h of hosts) {
    if (done.has(h)) continue
    if (!last) {
      // Not one describe went through (throttled all along): say so rather than guess a state.
      late.set(h, 'no answer from the load balancer')
      continue
    }
    const states = registrationStates(h, last)
    const t = states.find((s) => !reached([s])) ?? states[0]
    late.set(
      h,
      t ? `${t.state}${t.reason ? ` (${t.reason})` : ''}` : 'no answer from the load balancer'
    )
  }
  return { done: hosts.filter((h) => done.has(h)), late, cancelled: result.status === 'cancelled' }
}
