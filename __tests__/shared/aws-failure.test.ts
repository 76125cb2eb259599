// The one ::error a person reads when AWS cannot be reached or refuses the run: it names the call,
// the region and the endpoint, and each kind of refusal has its own fix.

import { describe, it, expect } from '@jest/globals'
import { describeRefusal, endpointVariables, type AwsCall } from '../../src/shared/aws-failure.js'

const DESCRIBE_TG: AwsCall = {
  api: 'ElasticLoadBalancingV2.DescribeTargetGroups',
  iamAction: 'elasticloadbalancing:DescribeTargetGroups',
  endpoint: 'https://elasticloadbalancing.eu-west-1.amazonaws.com'
}

/** An error as it leaves the SDK client: tagged with its call by aws/clients.ts. */
function tagged(err: Error, call: AwsCall = DESCRIBE_TG): Error {
  Object.defineProperty(err, '$call', { value: call, enumerable: false })
  return err
}

// Error names and statuses as AWS's common errors list them
// (https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html); ELB's query
// protocol spells access denied "AccessDenied". The credential error is the SDK's own.
const accessDenied = () =>
  tagged(
    Object.assign(new Error('User: arn:aws:sts::1:assumed-role/deploy is not authorized'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 }
    })
  )
const noCredentials = () =>
  tagged(
    Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError'
    })
  )
const expired = () =>
  tagged(
    Object.assign(new Error('The security token included in the request is expired'), {
      name: 'ExpiredTokenException',
      $metadata: { httpStatusCode: 403 }
    })
  )
const refused = (endpoint: string) =>
  tagged(
    Object.assign(new Error(`connect ECONNREFUSED ${endpoint.replace('http://', '')}`), {
      code: 'ECONNREFUSED'
    }),
    {
      ...DESCRIBE_TG,
      endpoint
    }
  )

describe('describeRefusal', () => {
  it('an unreachable endpoint: names the call, the region, the endpoint and the variable to check', () => {
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:5998' }
    const text = describeRefusal(refused('http://127.0.0.1:5998'), 'eu-west-1', env)!
    expect(text).toContain('ElasticLoadBalancingV2.DescribeTargetGroups')
    expect(text).toContain('in region eu-west-1')
    expect(text).toContain('at endpoint http://127.0.0.1:5998')
    expect(text).toContain('(AWS_ENDPOINT_URL=http://127.0.0.1:5998)')
    expect(text).toContain('could not reach AWS')
    expect(text).toContain('ECONNREFUSED')
    expect(text).toMatch(/Fix: nothing answers at the endpoint: check AWS_ENDPOINT_URL\*/)
  })

  it('without an endpoint set, an unreachable AWS points at the region and the network', () => {
    const text = describeRefusal(refused('https://ssm.eu-wst-1.amazonaws.com'), 'eu-wst-1', {})!
    expect(text).toContain('in region eu-wst-1')
    expect(text).toMatch(/Fix: check the aws-region input.*\(proxy, firewall, DNS\)/)
  })

  it('missing credentials: says to provide them before this step', () => {
    const text = describeRefusal(noCredentials(), 'eu-west-1', {})!
    expect(text).toContain('was refused by AWS (CredentialsProviderError')
    expect(text).toMatch(/Fix: no AWS credentials were found: .*configure-aws-credentials/)
    expect(text).not.toContain('allow ')
  })

  it('access denied: names the IAM action to allow', () => {
    const text = describeRefusal(accessDenied(), 'eu-west-1', {})!
    expect(text).toContain(
      '(AccessDenied: User: arn:aws:sts::1:assumed-role/deploy is not authorized)'
    )
    expect(text).toMatch(
      /Fix: the role is not allowed to call this API: allow elasticloadbalancing:DescribeTargetGroups in its policy \(see docs\/iam\.md/
    )
    expect(text).not.toContain('no AWS credentials')
  })

  it('expired credentials: says to get fresh ones', () => {
    expect(describeRefusal(expired(), 'eu-west-1', {})).toMatch(
      /Fix: the AWS credentials have expired/
    )
  })

  it('falls back to AWS_REGION, and says nothing about errors that are no refusal', () => {
    expect(describeRefusal(accessDenied(), undefined, { AWS_REGION: 'ap-south-1' })).toContain(
      'in region ap-south-1'
    )
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })
    expect(describeRefusal(throttled, 'eu-west-1', {})).toBeUndefined()
  })
})

describe('endpointVariables', () => {
  it('lists AWS_ENDPOINT_URL and the per-service variables that are set, nothing else', () => {
    expect(
      endpointVariables({
        AWS_ENDPOINT_URL_SSM: 'http://localhost:1',
        AWS_ENDPOINT_URL: 'http://localhost:2',
        AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: '',
        AWS_REGION: 'x'
      })
    ).toEqual(['AWS_ENDPOINT_URL=http://localhost:2', 'AWS_ENDPOINT_URL_SSM=http://localhost:1'])
  })
})
