// main.ts is wiring: these tests check that it connects the right parts. @actions/core, the AWS
// clients and ports, the rollout and publishing are replaced by module mocks; inputs are parsed by
// the real parser, the finish sequence is the real one (tested on its own in entry/finish.test.ts).

import { describe, it, expect, jest, beforeEach, afterEach } from '@jest/globals'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { RolloutOutcome } from '../src/rollout/outcome.js'
import type { Settings } from '../src/settings.js'

const inputs = new Map<string, string>()
/** What reached the job summary, one entry per write. */
const summaries: string[] = []
let pending = ''
const summary = {
  addRaw: jest.fn((text: string) => {
    pending += text
    return summary
  }),
  write: jest.fn(async () => {
    summaries.push(pending)
    pending = ''
    return summary
  })
}
const core = {
  summary,
  getInput: jest.fn((name: string) => inputs.get(name) ?? ''),
  saveState: jest.fn(),
  setOutput: jest.fn(),
  setFailed: jest.fn(),
  setSecret: jest.fn(),
  error: jest.fn(),
  warning: jest.fn(),
  info: jest.fn(),
  debug: jest.fn(),
  startGroup: jest.fn(),
  endGroup: jest.fn(),
  group: jest.fn(async (_name: string, fn: () => Promise<unknown>) => fn())
}
jest.unstable_mockModule('@actions/core', () => ({ ...core, default: core }))

const createClients = jest.fn((_region: string | undefined, _log?: unknown) => ({
  ssm: {},
  elb: {},
  cloudwatch: {}
}))
jest.unstable_mockModule('../src/aws/clients.js', () => ({ createClients }))
const awsPorts = jest.fn(() => ({ lb: {}, runner: {}, alarms: {} }))
jest.unstable_mockModule('../src/aws/adapters.js', () => ({ awsPorts }))

let rolloutResult: () => Promise<RolloutOutcome>
const rollout = jest.fn((_settings: Settings, _deps: unknown) => rolloutResult())
jest.unstable_mockModule('../src/rollout/rollout.js', () => ({ rollout }))
const publish = jest.fn(async (_outcome: RolloutOutcome, _settings: Settings) => undefined)
jest.unstable_mockModule('../src/report/publish.js', () => ({ publish }))

const { run } = await import('../src/main.js')
const { parseInputs } = await import('../src/inputs/index.js')
const { ConfigError } = await import('../src/shared/config-error.js')

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'
const VALID = {
  'target-groups': ARN,
  command: './deploy.sh',
  'aws-region': 'us-east-1',
  'batch-size': '1, 50%',
  'dry-run': 'true'
}

function dryRunOutcome(): RolloutOutcome {
  return {
    result: 'dry-run',
    hosts: [],
    batches: [],
    fleetSize: 0,
    minInService: 0,
    startedAt: 0,
    finishedAt: 0
  } as unknown as RolloutOutcome
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'exit'] as const
type Listener = (...args: unknown[]) => void
// process.listeners is typed per signal; the events here are only read and restored.
const emitter = process as unknown as {
  listeners(event: string): Listener[]
  removeListener(event: string, l: Listener): void
}
let listenersBefore: Map<string, Listener[]>
const savedEnv = { ...process.env }

beforeEach(() => {
  inputs.clear()
  process.env.RUNNER_TEMP = mkdtempSync(path.join(tmpdir(), 'main-test-'))
  delete process.env.AWS_REGION
  delete process.env.AWS_DEFAULT_REGION
  listenersBefore = new Map(SIGNALS.map((s) => [s, emitter.listeners(s)]))
  rolloutResult = async () => dryRunOutcome()
  summaries.length = 0
  process.env.GITHUB_STEP_SUMMARY = path.join(process.env.RUNNER_TEMP, 'summary')
})

afterEach(() => {
  // run() hooks the signals and exit for the real process; leave the test process as it was.
  for (const s of SIGNALS) {
    for (const l of emitter.listeners(s)) {
      if (!listenersBefore.get(s)?.includes(l)) emitter.removeListener(s, l)
    }
  }
  process.env = { ...savedEnv }
})

