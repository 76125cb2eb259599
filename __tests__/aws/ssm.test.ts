import { describe, it, expect, beforeEach } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import {
  CancelCommandCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SSMClient,
  SendCommandCommand,
  type CommandInvocation
} from '@aws-sdk/client-ssm'
import { MAX_INSTANCES_PER_COMMAND } from '../../src/ports/command-runner.js'
import { SsmCommandRunner, invocationStatus } from '../../src/aws/ssm.js'
import { chunks } from '../../src/shared/chunks.js'
import type { CommandSpec } from '../../src/ports/command-runner.js'

const client = new SSMClient({ region: 'us-east-1' })
const ssm = mockClient(client)
const runner = new SsmCommandRunner(client, { client, sleep: async () => {} })

const ids = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `i-${(from + i).toString(16).padStart(17, '0')}`)

/** Inputs as sent: the SDK paginators mutate their input object between pages. */
let inputs: Array<Record<string, unknown>> = []
const record = (input: object) => inputs.push(structuredClone(input) as Record<string, unknown>)

beforeEach(() => {
  ssm.reset()
  inputs = []
})

describe('send', () => {
  const spec: CommandSpec = {
    documentName: 'AWS-RunShellScript',
    parameters: { commands: ['./deploy.sh --version 1.2.3'], executionTimeout: ['600'] },
    deliveryTimeoutSeconds: 600,
    comment: `rolling-deploy ${'v'.repeat(150)}`
  }

  it('splits 51 instances into calls of 50 and 1 with the same document, parameters and timeout', async () => {
    let n = 0
    ssm.on(SendCommandCommand).callsFake(() => ({ Command: { CommandId: `cmd-${++n}` } }))
    const hosts = ids(51)

    const sent = await runner.send(hosts, spec)

    expect(MAX_INSTANCES_PER_COMMAND).toBe(50)
    expect(sent).toEqual([
      { commandId: 'cmd-1', instanceIds: hosts.slice(0, 50) },
      { commandId: 'cmd-2', instanceIds: hosts.slice(50) }
    ])
    const calls = ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input)
    expect(calls.map((c) => c.InstanceIds)).toEqual([hosts.slice(0, 50), hosts.slice(50)])
    for (const input of calls) {
      expect(input.DocumentName).toBe('AWS-RunShellScript')
      expect(input.Parameters).toEqual(spec.parameters)
      expect(input.TimeoutSeconds).toBe(600)
      // SendCommand's Comment takes at most 100 characters; it ends with the send-once token.
      expect(input.Comment!.length).toBeLessThanOrEqual(100)
      expect(input.Comment).toMatch(/^rolling-deploy v+ \[rd:[0-9a-f-]{36}\]$/)
      // Every host gets the command and is judged on its own: SSM's default MaxErrors of 0
      // would stop delivery after the first failed invocation.
      expect(input.MaxErrors).toBe('100%')
      expect(input.MaxConcurrency).toBe('100%')
    }
  })

  it('sends exactly 50 instances in one call', async () => {
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c' } })
    await runner.send(ids(50), spec)
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(1)
  })

  it('sends a document with its parameters', async () => {
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c' } })
    await runner.send(ids(1), {
      documentName: 'My-Deploy',
      parameters: { release: ['1.2.3'], flags: ['a', 'b'] },
      deliveryTimeoutSeconds: 30,
      comment: 'x'
    })
    const input = ssm.commandCalls(SendCommandCommand)[0]!.args[0].input
    expect(input).toMatchObject({
      DocumentName: 'My-Deploy',
      Parameters: { release: ['1.2.3'], flags: ['a', 'b'] },
      TimeoutSeconds: 30
    })
  })
})

describe('send once', () => {
  const spec: CommandSpec = {
    documentName: 'AWS-RunShellScript',
    parameters: { commands: ['./deploy.sh'] },
    deliveryTimeoutSeconds: 600,
    comment: 'rolling-deploy deploy'
  }

  it('finds a command whose answer was lost through ListCommands, and never sends it again', async () => {
    let taken: { CommandId: string; Comment?: string } | undefined
    ssm.on(SendCommandCommand).callsFake((input: { Comment?: string }) => {
      // SSM took it; the answer never reached us (a socket reset reads as a network error).
      taken = { CommandId: 'cmd-lost', Comment: input.Comment }
      throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })
    })
    ssm.on(ListCommandsCommand).callsFake(() => ({ Commands: taken ? [taken] : [] }))

    const sent = await runner.send(ids(2), spec)

    expect(sent).toEqual([{ commandId: 'cmd-lost', instanceIds: ids(2) }])
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(1)
  })

  it('refuses to send again when SSM may have taken it and ListCommands does not show it', async () => {
    ssm.on(SendCommandCommand).rejects(Object.assign(new Error('reset'), { name: 'TimeoutError' }))
    ssm.on(ListCommandsCommand).resolves({ Commands: [] })
    await expect(runner.send(ids(1), spec)).rejects.toMatchObject({ name: 'SendUnclearError' })
  })
})

