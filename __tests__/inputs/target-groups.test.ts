import { describe, it, expect } from '@jest/globals'
import { settings, errors, onlyError, ARN } from './helpers.js'
import { Input } from '../../src/constants.js'

describe('target-groups', () => {
  it('is required', () => {
    for (const raw of ['', ' , \n ,']) {
      const e = onlyError({ [Input.TargetGroups]: raw })
      expect(e.input).toBe('target-groups')
      expect(e.message).toContain('required')
    }
  })

  it('splits on commas and newlines, trims, drops empties and duplicates', () => {
    const s = settings({ [Input.TargetGroups]: ` web ,api\n\n${ARN}\r\nweb,, api ` })
    expect(s.targetGroups).toEqual(['web', 'api', ARN])
  })

  it.each([
    ARN,
    'arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:targetgroup/web-1/73e2d6bc24d8a067',
    'arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/A/1'
  ])('accepts the ARN %s (in its region)', (arn) => {
    const region = arn.split(':')[3] as string
    expect(settings({ [Input.TargetGroups]: arn, [Input.AwsRegion]: region }).targetGroups).toEqual(
      [arn]
    )
  })

  it.each(['a', 'web-1', 'Web2', 'x'.repeat(32), 'a-b-c'])('accepts the name %s', (name) => {
    expect(settings({ [Input.TargetGroups]: name }).targetGroups).toEqual([name])
  })

  it.each([
    'x'.repeat(33),
    '-web',
    'web-',
    'my_tg',
    'web tg',
    'web;rm',
    'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef',
    'arn:aws:elasticloadbalancing:us-east-1:12345:targetgroup/web/0123456789abcdef',
    'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/-web/0123456789abcdef',
    'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web',
    'arn:aws:ec2:us-east-1:123456789012:targetgroup/web/0123456789abcdef'
  ])('rejects %j with the fix', (entry) => {
    const e = onlyError({ [Input.TargetGroups]: `good, ${entry}` })
    expect(e.input).toBe('target-groups')
    expect(e.value).toBe(`good, ${entry}`)
    expect(e.message).toContain(JSON.stringify(entry))
    expect(e.message).toContain('1–32 letters, digits and hyphens')
  })

  it('reports every bad entry', () => {
    const es = errors({ [Input.TargetGroups]: 'ok, -a, b_, c' })
    expect(es.map((e) => e.input)).toEqual(['target-groups', 'target-groups'])
    expect(es[0]?.message).toContain('"-a"')
    expect(es[1]?.message).toContain('"b_"')
  })

  it('rejects an ARN from another region than aws-region', () => {
    const e = onlyError({ [Input.TargetGroups]: ARN, [Input.AwsRegion]: 'eu-west-1' })
    expect(e.input).toBe('target-groups')
    expect(e.message).toContain('us-east-1')
    expect(e.message).toContain('set aws-region to us-east-1')
  })
})
