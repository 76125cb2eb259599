// The load balancer port. Type-only module: no test file.

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

/** One instance on one port, as RegisterTargets/DeregisterTargets take it. */
export interface Target {
  instanceId: string
  port: number
}

export interface LoadBalancer {
  /** Resolves ARNs or names to target groups with their health-check settings and deregistration delay. */
  resolveTargetGroups(refs: string[]): Promise<TargetGroup[]>
  /**
   * Every target of one group, or only `targets` (a target not registered reads `unused`): one
   * DescribeTargetHealth call, whatever the number of hosts.
   */
  describeTargets(group: TargetGroup, targets?: Target[]): Promise<TargetHealth[]>
  deregister(targetGroupArn: string, targets: Target[]): Promise<void>
  register(targetGroupArn: string, targets: Target[]): Promise<void>
}
