// aws-region: from the input, else AWS_REGION, else AWS_DEFAULT_REGION, as the AWS SDK would.

import { Input } from '../constants.js'
import { show, type Fail } from './errors.js'

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/

export function parseRegion(
  input: string,
  env: Record<string, string | undefined>,
  fail: Fail
): string | undefined {
  const name = Input.AwsRegion
  const fromEnv = (key: string): { value: string; source: string } | undefined => {
    const v = env[key]?.trim()
    return v ? { value: v, source: ` (from ${key})` } : undefined
  }
  const found =
    input !== ''
      ? { value: input, source: '' }
      : (fromEnv('AWS_REGION') ?? fromEnv('AWS_DEFAULT_REGION'))
  if (found === undefined) {
    fail(
      name,
      '',
      `${name} is not set, nor AWS_REGION or AWS_DEFAULT_REGION: set aws-region or AWS_REGION, ` +
        'e.g. with aws-actions/configure-aws-credentials'
    )
    return undefined
  }
  if (!REGION.test(found.value)) {
    fail(
      name,
      found.value,
      `${name} ${show(found.value)}${found.source} is not an AWS region: use a region code ` +
        'such as us-east-1 or eu-west-2'
    )
    return undefined
  }
  return found.value
}
