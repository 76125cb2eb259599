// The one line a person reads when AWS could not be reached or refused the run: which call, in
// which region, at which endpoint, what went wrong, and what to do about it. The SDK client
// (aws/clients.ts) tags every error with the call it came from (AwsCall); the rest is read from
// the environment the SDK itself reads.

import { errorMessage, errorName, refusalOf, type Refusal } from './errors.js'

/** What aws/clients.ts attaches to an error as `$call`. */
export interface AwsCall {
  /** e.g. "ElasticLoadBalancingV2.DescribeTargetGroups" */
  api: string
  /** The IAM action the call needs, e.g. "elasticloadbalancing:DescribeTargetGroups". */
  iamAction: string
  /** The URL the call went to (the endpoint the SDK resolved, AWS_ENDPOINT_URL* when set). */
  endpoint?: string
}

export function callOf(err: unknown): AwsCall | undefined {
  return (err as { $call?: AwsCall } | undefined)?.$call
}

/** AWS_ENDPOINT_URL and the per-service AWS_ENDPOINT_URL_<SERVICE> variables that are set. */
export function endpointVariables(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((k) => /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(k) && env[k])
    .sort()
    .map((k) => `${k}=${env[k]}`)
}

function fixFor(refusal: Refusal, call: AwsCall | undefined, endpointSet: boolean): string {
  switch (refusal) {
    case 'unreachable':
      return endpointSet
        ? 'nothing answers at the endpoint: check AWS_ENDPOINT_URL* (a local emulator must be started first, see README "Development")'
        : 'check the aws-region input (or AWS_REGION) and that the runner can reach AWS (proxy, firewall, DNS)'
    case 'no-credentials':
      return 'no AWS credentials were found: add a step before this one that provides them, e.g. aws-actions/configure-aws-credentials with role-to-assume (and `permissions: id-token: write` for OIDC)'
    case 'expired-credentials':
      return 'the AWS credentials have expired: get fresh ones before this step, and for long rollouts raise role-duration-seconds in configure-aws-credentials'
    case 'invalid-credentials':
      return 'AWS rejected the credentials (unknown key, bad secret or session token): check the secrets or the role configured before this step'
    case 'access-denied':
      return `the role is not allowed to call this API: allow ${call?.iamAction ?? 'the action named above'} in its policy (see docs/iam.md for the full policy)`
  }
}

/**
 * The step's error when an AWS call ended the run; undefined when the error is not one of the
 * refusals (the caller words it as a plain AWS error).
 */
export function describeRefusal(
  err: unknown,
  region: string | undefined,
  env: NodeJS.ProcessEnv = process.env
): string | undefined {
  const refusal = refusalOf(err)
  if (!refusal) return undefined
  const call = callOf(err)
  const endpoints = endpointVariables(env)
  const where = [
    call ? call.api : 'an AWS call',
    `in region ${region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '(none set)'}`,
    call?.endpoint ? `at endpoint ${call.endpoint}` : '',
    endpoints.length > 0 ? `(${endpoints.join(', ')})` : ''
  ]
    .filter(Boolean)
    .join(' ')
  const what = refusal === 'unreachable' ? 'could not reach AWS' : 'was refused by AWS'
  return `${where} ${what} (${errorName(err)}: ${errorMessage(err)}). Fix: ${fixFor(refusal, call, endpoints.length > 0)}.`
}
