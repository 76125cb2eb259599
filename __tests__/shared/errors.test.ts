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
import {
  errorMessage,
  errorName,
  isThrottling,
  isTransient,
  refusalOf
} from '../../src/shared/errors.js'

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

  it.each(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED'])(
    'a connection that broke mid-call (%s) is transient',
    (code) => {
      expect(isTransient(networkError(code))).toBe(true)
      expect(isThrottling(networkError(code))).toBe(false)
      expect(refusalOf(networkError(code))).toBeUndefined()
    }
  )

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])(
    'no connection at all (%s) is unreachable, not transient: waiting minutes would hide it',
    (code) => {
      expect(refusalOf(networkError(code))).toBe('unreachable')
      expect(isTransient(networkError(code))).toBe(false)
    }
  )

  it('knows a refused connection by its text when the SDK wrapped it and lost the code', () => {
    const wrapped = new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1')
    expect(refusalOf(wrapped)).toBe('unreachable')
    // An answer from AWS is AWS's word, whatever its text says.
    expect(
      refusalOf(serviceError('ValidationError', 400, { message: 'connect ECONNREFUSED' }))
    ).toBe(undefined)
  })

  it('the HTTP handler’s connection timeout is unreachable; its request timeout is transient', () => {
    // The texts of @smithy/node-http-handler's setConnectionTimeout and setRequestTimeout.
    const connect = Object.assign(
      new Error(
        '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 3000 ms.'
      ),
      { name: 'TimeoutError' }
    )
    const request = Object.assign(
      new Error(
        '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 30000 ms requestTimeout.'
      ),
      { name: 'TimeoutError', code: 'ETIMEDOUT' }
    )
    expect(refusalOf(connect)).toBe('unreachable')
    expect(isTransient(connect)).toBe(false)
    expect(refusalOf(request)).toBeUndefined()
    expect(isTransient(request)).toBe(true)
  })

  // Names and statuses from AWS's common errors
  // (https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html); ELB's query
  // protocol spells access denied "AccessDenied" (403). CredentialsProviderError is the SDK's own,
  // thrown before any request when no provider in its chain finds credentials.
  it.each([
    ['CredentialsProviderError', 0, 'no-credentials'],
    ['ExpiredTokenException', 400, 'expired-credentials'],
    ['ExpiredToken', 403, 'expired-credentials'],
    ['InvalidClientTokenId', 403, 'invalid-credentials'],
    ['UnrecognizedClientException', 400, 'invalid-credentials'],
    ['AccessDenied', 403, 'access-denied'],
    ['AccessDeniedException', 400, 'access-denied']
  ])('%s (HTTP %d) is a refusal: %s', (name, status, refusal) => {
    const err = status ? serviceError(name, status) : Object.assign(new Error('no'), { name })
    expect(refusalOf(err)).toBe(refusal)
    expect(isTransient(err)).toBe(false)
  })

  it('throttling and server errors are no refusal', () => {
    expect(refusalOf(serviceError('ThrottlingException', 400))).toBeUndefined()
    expect(refusalOf(serviceError('InternalFailure', 500))).toBeUndefined()
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