describe('invocations', () => {
  const inv = (id: string, extra: Partial<CommandInvocation> = {}): CommandInvocation => ({
    CommandId: 'cmd-1',
    InstanceId: id,
    Status: 'Success',
    StatusDetails: 'Success',
    CommandPlugins: [{ Name: 'aws:runShellScript', ResponseCode: 0, Output: `out of ${id}` }],
    ...extra
  })

  it('reads every page with Details, one call per page, never one per host', async () => {
    ssm.on(ListCommandInvocationsCommand).callsFake((input: { NextToken?: string }) => {
      record(input)
      return input.NextToken === 'p2'
        ? { CommandInvocations: [inv('i-3')] }
        : { CommandInvocations: [inv('i-1'), inv('i-2')], NextToken: 'p2' }
    })

    const all = await runner.invocations('cmd-1')

    expect(all.map((i) => i.instanceId)).toEqual(['i-1', 'i-2', 'i-3'])
    expect(inputs).toEqual([
      { CommandId: 'cmd-1', Details: true, MaxResults: 50 },
      { CommandId: 'cmd-1', Details: true, MaxResults: 50, NextToken: 'p2' }
    ])
  })

  it('maps status, details, response code and plugin output', async () => {
    ssm.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        inv('i-ok'),
        inv('i-failed', {
          Status: 'Failed',
          StatusDetails: 'Failed',
          CommandPlugins: [{ Name: 'aws:runShellScript', ResponseCode: 3, Output: 'boom\n' }]
        }),
        inv('i-running', {
          Status: 'InProgress',
          StatusDetails: 'InProgress',
          CommandPlugins: [{ ResponseCode: -1 }]
        }),
        inv('i-new', { Status: undefined, StatusDetails: undefined, CommandPlugins: undefined }),
        { CommandId: 'cmd-1', Status: 'Success' }
      ]
    })

    expect(await runner.invocations('cmd-1')).toEqual([
      {
        instanceId: 'i-ok',
        status: 'Success',
        statusDetails: 'Success',
        responseCode: 0,
        output: 'out of i-ok'
      },
      {
        instanceId: 'i-failed',
        status: 'Failed',
        statusDetails: 'Failed',
        responseCode: 3,
        output: 'boom\n'
      },
      {
        instanceId: 'i-running',
        status: 'InProgress',
        statusDetails: 'InProgress',
        responseCode: -1,
        output: ''
      },
      {
        instanceId: 'i-new',
        status: 'Pending',
        statusDetails: undefined,
        responseCode: undefined,
        output: ''
      }
    ])
  })

  it('joins the output of several plugins and reports the failing plugin’s code', async () => {
    ssm.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        inv('i-1', {
          Status: 'Failed',
          CommandPlugins: [
            { Name: 'download', ResponseCode: 0, Output: 'downloaded' },
            { Name: 'install', ResponseCode: 2, Output: 'install failed' },
            { Name: 'skipped', Output: '' }
          ]
        })
      ]
    })
    const [one] = await runner.invocations('cmd-1')
    expect(one!.output).toBe('downloaded\ninstall failed')
    expect(one!.responseCode).toBe(2)
  })

  it('reports delivery problems SSM only names in StatusDetails as the status', async () => {
    ssm.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        inv('i-u', {
          Status: 'Failed',
          StatusDetails: 'Undeliverable',
          CommandPlugins: [{ ResponseCode: -1 }]
        }),
        inv('i-d', { Status: 'TimedOut', StatusDetails: 'DeliveryTimedOut', CommandPlugins: [] }),
        inv('i-e', { Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut' }),
        inv('i-p', { Status: 'Failed', StatusDetails: 'InvalidPlatform' }),
        inv('i-a', { Status: 'Failed', StatusDetails: 'AccessDenied' }),
        inv('i-t', { Status: 'Failed', StatusDetails: 'Terminated' }),
        inv('i-s', { Status: 'TimedOut', StatusDetails: 'Delivery Timed Out' })
      ]
    })
    const byId = new Map((await runner.invocations('cmd-1')).map((i) => [i.instanceId, i]))
    expect(byId.get('i-u')).toMatchObject({
      status: 'Undeliverable',
      statusDetails: 'Undeliverable',
      responseCode: -1
    })
    expect(byId.get('i-d')!.status).toBe('DeliveryTimedOut')
    expect(byId.get('i-e')!.status).toBe('TimedOut')
    expect(byId.get('i-p')!.status).toBe('InvalidPlatform')
    expect(byId.get('i-a')!.status).toBe('AccessDenied')
    expect(byId.get('i-t')!.status).toBe('Terminated')
    expect(byId.get('i-s')!.status).toBe('DeliveryTimedOut')
  })

  it('invocationStatus keeps the plain status when the details add nothing', () => {
    expect(invocationStatus('Success', 'Success')).toBe('Success')
    expect(invocationStatus('InProgress', 'Delayed')).toBe('InProgress')
    expect(invocationStatus('Cancelled', 'Cancelled')).toBe('Cancelled')
    expect(invocationStatus(undefined, undefined)).toBe('Pending')
  })

  it('returns nothing (no error) right after SendCommand when the list is still empty', async () => {
    ssm.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] })
    expect(await runner.invocations('cmd-new')).toEqual([])
  })
})

