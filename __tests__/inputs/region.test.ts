import { describe, it, expect, afterEach } from '@jest/globals'
import { settings, onlyError } from './helpers.js'
import { parseInputs } from '../../src/inputs/index.js'
import { Input } from '../../src/constants.js'

describe('aws-region', () => {
  const saved = process.env.AWS_REGION
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_REGION
    else process.env.AWS_REGION = saved
  })

  it('prefers the input over the environment', () => {
    expect(settings({ [Input.AwsRegion]: 'eu-west-2' }, { AWS_REGION: 'us-west-2' }).region).toBe(
      'eu-west-2'
    )
  })

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION', () => {
    const both = { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' }
    expect(settings({ [Input.AwsRegion]: '' }, both).region).toBe('us-west-2')
    expect(settings({ [Input.AwsRegion]: '' }, { AWS_DEFAULT_REGION: 'ap-south-1' }).region).toBe(
      'ap-south-1'
    )
    expect(
      settings({ [Input.AwsRegion]: '' }, { AWS_REGION: '', AWS_DEFAULT_REGION: 'ap-south-1' })
        .region
    ).toBe('ap-south-1')
  })

  it('reads process.env when no env is passed', () => {
    process.env.AWS_REGION = 'sa-east-1'
    const values: Record<string, string> = {
      [Input.TargetGroups]: 'web',
      [Input.Command]: 'true'
    }
    const r = parseInputs((name) => values[name] ?? '')
    expect(r.ok && r.settings.region).toBe('sa-east-1')
  })

  it('reports a missing region with the fix', () => {
    const e = onlyError({ [Input.AwsRegion]: '' })
    expect(e.input).toBe('aws-region')
    expect(e.value).toBe('')
    expect(e.message).toContain('set aws-region or AWS_REGION')
    expect(e.message).toContain('aws-actions/configure-aws-credentials')
  })

  it.each(['us-east-1', 'us-gov-west-1', 'ap-southeast-2', 'eu-central-2', 'cn-north-1'])(
    'accepts %s',
    (region) => {
      expect(settings({ [Input.AwsRegion]: region }).region).toBe(region)
    }
  )

  it.each(['us-east', 'US-EAST-1', 'useast1', 'us-east-12', 'us-east-1a', 'us east 1'])(
    'rejects %j',
    (region) => {
      const e = onlyError({ [Input.AwsRegion]: region })
      expect(e.input).toBe('aws-region')
      expect(e.value).toBe(region)
      expect(e.message).toContain('us-east-1')
    }
  )

  it('says when a bad region came from the environment', () => {
    const e = onlyError({ [Input.AwsRegion]: '' }, { AWS_REGION: 'virginia' })
    expect(e.input).toBe('aws-region')
    expect(e.value).toBe('virginia')
    expect(e.message).toContain('AWS_REGION')
  })
})
