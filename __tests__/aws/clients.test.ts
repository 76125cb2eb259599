import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm'
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { refusalOf } from '../../src/shared/errors.js'
import { callOf, describeRefusal } from '../../src/shared/aws-failure.js'
import { CLIENT_CONFIG, createClients, type AwsClients } from '../../src/aws/clients.js'
import { awsPorts } from '../../src/aws/adapters.js'
import { ElbLoadBalancer } from '../../src/aws/elb.js'
import { SsmCommandRunner } from '../../src/aws/ssm.js'
import { CloudWatchAlarms } from '../../src/aws/cloudwatch.js'

interface HandlerConfig {
  requestTimeout?: number
  connectionTimeout?: number
  throwOnRequestTimeout?: boolean
}

/** NodeHttpHandler resolves its options lazily; its configProvider holds them from the start. */
interface NodeHandler {
  configProvider: Promise<HandlerConfig>
  updateHttpClientConfig(key: keyof HandlerConfig, value: number): void
}

const handlerOf = (client: NonNullable<AwsClients[keyof AwsClients]>) =>
  client.config.requestHandler as unknown as NodeHandler

const ENV_KEYS = ['AWS_REGION', 'AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']
const savedEnv: Record<string, string | undefined> = {}

let server: http.Server
let requests = 0

beforeAll(async () => {
  // The first request hangs forever; every later one gets an empty answer.
  server = http.createServer((req, res) => {
    requests += 1
    req.resume()
    if (requests === 1) return
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
      res.end(JSON.stringify({ InstanceInformationList: [] }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  for (const k of ENV_KEYS) savedEnv[k] = process.env[k]
  Object.assign(process.env, {
    AWS_REGION: 'ap-south-1',
    AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret'
  })
})

afterAll(async () => {
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k]
    else process.env[k] = savedEnv[k]
  }
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('createClients', () => {
  it('gives every client adaptive retries, maxAttempts and the region asked for', async () => {
    const { ssmSend, ...clients } = createClients('eu-west-1')
    // SendCommand's own client never retries: it is not idempotent (aws/send-once.ts).
    expect(await ssmSend!.config.maxAttempts()).toBe(1)
    expect(await ssmSend!.config.region()).toBe('eu-west-1')
    ssmSend!.destroy()
    for (const client of Object.values(clients)) {
      expect(client.config.retryMode).toBe('adaptive')
      // What the retry middleware actually uses: the adaptive strategy (client-side rate limiting).
      const strategy = (await client.config.retryStrategy()) as { mode?: string }
      expect(strategy.mode).toBe('adaptive')
      expect(await client.config.maxAttempts()).toBe(CLIENT_CONFIG.maxAttempts)
      expect(await client.config.region()).toBe('eu-west-1')
      client.destroy()
    }
    // Enough to ride out a burst; few enough that a refused connection gives up in seconds.
    expect(CLIENT_CONFIG.maxAttempts).toBeGreaterThanOrEqual(3)
    expect(CLIENT_CONFIG.maxAttempts).toBeLessThanOrEqual(5)
  })

  it('gives every client request and connection timeouts that throw instead of only warning', async () => {
    const clients = createClients('eu-west-1')
    for (const client of Object.values(clients)) {
      const config = await handlerOf(client).configProvider
      expect(config.requestTimeout).toBe(30_000)
      expect(config.connectionTimeout).toBe(3_000)
      // @smithy/node-http-handler only logs a warning at requestTimeout without this.
      expect(config.throwOnRequestTimeout).toBe(true)
      client.destroy()
    }
  })

  it('falls back to AWS_REGION when aws-region is not given', async () => {
    const clients = createClients(undefined)
    expect(await clients.ssm.config.region()).toBe('ap-south-1')
    for (const client of Object.values(clients)) client.destroy()
  })

  it('a call whose answer never comes times out and is retried instead of hanging the job', async () => {
    const clients = createClients(undefined)
    // Only the timeout is shortened for the test; everything else is as createClients made it.
    handlerOf(clients.ssm).updateHttpClientConfig('requestTimeout', 300)
    const started = Date.now()
    const out = await clients.ssm.send(new DescribeInstanceInformationCommand({}))
    expect(out.InstanceInformationList).toEqual([])
    expect(requests).toBe(2)
    expect(out.$metadata.attempts).toBe(2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
    for (const client of Object.values(clients)) client.destroy()
  }, 15_000)
})

describe('a closed endpoint', () => {
  /** A loopback port nothing listens on: bound once, then closed. */
  async function closedPort(): Promise<number> {
    const s = http.createServer()
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
    const { port } = s.address() as AddressInfo
    await new Promise((resolve) => s.close(resolve))
    return port
  }

  it('fails within seconds, each attempt a debug line, the error naming its call and endpoint', async () => {
    const port = await closedPort()
    const endpoint = `http://127.0.0.1:${port}`
    const saved = process.env.AWS_ENDPOINT_URL
    process.env.AWS_ENDPOINT_URL = endpoint
    const debug: string[] = []
    // The real client as createClients makes it, retries included: the SDK's backoff before
    // each retry is 100 ms doubling with full jitter, so five attempts take at most 1.5 s.
    const clients = createClients('eu-west-3', { debug: (m) => debug.push(m) })
    try {
      const started = Date.now()
      const err = await clients.elb.send(new DescribeTargetGroupsCommand({})).catch((e) => e)
      expect(Date.now() - started).toBeLessThan(10_000)
      expect(refusalOf(err)).toBe('unreachable')
      expect(callOf(err)).toEqual({
        api: 'ElasticLoadBalancingV2.DescribeTargetGroups',
        iamAction: 'elasticloadbalancing:DescribeTargetGroups',
        endpoint
      })
      const attempts = debug.filter((l) => / failed on attempt \d of 5 /.test(l))
      expect(attempts).toHaveLength(CLIENT_CONFIG.maxAttempts)
      expect(attempts.at(-1)).toContain('attempt 5 of 5')
      expect(attempts[0]).toContain('ElasticLoadBalancingV2.DescribeTargetGroups')
      expect(attempts[0]).toContain('ECONNREFUSED')
      expect(debug.at(-1)).toMatch(/gave up after 5 attempt\(s\)/)
      const text = describeRefusal(err, 'eu-west-3')!
      expect(text).toContain(`at endpoint ${endpoint}`)
      expect(text).toContain('in region eu-west-3')
      expect(text).toContain('Fix: nothing answers at the endpoint')
    } finally {
      process.env.AWS_ENDPOINT_URL = saved
      for (const client of Object.values(clients)) client.destroy()
    }
  }, 20_000)
})

describe('awsPorts', () => {
  it('puts each adapter behind its port', () => {
    const clients = createClients('us-east-1')
    const ports = awsPorts(clients)
    expect(ports.lb).toBeInstanceOf(ElbLoadBalancer)
    expect(ports.runner).toBeInstanceOf(SsmCommandRunner)
    expect(ports.alarms).toBeInstanceOf(CloudWatchAlarms)
    for (const client of Object.values(clients)) client.destroy()
  })
})
