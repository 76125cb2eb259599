// The bundled action (dist/index.js, Node 24) run like the GitHub runner runs it, against the
// moto-based emulator: real AWS wire protocols, real commands on fake hosts, real health endpoints.
// Every case also checks the emulator's own records: no deploy command reached a host that was
// registered or draining, and never more hosts out of service than the batches allow.

import { readFile } from 'node:fs/promises'
import {
  Emulator,
  describeRun,
  removeRunDirs,
  runAction as runBundled,
  runPost,
  type ActionRun,
  type ReportEntry,
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

const TG = 'rd-web'

/** Settings that keep every case to seconds: 1 s drain, 1 s interval × 2 to turn healthy. */
const fast = {
  'target-groups': TG,
  'health-timeout': '20s',
  'command-timeout': '30s',
  'drain-timeout': '15s',
  // These cases are about the cycle, not the drain floor (timing.e2e.test.ts covers min-drain).
  'min-drain': '0'
}

async function seed(hosts: number, version = 'v1'): Promise<SeedResult> {
  await emu.reset()
  return emu.seed({
    hosts,
    version,
    targetGroups: [{ name: TG, deregistrationDelay: 1, interval: 1, healthyThreshold: 2 }]
  })
}

function byId(run: ActionRun): Map<string, ReportEntry> {
  expect(run.report).toBeDefined()
  return new Map(run.report!.map((r) => [r.instanceId, r]))
}

/** What the emulator saw: no violation, and out of service ≤ largest batch + failed hosts. */
async function expectInvariants(run: ActionRun): Promise<void> {
  const violations = await emu.violations()
  expect(violations).toEqual([])
  const report = run.report ?? []
  const perBatch = new Map<number, number>()
  for (const r of report)
    if (r.batch !== null) perBatch.set(r.batch, (perBatch.get(r.batch) ?? 0) + 1)
  const largestBatch = Math.max(0, ...perBatch.values())
  const failed = report.filter((r) => r.state === 'failed').length
  const oos = await emu.outOfService()
  expect(oos.max).toBeLessThanOrEqual(largestBatch + failed)
  // every host still out of service is reported failed (nothing left out silently)
  const failedIds = report.filter((r) => r.state === 'failed').map((r) => r.instanceId)
  expect(oos.current.filter((id) => !failedIds.includes(id))).toEqual([])
}

async function expectUntouched(instanceIds: string[], version = 'v1'): Promise<void> {
  const hosts = new Map((await emu.state()).map((h) => [h.instanceId, h]))
  const deploys = await emu.deployCommands()
  expect(instanceIds.length).toBeGreaterThan(0)
  for (const id of instanceIds) {
    const h = hosts.get(id)!
    expect({ id, version: h.version, states: h.registrations.map((r) => r.state) }).toEqual({
      id,
      version,
      states: h.unhealthy ? ['unhealthy'] : ['healthy']
    })
    expect(deploys.filter((c) => c.instanceIds.includes(id))).toEqual([])
  }
}

test('happy path: 8 hosts v1 → v2, batches 1, 50%', async () => {
  const seeded = await seed(8)
  const inputs = {
    ...fast,
    command: 'printf v2 > version',
    'expected-version': 'v2',
    'batch-size': '1, 50%'
  }
  const run = await runOk(inputs)
  expect(run.outputs).toMatchObject({
    result: 'success',
    deployed: '8',
    failed: '0',
    skipped: '0',
    pending: '0'
  })
  const report = byId(run)
  expect(report.size).toBe(8)
  expect(seeded.hosts).toHaveLength(8)
  for (const h of seeded.hosts) {
    expect(report.get(h.instanceId)).toMatchObject({
      state: 'deployed',
      version: 'v2',
      exitCode: 0,
      targetGroups: [seeded.targetGroups[0]!.arn]
    })
    // one row per host in the job summary
    expect(run.summary.split('\n').filter((l) => l.startsWith(`| ${h.instanceId} |`))).toHaveLength(
      1
    )
  }
  expect(report.get(seeded.hosts[0]!.instanceId)!.batch).toBe(1)
  const state = await emu.state()
  expect(state.map((h) => [h.version, h.registrations.map((r) => r.state)])).toEqual(
    state.map(() => ['v2', ['healthy']])
  )
  // the report file is the same JSON, under RUNNER_TEMP
  const file = run.outputs['report-file']!
  expect(file.startsWith(run.dir)).toBe(true)
  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(run.report)
  // the lock was taken before any command reached a host, and released at the end
  const calls = (await emu.calls()).calls.map((c) => c.call)
  const firstPut = calls.indexOf('ssm:PutParameter')
  expect(firstPut).toBeGreaterThanOrEqual(0)
  expect(firstPut).toBeLessThan(calls.indexOf('ssm:SendCommand'))
  expect(calls.lastIndexOf('ssm:DeleteParameter')).toBeGreaterThan(
    calls.lastIndexOf('ssm:SendCommand')
  )
  await expectInvariants(run)

  // the post step after a normal run only says so: it changes nothing
  const before = (await emu.calls()).calls.length
  const post = await runPost(emu, inputs, run.state)
  expect(post.code).toBe(0)
  expect((await emu.calls()).calls.slice(before).filter((c) => c.mutating)).toEqual([])
})

test('a host failing its deploy with max-failures 0: run stops, host left out, the rest untouched', async () => {
  const seeded = await seed(8)
  await emu.faults({ failDeployNth: 3 })
  const run = await runAction({
    ...fast,
    command: 'printf v2 > version',
    'expected-version': 'v2',
    'batch-size': '1',
    'max-failures': '0'
  })
  expect(run.code).toBe(1)
  expect(run.outputs).toMatchObject({ result: 'failed', deployed: '2', failed: '1', pending: '5' })
  const report = byId(run)
  const failed = [...report.values()].filter((r) => r.state === 'failed')
  expect(failed).toHaveLength(1)
  const bad = failed[0]!
  expect(bad).toMatchObject({ step: 'command', exitCode: 1 })
  const badHost = (await emu.state()).find((h) => h.instanceId === bad.instanceId)!
  // left out of the load balancer for a person to look at, still at v1 (the command failed)
  expect(badHost.registrations).toEqual([])
  expect(badHost.outOfService).toBe(true)
  expect(badHost.version).toBe('v1')
  // hosts after it: pending, never sent a command, still registered and healthy at v1
  const pending = [...report.values()].filter((r) => r.state === 'pending')
  expect(pending).toHaveLength(5)
  await expectUntouched(pending.map((r) => r.instanceId))
  for (const r of report.values())
    if (r.state === 'deployed') expect(r.batch).toBeLessThan(bad.batch!)
  expect(run.summary).toContain(bad.instanceId)
  expect(seeded.hosts).toHaveLength(8)
  await expectInvariants(run)
})

test('skip-unhealthy: an unhealthy host is skipped and left exactly as it was', async () => {
  const seeded = await seed(5)
  const sick = seeded.hosts[1]!.instanceId
  await emu.faults({ hosts: { [sick]: { unhealthy: true } } })
  await waitForElbState(sick, 'unhealthy')
  const run = await runOk({
    ...fast,
    command: 'printf v2 > version',
    'expected-version': 'v2',
    'batch-size': '2',
    'min-healthy-percent': '25',
    'skip-unhealthy': 'true'
  })
  expect(run.outputs).toMatchObject({ result: 'success', deployed: '4', skipped: '1', failed: '0' })
  expect(byId(run).get(sick)).toMatchObject({ state: 'skipped', batch: null })
  await expectUntouched([sick])
  await expectInvariants(run)
})

test('wrong version: the deploy writes v3 where v2 is expected → failed at verify', async () => {
  await seed(4)
  const run = await runAction({
    ...fast,
    command: 'printf v3 > version',
    'expected-version': 'v2',
    'health-timeout': '4s',
    'batch-size': '1'
  })
  expect(run.code).toBe(1)
  expect(run.outputs).toMatchObject({ result: 'failed', failed: '1', deployed: '0', pending: '3' })
  const bad = [...byId(run).values()].find((r) => r.state === 'failed')!
  expect(bad).toMatchObject({ step: 'verify', batch: 1 })
  expect(bad.reason ?? '').toMatch(/v3|v2|version/)
  const host = (await emu.state()).find((h) => h.instanceId === bad.instanceId)!
  expect(host).toMatchObject({ version: 'v3', registrations: [], outOfService: true })
  await expectUntouched(
    [...byId(run).values()].filter((r) => r.state === 'pending').map((r) => r.instanceId)
  )
  await expectInvariants(run)
})

test('dry-run makes zero mutating calls and plans every host', async () => {
  const seeded = await seed(8)
  const run = await runOk({
    ...fast,
    command: 'printf v2 > version',
    'batch-size': '1, 50%',
    'dry-run': 'true'
  })
  expect(run.outputs).toMatchObject({ result: 'dry-run', pending: '8', deployed: '0' })
  const report = byId(run)
  expect(seeded.hosts).toHaveLength(8)
  for (const h of seeded.hosts) {
    const r = report.get(h.instanceId)!
    expect(r.state).toBe('pending')
    expect(r.batch).toEqual(expect.any(Number))
  }
  const calls = await emu.calls()
  expect(calls.calls.length).toBeGreaterThan(0)
  expect(calls.mutating).toEqual([])
  expect(calls.counts['ssm:SendCommand']).toBeUndefined()
  // its pre-check reads the SSM agents' ping status instead of running anything
  expect(calls.counts['ssm:DescribeInstanceInformation']).toBeGreaterThanOrEqual(1)
  expect(await emu.commands()).toEqual([])
  await expectUntouched(seeded.hosts.map((h) => h.instanceId))
  await expectInvariants(run)
})

test('throttled DescribeTargetHealth and ListCommandInvocations still end in success', async () => {
  await seed(4)
  await emu.faults({
    throttle: [
      { call: 'elasticloadbalancing:DescribeTargetHealth', firstN: 2, everyNth: 4 },
      { call: 'ssm:ListCommandInvocations', firstN: 1, everyNth: 3 }
    ]
  })
  const run = await runOk({
    ...fast,
    command: 'printf v2 > version',
    'expected-version': 'v2',
    'batch-size': '100%',
    'min-healthy-percent': '0'
  })
  expect(run.outputs).toMatchObject({ result: 'success', deployed: '4', failed: '0' })
  const calls = await emu.calls()
  const throttled = (name: string) =>
    calls.calls.filter((c) => c.call === name && c.throttled).length
  expect(throttled('elasticloadbalancing:DescribeTargetHealth')).toBeGreaterThanOrEqual(2)
  expect(throttled('ssm:ListCommandInvocations')).toBeGreaterThanOrEqual(1)
  await expectInvariants(run)
})

test('a 51-host batch goes out in two SendCommand calls (50 + 1)', async () => {
  const seeded = await seed(51)
  const run = await runOk({
    ...fast,
    command: 'printf v2 > version',
    'expected-version': 'v2',
    'batch-size': '100%',
    'min-healthy-percent': '0'
  })
  expect(run.outputs).toMatchObject({ result: 'success', deployed: '51' })
  const deploys = await emu.deployCommands()
  expect(deploys.map((c) => c.instanceIds.length).sort((a, b) => b - a)).toEqual([50, 1])
  expect(new Set(deploys.flatMap((c) => c.instanceIds))).toEqual(
    new Set(seeded.hosts.map((h) => h.instanceId))
  )
  expect((await emu.state()).every((h) => h.version === 'v2')).toBe(true)
  await expectInvariants(run)
})

test('hosts in two target groups are drained from both and restored to both', async () => {
  await emu.reset()
  const seeded = await emu.seed({
    hosts: 4,
    targetGroups: [
      { name: 'rd-web', deregistrationDelay: 1 },
      { name: 'rd-api', deregistrationDelay: 2 }
    ]
  })
  const arns = seeded.targetGroups.map((g) => g.arn)
  const run = await runOk({
    ...fast,
    'target-groups': 'rd-web\nrd-api',
    command: 'printf v2 > version',
    'expected-version': 'v2',
    'batch-size': '100%',
    'min-healthy-percent': '0'
  })
  expect(run.outputs).toMatchObject({ result: 'success', deployed: '4' })
  expect(run.report).toHaveLength(4)
  for (const r of run.report!) expect([...r.targetGroups].sort()).toEqual([...arns].sort())
  const state = await emu.state()
  expect(state).toHaveLength(4)
  for (const h of state) {
    expect(h.version).toBe('v2')
    expect(h.registrations.map((r) => [r.targetGroupArn, r.port, r.state]).sort()).toEqual(
      arns.map((a) => [a, h.port, 'healthy']).sort()
    )
  }
  await expectInvariants(run)
})

// ---------------------------------------------------------------------------------------------

function runAction(inputs: Record<string, string>): Promise<ActionRun> {
  return runBundled(emu, inputs)
}

/** Runs the action and fails with its logs when it did not exit 0. */
async function runOk(inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runAction(inputs)
  if (run.code !== 0)
    throw new Error(`the action failed:\n${describeRun(run)}\n--- emulator ---\n${emu.logs()}`)
  return run
}

async function waitForElbState(instanceId: string, state: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    const host = (await emu.state()).find((h) => h.instanceId === instanceId)
    if (host?.registrations.every((r) => r.state === state)) return
    if (Date.now() > deadline)
      throw new Error(`${instanceId} did not become ${state}: ${JSON.stringify(host)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
