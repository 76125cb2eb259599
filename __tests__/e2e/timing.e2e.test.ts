// Timing against the emulator's model of AWS (see emulator/README.md): a rollout at AWS's default
// health-check settings takes about the time the fleet needs (issue 12), and min-drain keeps a
// deploy from meeting the requests a load balancer still routes to a deregistered target
// (issue 17), measured through the data-plane stand-in.

import {
  Emulator,
  describeRun,
  removeRunDirs,
  runAction,
  type ActionRun,
  type Traffic
} from './harness.js'

let emu: Emulator

beforeAll(async () => {
  emu = await Emulator.start()
})

afterAll(async () => {
  await emu?.stop()
  removeRunDirs()
})

const TG = 'rd-timing'

async function runOk(inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runAction(emu, inputs, { timeoutMs: 170_000 })
  if (run.code !== 0)
    throw new Error(`the action failed:\n${describeRun(run)}\n--- emulator ---\n${emu.logs()}`)
  return run
}

it('finishes a rollout at AWS default health-check settings (30 s x 5) in about the time the fleet needs', async () => {
  await emu.reset()
  await emu.seed({
    hosts: 4,
    targetGroups: [
      // AWS's defaults for an ALB target group: interval 30 s, healthy threshold 5. The first
      // check comes 1 s after a registration (the plugin's firstCheckPhase).
      { name: TG, deregistrationDelay: 1, interval: 30, healthyThreshold: 5, firstCheckPhase: 1 }
    ]
  })
  const run = await runOk({
    'target-groups': TG,
    command: 'printf v2 > version',
    'expected-version': 'v2',
    'batch-size': '2',
    'min-healthy-percent': '50',
    'min-drain': '0',
    'health-timeout': '2m'
  })
  expect(run.outputs).toMatchObject({ result: 'success', deployed: '4' })
  // Two batches; each host is healthy one check (1 s) after its registration. Sleeping on
  // interval x threshold would take 150 s per batch; looking takes a few seconds.
  expect(run.durationMs).toBeLessThan(60_000)
  expect(run.stdout).toMatch(/batch 1: i-\S+ back in service/)
  expect(await emu.violations()).toEqual([])
})

describe('min-drain against the data plane', () => {
  // The stand-in keeps sending new requests to a deregistered target for 5 s (ALB: 15-20 s
  // measured; shortened here to keep the case short), while the deregistration delay is 1 s.
  async function trafficRun(minDrain?: string): Promise<{ run: ActionRun; traffic: Traffic }> {
    await emu.reset()
    await emu.seed({
      hosts: 2,
      targetGroups: [
        {
          name: TG,
          deregistrationDelay: 1,
          interval: 1,
          healthyThreshold: 2,
          newRequestWindow: 5,
          traffic: true,
          trafficRate: 20
        }
      ]
    })
    const inputs: Record<string, string> = {
      'target-groups': TG,
      command: 'printf v2 > version',
      'expected-version': 'v2',
      'batch-size': '1',
      'min-healthy-percent': '50'
    }
    if (minDrain !== undefined) inputs['min-drain'] = minDrain
    const run = await runOk(inputs)
    return { run, traffic: await emu.traffic() }
  }

  it('drops no request with the default min-drain', async () => {
    const { run, traffic } = await trafficRun()
    expect(run.outputs).toMatchObject({ result: 'success', deployed: '2' })
    expect(traffic.summary.total).toBeGreaterThan(100)
    expect(traffic.summary.dropped).toBe(0)
    expect(run.summary).toContain('| min-drain | 30s (default for alb) |')
  })

  it('drops requests with min-drain: 0', async () => {
    const { run, traffic } = await trafficRun('0')
    expect(run.outputs).toMatchObject({ result: 'success', deployed: '2' })
    expect(traffic.summary.total).toBeGreaterThan(20)
    expect(traffic.summary.dropped).toBeGreaterThan(0)
  })
})
