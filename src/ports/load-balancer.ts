// The load balancer port, in the rollout's own words: a pool is what a load balancer sends
// traffic to (an ELBv2 target group today, an HAProxy backend next), a member is a host on a
// port in a pool. An adapter translates its load balancer's words into these; the rollout never
// sees them except as quoted labels in its log lines and reasons.
//
// Type-only module (and one error class): it holds no behaviour, so it has no test file.

/** What kind of load balancer serves a pool: for defaults that differ by kind. */
export type PoolKind = 'alb' | 'nlb' | 'gwlb' | 'haproxy' | 'other'

/** A pool with the timing facts its adapter knows. */
export interface Pool {
  /** Unique and stable: a target group's ARN (the report's `targetGroups` lists these). */
  id: string
  name: string
  kind: PoolKind
  /**
   * Set when the rollout cannot deploy to this pool's members, in the adapter's words (e.g.
   * `has target type ip`): the run stops before changing anything.
   */
  unsupported?: string
  healthCheckPath?: string
  /**
   * How the load balancer checks members: HTTP, HTTPS or TCP (ELB HealthCheckProtocol; TLS and
   * the like count as TCP: the port accepts a connection). Absent: HTTP.
   */
  healthCheckProtocol?: 'HTTP' | 'HTTPS' | 'TCP'
  /** The success codes of an HTTP(S) check (ELB Matcher HttpCode: "200", "200,202", "200-399"). */
  successCodes?: string
  /** The health check's port; absent when each member is checked on its own port. */
  healthCheckPort?: number
  /** The health check's port as the load balancer names it (e.g. `traffic-port`), for the log. */
  healthCheckPortLabel: string
  healthCheckIntervalSeconds: number
  /** Consecutive passed checks before a member entering the pool is in service. */
  healthyThresholdCount: number
  /** How long the load balancer keeps a member draining before it is out. */
  drainDelaySeconds: number
  /**
   * Whether the load balancer closes a member's open connections when its drain ends (ELBv2 NLB:
   * deregistration_delay.connection_termination.enabled); undefined when it does not say.
   */
  connectionTermination?: boolean
}

/** One host on one port in one pool. */
export interface Member {
  instanceId: string
  port: number
}

/**
 * Where a member stands: in service; entering (being checked before it takes traffic); draining
 * (taken out, finishing its requests); out (not in the pool); unhealthy (failing its checks);
 * unavailable (the load balancer cannot tell).
 */
export type MemberState =
  'in-service' | 'entering' | 'draining' | 'out' | 'unhealthy' | 'unavailable'

export interface MemberStatus extends Member {
  state: MemberState
  /** The load balancer's own word for the state (ELBv2: `initial`, `healthy`, `unused`...). */
  label: string
  /** The load balancer's reason code, e.g. `Target.ResponseCodeMismatch`. */
  reason?: string
  description?: string
}

/** Where a host is a member: one entry per pool and port. */
export interface Membership {
  poolId: string
  port: number
}

export interface LoadBalancer {
  /**
   * Resolves the user's references (ELBv2: ARNs or names) to pools; throws ConfigError naming
   * every one it does not know.
   */
  resolvePools(refs: string[]): Promise<Pool[]>
  /**
   * Every member of one pool, or only `members` (one not in the pool reads `out`): one call to
   * the load balancer, whatever the number of hosts.
   */
  describeMembers(pool: Pool, members?: Member[]): Promise<MemberStatus[]>
  /** Starts taking the members out of the pool (they drain first). */
  takeOut(poolId: string, members: Member[]): Promise<void>
  /**
   * Puts the members back into the pool. Throws MemberRefusedError when the load balancer refuses
   * a member (an instance terminated since, say).
   */
  putBack(poolId: string, members: Member[]): Promise<void>
}

/**
 * The load balancer refused a member of a call (ELBv2: InvalidTarget): the member is gone or
 * cannot be in the pool. The message is the load balancer's own.
 */
export class MemberRefusedError extends Error {
  override name = 'MemberRefusedError'
}
