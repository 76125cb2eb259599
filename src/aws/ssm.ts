// SSM Run Command behind the CommandRunner port.

import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  SSMClient,
  SendCommandCommand,
  paginateDescribeInstanceInformation,
  paginateListCommandInvocations
} from '@aws-sdk/client-ssm'
import type {
  CommandOutput,
  CommandRunner,
  CommandSpec,
  Invocation,
  PingStatus,
  SentCommand
} from '../ports/command-runner.js'
import { MAX_INSTANCES_PER_COMMAND } from '../ports/command-runner.js'
import { chunks } from '../shared/chunks.js'

export class SsmCommandRunner implements CommandRunner {
  constructor(private readonly client: SSMClient) {}

  async send(instanceIds: string[], spec: CommandSpec): Promise<SentCommand[]> {
    const sent: SentCommand[] = []
    for (const chunk of chunks(instanceIds, MAX_INSTANCES_PER_COMMAND)) {
      const out = await this.client.send(
        new SendCommandCommand({
          InstanceIds: chunk,
          DocumentName: spec.documentName,
          Parameters: spec.parameters,
          // Every host gets the command and is judged on its own: with SSM's defaults
          // (MaxErrors 0) one failed invocation would stop delivery to the rest.
          MaxConcurrency: '100%',
          MaxErrors: '100%',
          TimeoutSeconds: spec.deliveryTimeoutSeconds,
          Comment: spec.comment.slice(0, 100)
        })
      )
      sent.push({ commandId: out.Command?.CommandId ?? '', instanceIds: chunk })
    }
    return sent
  }

  async invocations(commandId: string): Promise<Invocation[]> {
    const all: Invocation[] = []
    const pages = paginateListCommandInvocations(
      { client: this.client },
      { CommandId: commandId, Details: true, MaxResults: MAX_INSTANCES_PER_COMMAND }
    )
    for await (const page of pages) {
      for (const inv of page.CommandInvocations ?? []) {
        if (!inv.InstanceId) continue
        const plugins = inv.CommandPlugins ?? []
        const codes = plugins.flatMap((p) => (p.ResponseCode === undefined ? [] : [p.ResponseCode]))
        all.push({
          instanceId: inv.InstanceId,
          status: invocationStatus(inv.Status, inv.StatusDetails),
          statusDetails: inv.StatusDetails,
          // The failing plugin's code when there is one (a multi-step document), else the first.
          responseCode: codes.find((c) => c !== 0) ?? codes[0],
          output: plugins
            .map((p) => p.Output ?? '')
            .filter(Boolean)
            .join('\n')
        })
      }
    }
    return all
  }

  async output(commandId: string, instanceId: string): Promise<CommandOutput> {
    const out = await this.client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })
    )
    return { stdout: out.StandardOutputContent ?? '', stderr: out.StandardErrorContent ?? '' }
  }

  async cancel(commandId: string, instanceIds: string[]): Promise<void> {
    await this.client.send(
      new CancelCommandCommand({ CommandId: commandId, InstanceIds: instanceIds })
    )
  }

  async pingStatus(instanceIds: string[]): Promise<Map<string, PingStatus>> {
    const status = new Map<string, PingStatus>()
    for (const chunk of chunks(instanceIds, MAX_INSTANCES_PER_COMMAND)) {
      const pages = paginateDescribeInstanceInformation(
        { client: this.client },
        { Filters: [{ Key: 'InstanceIds', Values: chunk }] }
      )
      for await (const page of pages) {
        for (const info of page.InstanceInformationList ?? []) {
          if (info.InstanceId)
            status.set(info.InstanceId, (info.PingStatus ?? 'Unknown') as PingStatus)
        }
      }
    }
    return status
  }
}

/**
 * SSM reports Undeliverable, DeliveryTimedOut, InvalidPlatform, AccessDenied and Terminated only
 * in StatusDetails (Status then reads Failed or TimedOut); the port wants the precise one.
 * The docs spell some with spaces ("Delivery Timed Out"): compared without them.
 */
const DETAILED = new Set([
  'Undeliverable',
  'DeliveryTimedOut',
  'InvalidPlatform',
  'AccessDenied',
  'Terminated'
])

export function invocationStatus(status: string | undefined, details: string | undefined): string {
  const detail = (details ?? '').replace(/\s+/g, '')
  if (DETAILED.has(detail)) return detail
  return status ?? 'Pending'
}