describe('output and cancel', () => {
  it('reads stdout and stderr of one invocation with GetCommandInvocation', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({
      StandardOutputContent: 'line 1\nline 2\n',
      StandardErrorContent: 'warning\n'
    })
    expect(await runner.output('cmd-1', 'i-1')).toEqual({
      stdout: 'line 1\nline 2\n',
      stderr: 'warning\n'
    })
    expect(ssm.commandCalls(GetCommandInvocationCommand)[0]!.args[0].input).toEqual({
      CommandId: 'cmd-1',
      InstanceId: 'i-1'
    })
  })

  it('marks an output SSM cut at its first 24,000 characters', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({ StandardOutputContent: 'x'.repeat(24_000) })
    expect(await runner.output('cmd-1', 'i-1')).toMatchObject({ truncated: true })
  })

  it('reads missing output as empty', async () => {
    ssm.on(GetCommandInvocationCommand).resolves({})
    expect(await runner.output('cmd-1', 'i-1')).toEqual({ stdout: '', stderr: '' })
  })

  it('cancels the named invocations of one command', async () => {
    ssm.on(CancelCommandCommand).resolves({})
    await runner.cancel('cmd-1', ['i-1', 'i-2'])
    expect(ssm.commandCalls(CancelCommandCommand).map((c) => c.args[0].input)).toEqual([
      { CommandId: 'cmd-1', InstanceIds: ['i-1', 'i-2'] }
    ])
  })
})

describe('pingStatus', () => {
  it('asks in chunks of 50, follows NextToken, and maps each instance', async () => {
    const hosts = ids(60)
    ssm
      .on(DescribeInstanceInformationCommand)
      .callsFake((input: { Filters?: Array<{ Values?: string[] }>; NextToken?: string }) => {
        record(input)
        const wanted = input.Filters![0]!.Values!
        if (wanted.length === 50 && input.NextToken === undefined) {
          // First chunk: answered over two pages.
          return {
            InstanceInformationList: wanted
              .slice(0, 30)
              .map((id) => ({ InstanceId: id, PingStatus: 'Online' })),
            NextToken: 'more'
          }
        }
        if (input.NextToken === 'more') {
          return {
            InstanceInformationList: wanted.slice(30).map((id, i) => ({
              InstanceId: id,
              PingStatus: i === 0 ? 'ConnectionLost' : 'Online'
            }))
          }
        }
        // Second chunk: one instance is not managed by SSM at all, one has no status.
        return {
          InstanceInformationList: [
            ...wanted.slice(0, 8).map((id) => ({ InstanceId: id, PingStatus: 'Inactive' })),
            { InstanceId: wanted[8] }
          ]
        }
      })

    const status = await runner.pingStatus(hosts)

    expect(inputs.map((i) => (i.Filters as Array<{ Values: string[] }>)[0]!.Values.length)).toEqual(
      [50, 50, 10]
    )
    expect(inputs.map((i) => i.NextToken)).toEqual([undefined, 'more', undefined])
    expect(inputs[0]!.Filters).toEqual([{ Key: 'InstanceIds', Values: hosts.slice(0, 50) }])
    expect(inputs[2]!.Filters).toEqual([{ Key: 'InstanceIds', Values: hosts.slice(50) }])
    expect(status.size).toBe(59)
    expect(status.get(hosts[0]!)).toBe('Online')
    expect(status.get(hosts[30]!)).toBe('ConnectionLost')
    expect(status.get(hosts[50]!)).toBe('Inactive')
    expect(status.get(hosts[58]!)).toBe('Unknown')
    expect(status.has(hosts[59]!)).toBe(false)
  })
})

describe('chunks', () => {
  it('splits in order without losing or repeating an item', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(chunks([], 50)).toEqual([])
    expect(chunks(ids(100), 50).map((c) => c.length)).toEqual([50, 50])
  })
})
