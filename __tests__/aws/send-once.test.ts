// A deploy sent once: SendCommand through a client without SDK retries, a token in the Comment,
// and after an unclear failure a ListCommands lookup before any second SendCommand.

import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mockClient } from 'aws-sdk-client-mock'
import {
  ListCommandsCommand,
  SSMClient,
  SSMServiceException,
  SendCommandCommand,
  type Command
} from '@aws-sdk/client-ssm'
import {
  COMMENT_MAX,
  createSendClient,
  isUnclear,
  sendOnce,
  tokenComment,
  type SendOnceDeps
} from '../../src/aws/send-once.js'

const sendClient = new SSMClient({ region: 'us-east-1' })
const lookupClient = new SSMClient({ region: 'us-east-1' })
const send = mockClient(sendClient)
const lookup = mockClient(lookupClient)

const T0 = Date.parse('2026-11-28T07:00:00Z')
let clock = T0
const slept: number[] = []
const deps: SendOnceDeps = {
  send: sendClient,
  lookup: lookupClient,
  now: () => clock,
  sleep: async (ms) => {
    slept.push(ms)
    clock += ms
  },
  token: () => 'tok123'
}
const input = {
  InstanceIds: ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2'],
  DocumentName: 'AWS-RunShellScript',
  Parameters: { commands: ['deploy v2'] },
  Comment: 'rolling-deploy batch 2 of 5'
}

/** A timeout as @smithy/node-http-handler raises it with throwOnRequestTimeout: no HTTP status. */
const timeout = () => Object.assign(new Error('Request timed out'), { name: 'TimeoutError' })
const serverError = () =>
  new SSMServiceException({
    name: 'InternalServerError',
    $fault: 'server',
    $metadata: { httpStatusCode: 500 }
  })
const throttled = () =>
  new SSMServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 }
  })
const refused = () =>
  new SSMServiceException({
    name: 'InvalidInstanceId',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 }
  })

// The ListCommands answers below follow API_ListCommands.html: Commands with their CommandId and
// Comment, filtered by the CommandFilter keys given. The docs are silent on how soon a command just
// taken is listed; the first test has it missing on the first look.

beforeEach(() => {
  send.reset()
  lookup.reset()
  clock = T0
  slept.length = 0
})

describe('sendOnce', () => {
  it('sends with the token at the end of the Comment and returns the CommandId', async () => {
    send.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } })
    expect(await sendOnce(input, deps)).toEqual({
      commandId: 'cmd-1',
      found: false,
      token: 'tok123'
    })
    expect(send.commandCalls(SendCommandCommand)[0]!.args[0].input.Comment).toBe(
      'rolling-deploy batch 2 of 5 [rd:tok123]'
    )
    expect(lookup.calls()).toHaveLength(0)
  })

  it('answer lost after SSM took the command: no second SendCommand, the found CommandId is returned', async () => {
    // SSM took it (it is listed with our Comment), but the answer never came back.
    send.on(SendCommandCommand).rejects(timeout())
    const taken: Command = {
      CommandId: 'cmd-taken',
      Comment: 'rolling-deploy batch 2 of 5 [rd:tok123]'
    }
    const other: Command = { CommandId: 'cmd-other', Comment: 'someone else [rd:zzz]' }
    lookup
      .on(ListCommandsCommand)
      .resolvesOnce({ Commands: [other] }) // not listed yet on the first look
      .resolves({ Commands: [other, taken] })
    const r = await sendOnce(input, deps)
    expect(r).toEqual({ commandId: 'cmd-taken', found: true, token: 'tok123' })
    expect(send.commandCalls(SendCommandCommand)).toHaveLength(1)
    const filters = lookup.commandCalls(ListCommandsCommand)[0]!.args[0].input.Filters
    expect(filters).toEqual([
      { key: 'InvokedAfter', value: new Date(T0 - 10 * 60_000).toISOString() },
      { key: 'DocumentName', value: 'AWS-RunShellScript' }
    ])
    expect(slept).toEqual([2_000, 5_000])
  })

  it('a 5xx whose command SSM never took: looked up over the window, then sent again', async () => {
    send
      .on(SendCommandCommand)
      .rejectsOnce(serverError())
      .resolves({ Command: { CommandId: 'cmd-2' } })
    lookup.on(ListCommandsCommand).resolves({ Commands: [] })
    expect(await sendOnce(input, deps)).toEqual({
      commandId: 'cmd-2',
      found: false,
      token: 'tok123'
    })
    expect(lookup.commandCalls(ListCommandsCommand)).toHaveLength(3)
    expect(send.commandCalls(SendCommandCommand)).toHaveLength(2)
  })

  it('a throttled call is clear (SSM refused it): sent again without a lookup', async () => {
    send
      .on(SendCommandCommand)
      .rejectsOnce(throttled())
      .resolves({ Command: { CommandId: 'cmd-3' } })
    expect((await sendOnce(input, deps)).commandId).toBe('cmd-3')
    expect(lookup.calls()).toHaveLength(0)
  })

  it('a refused call (4xx) is thrown at once: never sent again, never looked up', async () => {
    send.on(SendCommandCommand).rejects(refused())
    await expect(sendOnce(input, deps)).rejects.toThrow()
    expect(send.commandCalls(SendCommandCommand)).toHaveLength(1)
    expect(lookup.calls()).toHaveLength(0)
  })

  it('gives up after maxSends unclear failures that were never listed, with the last error', async () => {
    send.on(SendCommandCommand).rejects(timeout())
    lookup.on(ListCommandsCommand).resolves({ Commands: [] })
    await expect(sendOnce(input, deps, { maxSends: 2, lookupDelaysMs: [1_000] })).rejects.toThrow(
      'Request timed out'
    )
    expect(send.commandCalls(SendCommandCommand)).toHaveLength(2)
  })
})

describe('pieces', () => {
  it('the token always fits within the 100-character Comment', () => {
    const c = tokenComment('x'.repeat(150), 'abcdefghijklmnop')
    expect(c.length).toBeLessThanOrEqual(COMMENT_MAX)
    expect(c.endsWith('[rd:abcdefghijklmnop]')).toBe(true)
    expect(tokenComment(undefined, 't')).toBe('[rd:t]')
  })

  it('unclear: timeouts, network errors, 5xx; clear: any 4xx', () => {
    expect(isUnclear(timeout())).toBe(true)
    expect(isUnclear(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true)
    expect(isUnclear(serverError())).toBe(true)
    expect(isUnclear(throttled())).toBe(false)
    expect(isUnclear(refused())).toBe(false)
  })

  it('the send client makes exactly one HTTP request when SSM answers 500 (no SDK retry)', async () => {
    // A local stand-in for the SSM endpoint answering every call with a 500 (JSON 1.1 protocol
    // error shape, as SSM's API reference "Common Errors" lists InternalServerError).
    let requests = 0
    const server = http.createServer((req, res) => {
      requests++
      req.resume()
      res.statusCode = 500
      res.setHeader('content-type', 'application/x-amz-json-1.1')
      res.end(JSON.stringify({ __type: 'InternalServerError', message: 'boom' }))
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    const { port } = server.address() as AddressInfo
    const client = createSendClient('us-east-1', {
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }
    })
    try {
      await expect(client.send(new SendCommandCommand(input))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 500 }
      })
      expect(requests).toBe(1)
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()))
    }
  })
})
