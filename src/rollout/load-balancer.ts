// Taking hosts out of and back into every pool they are members of, and waiting for the load
// balancer to agree. One describe per pool per poll, never one per host.

import { describeAll } from './discover.js'
import {
  MemberRefusedError,
  type Member,
  type MemberStatus,
  type Pool
} from '../ports/load-balancer.js'
import type { RolloutContext } from './context.js'
import type { HostRecord } from './outcome.js'
import { errorMessage } from '../shared/errors.js'
import type { PollOptions } from './poll.js'

/** The load balancer's view: each pool's member states, by pool id. */
export type HealthSnapshot = Map<string, MemberStatus[]>

/** Each pool's members by `instanceId:port`, built once per answer: a lookup per host stays O(1). */
const indexes = new WeakMap<MemberStatus[], Map<string, MemberStatus>>()

function indexOf(targets: MemberStatus[]): Map<string, MemberStatus> {
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

/** The load balancer's state of each of a host's memberships. */
export function membershipStates(host: HostRecord, snapshot: HealthSnapshot): MemberStatus[] {
  return host.memberships.map((r) => {
    const targets = snapshot.get(r.poolId)
    return (
      (targets && indexOf(targets).get(`${host.instanceId}:${r.port}`)) ?? {
        instanceId: host.instanceId,
        port: r.port,
        ...NOT_A_MEMBER
      }
    )
  })
}

/**
 * A member the pool's answer leaves out. Only ELBv2 exists today, so its words for that are the
 * label and reason the log and the report have always shown.
 */
const NOT_A_MEMBER = { state: 'out', label: 'unused', reason: 'Target.NotRegistered' } as const

export function isInService(host: HostRecord, snapshot: HealthSnapshot): boolean {
  return membershipStates(host, snapshot).every((t) => t.state === 'in-service')
}

/** Why the load balancer does not count the host healthy, naming the group. */
export function unhealthyReason(
  host: HostRecord,
  snapshot: HealthSnapshot,
  pools: Pool[]
): string | undefined {
  const regs = membershipStates(host, snapshot)
  const bad = regs.findIndex((t) => t.state !== 'in-service')
  if (bad < 0) return undefined
  const t = regs[bad]!
  const pool = pools.find((g) => g.id === host.memberships[bad]!.poolId)
  const why = [t.reason, t.description].filter(Boolean).join(': ')
  return `load balancer reports ${t.label} in ${pool?.name ?? 'its target group'} port ${t.port}${why ? ` (${why})` : ''}`
}

export function poolsOf(ctx: RolloutContext, hosts: HostRecord[]): Pool[] {
  const ids = new Set(hosts.flatMap((h) => h.memberships.map((r) => r.poolId)))
  return ctx.pools.filter((g) => ids.has(g.id))
}

function membersIn(poolId: string, hosts: HostRecord[]): Member[] {
  return hosts.flatMap((h) =>
    h.memberships
      .filter((r) => r.poolId === poolId)
      .map((r) => ({ instanceId: h.instanceId, port: r.port }))
  )
}

export async function snapshot(ctx: RolloutContext, pools = ctx.pools): Promise<HealthSnapshot> {
  return describeAll(ctx.deps.lb, pools)
}

const isRefused = (err: unknown): boolean => err instanceof MemberRefusedError

/**
 * Calls `change` for the hosts of one pool; when the load balancer refuses the call because of
 * one member, host by host, so the others still go through. Returns the hosts refused, with the
 * load balancer's reason.
 */
async function eachPool(
  ctx: RolloutContext,
  hosts: HostRecord[],
  change: (poolId: string, members: Member[]) => Promise<void>,
  changed?: (hosts: HostRecord[]) => void
): Promise<Map<HostRecord, string>> {
  const refused = new Map<HostRecord, string>()
  for (const g of poolsOf(ctx, hosts)) {
    // A host one pool refused is not put into the next.
    const members = hosts.filter(
      (h) => !refused.has(h) && h.memberships.some((r) => r.poolId === g.id)
    )
    if (members.length === 0) continue
    const call = (list: HostRecord[]) =>
      ctx.poller.retry(() => change(g.id, membersIn(g.id, list)), ctx.apiPatienceMs)
    try {
      await call(members)
      changed?.(members)
    } catch (err) {
      if (!isRefused(err) || members.length === 1) {
        if (!isRefused(err)) throw err
        refused.set(members[0]!, `${g.name}: ${errorMessage(err)}`)
        continue
      }
      for (const h of members) {
        await call([h]).then(
          () => changed?.([h]),
          (e: unknown) => {
            if (!isRefused(e)) throw e
            refused.set(h, `${g.name}: ${errorMessage(e)}`)
          }
        )
      }
    }
  }
  return refused
}

/**
 * Takes the hosts out of every pool and port they are members of (one call per pool). A member
 * the load balancer refuses (a terminated instance) is as good as out. Returns when each host was
 * last taken out (its last pool's call): min-drain counts from there, per host.
 */
export async function takeOutHosts(
  ctx: RolloutContext,
  hosts: HostRecord[]
): Promise<Map<HostRecord, number>> {
  // The durable account names them before they leave (a run that dies here loses nothing).
  await ctx.deps.checkpoint?.()
  const at = new Map<HostRecord, number>()
  const now = () => ctx.deps.clock.now()
  const refused = await eachPool(
    ctx,
    hosts,
    (id, members) => ctx.deps.lb.takeOut(id, members),
    (done) => done.forEach((h) => at.set(h, now()))
  )
  for (const h of refused.keys()) if (!at.has(h)) at.set(h, now())
  return at
}

/**
 * Puts the hosts back into every pool and port they came from (one call per pool). Returns the
 * hosts the load balancer refused (autoscaling terminated them, say), with the reason: they are
 * taken out again of any pool that already took them, so a refused host is in none.
 */
export async function putBackHosts(
  ctx: RolloutContext,
  hosts: HostRecord[]
): Promise<Map<HostRecord, string>> {
  const refused = await eachPool(ctx, hosts, (id, members) => ctx.deps.lb.putBack(id, members))
  if (refused.size > 0) await takeOutHosts(ctx, [...refused.keys()])
  return refused
}

export interface WaitOutcome {
  done: HostRecord[]
  /** Hosts that did not get there in time, with the load balancer's last word on them. */
  notReached: Map<HostRecord, string>
  cancelled: boolean
}

/**
 * Waits until no membership of the hosts is draining (or still in the pool). One look right
 * away: a host whose every membership is already out (a rollback of a host already out) is not
 * waited on; the next look comes when the longest drain delay is over, then every few seconds.
 */
export async function waitDrained(
  ctx: RolloutContext,
  hosts: HostRecord[],
  timeoutMs: number
): Promise<WaitOutcome> {
  const pools = poolsOf(ctx, hosts)
  const isOut = (states: MemberStatus[]) => states.every((t) => t.state === 'out')
  const start = ctx.deps.clock.now()
  const what = `${hosts.length} host(s) to drain from ${pools.map((g) => g.name).join(', ')}`
  const first = await waitFor(ctx, hosts, pools, 0, {}, isOut, what)
  if (first.cancelled || first.notReached.size === 0) return first
  const rest = [...first.notReached.keys()]
  const elapsed = ctx.deps.clock.now() - start
  const delayMs = Math.max(0, ...poolsOf(ctx, rest).map((g) => g.drainDelaySeconds)) * 1000
  const later = await waitFor(
    ctx,
    rest,
    poolsOf(ctx, rest),
    Math.max(0, timeoutMs - elapsed),
    { expectedMs: Math.max(0, delayMs - elapsed) || undefined },
    isOut,
    what
  )
  return {
    done: hosts.filter((h) => first.done.includes(h) || later.done.includes(h)),
    notReached: later.notReached,
    cancelled: later.cancelled
  }
}

/**
 * Waits until every membership of the hosts is in service (entering is not). It looks from the
 * registration on at a steady cadence (see healthyCadenceMs): a new target is healthy after ONE
 * passing check (ALB guide, "Health checks for Application Load Balancer target groups"), so
 * interval x threshold says nothing of when that comes.
 */
export function waitHealthy(
  ctx: RolloutContext,
  hosts: HostRecord[],
  timeoutMs: number,
  cadenceMs: number
): Promise<WaitOutcome> {
  const pools = poolsOf(ctx, hosts)
  return waitFor(
    ctx,
    hosts,
    pools,
    timeoutMs,
    { minDelayMs: cadenceMs, maxDelayMs: cadenceMs },
    (states) => states.every((t) => t.state === 'in-service'),
    `${hosts.length} host(s) to be healthy in ${pools.map((g) => g.name).join(', ')}`
  )
}

/** The members of the hosts in one pool, for a describe that names only them. */
export function membersOf(poolId: string, hosts: HostRecord[]): Member[] {
  return membersIn(poolId, hosts)
}

async function waitFor(
  ctx: RolloutContext,
  hosts: HostRecord[],
  pools: Pool[],
  timeoutMs: number,
  pace: Pick<PollOptions, 'expectedMs' | 'minDelayMs' | 'maxDelayMs'>,
  reached: (states: MemberStatus[]) => boolean,
  description: string
): Promise<WaitOutcome> {
  const done = new Set<HostRecord>()
  let last: HealthSnapshot | undefined
  const result = await ctx.poller.until(
    async () => {
      // Only the batch's members: at 10,000 hosts the whole pool is megabytes per answer.
      last = new Map(
        await Promise.all(
          pools.map(
            async (g) =>
              [g.id, await ctx.deps.lb.describeMembers(g, membersIn(g.id, hosts))] as const
          )
        )
      )
      for (const h of hosts) if (reached(membershipStates(h, last))) done.add(h)
      return done.size === hosts.length ? true : undefined
    },
    { timeoutMs, ...pace },
    description
  )
  const notReached = new Map<HostRecord, string>()
  for (const h of hosts) {
    if (done.has(h)) continue
    if (!last) {
      // Not one describe went through (throttled all along): say so rather than guess a state.
      notReached.set(h, 'no answer from the load balancer')
      continue
    }
    const states = membershipStates(h, last)
    const t = states.find((s) => !reached([s])) ?? states[0]
    notReached.set(
      h,
      t ? `${t.label}${t.reason ? ` (${t.reason})` : ''}` : 'no answer from the load balancer'
    )
  }
  return {
    done: hosts.filter((h) => done.has(h)),
    notReached,
    cancelled: result.status === 'cancelled'
  }
}
