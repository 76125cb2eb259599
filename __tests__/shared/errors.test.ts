import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  DescribeInstanceInformationCommand,
  InternalServerError,
  SSMClient
} from '@aws-sdk/client-ssm'
import { errorMessage, errorName, isThrottling, isTransient } from '../../src/shared/errors.js'

/** An error shaped like the SDK's ServiceException once its retries are spent. */
function serviceError(name: string, status: number, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 8 },
    ...extra
  })
}

/**
 * A Node network error as the SDK rethrows it: name Error, the kind in `code` (checked in plain
 * Node: ECONNREFUSED from SSMClient.send has keys errno, code, syscall, address, port, $metadata).
 * Not built through the SDK here: under jest's VM realm a Node core error is not `instanceof
 * Error`, so the SDK's retry middleware wraps it and the code is lost, which never happens in
 * the bundle.
 */
const networkError = (code: string) =>
  Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code })

describe('isThrottling / isTransient', () => {
  it.each([
    ['ThrottlingException', 400],
    ['Throttling', 400],
    ['TooManyRequestsException', 429],
    ['RequestLimitExceeded', 503],
    ['TooManyUpdates', 400]
  ])('%s (HTTP %d) is throttling, hence transient', (name, status) => {
    const err = serviceError(name, status)
    expect(isThrottling(err)).toBe(true)
    expect(isTransient(err)).toBe(true)
  })

  it('reads the SDK’s own throttling flag and HTTP 429 whatever the name', () => {
    expect(
      isThrottling(serviceError('SomethingNew', 400, { $retryable: { throttling: true } }))
    ).toBe(true)
    expect(isThrottling(serviceError('SomethingNew', 429))).toBe(true)
    expect(isTransient(serviceError('SomethingNew', 429))).toBe(true)
  })

  it.each([500, 502, 503, 504])('HTTP %d is transient but not throttling', (status) => {
    const err = serviceError('InternalFailure', status)
    expect(isTransient(err)).toBe(true)
    expect(isThrottling(err)).toBe(false)
  })

  it('a server fault or an error the SDK marks $retryable is transient', () => {
    expect(isTransient({ name: 'X', $fault: 'server' })).toBe(true)
    expect(isTransient({ name: 'X', $retryable: {} })).toBe(true)
    expect(isTransient(new InternalServerError({ message: 'oops', $metadata: {} }))).toBe(true)
  })

  it.each([
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'ETIMEDOUT',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH'
  ])('network error %s is transient', (code) => {
    expect(isTransient(networkError(code))).toBe(true)
    expect(isThrottling(networkError(code))).toBe(false)
  })

  it('the HTTP handler’s TimeoutError is transient', () => {
    expect(
      isTransient(Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }))
    ).toBe(true)
  })

  it.each([
    ['AccessDenied', 403],
    ['AccessDeniedException', 400],
    ['ValidationError', 400],
    ['ValidationException', 400],
    ['TargetGroupNotFoundException', 400],
    ['InvalidInstanceId', 400],
    ['UnrecognizedClientException', 400]
  ])('%s (HTTP %d) is neither transient nor throttling', (name, status) => {
    const err = serviceError(name, status)
    expect(isTransient(err)).toBe(false)
    expect(isThrottling(err)).toBe(false)
  })

  it('anything that is not an error object is not transient', () => {
    for (const v of [undefined, null, 'Throttling', 503, {}]) {
      expect(isTransient(v)).toBe(false)
      expect(isThrottling(v)).toBe(false)
    }
    expect(isTransient(new Error('plain'))).toBe(false)
  })
})

describe('errorName / errorMessage', () => {
  it('reads the name and message of anything thrown', () => {
    expect(errorName(serviceError('Throttling', 400))).toBe('Throttling')
    expect(errorName(undefined)).toBe('Error')
    expect(errorMessage(new Error('boom'))).toBe('boom')
    expect(errorMessage('text')).toBe('text')
  })
})

/**
 * The classification against errors the real SDK builds from real HTTP answers (query protocol
 * for ELB, JSON for SSM), not hand-made objects: a renamed field would show here.
 */
describe('errors from the real SDK', () => {
  let server: http.Server
  let endpoint: string
  let answer: { status: number; type: string; body: string } = {
    status: 200,
    type: 'text/xml',
    body: ''
  }

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(answer.status, { 'content-type': answer.type, 'x-amzn-requestid': 'req-1' })
        res.end(answer.body)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  const config = () => ({
    region: 'us-east-1',
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }
  })

  const elbError = (code: string) =>
    `<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} says no</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`

  async function elbCall(status: number, code: string): Promise<unknown> {
    answer = { status, type: 'text/xml', body: elbError(code) }
    const client = new ElasticLoadBalancingV2Client(config())
    try {
      return await client
        .send(new DescribeTargetGroupsCommand({ Names: ['web'] }))
        .catch((e: unknown) => e)
    } finally {
      client.destroy()
    }
  }

  async function ssmCall(status: number, type: string): Promise<unknown> {
    answer = {
      status,
      type: 'application/x-amz-json-1.1',
      body: JSON.stringify({ __type: type, message: 'no' })
    }
    const client = new SSMClient(config())
    try {
      return await client.send(new DescribeInstanceInformationCommand({})).catch((e: unknown) => e)
    } finally {
      client.destroy()
    }
  }

  it('ELB "Throttling: Rate exceeded" is throttling', async () => {
    const err = await elbCall(400, 'Throttling')
    expect(errorName(err)).toBe('Throttling')
    expect(isThrottling(err)).toBe(true)
    expect(isTransient(err)).toBe(true)
  })

  it('ELB AccessDenied is not transient', async () => {
    const err = await elbCall(403, 'AccessDenied')
    expect(errorName(err)).toBe('AccessDenied')
    expect(isTransient(err)).toBe(false)
  })

  it('SSM ThrottlingException is throttling, InternalServerError transient, ValidationException neither', async () => {
    const throttled = await ssmCall(400, 'ThrottlingException')
    expect(errorName(throttled)).toBe('ThrottlingException')
    expect(isThrottling(throttled)).toBe(true)

    const internal = await ssmCall(500, 'InternalServerError')
    expect(isTransient(internal)).toBe(true)
    expect(isThrottling(internal)).toBe(false)

    const invalid = await ssmCall(400, 'ValidationException')
    expect(isTransient(invalid)).toBe(false)
  })
})
