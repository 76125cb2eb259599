// Least privilege, checked against the wire: the AWS API calls the bundled action makes in a set
// of representative runs (recorded by the emulator as `service:Action`) are exactly the actions
// docs/iam-policy.json grants: no call the policy would deny, no grant no run needs. A dry run
// stays within the read-only docs/iam-policy-dry-run.json.

import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch'
import { DRY_RUN_POLICY_FILE, policyActions } from '../support/iam-policy.js'
import {
  Emulator,
  REGION,
  describeRun,
  removeRunDirs,
  runAction,
  sleep,
  type ActionRun,
  type Faults,
  type SeedResult
} from './harness.js'

let emu: Emulator

beforeAll(async () => {
  emu = await Emulator.start()
})

afterAll(async () => {
  await emu?.stop()
  removeRunDirs()
})

interface Scenario {
  name: string
  hosts?: number
  inputs: Record<string, string>
  faults?: Faults
  alarm?: string
  /** Seeds the hosts as the members of an Auto Scaling group (the emulator's /_rd/asg/seed). */
  autoScaling?: boolean
  /** Runs beside the action, e.g. to take hosts offline once it started draining. */
  during?: (seeded: SeedResult) => Promise<void>
  expect: (run: ActionRun) => void
}

/** Waits until the action made `call` (or gives up after `ms`). */
async function waitForCall(call: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if ((await emu.calls()).calls.some((c) => c.call === call)) return
    await sleep(100)
  }
}

/** Runs one scenario on a fresh emulator and returns the calls the action made. */
async function callsOf(s: Scenario): Promise<{ run: ActionRun; calls: Set<string> }> {
  await emu.reset()
  const seeded: SeedResult = s.autoScaling
    ? await emu.admin('POST', '/_rd/asg/seed', {
        name: 'rd-iam-asg',
        hosts: s.hosts ?? 3,
        version: 'v1',
        min: 1,
        max: 6,
        targetGroups: [{ name: 'rd-iam' }]
      })
    : await emu.seed({
        hosts: s.hosts ?? 3,
        version: 'v1',
        targetGroups: [{ name: 'rd-iam' }]
      })
  if (s.faults) await emu.faults(s.faults)
  if (s.alarm) {
    const cw = new CloudWatchClient({
      region: REGION,
      endpoint: emu.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' }
    })
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: s.alarm,
        MetricName: 'HTTPCode_Target_5XX_Count',
        Namespace: 'AWS/ApplicationELB',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 10,
        ComparisonOperator: 'GreaterThanThreshold'
      })
    )
    cw.destroy()
  }
  // Only what the action itself calls from here on.
  await emu.admin('DELETE', '/_rd/calls')
  const [run] = await Promise.all([
    runAction(emu, {
      'target-groups': seeded.targetGroups[0]!.name,
      'health-timeout': '30s',
      // No drain floor: these cases are about permissions (timing.e2e.test.ts covers min-drain).
      'min-drain': '0',
      ...s.inputs
    }),
    s.during?.(seeded)
  ])
  const calls = new Set((await emu.calls()).calls.map((c) => c.call))
  return { run, calls }
}

const SCENARIOS: Scenario[] = [
  {
    name: 'happy path with alarms and the lock',
    inputs: {
      command: 'printf v2 > version',
      'expected-version': 'v2',
      alarms: 'rd-iam-5xx',
      lock: 'true'
    },
    alarm: 'rd-iam-5xx',
    expect: (run) => expect(run.outputs.result).toBe('success')
  },
  {
    name: 'dry run',
    inputs: { command: 'printf v2 > version', 'dry-run': 'true' },
    expect: (run) => expect(run.outputs.result).toBe('dry-run')
  },
  {
    name: 'a failing deploy (its output tail is read)',
    inputs: { command: 'echo boom >&2; exit 3', 'batch-size': '1' },
    expect: (run) => {
      expect(run.outputs.result).toBe('failed')
      expect(run.report?.filter((h) => h.state === 'failed')).toHaveLength(1)
    }
  },
  {
    name: 'an SSM agent lost once draining started (the command is cancelled at command-timeout)',
    inputs: { command: 'printf v2 > version', 'command-timeout': '5s', 'batch-size': '1' },
    during: async (seeded) => {
      await waitForCall('elasticloadbalancing:DeregisterTargets')
      const offline = Object.fromEntries(seeded.hosts.map((h) => [h.instanceId, { offline: true }]))
      await emu.faults({ hosts: offline })
    },
    expect: (run) => {
      expect(run.outputs.result).toBe('failed')
      const failed = run.report?.filter((h) => h.state === 'failed') ?? []
      expect(failed).toHaveLength(1)
      expect(failed[0]?.step).toBe('command')
    }
  },
  {
    name: 'an Auto Scaling group (processes suspended for the run, hosts protected while out, all put back)',
    autoScaling: true,
    inputs: { command: 'printf v2 > version', 'expected-version': 'v2' },
    expect: (run) => expect(run.outputs.result).toBe('success')
  },
  {
    // SendCommand is not idempotent: after an unclear failure (a 5xx) the action looks for the
    // command with ListCommands before it would ever send again (aws/send-once.ts).
    name: 'a SendCommand that fails unclearly (looked for with ListCommands, never sent twice)',
    inputs: { command: 'printf v2 > version', 'batch-size': '1' },
    faults: {
      errors: [{ call: 'ssm:SendCommand', firstN: 1, code: 'InternalServerError', status: 500 }]
    },
    expect: (run) => expect(['success', 'failed']).toContain(run.outputs.result)
  }
]

test('the calls of representative runs are exactly the actions of docs/iam-policy.json', async () => {
  const all = new Set<string>()
  const perRun: Record<string, string[]> = {}
  for (const s of SCENARIOS) {
    const { run, calls } = await callsOf(s)
    try {
      s.expect(run)
    } catch (err) {
      throw new Error(`${s.name}: ${(err as Error).message}\n${describeRun(run)}`, { cause: err })
    }
    perRun[s.name] = [...calls].sort()
    for (const c of calls) all.add(c)
  }
  const policy = policyActions()
  const notGranted = [...all].filter((c) => !policy.has(c)).sort()
  const neverCalled = [...policy].filter((a) => !all.has(a)).sort()
  expect({ notGranted, neverCalled, perRun }).toEqual({ notGranted: [], neverCalled: [], perRun })
}, 400_000)

test('a dry run makes only the read-only calls of docs/iam-policy-dry-run.json', async () => {
  const { run, calls } = await callsOf({
    ...SCENARIOS[1]!,
    inputs: { ...SCENARIOS[1]!.inputs, alarms: 'rd-iam-5xx' },
    alarm: 'rd-iam-5xx'
  })
  expect(run.outputs.result).toBe('dry-run')
  const readOnly = policyActions(DRY_RUN_POLICY_FILE)
  expect([...calls].filter((c) => !readOnly.has(c)).sort()).toEqual([])
  // and the read-only policy asks for nothing the full policy lacks
  const full = policyActions()
  expect([...readOnly].filter((a) => !full.has(a))).toEqual([])
}, 170_000)
