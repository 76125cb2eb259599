// SDK clients configured once: adaptive retry (client-side rate limiting against ELB's and
// SSM's token buckets) and request/connection timeouts, so no hung call can hang the job.
// Every call is observed: each failed attempt is a debug line (visible with RUNNER_DEBUG=1), and
// the error that leaves the client names the call it came from (shared/aws-failure.ts words it).

import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { SSMClient } from '@aws-sdk/client-ssm'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { USER_AGENT } from '../constants.js'
import type { Log } from '../ports/log.js'
import { errorMessage, errorName, isThrottling } from '../shared/errors.js'
import type { AwsCall } from '../shared/aws-failure.js'

export interface AwsClients {
  elb: ElasticLoadBalancingV2Client
  ssm: SSMClient
  cloudwatch: CloudWatchClient
  /** Absent (a test's clients): the run looks at no scaling group. */
  autoscaling?: AutoScalingClient
  /**
   * SendCommand only: the SDK never retries it (not idempotent); aws/send-once.ts settles an
   * unclear failure through ListCommands. Absent (test doubles): SendCommand goes through `ssm`.
   */
  ssmSend?: SSMClient
}

export const CLIENT_CONFIG = {
  retryMode: 'adaptive',
  // Five attempts: with the SDK's backoff (100 ms base, doubling, full jitter) a refused
  // connection gives up within about 2 s, and a black-holed one within 5 × connectionTimeout;
  // throttling is waited out by the rollout's own poller beyond that, for minutes.
  maxAttempts: 5,
  // Without throwOnRequestTimeout, @smithy/node-http-handler 4.x only logs a warning when
  // requestTimeout passes and lets the call hang on. A TCP connect to an AWS endpoint takes
  // milliseconds; 3 s without one means nothing is there.
  requestHandler: { requestTimeout: 30_000, connectionTimeout: 3_000, throwOnRequestTimeout: true }
} as const

/** IAM's service prefix for each client (what an access-denied fix must name). */
const IAM_PREFIX: Record<string, string> = {
  ElasticLoadBalancingV2Client: 'elasticloadbalancing',
  SSMClient: 'ssm',
  CloudWatchClient: 'cloudwatch',
  AutoScalingClient: 'autoscaling'
}

interface CallContext {
  clientName?: string
  commandName?: string
}

interface MaybeHttpRequest {
  protocol?: string
  hostname?: string
  port?: number
}

function callOfContext(context: CallContext): AwsCall {
  const client = context.clientName ?? 'AWS'
  const operation = (context.commandName ?? 'Call').replace(/Command$/, '')
  const prefix = IAM_PREFIX[client] ?? client.replace(/Client$/, '').toLowerCase()
  return {
    api: `${client.replace(/Client$/, '')}.${operation}`,
    iamAction: `${prefix}:${operation}`
  }
}

function urlOf(request: unknown): string | undefined {
  const r = request as MaybeHttpRequest | undefined
  if (!r?.hostname) return undefined
  return `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}`
}

/** Anything with the SDK client's middleware stack (every client, the Auto Scaling one too). */
interface Observable {
  middlewareStack: {
    add: (mw: never, opts: { step: 'initialize'; name: string; priority: 'high' }) => void
    addRelativeTo: (
      mw: never,
      opts: { relation: 'after'; toMiddleware: string; name: string }
    ) => void
  }
}

/**
 * Adds the two observers to a client: one inside the SDK's retry loop (each attempt that fails
 * is a debug line: API, error, attempt), one outside it (the error that leaves names its call).
 */
export function observeCalls(client: Observable, log?: Pick<Log, 'debug'>): void {
  // Per call (the SDK builds one context per send): the URL its last attempt went to.
  const urls = new WeakMap<CallContext, string>()
  const attempts = new WeakMap<CallContext, number>()
  const perAttempt =
    (next: (args: { request?: unknown }) => Promise<unknown>, context: CallContext) =>
    async (args: { request?: unknown }) => {
      const url = urlOf(args.request)
      if (url) urls.set(context, url)
      const attempt = (attempts.get(context) ?? 0) + 1
      attempts.set(context, attempt)
      try {
        return await next(args)
      } catch (err) {
        const call = callOfContext(context)
        log?.debug(
          `AWS ${call.api} ${isThrottling(err) ? 'throttled' : 'failed'} on attempt ${attempt} of ${CLIENT_CONFIG.maxAttempts} (${errorName(err)}: ${errorMessage(err)})`
        )
        throw err
      }
    }
  const tagging =
    (next: (args: unknown) => Promise<unknown>, context: CallContext) => async (args: unknown) => {
      try {
        return await next(args)
      } catch (err) {
        if (err && typeof err === 'object' && !('$call' in err)) {
          const attempts = (err as { $metadata?: { attempts?: number } }).$metadata?.attempts
          const call: AwsCall = { ...callOfContext(context), endpoint: urls.get(context) }
          Object.defineProperty(err, '$call', { value: call, enumerable: false })
          log?.debug(
            `AWS ${call.api} gave up after ${attempts ?? '?'} attempt(s): ${errorName(err)}: ${errorMessage(err)}`
          )
        }
        throw err
      }
    }
  client.middlewareStack.addRelativeTo(perAttempt as never, {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    name: 'rollingDeployAttemptLog'
  })
  client.middlewareStack.add(tagging as never, {
    step: 'initialize',
    name: 'rollingDeployCallTag',
    priority: 'high'
  })
}

export function createClients(region: string | undefined, log?: Pick<Log, 'debug'>): AwsClients {
  const config = { ...CLIENT_CONFIG, region, customUserAgent: USER_AGENT }
  const clients = {
    elb: new ElasticLoadBalancingV2Client(config),
    ssm: new SSMClient(config),
    cloudwatch: new CloudWatchClient(config),
    autoscaling: new AutoScalingClient(config),
    ssmSend: new SSMClient({ ...config, retryMode: 'standard', maxAttempts: 1 })
  }
  // The SDK's logger middleware copies every input and output through its sensitive-data filter
  // even for its no-op logger: at 10,000 hosts that copy of each DescribeTargetHealth answer was
  // 15% of everything the run allocated. The action logs through @actions/core, not the SDK.
  for (const c of Object.values(clients)) {
    c.middlewareStack.remove('loggerMiddleware')
    observeCalls(c, log)
  }
  return clients
}
