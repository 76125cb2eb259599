import { describe, it, expect, afterEach } from '@jest/globals'
import fc from 'fast-check'
import { formatInputError, parseDuration, parseInputs } from '../src/inputs.js'
import type { InputError } from '../src/inputs.js'
import { Input } from '../src/constants.js'
import type { Settings } from '../src/settings.js'
import { readActionYml } from './support/action-yml.js'

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'

/** The smallest valid set of inputs, with overrides; '' means unset like core.getInput. */
function parse(overrides: Record<string, string> = {}, env: Record<string, string> = {}) {
  const values: Record<string, string> = {
    [Input.TargetGroups]: 'web',
    [Input.Command]: './deploy.sh',
    [Input.AwsRegion]: 'us-east-1',
    ...overrides
  }
  return parseInputs((name) => values[name] ?? '', env)
}

function settings(overrides: Record<string, string> = {}, env: Record<string, string> = {}) {
  const r = parse(overrides, env)
  if (!r.ok) throw new Error(`expected valid inputs, got: ${JSON.stringify(r.errors)}`)
  return r.settings
}

function errors(overrides: Record<string, string> = {}, env: Record<string, string> = {}) {
  const r = parse(overrides, env)
  if (r.ok) throw new Error(`expected errors, got settings: ${JSON.stringify(r.settings)}`)
  return r.errors
}

/** The single error of a parse; fails when there are none or several. */
function onlyError(overrides: Record<string, string>, env: Record<string, string> = {}) {
  const es = errors(overrides, env)
  expect(es).toHaveLength(1)
  return es[0] as InputError
}

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['90', 90_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1h30m15s', 5_415_000],
    ['2m30s', 150_000],
    ['90m', 5_400_000],
    ['1.5m', 90_000],
    ['0.5s', 500],
    [' 5m ', 300_000],
    ['5M', 300_000],
    ['172800', 172_800_000]
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([
    '',
    '   ',
    '-5',
    '-5m',
    '+5',
    '5 m',
    '5min',
    '1d',
    '500ms',
    'm',
    '1h1h',
    '30m1h',
    '1e3',
    '0x10',
    '.5s',
    '5.s',
    '0.0001s',
    '1.5.2',
    'Infinity',
    'NaN',
    '99999999999999999999h'
  ])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })

  it('takes up to six decimals, beyond which float arithmetic stops being exact', () => {
    expect(parseDuration('1.500000m')).toBe(90_000)
    expect(parseDuration('1.5000000m')).toBeUndefined()
  })

  it('adds h, m and s components for any combination', () => {
    fc.assert(
      fc.property(
        fc.option(fc.nat(1000), { nil: undefined }),
        fc.option(fc.nat(1000), { nil: undefined }),
        fc.option(fc.nat(1000), { nil: undefined }),
        (h, m, s) => {
          fc.pre(h !== undefined || m !== undefined || s !== undefined)
          const text = `${h === undefined ? '' : `${h}h`}${m === undefined ? '' : `${m}m`}${s === undefined ? '' : `${s}s`}`
          expect(parseDuration(text)).toBe(((h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0)) * 1000)
        }
      )
    )
  })
})

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

