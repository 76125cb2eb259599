// What DescribeTargetHealth answers for one target in one target group at virtual time t, given
// the group's settings and what happened to the target: RegisterTargets, DeregisterTargets, and
// when its app started to answer health checks well or badly. Pure: the same history and t give
// the same answer, so the simulator, the fake world and unit tests can share it.
//
// Pages (keys of SOURCES in sources.ts): albHealthChecks, targetHealthApi, albDeregistrationDelay,
// deregisterTargetsApi, nlbHealthChecks, nlbRegisterTargets, lbcIssue3270.

import type { TargetGroupModelSettings } from './settings.js'

export type TargetEvent =
  | { at: number; type: 'register' }
  | { at: number; type: 'deregister' }
  /** From `at` on, the app answers health checks well (healthy) or not (with this failure). */
  | { at: number; type: 'app'; healthy: boolean; failure?: UnhealthyReason }

export type UnhealthyReason =
  'Target.ResponseCodeMismatch' | 'Target.Timeout' | 'Target.FailedHealthChecks'

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unused'

export type TargetReason =
  | 'Elb.RegistrationInProgress'
  | 'Elb.InitialHealthChecking'
  | UnhealthyReason
  | 'Target.DeregistrationInProgress'
  | 'Target.NotRegistered'

export interface TargetHealth {
  state: TargetState
  /** Absent when healthy: "If the target state is healthy, a reason code is not provided" (targetHealthApi). */
  reason?: TargetReason
}

/** One registration: from RegisterTargets to the end of its draining. */
export interface Session {
  registeredAt: number
  deregisteredAt?: number
}

/**
 * Registrations in time order. RegisterTargets on a target that is already registered changes
 * nothing (the docs are silent; the model keeps the running registration). DeregisterTargets on a
 * target that is not registered "returns successfully" and changes nothing (deregisterTargetsApi).
 * A RegisterTargets while the target drains starts a new registration (docs silent).
 */
export function sessions(events: readonly TargetEvent[]): Session[] {
  const out: Session[] = []
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    const last = out[out.length - 1]
    if (e.type === 'register' && (last === undefined || last.deregisteredAt !== undefined)) {
      out.push({ registeredAt: e.at })
    } else if (e.type === 'deregister' && last !== undefined && last.deregisteredAt === undefined) {
      last.deregisteredAt = e.at
    }
  }
  return out
}

/** How long `draining` shows after DeregisterTargets. */
export function drainingMs(s: TargetGroupModelSettings): number {
  // ALB: the state is `draining` for the whole delay even when the target had no requests left:
  // ELB "immediately completes the deregistration process" then, but "the status of the target is
  // displayed as draining until the deregistration delay timeout expires" (albDeregistrationDelay).
  // NLB: the deregistration itself "can take a few minutes" (nlbRegisterTargets); users saw about
  // 2 minutes of draining with a 5 s delay (lbcIssue3270). The model adds the two.
  return s.deregistrationPropagationMs + s.deregistrationDelayMs
}

/** Time of the first health check of a registration made at `registeredAt`. */
export function firstCheckAt(s: TargetGroupModelSettings, registeredAt: number): number {
  // The ALB page does not say when the first check comes after RegisterTargets; checks run "every
  // HealthCheckIntervalSeconds" (albHealthChecks), so the model puts the first one within one
  // interval, at a phase the caller may inject. NLB: health checks start only once the
  // registration has completed, which "can take a few minutes" (nlbHealthChecks).
  const phase = s.firstCheckPhaseMs ?? s.intervalMs
  return registeredAt + s.registrationPropagationMs + Math.min(Math.max(phase, 0), s.intervalMs)
}

/** The target's health at t (inclusive: a check or event at exactly t counts). */
export function targetHealthAt(
  s: TargetGroupModelSettings,
  events: readonly TargetEvent[],
  t: number
): TargetHealth {
  const session = sessionAt(events, t)
  if (session === undefined) return { state: 'unused', reason: 'Target.NotRegistered' }
  const d = session.deregisteredAt
  if (d !== undefined && d <= t) {
    // "The initial state of a deregistering target is draining. After the deregistration delay
    // elapses, the deregistration process completes and the state of the target is unused"
    // (albDeregistrationDelay); reason codes from targetHealthApi.
    return t < d + drainingMs(s)
      ? { state: 'draining', reason: 'Target.DeregistrationInProgress' }
      : { state: 'unused', reason: 'Target.NotRegistered' }
  }
  return checkedHealth(s, events, session.registeredAt, t, true)
}

/** The registration in force (registered or draining) at t, if any. */
export function sessionAt(events: readonly TargetEvent[], t: number): Session | undefined {
  let found: Session | undefined
  for (const session of sessions(events)) if (session.registeredAt <= t) found = session
  return found
}

