// The narrow interfaces the rollout talks to. AWS adapters (src/aws), the fleet simulator
// (__tests__/sim) and moto_server all sit behind these, so the orchestration never sees an SDK.

import type { Target, TargetGroup, TargetHealth } from '../fleet/types.js'

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

/** What to run on hosts through SSM Run Command. */
export interface CommandSpec {
  documentName: string
  parameters: Record<string, string[]>
  /** How long SSM may wait to deliver the command (SendCommand TimeoutSeconds). */
  deliveryTimeoutSeconds: number
  comment: string
}

/** One SendCommand call: SSM takes at most 50 instances per call. */
export interface SentCommand {
  commandId: string
  instanceIds: string[]
}

export type InvocationStatus =
  | 'Pending'
  | 'InProgress'
  | 'Delayed'
  | 'Success'
  | 'Cancelled'
  | 'Cancelling'
  | 'TimedOut'
  | 'Failed'
  | 'Undeliverable'
  | 'DeliveryTimedOut'
  | 'InvalidPlatform'
  | 'AccessDenied'
  | 'Terminated'

export interface Invocation {
  instanceId: string
  status: InvocationStatus | string
  statusDetails?: string
  /** -1 when the script never ran. */
  responseCode?: number
  /** Plugin output as ListCommandInvocations returns it with Details (first 2,500 characters). */
  output?: string
}

export interface CommandOutput {
  stdout: string
  stderr: string
}

export type PingStatus = 'Online' | 'ConnectionLost' | 'Inactive' | 'Unknown'

export interface CommandRunner {
  /** Sends one command to the hosts, split into calls of at most 50 instance IDs. */
  send(instanceIds: string[], spec: CommandSpec): Promise<SentCommand[]>
  /** The invocations of one command: one ListCommandInvocations call per page, never one per host. */
  invocations(commandId: string): Promise<Invocation[]>
  /** Full stdout/stderr of one invocation (GetCommandInvocation), for a failed host's report. */
  output(commandId: string, instanceId: string): Promise<CommandOutput>
  cancel(commandId: string, instanceIds: string[]): Promise<void>
  /** SSM agent ping status per instance (DescribeInstanceInformation): read-only. */
  pingStatus(instanceIds: string[]): Promise<Map<string, PingStatus>>
}

/** What DescribeAlarms says about the alarms named by the `alarms` input. */
export interface AlarmStatus {
  /** Named alarms currently in ALARM. */
  firing: string[]
  /** Named alarms that do not exist (DescribeAlarms returns only existing ones). */
  missing: string[]
}

/** CloudWatch alarms named by the `alarms` input. */
export interface AlarmSource {
  /** The named alarms currently in ALARM (an alarm that does not exist is not firing). */
  firing(alarmNames: string[]): Promise<string[]>
  /** Firing and missing alarms in one read; without it, existence cannot be checked. */
  describe?(alarmNames: string[]): Promise<AlarmStatus>
}

/** A key-value store with create-if-absent, for the per-target-group run lock. */
export interface LockStore {
  /** Creates the entry; false when it already exists. */
  create(name: string, value: string): Promise<boolean>
  read(name: string): Promise<string | undefined>
  overwrite(name: string, value: string): Promise<void>
  delete(name: string): Promise<void>
}
