// SSM Run Command behind the CommandRunner port.

import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  SSMClient,
  SendCommandCommand,
  type SendCommandCommandInput,
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
import { isUnclear, sendOnce } from './send-once.js'
import { randomUUID } from 'node:crypto'

const SSM_STDOUT_MAX = 24_000
const SSM_STDERR_MAX = 8_000

/** SendCommand's outcome stayed unknown: sending again could run the command twice. */
export class SendUnclearError extends Error {
  override name = 'SendUnclearError'
}

export class SsmCommandRunner implements CommandRunner {
  private sender: Promise<SSMClient> | undefined

  constructor(
    private readonly client: SSMClient,
    /** The SDK-retry-free client for SendCommand and the pause between lookups (tests inject). */
    private readonly sending: { client?: SSMClient; sleep?: (ms: number) => Promise<void> } = {}
  ) {
    if (sending.client) this.sender = Promise.resolve(sending.client)
  }

  /** Without a retry-free client (test doubles of the SDK): one plain SendCommand. */
  private async sendPlain(input: SendCommandCommandInput): Promise<string> {
    const out = await this.client.send(
      new SendCommandCommand({ ...input, Comment: input.Comment?.slice(0, 100) })
    )
    return out.Command?.CommandId ?? ''
  }

  /**
   * SendCommand is not idempotent: it goes through send-once.ts, on a client the SDK never
   * retries, and an unclear failure is settled by ListCommands before any new send.
   */
  private async sendOne(input: SendCommandCommandInput): Promise<string> {
    if (!this.sender) return this.sendPlain(input)
    const sent = await sendOnce(input, {
      send: await this.sender,
      lookup: this.client,
      now: () => Date.now(),
      sleep: this.sending.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      token: () => randomUUID()
    }).catch((err: unknown) => {
      // No caller may retry this: SSM may have taken it, and ListCommands did not show it.
      if (isUnclear(err))
        throw new SendUnclearError(
          `SendCommand failed without a clear answer (${(err as Error).name}: ${(err as Error).message}) and ListCommands did not find it: not sent again, so the command never runs twice`
        )
      throw err
    })
    return sent.commandId
  }

  async send(instanceIds: string[], spec: CommandSpec): Promise<SentCommand[]> {
    const sent: SentCommand[] = []
    for (const chunk of chunks(instanceIds, MAX_INSTANCES_PER_COMMAND)) {
      const commandId = await this.sendOne({
        InstanceIds: chunk,
        DocumentName: spec.documentName,
        Parameters: spec.parameters,
        // Every host gets the command and is judged on its own: with SSM's defaults
        // (MaxErrors 0) one failed invocation would stop delivery to the rest.
        MaxConcurrency: '100%',
        MaxErrors: '100%',
        TimeoutSeconds: spec.deliveryTimeoutSeconds,
        Comment: spec.comment
      })
      sent.push({ commandId, instanceIds: chunk })
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
    const stdout = out.StandardOutputContent ?? ''
    const stderr = out.StandardErrorContent ?? ''
    // GetCommandInvocation: "StandardOutputContent: the first 24,000 characters written by the
    // plugin to stdout" (stderr: 8,000). At that length, the end of the output is not here.
    const truncated = stdout.length >= SSM_STDOUT_MAX || stderr.length >= SSM_STDERR_MAX
    return { stdout, stderr, ...(truncated ? { truncated } : {}) }
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
