// Part 3: real time of the bundled action on the moto emulator (__tests__/e2e), run as the
// GitHub runner runs it, against the inherent minimum of the fleet it deploys to.
//   node .bench-build/bench/e2e.js [hosts] [runs]
// Prints one JSON line (E2eResult) on stdout.

import { Emulator, removeRunDirs, runAction, type ActionRun } from '../__tests__/e2e/harness.js'
import { median } from './stats.js'
import { perBatchMs } from './inherent.js'

/** Inherent times of the emulated fleet, in seconds. */
export const E2E = {
  drainS: 2,
  deployS: Number(process.env.RD_BENCH_E2E_DEPLOY_S ?? 20),
  appStartS: Number(process.env.RD_BENCH_E2E_APP_START_S ?? 5),
  lbIntervalS: Number(process.env.RD_BENCH_E2E_LB_INTERVAL_S ?? 5),
  lbThreshold: Number(process.env.RD_BENCH_E2E_LB_THRESHOLD ?? 2),
  batchSize: process.env.RD_BENCH_E2E_BATCH_SIZE ?? '25%'
} as const

/**
 * The floor per batch (bench/inherent.ts): drain (min-drain is 0 until the action has one) +
 * deploy + app start + ONE health check, which the moto plugin, like the AWS model, runs within
 * one interval of the registration; the healthy threshold does not enter it.
 */
export const e2ePerBatchMs = (): number =>
  perBatchMs({
    drainMs: E2E.drainS * 1000,
    minDrainMs: 0,
    deployMs: E2E.deployS * 1000,
    appStartMs: E2E.appStartS * 1000,
    lbIntervalMs: E2E.lbIntervalS * 1000,
    lbThreshold: E2E.lbThreshold
  })

/**
 * The deploy: the app answers 503 from the start of the deploy until appStartS after it ends
 * (a file `unhealthy` in the host's directory, which the fake app reads), then the new version.
 */
export const DEPLOY_SCRIPT = [
  'touch unhealthy',
  `sleep ${E2E.deployS}`,
  'echo v2 > version',
  `( sleep ${E2E.appStartS}; rm -f unhealthy ) </dev/null >/dev/null 2>&1 &`
].join('\n')

export interface E2eRun {
  wallMs: number
  batches: number
  inherentMs: number
  ratio: number
  result: string
  deployed: number
  calls: number
  callsByApi: Record<string, number>
  violations: number
  maxOutOfService: number
}

export interface E2eResult {
  hosts: number
  config: typeof E2E
  runs: E2eRun[]
  medianRatio: number
  medianWallMs: number
}

async function once(emu: Emulator, hosts: number): Promise<E2eRun> {
  await emu.reset()
  await emu.seed({
    hosts,
    version: 'v1',
    targetGroups: [
      {
        name: 'rd-bench',
        deregistrationDelay: E2E.drainS,
        interval: E2E.lbIntervalS,
        healthyThreshold: E2E.lbThreshold
      }
    ]
  })
  const run: ActionRun = await runAction(
    emu,
    {
      'target-groups': 'rd-bench',
      command: DEPLOY_SCRIPT,
      'batch-size': E2E.batchSize,
      'expected-version': 'v2',
      'health-timeout': '60s',
      'command-timeout': '60s'
    },
    {
      timeoutMs: 600_000,
      // Experiments with a patched bundle may read RD_* tuning variables: pass them through.
      env: Object.fromEntries(
        Object.entries(process.env).filter(([k]) => k.startsWith('RD_') && k !== 'RD_E2E_DIST')
      )
    }
  )
  const report = run.report ?? []
  const batches = new Set(report.map((r) => r.batch).filter((b) => b !== null)).size
  const inherentMs = batches * e2ePerBatchMs()
  const calls = await emu.calls()
  const result = run.outputs.result ?? `exit ${run.code}: ${run.stderr.slice(-300)}`
  return {
    wallMs: run.durationMs,
    batches,
    inherentMs,
    ratio: inherentMs > 0 ? run.durationMs / inherentMs : NaN,
    result,
    deployed: report.filter((r) => r.state === 'deployed').length,
    calls: calls.calls.length,
    callsByApi: calls.counts,
    violations: (await emu.violations()).length,
    maxOutOfService: (await emu.outOfService()).max
  }
}

export async function e2e(hosts: number, runs: number): Promise<E2eResult> {
  const emu = await Emulator.start()
  try {
    const out: E2eRun[] = []
    for (let i = 0; i < runs; i++) out.push(await once(emu, hosts))
    return {
      hosts,
      config: E2E,
      runs: out,
      medianRatio: median(out.map((r) => r.ratio)),
      medianWallMs: median(out.map((r) => r.wallMs))
    }
  } finally {
    await emu.stop()
    removeRunDirs()
  }
}
