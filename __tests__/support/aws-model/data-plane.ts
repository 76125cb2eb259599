// Whether the load balancer's data plane would send a NEW request (or connection) to a target at
// virtual time t, and whether a connection opened earlier survives. This is not what
// DescribeTargetHealth says: the API and the data plane disagree for a while after each change,
// and a deploy that trusts the API alone meets requests it did not expect.
//
// Pages (keys of SOURCES in sources.ts): albHealthChecks, nlbHealthChecks, nlbRegisterTargets,
// nlbTargetGroupAttributes, lbcIssue2366, lbcIssue1064, lbcIssue1719, containersRoadmap470.

import type { TargetGroupModelSettings } from './settings.js'
import {
  checkedHealth,
  drainingMs,
  sessionAt,
  type Session,
  type TargetEvent
} from './target-health.js'

/** True when a new request arriving at t may be routed to this target. */
export function routesNewRequest(
  s: TargetGroupModelSettings,
  events: readonly TargetEvent[],
  t: number
): boolean {
  const session = sessionAt(events, t)
  if (session === undefined) return false
  return routesGiven(
    s,
    session,
    t,
    (at, inclusive) =>
      checkedHealth(s, events, session.registeredAt, at, inclusive).state === 'healthy'
  )
}

/**
 * The same rule for a double that keeps its own running health counts (the fleet simulator):
 * `healthyAt(at, inclusive)` says whether the registration's checks up to `at` made it healthy.
 */
export function routesGiven(
  s: TargetGroupModelSettings,
  session: Session,
  t: number,
  healthyAt: (at: number, inclusive: boolean) => boolean
): boolean {
  const d = session.deregisteredAt
  if (d === undefined || d > t) {
    // "Each load balancer node routes requests only to the healthy targets" (albHealthChecks).
    // NLB: it "starts routing requests to a newly registered target as soon as the registration
    // process completes and the targets pass the initial health checks" (nlbHealthChecks); the
    // first check already waits for the registration, and the explicit test keeps it so if a
    // caller injects a phase.
    if (t < session.registeredAt + s.registrationPropagationMs) return false
    return healthyAt(t, true)
  }
  // AWS says the load balancer "stops routing requests to a target as soon as it is deregistered"
  // (ALB) and that an NLB deregistration "can take a few minutes ... for the load balancer to stop
  // routing requests to the target" (nlbRegisterTargets). Users measured new requests reaching an
  // ALB target for 15-20 s after it entered `draining` (lbcIssue2366, lbcIssue1064; "ELB API
  // propagation: about 10s", lbcIssue1719) and new NLB connections for about 2 minutes
  // (lbcIssue2366, containersRoadmap470). So: a target that was in service when it was
  // deregistered keeps receiving new requests for the group's window.
  if (t >= d + s.newRequestWindowMs) return false
  return healthyAt(d, false)
}

/**
 * True when a connection the target already holds is still carried at t. While draining, ELB
 * "waits until in-flight requests have completed" (nlbRegisterTargets). When the delay ends an NLB
 * closes what is left only if deregistration_delay.connection_termination.enabled is true
 * (nlbTargetGroupAttributes); otherwise the flows go on. An ALB ends the deregistration with the
 * delay, and a request still running then is cut (the ALB page: a target that closes before the
 * delay gives the client a 5xx; the model treats the end of the delay as the end of ALB flows).
 */
export function keepsExistingConnection(
  s: TargetGroupModelSettings,
  events: readonly TargetEvent[],
  t: number
): boolean {
  const session = sessionAt(events, t)
  if (session === undefined) return false
  const d = session.deregisteredAt
  if (d === undefined || d > t) return true
  if (t < d + drainingMs(s)) return true
  return s.kind === 'nlb' && !s.connectionTermination
}