describe('run', () => {
  it('on invalid inputs: one error per input, result failed, and no AWS client is built', async () => {
    for (const [k, v] of Object.entries({ ...VALID, 'batch-size': '0', 'on-failure': 'retry' }))
      inputs.set(k, v)
    await run()
    expect(core.error.mock.calls.map(([, props]) => (props as { title: string }).title)).toEqual([
      'Invalid input: batch-size',
      'Invalid input: on-failure'
    ])
    expect(core.setOutput).toHaveBeenCalledWith('result', 'failed')
    expect(core.setFailed).toHaveBeenCalledWith(
      '2 invalid input(s): nothing was read or changed in AWS'
    )
    expect(createClients).not.toHaveBeenCalled()
    expect(rollout).not.toHaveBeenCalled()
    expect(publish).not.toHaveBeenCalled()
    expect(summaries).toHaveLength(1)
    expect(summaries[0]).toContain('## ❌ rolling-deploy: failed')
    expect(summaries[0]).toContain('> 2 invalid input(s): nothing was read or changed in AWS')
    expect(summaries[0]).toMatch(/^> .*batch-size/m)
    expect(summaries[0]).toMatch(/^> .*on-failure/m)
    expect(summaries[0]).toContain('**What was changed:** nothing')
  })

  it('on a valid dry run: the rollout gets the parsed settings, and its outcome is published', async () => {
    for (const [k, v] of Object.entries(VALID)) inputs.set(k, v)
    const expected = parseInputs((name) => inputs.get(name) ?? '', {})
    if (!expected.ok) throw new Error('VALID must be valid')
    await run()
    expect(createClients).toHaveBeenCalledWith('us-east-1', expect.anything())
    expect(rollout).toHaveBeenCalledTimes(1)
    expect(rollout.mock.calls[0]?.[0]).toEqual(expected.settings)
    const outcome = (await rollout.mock.results[0]?.value) as RolloutOutcome
    expect(publish).toHaveBeenCalledWith(outcome, expected.settings)
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.saveState).toHaveBeenCalledWith('isPost', 'true')
    expect(core.saveState).toHaveBeenCalledWith('journal', expect.stringContaining('main-test-'))
  })

  it('when the rollout is refused by AWS: result failed, the step names the call, region and fix, and a summary says so', async () => {
    for (const [k, v] of Object.entries(VALID)) inputs.set(k, v)
    rolloutResult = async () => {
      // As the SDK client gives it up: AWS's AccessDeniedException, tagged with its call.
      throw Object.assign(new Error('User is not authorized'), {
        name: 'AccessDeniedException',
        $call: {
          api: 'SSM.DescribeInstanceInformation',
          iamAction: 'ssm:DescribeInstanceInformation'
        }
      })
    }
    await run()
    expect(publish).not.toHaveBeenCalled()
    expect(core.setOutput).toHaveBeenCalledWith('result', 'failed')
    const [message] = core.setFailed.mock.calls[0] as [string]
    expect(message).toContain('SSM.DescribeInstanceInformation in region us-east-1')
    expect(message).toContain('(AccessDeniedException: User is not authorized)')
    expect(message).toContain(
      'Fix: the role is not allowed to call this API: allow ssm:DescribeInstanceInformation'
    )
    expect(summaries).toHaveLength(1)
    expect(summaries[0]).toContain('SSM.DescribeInstanceInformation in region us-east-1')
    expect(summaries[0]).toContain('**What was changed:** nothing')
  })

  it('any other AWS error keeps the SDK’s words, and a summary too', async () => {
    for (const [k, v] of Object.entries(VALID)) inputs.set(k, v)
    rolloutResult = async () => {
      throw Object.assign(new Error('bad filter'), { name: 'ValidationError' })
    }
    await run()
    expect(core.setFailed).toHaveBeenCalledWith('AWS error: ValidationError: bad filter')
    expect(summaries[0]).toContain('> AWS error: ValidationError: bad filter')
  })

  it('a configuration error: its own message, and a summary', async () => {
    for (const [k, v] of Object.entries(VALID)) inputs.set(k, v)
    rolloutResult = async () => {
      throw new ConfigError('target group "web" not found')
    }
    await run()
    expect(core.setFailed).toHaveBeenCalledWith('target group "web" not found')
    expect(summaries[0]).toContain('> target group "web" not found')
  })
})