describe('command and document', () => {
  it('keeps the command script as given, lines and all', () => {
    const script = 'set -e\ncd /srv/app\n./deploy.sh "$VERSION"'
    expect(settings({ [Input.Command]: script }).deploy).toEqual({ kind: 'command', script })
  })

  it('needs one of them', () => {
    const e = onlyError({ [Input.Command]: '' })
    expect(e.input).toBe('command')
    expect(e.message).toContain('set command')
    expect(e.message).toContain('document')
  })

  it('treats a whitespace-only command as unset', () => {
    expect(onlyError({ [Input.Command]: '  \n ' }).input).toBe('command')
  })

  it('refuses both, without echoing the script', () => {
    const e = onlyError({ [Input.Command]: 'echo s3cr3t', [Input.Document]: 'My-Deploy' })
    expect(e.input).toBe('document')
    expect(e.value).toBe('My-Deploy')
    expect(e.message).toContain('exactly one')
    expect(e.message).not.toContain('s3cr3t')
  })

  it('runs a document with its parameters normalised to string lists', () => {
    const s = settings({
      [Input.Command]: '',
      [Input.Document]: 'My-Deploy',
      [Input.DocumentParameters]: '{"version": "1.2.3", "steps": ["a", "b"], "none": []}'
    })
    expect(s.deploy).toEqual({
      kind: 'document',
      name: 'My-Deploy',
      parameters: { version: ['1.2.3'], steps: ['a', 'b'], none: [] }
    })
  })

  it('defaults document parameters to none', () => {
    const s = settings({ [Input.Command]: '', [Input.Document]: 'AWS-RunShellScript' })
    expect(s.deploy).toEqual({ kind: 'document', name: 'AWS-RunShellScript', parameters: {} })
  })

  it('accepts a shared document by ARN', () => {
    const name = 'arn:aws:ssm:us-east-1:123456789012:document/Deploy_App.v2'
    const s = settings({ [Input.Command]: '', [Input.Document]: name })
    expect(s.deploy).toEqual({ kind: 'document', name, parameters: {} })
  })

  it.each(['my doc', 'ab', 'x;rm -rf /', 'a'.repeat(201)])(
    'rejects the document name %j',
    (doc) => {
      const e = onlyError({ [Input.Command]: '', [Input.Document]: doc })
      expect(e.input).toBe('document')
      expect(e.message).toContain('AWS-RunShellScript')
    }
  )

  it.each([
    ['{commands: []}', 'not valid JSON'],
    ['{"a": "b"', 'not valid JSON'],
    ['[]', 'not a JSON object'],
    ['["a"]', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['"text"', 'not a JSON object'],
    ['42', 'not a JSON object'],
    ['{"timeout": 3600}', 'is a number'],
    ['{"flag": true}', 'is a boolean'],
    ['{"x": null}', 'is a null'],
    ['{"x": {"y": "z"}}', 'is a object'],
    ['{"commands": ["ok", 1]}', 'non-string'],
    ['{"": "x"}', 'empty parameter name']
  ])('rejects the document-parameters %s', (raw, problem) => {
    const e = onlyError({
      [Input.Command]: '',
      [Input.Document]: 'My-Deploy',
      [Input.DocumentParameters]: raw
    })
    expect(e.input).toBe('document-parameters')
    expect(e.value).toBe(raw)
    expect(e.message).toContain(problem)
    expect(e.message).toMatch(/use|quote|name every/)
  })

  it('refuses document-parameters with command', () => {
    const e = onlyError({ [Input.DocumentParameters]: '{"version": "1"}' })
    expect(e.input).toBe('document-parameters')
    expect(e.message).toContain('only applies to document')
  })

  it.each(['{}', '{ }', ' {\n} '])('lets the empty default %j pass with command', (raw) => {
    expect(settings({ [Input.DocumentParameters]: raw }).deploy.kind).toBe('command')
  })
})

describe('batch-size', () => {
  it.each([
    ['2', [{ kind: 'count', value: 2 }]],
    ['25%', [{ kind: 'percent', value: 25 }]],
    ['100%', [{ kind: 'percent', value: 100 }]],
    ['12.5%', [{ kind: 'percent', value: 12.5 }]],
    ['25 %', [{ kind: 'percent', value: 25 }]],
    [
      '1, 10%, 50%',
      [
        { kind: 'count', value: 1 },
        { kind: 'percent', value: 10 },
        { kind: 'percent', value: 50 }
      ]
    ],
    [
      '1\n2\n\n5',
      [
        { kind: 'count', value: 1 },
        { kind: 'count', value: 2 },
        { kind: 'count', value: 5 }
      ]
    ]
  ])('reads %j', (raw, expected) => {
    expect(settings({ [Input.BatchSize]: raw }).batchSize).toEqual(expected)
  })

  it('explains an invalid size and the forms it takes', () => {
    const e = onlyError({ [Input.BatchSize]: '0' })
    expect(e).toEqual({
      input: 'batch-size',
      value: '0',
      message:
        'batch-size "0" is invalid: use a count ≥ 1 (2), a percent over 0 and up to 100 (25%), ' +
        'or a list (1, 10%, 50%)'
    })
  })

  it.each(['0%', '101%', '-1', '1.5', 'abc', '%', '1e2', ' , '])('rejects %j', (raw) => {
    const e = onlyError({ [Input.BatchSize]: raw })
    expect(e.input).toBe('batch-size')
    expect(e.message).toContain('a list (1, 10%, 50%)')
  })

  it('names each bad entry of a list', () => {
    const es = errors({ [Input.BatchSize]: '1, 0, 10%, 200%' })
    expect(es).toHaveLength(2)
    expect(es[0]?.message).toContain('entry "0"')
    expect(es[1]?.message).toContain('entry "200%"')
    expect(es.every((e) => e.value === '1, 0, 10%, 200%')).toBe(true)
  })
})

describe('durations', () => {
  it('reads canary-wait, health-timeout, command-timeout and drain-timeout', () => {
    const s = settings({
      [Input.CanaryWait]: '90',
      [Input.HealthTimeout]: '2m',
      [Input.CommandTimeout]: '1h30m',
      [Input.DrainTimeout]: '3660s'
    })
    expect(s.canaryWaitMs).toBe(90_000)
    expect(s.healthTimeoutMs).toBe(120_000)
    expect(s.commandTimeoutMs).toBe(5_400_000)
    expect(s.drainTimeoutMs).toBe(3_660_000)
  })

  it('allows a drain-timeout of 0', () => {
    expect(settings({ [Input.DrainTimeout]: '0' }).drainTimeoutMs).toBe(0)
  })

  it.each([Input.CanaryWait, Input.HealthTimeout, Input.CommandTimeout, Input.DrainTimeout])(
    'rejects a %s that is not a duration, with the forms',
    (input) => {
      const e = onlyError({ [input]: 'soon' })
      expect(e).toEqual({ input, value: 'soon', message: expect.stringContaining('90s, 5m, 1h') })
    }
  )

  it('needs a health-timeout above 0', () => {
    const e = onlyError({ [Input.HealthTimeout]: '0s' })
    expect(e.input).toBe('health-timeout')
    expect(e.message).toContain('too short')
  })

  it('allows command-timeout up to the SSM maximum of 48h', () => {
    expect(settings({ [Input.CommandTimeout]: '48h' }).commandTimeoutMs).toBe(172_800_000)
    expect(settings({ [Input.CommandTimeout]: '172800' }).commandTimeoutMs).toBe(172_800_000)
    const e = onlyError({ [Input.CommandTimeout]: '48h0m1s' })
    expect(e.input).toBe('command-timeout')
    expect(e.message).toContain('172800')
    expect(e.message).toContain('48h or less')
  })

  it.each(['0', '0.5s'])('needs a command-timeout of at least a second, not %j', (raw) => {
    const e = onlyError({ [Input.CommandTimeout]: raw })
    expect(e.input).toBe('command-timeout')
    expect(e.message).toContain('at least 1s')
  })

  it.each([Input.CanaryWait, Input.HealthTimeout, Input.DrainTimeout])(
    'caps %s at 48h so no timer overflows',
    (input) => {
      expect(onlyError({ [input]: '49h' }).message).toContain('48h or less')
    }
  )
})

describe('health-path', () => {
  it.each(['/', '/health', '/_status?full=1', '/a%20b', '/_status;$(id)', '/x'.repeat(512)])(
    'accepts %j (quoting downstream keeps shell characters inert)',
    (path) => {
      expect(settings({ [Input.HealthPath]: path }).healthPath).toBe(path)
    }
  )

  it('rejects a path without a leading slash', () => {
    const e = onlyError({ [Input.HealthPath]: 'health' })
    expect(e.input).toBe('health-path')
    expect(e.message).toContain('/health')
  })

  it.each([
    '/a\nb',
    '/a b',
    '/a\tb',
    '/a\u00a0b',
    '/a\u0000b',
    '/a\u001b[31mb',
    '/_status;touch /tmp/x'
  ])('rejects whitespace and control characters in %j', (path) => {
    const e = onlyError({ [Input.HealthPath]: path })
    expect(e.input).toBe('health-path')
    expect(e.value).toBe(path)
    expect(e.message).toContain('whitespace or a control character')
    expect([...e.message].some((c) => c.charCodeAt(0) < 0x20)).toBe(false)
  })

  it('rejects a path over 1024 characters', () => {
    const e = onlyError({ [Input.HealthPath]: '/' + 'a'.repeat(1024) })
    expect(e.message).toContain('1024')
    expect(e.value.length).toBeLessThanOrEqual(200)
  })
})

describe('health-port', () => {
  it.each([
    ['traffic-port', 'traffic-port'],
    ['Traffic-Port', 'traffic-port'],
    ['1', 1],
    ['8080', 8080],
    ['65535', 65535]
  ])('reads %j', (raw, expected) => {
    expect(settings({ [Input.HealthPort]: raw }).healthPort).toBe(expected)
  })

  it.each(['0', '65536', '80.5', '-1', 'http', '0x50', '1e3'])('rejects %j', (raw) => {
    const e = onlyError({ [Input.HealthPort]: raw })
    expect(e.input).toBe('health-port')
    expect(e.message).toContain('traffic-port or a port number from 1 to 65535')
  })
})

describe('expected-version', () => {
  it('keeps a version, spaces and shell characters included', () => {
    expect(settings({ [Input.ExpectedVersion]: 'v1.2.3 "build $(x)"' }).expectedVersion).toBe(
      'v1.2.3 "build $(x)"'
    )
  })

  it('allows 256 characters and no more', () => {
    expect(settings({ [Input.ExpectedVersion]: 'v'.repeat(256) }).expectedVersion).toHaveLength(256)
    const e = onlyError({ [Input.ExpectedVersion]: 'v'.repeat(257) })
    expect(e.input).toBe('expected-version')
    expect(e.message).toContain('256')
  })

  it.each(['1.0\n2.0', '1.0\r2', 'a\tb', 'a\u0007b', 'a\u0085b'])(
    'rejects control characters in %j',
    (v) => {
      const e = onlyError({ [Input.ExpectedVersion]: v })
      expect(e.input).toBe('expected-version')
      expect(e.message).toContain('control character')
    }
  )
})

describe('max-failures', () => {
  it.each([
    ['0', { kind: 'count', value: 0 }],
    ['3', { kind: 'count', value: 3 }],
    ['0%', { kind: 'percent', value: 0 }],
    ['10%', { kind: 'percent', value: 10 }],
    ['100%', { kind: 'percent', value: 100 }]
  ])('reads %j', (raw, expected) => {
    expect(settings({ [Input.MaxFailures]: raw }).maxFailures).toEqual(expected)
  })

  it.each(['-1', '101%', '1.5', 'none', '10%%'])('rejects %j', (raw) => {
    const e = onlyError({ [Input.MaxFailures]: raw })
    expect(e.input).toBe('max-failures')
    expect(e.message).toContain('count ≥ 0')
  })
})

describe('min-healthy-percent', () => {
  it.each([
    ['0', 0],
    ['75', 75],
    ['75%', 75],
    ['66.6', 66.6],
    ['100', 100]
  ])('reads %j', (raw, expected) => {
    expect(settings({ [Input.MinHealthyPercent]: raw }).minHealthyPercent).toBe(expected)
  })

  it.each(['101', '-5', 'half', '50%%', '1e2'])('rejects %j', (raw) => {
    const e = onlyError({ [Input.MinHealthyPercent]: raw })
    expect(e.input).toBe('min-healthy-percent')
    expect(e.message).toContain('0 to 100')
  })
})

describe('booleans', () => {
  const inputs = [
    [Input.SkipUnhealthy, 'skipUnhealthy'],
    [Input.Lock, 'lock'],
    [Input.DryRun, 'dryRun']
  ] as const

  it.each(['true', 'True', 'TRUE', 'yes', 'YES', 'on', '1'])('reads %j as true', (raw) => {
    for (const [input, key] of inputs) expect(settings({ [input]: raw })[key]).toBe(true)
  })

  it.each(['false', 'False', 'FALSE', 'no', 'No', 'off', '0'])('reads %j as false', (raw) => {
    for (const [input, key] of inputs) expect(settings({ [input]: raw })[key]).toBe(false)
  })

  it.each(['maybe', 'tru', 'y', '2', 'true false'])('rejects %j naming the input', (raw) => {
    for (const [input] of inputs) {
      const e = onlyError({ [input]: raw })
      expect(e).toEqual({
        input,
        value: raw,
        message: expect.stringContaining('use true or false')
      })
      expect(e.message).toContain(input)
    }
  })
})

describe('on-failure and rollback-command', () => {
  it('rolls back with a rollback-command', () => {
    const s = settings({ [Input.OnFailure]: 'rollback', [Input.RollbackCommand]: './rollback.sh' })
    expect(s.onFailure).toBe('rollback')
    expect(s.rollbackCommand).toBe('./rollback.sh')
  })

  it('reads the mode case-insensitively', () => {
    expect(settings({ [Input.OnFailure]: 'HALT' }).onFailure).toBe('halt')
  })

  it('needs rollback-command for rollback', () => {
    const e = onlyError({ [Input.OnFailure]: 'rollback' })
    expect(e.input).toBe('rollback-command')
    expect(e.message).toContain('set rollback-command')
  })

  it('keeps a rollback-command that halt does not use', () => {
    const s = settings({ [Input.RollbackCommand]: './rollback.sh' })
    expect(s.onFailure).toBe('halt')
    expect(s.rollbackCommand).toBe('./rollback.sh')
  })

  it.each(['stop', 'roll-back', 'retry'])('rejects %j', (raw) => {
    const e = onlyError({ [Input.OnFailure]: raw })
    expect(e).toEqual({
      input: 'on-failure',
      value: raw,
      message: expect.stringContaining('use halt or rollback')
    })
  })
})

describe('alarms', () => {
  it('splits, trims and dedupes', () => {
    expect(
      settings({ [Input.Alarms]: ' 5xx-high , latency\np99 latency\n5xx-high,' }).alarms
    ).toEqual(['5xx-high', 'latency', 'p99 latency'])
  })

  it('allows names of 255 characters and no more', () => {
    expect(settings({ [Input.Alarms]: 'a'.repeat(255) }).alarms).toEqual(['a'.repeat(255)])
    const e = onlyError({ [Input.Alarms]: `ok, ${'a'.repeat(256)}` })
    expect(e.input).toBe('alarms')
    expect(e.message).toContain('255')
  })
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

describe('formatInputError', () => {
  it('is the message, naming input, value and fix', () => {
    const e = onlyError({ [Input.BatchSize]: '0' })
    const line = formatInputError(e)
    expect(line).toContain('batch-size')
    expect(line).toContain('"0"')
    expect(line).toContain('use a count')
  })

  it('shows a hostile value escaped, on one line', () => {
    const e = onlyError({ [Input.HealthPort]: '80\n::error::forged' })
    const line = formatInputError(e)
    expect(line).not.toMatch(/[\r\n]/)
    expect(line).toContain('"80\\n::error::forged"')
  })

  it('adds the input name and joins lines of a hand-built error', () => {
    expect(
      formatInputError({ input: 'lock', value: 'x', message: 'bad\nvalue "x": use true' })
    ).toBe('lock: bad value "x": use true')
  })
})
