// A target group's settings as the model needs them, in milliseconds, with the defaults AWS
// documents (or, where AWS documents none, the figures users measured; see README.md).

export type LoadBalancerKind = 'alb' | 'nlb'

export interface TargetGroupModelSettings {
  kind: LoadBalancerKind
  /** HealthCheckIntervalSeconds × 1000. Default 30 s (albHealthChecks). */
  intervalMs: number
  /** HealthyThresholdCount: consecutive passes an UNHEALTHY target needs to come back (albHealthChecks). */
  healthyThreshold: number
  /** UnhealthyThresholdCount: consecutive failures that take a target out of service (albHealthChecks). */
  unhealthyThreshold: number
  /** deregistration_delay.timeout_seconds × 1000. Default 300 s (targetGroupAttributeApi). */
  deregistrationDelayMs: number
  /**
   * When, after RegisterTargets, the first health check happens (0 < phase <= interval).
   * AWS does not document it for ALB; the model says "within one interval" and lets the caller
   * pick the phase. Default: a whole interval, the slowest case.
   */
  firstCheckPhaseMs?: number
  /**
   * NLB: time for the registration to complete before health checks start ("It can take a few
   * minutes for the registration process to complete and health checks to start",
   * nlbHealthChecks); measured at about 120 s (nlbRegistrationDocPr) and about 3 minutes
   * (lbcIssue1834). ALB: 0 (its page says nothing of the kind).
   */
  registrationPropagationMs: number
  /**
   * NLB: time for a deregistration to complete ("It can take a few minutes for the deregistration
   * process to complete", nlbRegisterTargets); users saw `draining` last about 2 minutes with a
   * 5 s delay (lbcIssue3270). The model shows `draining` for this plus the delay. ALB: 0.
   */
  deregistrationPropagationMs: number
  /**
   * How long after DeregisterTargets the data plane still sends NEW requests to the target.
   * AWS documents none ("stops routing requests to a target as soon as it is deregistered");
   * users measured 15-20 s on ALB (lbcIssue2366, lbcIssue1064; about 10 s of "ELB API
   * propagation" per the maintainers in lbcIssue1719) and about 2 minutes on NLB (lbcIssue2366,
   * containersRoadmap470).
   */
  newRequestWindowMs: number
  /** NLB deregistration_delay.connection_termination.enabled (nlbTargetGroupAttributes). Default false. */
  connectionTermination: boolean
}

/** AWS's defaults for each kind; override what a test or seed sets. */
export function targetGroupSettings(
  kind: LoadBalancerKind,
  overrides: Partial<TargetGroupModelSettings> = {}
): TargetGroupModelSettings {
  const base: TargetGroupModelSettings =
    kind === 'alb'
      ? {
          kind,
          intervalMs: 30_000,
          healthyThreshold: 5,
          unhealthyThreshold: 2,
          deregistrationDelayMs: 300_000,
          registrationPropagationMs: 0,
          deregistrationPropagationMs: 0,
          newRequestWindowMs: 20_000,
          connectionTermination: false
        }
      : {
          kind,
          intervalMs: 30_000,
          healthyThreshold: 5,
          unhealthyThreshold: 2,
          deregistrationDelayMs: 300_000,
          registrationPropagationMs: 120_000,
          deregistrationPropagationMs: 120_000,
          newRequestWindowMs: 120_000,
          connectionTermination: false
        }
  return { ...base, ...overrides }
}
