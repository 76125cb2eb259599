// The command runner port: runs a command on hosts and reads its invocations (SSM Run Command
// today). Type-only module: it holds no behaviour, so it has no test file.

/** SendCommand's documented limit on InstanceIds: the rollout sends no more per call. */
export const MAX_INSTANCES_PER_COMMAND = 50

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
  /** The runner gave only the start of a longer output (SSM: the first 24,000 characters). */
  truncated?: boolean
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
