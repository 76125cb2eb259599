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
} from '../rollout/ports.js'

/** SendCommand's documented limit on InstanceIds. */
export const MAX_INSTANCES_PER_COMMAND = 50

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
        all.push({
          instanceId: inv.InstanceId,
          status: inv.Status ?? 'Pending',
          statusDetails: inv.StatusDetails,
          responseCode: plugins.find((p) => p.ResponseCode !== undefined)?.ResponseCode,
          output: plugins.map((p) => p.Output ?? '').join('')
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
    await this.client.send(new CancelCommandCommand({ CommandId: commandId, InstanceIds: instanceIds }))
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
          if (info.InstanceId) status.set(info.InstanceId, (info.PingStatus ?? 'Unknown') as PingStatus)
        }
      }
    }
    return status
  }
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
