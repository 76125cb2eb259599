// What the fleet is made of: target groups, and hosts registered in them.

export interface TargetGroup {
  arn: string
  name: string
  /** instance, ip, lambda or alb: only instance groups can be deployed to through SSM. */
  targetType: string
  healthCheckPath?: string
  /** A port number as text, or 'traffic-port' (the port each target is registered on). */
  healthCheckPort: string
  healthCheckIntervalSeconds: number
  healthyThresholdCount: number
  deregistrationDelaySeconds: number
}

/** ELBv2 target health states (DescribeTargetHealth). */
export type TargetState =
  'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable'

/** One target of one group as the load balancer describes it. */
export interface TargetHealth {
  instanceId: string
  port: number
  state: TargetState
  /** e.g. Target.ResponseCodeMismatch */
  reason?: string
  description?: string
}

/** Where a host is registered: one entry per target group and port. */
export interface Registration {
  targetGroupArn: string
  port: number
}

/** One EC2 instance, however many groups and ports it is registered on. */
export interface Host {
  instanceId: string
  registrations: Registration[]
}

/** One instance on one port, as RegisterTargets/DeregisterTargets take it. */
export interface Target {
  instanceId: string
  port: number
}