/** The running count of one registration's health checks (see applyChecks). */
export interface Counters {
  state: 'initial' | 'healthy' | 'unhealthy'
  passes: number
  fails: number
  checks: number
  failure: UnhealthyReason
}

/**
 * Health of a registration from its health checks up to `until` (checks at exactly `until` count
 * when `inclusive`). Checks come every interval from firstCheckAt; each one passes when the app
 * answers well at that moment. Runs of checks with the same answer are counted in one step, so a
 * long history costs one step per app event, not one per check.
 */
export function checkedHealth(
  s: TargetGroupModelSettings,
  events: readonly TargetEvent[],
  registeredAt: number,
  until: number,
  inclusive: boolean
): TargetHealth {
  const first = firstCheckAt(s, registeredAt)
  const c = newCounters(s)
  const app = appStretches(s, events)
  for (const [i, stretch] of app.entries()) {
    const next = app[i + 1]
    const from = Math.max(stretch.from, first)
    const n = checksBetween(
      s,
      first,
      from,
      next === undefined ? until : Math.min(next.from, until),
      next === undefined ? inclusive : next.from <= until ? false : inclusive
    )
    if (n > 0) applyChecks(s, c, stretch.healthy, n, stretch.failure)
    if (next === undefined || next.from > until) break
  }
  return healthOf(c)
}

/** Counters of a registration before its first health check. */
export function newCounters(s: TargetGroupModelSettings): Counters {
  return { state: 'initial', passes: 0, fails: 0, checks: 0, failure: defaultFailure(s) }
}

export function defaultFailure(s: TargetGroupModelSettings): UnhealthyReason {
  // An HTTP answer that is not the matcher's code is Target.ResponseCodeMismatch (ALB); a TCP
  // check that cannot connect is Target.FailedHealthChecks (targetHealthApi).
  return s.kind === 'alb' ? 'Target.ResponseCodeMismatch' : 'Target.FailedHealthChecks'
}

interface Stretch {
  from: number
  healthy: boolean
  failure: UnhealthyReason
}

/** The app's answer over time; it answers well until told otherwise. */
function appStretches(s: TargetGroupModelSettings, events: readonly TargetEvent[]): Stretch[] {
  const out: Stretch[] = [{ from: -Infinity, healthy: true, failure: defaultFailure(s) }]
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    if (e.type !== 'app') continue
    out.push({ from: e.at, healthy: e.healthy, failure: e.failure ?? defaultFailure(s) })
  }
  return out
}

/** Number of checks (first + k × interval) in [from, to) or [from, to]. */
function checksBetween(
  s: TargetGroupModelSettings,
  first: number,
  from: number,
  to: number,
  inclusive: boolean
): number {
  if (to < from) return 0
  const lo = Math.max(0, Math.ceil((from - first) / s.intervalMs))
  const span = (to - first) / s.intervalMs
  const hi = inclusive ? Math.floor(span) + 1 : Math.ceil(span)
  return Math.max(0, hi - lo)
}

/**
 * Applies n consecutive checks with the same answer. Exported for doubles that step through the
 * checks themselves (the fleet simulator, whose app changes over time): the rules stay here.
 */
export function applyChecks(
  s: TargetGroupModelSettings,
  c: Counters,
  pass: boolean,
  n: number,
  failure: UnhealthyReason
): void {
  c.checks += n
  if (pass) {
    c.fails = 0
    c.passes += n
    // "After your target is registered, it must pass one health check to be considered healthy";
    // an unhealthy target comes back only after "HealthyThresholdCount consecutive successes"
    // (albHealthChecks; the NLB troubleshooting page says the same of NLB: "Your target is not in
    // service until it passes one health check", nlbTroubleshooting).
    if (c.state === 'initial') c.state = 'healthy'
    else if (c.state === 'unhealthy' && c.passes >= s.healthyThreshold) c.state = 'healthy'
  } else {
    c.passes = 0
    c.fails += n
    c.failure = failure
    // "If the health checks exceed UnhealthyThresholdCount consecutive failures, the load
    // balancer takes the target out of service" (albHealthChecks). Before that a new target
    // stays `initial`: Elb.InitialHealthChecking, "still sending the target the minimum number
    // of health checks required to determine its health status" (targetHealthApi).
    if (c.fails >= s.unhealthyThreshold) c.state = 'unhealthy'
  }
}

/** What DescribeTargetHealth shows for these counters (a registered, not draining target). */
export function healthOf(c: Counters): TargetHealth {
  if (c.state === 'healthy') return { state: 'healthy' }
  if (c.state === 'unhealthy') return { state: 'unhealthy', reason: c.failure }
  // Before the first check the registration is "in progress" (Elb.RegistrationInProgress); once
  // checks have begun without a verdict, Elb.InitialHealthChecking (targetHealthApi).
  return {
    state: 'initial',
    reason: c.checks === 0 ? 'Elb.RegistrationInProgress' : 'Elb.InitialHealthChecking'
  }
}
