// SDK clients configured once: adaptive retry (client-side rate limiting against ELB's and
// SSM's token buckets) and request/connection timeouts, so no hung call can hang the job.

import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { SSMClient } from '@aws-sdk/client-ssm'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { USER_AGENT } from '../constants.js'

export interface AwsClients {
  elb: ElasticLoadBalancingV2Client
  ssm: SSMClient
  cloudwatch: CloudWatchClient
  /**
   * SendCommand only: the SDK never retries it (not idempotent); aws/send-once.ts settles an
   * unclear failure through ListCommands. Absent (test doubles): SendCommand goes through `ssm`.
   */
  ssmSend?: SSMClient
}

export const CLIENT_CONFIG = {
  retryMode: 'adaptive',
  maxAttempts: 8,
  // Without throwOnRequestTimeout, @smithy/node-http-handler 4.x only logs a warning when
  // requestTimeout passes and lets the call hang on.
  requestHandler: { requestTimeout: 30_000, connectionTimeout: 5_000, throwOnRequestTimeout: true }
} as const

export function createClients(region: string | undefined): AwsClients {
  const config = { ...CLIENT_CONFIG, region, customUserAgent: USER_AGENT }
  const clients = {
    elb: new ElasticLoadBalancingV2Client(config),
    ssm: new SSMClient(config),
    cloudwatch: new CloudWatchClient(config),
    ssmSend: new SSMClient({ ...config, retryMode: 'standard', maxAttempts: 1 })
  }
  // The SDK's logger middleware copies every input and output through its sensitive-data filter
  // even for its no-op logger: at 10,000 hosts that copy of each DescribeTargetHealth answer was
  // 15% of everything the run allocated. The action logs through @actions/core, not the SDK.
  for (const c of Object.values(clients)) c.middlewareStack.remove('loggerMiddleware')
  return clients
}
