import { describe, it, expect } from '@jest/globals'
import fc from 'fast-check'
import { settings, errors, onlyError } from './helpers.js'
import { parseInputs } from '../../src/inputs/index.js'
import { Input } from '../../src/constants.js'
import type { Settings } from '../../src/settings.js'
import { readActionYml } from '../support/action-yml.js'

describe('defaults', () => {
  it('fills every default from the minimal inputs', () => {
    const expected: Settings = {
      targetGroups: ['web'],
      deploy: { kind: 'command', script: './deploy.sh' },
      batchSize: [{ kind: 'count', value: 1 }],
      canaryWaitMs: 0,
      healthPath: undefined,
      healthPort: undefined,
      healthTimeoutMs: 300_000,
      expectedVersion: undefined,
      maxFailures: { kind: 'count', value: 0 },
      minHealthyPercent: 50,
      skipUnhealthy: true,
      drainTimeoutMs: undefined,
      commandTimeoutMs: 600_000,
      onFailure: 'halt',
      rollbackCommand: undefined,
      alarms: [],
      lock: true,
      dryRun: false,
      environment: undefined,
      githubToken: undefined,
      region: 'us-east-1'
    }
    expect(settings()).toEqual(expected)
  })

  // The runner passes every action.yml default as text (INPUT_<NAME>); each one, given
  // explicitly, must mean what the parser assumes when the input is unset. github-token's
  // default is an expression the runner evaluates to the job's token, so it is not a fixed text.
  const DEFAULTS = Object.entries(readActionYml().inputs).flatMap(([name, input]) =>
    input.default === undefined || name === Input.GithubToken ? [] : [[name, input.default]]
  )

  it('reads a default for every optional input action.yml gives one', () => {
    expect(DEFAULTS.map(([name]) => name).sort()).toEqual(
      [
        Input.DocumentParameters,
        Input.BatchSize,
        Input.CanaryWait,
        Input.HealthTimeout,
        Input.MaxFailures,
        Input.MinHealthyPercent,
        Input.SkipUnhealthy,
        Input.CommandTimeout,
        Input.OnFailure,
        Input.Lock,
        Input.DryRun
      ].sort()
    )
  })

  it.each(DEFAULTS)(
    "takes action.yml's default %s: %j as parseInputs does when it is unset",
    (name, value) => {
      expect(settings({ [name]: value })).toEqual(settings())
    }
  )
})

describe('environment and github-token', () => {
  it('keeps them as given', () => {
    const s = settings({ [Input.Environment]: 'production', [Input.GithubToken]: 'ghs_abc' })
    expect(s.environment).toBe('production')
    expect(s.githubToken).toBe('ghs_abc')
  })
})

describe('errors', () => {
  const bad = {
    [Input.TargetGroups]: '',
    [Input.Command]: '',
    [Input.BatchSize]: '0',
    [Input.CanaryWait]: 'later',
    [Input.HealthPath]: 'health',
    [Input.HealthPort]: '99999',
    [Input.MaxFailures]: 'x',
    [Input.MinHealthyPercent]: '200',
    [Input.SkipUnhealthy]: 'perhaps',
    [Input.OnFailure]: 'rollback',
    [Input.Alarms]: 'b'.repeat(300),
    [Input.Lock]: 'sure',
    [Input.AwsRegion]: 'mars-1'
  }

  it('reports every invalid input together', () => {
    expect(
      errors(bad)
        .map((e) => e.input)
        .sort()
    ).toEqual(
      [
        'aws-region',
        'target-groups',
        'command',
        'batch-size',
        'canary-wait',
        'health-path',
        'health-port',
        'max-failures',
        'min-healthy-percent',
        'skip-unhealthy',
        'rollback-command',
        'alarms',
        'lock'
      ].sort()
    )
  })

  it('names the input and a fix in every message, on one line', () => {
    for (const e of errors(bad)) {
      expect(e.message).toContain(e.input)
      expect(e.message).toMatch(/: .*\b(use|set|list)\b/)
      expect(e.message).not.toMatch(/[\r\n]/)
      if (e.value !== '') expect(e.message).toContain(JSON.stringify(e.value))
    }
  })

  it('truncates long values to 200 characters', () => {
    const e = onlyError({ [Input.OnFailure]: 'z'.repeat(5000) })
    expect(e.value.length).toBeLessThanOrEqual(200)
    expect(e.value.startsWith('z'.repeat(150))).toBe(true)
    expect(e.message.length).toBeLessThan(400)
  })

  it('never splits a surrogate pair when truncating', () => {
    const e = onlyError({ [Input.OnFailure]: '😀'.repeat(300) })
    expect(e.value).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
  })

  it('never throws, whatever the inputs', () => {
    const names = Object.values(Input)
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...names), fc.string()),
        fc.string(),
        (values, region) => {
          const r = parseInputs((name) => values[name] ?? '', { AWS_REGION: region })
          if (!r.ok) {
            expect(r.errors.length).toBeGreaterThan(0)
            for (const e of r.errors) expect(e.value.length).toBeLessThanOrEqual(200)
          }
        }
      ),
      { numRuns: 500 }
    )
  })
})
