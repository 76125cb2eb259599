// Cancelling the bundled action mid-rollout, as GitHub does (SIGINT), then running its post step
// as the runner would (STATE_<name> from the GITHUB_STATE file). Against the moto emulator: no
// lock parameter may remain, and every host must be back in service or named in the post step's
// ::warning lines.

import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm'
import {
  Emulator,
  REGION,
  describeRun,
  removeRunDirs,
  runAction,
  runPost,
  sleep,
  type ActionRun,
  type HostState,
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

const TG = 'rd-cancel'

/** 6 hosts; a 2 s deregistration delay, so a drain lasts long enough to be interrupted. */
async function seed(): Promise<SeedResult> {
  await emu.reset()
  return emu.seed({
    hosts: 6,
    version: 'v1',
    targetGroups: [{ name: TG, deregistrationDelay: 2, interval: 1, healthyThreshold: 2 }]
  })
}

const inputs = {
  'target-groups': TG,
  // long enough for a SIGINT to land while it runs
  command: 'sleep 4; printf v2 > version',
  'expected-version': 'v2',
  'batch-size': '2',
  'min-healthy-percent': '50',
  'health-timeout': '20s',
  'command-timeout': '30s',
  'drain-timeout': '15s',
  // No drain floor: these cases time their cancels on the cycle (timing.e2e.test.ts covers it).
  'min-drain': '0',
  lock: 'true'
}

interface MainRun extends ActionRun {
  /** ms from SIGINT to the process's exit */
  exitAfterSignalMs: number
}

/** Runs the main step like the runner and cancels it as the runner does once `when` is true. */
async function runAndCancel(
  when: (stdout: string) => Promise<boolean>,
  timeoutMs = 90_000
): Promise<MainRun> {
  const run = await runAction(emu, inputs, { cancelWhen: when, timeoutMs })
  if (run.cancelledAfterMs === undefined) {
    throw new Error(`never reached the moment to cancel:\n${describeRun(run)}`)
  }
  return { ...run, exitAfterSignalMs: run.durationMs - run.cancelledAfterMs }
}

/** The hosts of batch 2, from the step's log: `::group::Batch 2: i-…, i-…`. */
function batch2Hosts(stdout: string): string[] | undefined {
  const m = /::group::Batch 2: (i-[0-9a-f]+(?:, i-[0-9a-f]+)*)/.exec(stdout)
  return m?.[1]?.split(', ')
}

async function lockParameters(): Promise<string[]> {
  const ssm = new SSMClient({
    region: REGION,
    endpoint: emu.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' }
  })
  const out = await ssm.send(
    new GetParametersByPathCommand({ Path: '/rolling-deploy/lock', Recursive: true })
  )
  ssm.destroy()
  return (out.Parameters ?? []).map((p) => p.Name!)
}

const inService = (h: HostState) =>
  h.registrations.length === h.homeTargetGroups.length &&
  h.registrations.length > 0 &&
  h.registrations.every((r) => r.state === 'healthy')

/** Waits until every host is in service or named in a warning; returns the hosts still out. */
async function expectInServiceOrWarned(post: ActionRun, warned: string[]): Promise<HostState[]> {
  const deadline = Date.now() + 15_000
  for (;;) {
    const hosts = await emu.state()
    const out = hosts.filter((h) => !inService(h))
    const unreported = out.filter((h) => !warned.includes(h.instanceId))
    if (unreported.length === 0) return out
    if (Date.now() > deadline) {
      throw new Error(
        `out of service and not reported: ${JSON.stringify(unreported)}\n--- post ---\n${describeRun(post)}`
      )
    }
    await sleep(250)
  }
}

/** Instance IDs named by the post step's ::warning lines. */
const warnedHosts = (post: ActionRun): string[] =>
  post.stdout
    .split('\n')
    .filter((l) => l.startsWith('::warning'))
    .flatMap((l) => l.match(/i-[0-9a-f]{8,}/g) ?? [])

async function cancelThenPost(when: (stdout: string) => Promise<boolean>) {
  const main = await runAndCancel(when)
  expect({ code: main.code, result: main.outputs.result }).toEqual({ code: 1, result: 'cancelled' })
  expect(main.exitAfterSignalMs).toBeLessThan(7_500)
  expect(main.state.journal).toBeDefined()
  expect(await lockParameters()).not.toEqual([]) // the cancelled step left its lock for the post step
  const post = await runPost(emu, inputs, main.state)
  if (post.code !== 0) throw new Error(`post step failed:\n${describeRun(post)}`)
  expect(await lockParameters()).toEqual([])
  expect(await emu.violations()).toEqual([])
  return { main, post }
}

test('SIGINT while batch 2 drains: the post step registers its hosts back and releases the lock', async () => {
  await seed()
  let batch2: string[] | undefined
  const { main, post } = await cancelThenPost(async (stdout) => {
    batch2 = batch2Hosts(stdout)
    if (!batch2) return false
    // Deregistered, and still draining (2 s deregistration delay).
    const hosts = await emu.state()
    return batch2.every((id) =>
      hosts.find((h) => h.instanceId === id)!.registrations.every((r) => r.state === 'draining')
    )
  })
  expect(batch2).toHaveLength(2)
  // No command reached batch 2.
  const commanded = (await emu.deployCommands()).flatMap((c) => c.instanceIds)
  expect(commanded.filter((id) => batch2!.includes(id))).toEqual([])
  // Never `pending` (SPEC: never touched, still in service): the main step says where each stood
  // and what the post step does with it.
  for (const id of batch2!) {
    const row = main.report?.find((r) => r.instanceId === id)
    expect(row).toMatchObject({ state: 'failed', step: 'drain' })
    expect(row?.reason).toMatch(
      /run cancelled: drained .*no command sent; the post step registers it back/
    )
  }
  expect(post.summary).toContain(`Registered back **2** host(s)`)
  const warned = warnedHosts(post)
  expect(warned).toEqual([])
  expect(await expectInServiceOrWarned(post, warned)).toEqual([])
})

test('SIGINT while batch 2 runs its command: those hosts stay out and are named in ::warning lines', async () => {
  const seeded = await seed()
  let batch2: string[] | undefined
  const { main, post } = await cancelThenPost(async (stdout) => {
    batch2 = batch2Hosts(stdout)
    if (!batch2) return false
    const running = (await emu.deployCommands()).filter((c) =>
      c.instanceIds.some((id) => batch2!.includes(id))
    )
    return running.length > 0
  })
  const warned = warnedHosts(post)
  expect([...warned].sort()).toEqual([...batch2!].sort())
  // Each warning names the command that was in flight.
  const commandIds = main
    .report!.filter((r) => batch2!.includes(r.instanceId))
    .map((r) => r.commandId)
  expect(commandIds.length).toBeGreaterThan(0)
  for (const id of commandIds) expect(post.stdout).toContain(id!)
  // The hosts of batch 1 are deployed and back; the others were never touched.
  const out = await expectInServiceOrWarned(post, warned)
  expect(out.map((h) => h.instanceId).sort()).toEqual([...batch2!].sort())
  const untouched = seeded.hosts.filter(
    (h) =>
      !batch2!.includes(h.instanceId) &&
      main.report?.find((r) => r.instanceId === h.instanceId)?.state === 'pending'
  )
  expect(untouched).toHaveLength(2)
  // The post step's summary section lists them.
  expect(post.summary).toContain('Hosts left out of service')
})
