// One simulated rollout on the fleet simulator, in this process, on virtual time.
// Run by scripts/bench.mjs in a child process per fleet size (so peak RSS is per size):
//   node .bench-build/bench/sim-rollout.js <hosts> [--no-rollout]
// Prints one JSON line (SimRolloutResult) on stdout.

import { performance } from 'node:perf_hooks'
import { readFileSync } from 'node:fs'
import { awsPorts } from '../src/aws/adapters.js'
import { SsmParameterStore } from '../src/aws/lock-store.js'
import { JournalWriter } from '../src/journal/journal.js'
import { planBatches } from '../src/rollout/plan.js'
import { acquireLocks, lockTtlFor } from '../src/rollout/lock.js'
import { rollout } from '../src/rollout/rollout.js'
import type { RolloutOutcome } from '../src/rollout/outcome.js'
import { FleetSim, mulberry32, silentLog, type HostFaults } from '../__tests__/sim/fleet-sim.js'
import type { Settings } from '../src/settings.js'
import type { Log } from '../src/ports/log.js'
import { median } from './stats.js'
import { fastGroup, settings as simSettings, simpleFleet } from '../__tests__/sim/helpers.js'
import { VirtualClock } from '../__tests__/support/virtual-clock.js'
import { INHERENT, inherentMinimumMs, type Inherent } from './inherent.js'

export interface SimRolloutResult {
  hosts: number
  /** Health-check interval and healthy threshold of the run. */
  checks: { intervalS: number; healthyThreshold: number }
  /** Seed of the poller's jitter. */
  seed: number
  result: string
  /** Why the rollout threw, when it did. */
  error?: string
  deployed: number
  failed: number
  skipped: number
  batches: number
  virtualMs: number
  inherentMs: number
  ratio: number
  /** Virtual time per phase, summed over batches, and outside the batches. */
  phases: Record<string, number>
  calls: Record<string, number>
  totalCalls: number
  throttled: Record<string, number>
  violations: number
  unsupported: number
  /** Real ms in the rollout's "Discover the fleet" step. */
  discoverMs?: number
  /** Real ms in the pre-check (its waits are virtual). */
  precheckMs?: number
  /** Real ms from the end of the pre-check to the end of the "Plan" step (capacity, planBatches, plan log). */
  planMs?: number
  /** discoverMs + planMs: the planning the rollout does before its first batch, pre-check excluded. */
  planningMs?: number
  /** Real ms of planBatches alone on the fleet's ids. */
  planBatchesMs: number
  /** Real ms inside the batches. */
  batchesRealMs?: number
  /** Real ms of the whole rollout on virtual time. */
  realMs: number
  /** Peak resident set of this process, MB (VmHWM). */
  peakRssMb: number
  /** Resident set right after building the simulated fleet, before the rollout, MB. */
  baselineRssMb: number
  heapUsedMb: number
}

const BATCH_PERCENT = 10

function vmHwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024
}

function rssMb(): number {
  return process.memoryUsage().rss / 2 ** 20
}

/**
 * The bench fleet: N hosts in one group, drain 30 s, deploy 20 s, app start 5 s, health checks
 * every `lbIntervalMs` (the first one a whole interval after the registration: the slowest case
 * of the AWS model).
 */
export function benchSim(
  hosts: number,
  t: Inherent = INHERENT,
  hostFaults: Record<string, HostFaults> = {}
): { clock: VirtualClock; sim: FleetSim } {
  const clock = new VirtualClock()
  const group = fastGroup('web', {
    deregistrationDelaySeconds: t.drainMs / 1000,
    healthCheckIntervalSeconds: t.lbIntervalMs / 1000,
    healthyThresholdCount: t.lbThreshold
  })
  const fleet = simpleFleet(hosts, [group], {
    timing: { deployMs: t.deployMs, appStartMs: t.appStartMs }
  })
  const sim = new FleetSim(clock, fleet, { hosts: hostFaults })
  forgetMockHistory(clock, sim)
  return { clock, sim }
}

/**
 * aws-sdk-client-mock answers through a sinon stub, which keeps every call's input and output
 * (each DescribeTargetHealth answer lists the whole fleet): hundreds of MB at 10,000 hosts that the
 * action itself never holds. The bench clears that history as virtual time passes.
 */
function forgetMockHistory(clock: VirtualClock, sim: FleetSim): void {
  const stubs = Object.values(sim.clients).map(
    (c) => (c as { send: unknown }).send as { resetHistory?: () => void }
  )
  clock.onAdvance(() => {
    for (const s of stubs) s.resetHistory?.()
  })
}

export function benchSettings() {
  return simSettings(['web'], {
    batchSize: [{ kind: 'percent', value: BATCH_PERCENT }],
    lock: true,
    healthTimeoutMs: 300_000,
    commandTimeoutMs: 600_000
  })
}

function phaseTotals(outcome: RolloutOutcome): Record<string, number> {
  const out: Record<string, number> = {}
  let inBatches = 0
  for (const b of outcome.batches) {
    inBatches += (b.finishedAt ?? outcome.finishedAt) - b.startedAt
    for (const p of b.phases)
      out[p.phase] = (out[p.phase] ?? 0) + ((p.finishedAt ?? outcome.finishedAt) - p.startedAt)
  }
  const first = outcome.batches[0]?.startedAt ?? outcome.finishedAt
  const last = outcome.batches.at(-1)?.finishedAt ?? outcome.finishedAt
  out.beforeBatches = first - outcome.startedAt
  out.betweenBatches = last - first - inBatches
  out.afterBatches = outcome.finishedAt - last
  return out
}

/** Real ms of planBatches alone on n instance ids in one target group, as the rollout calls it; median of 5. */
function timePlanBatches(n: number): number {
  const s = benchSettings()
  const ids = Array.from({ length: n }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`)
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const groups = [{ name: 'web', members: [...ids], inService: n }]
    const t0 = performance.now()
    planBatches(s.batchSize, ids, n, s.minHealthyPercent, n, groups)
    times.push(performance.now() - t0)
  }
  return median(times)
}

export async function simRollout(
  hosts: number,
  seed = 1,
  doRollout = true,
  t: Inherent = INHERENT,
  batchSize: Settings['batchSize'] = [{ kind: 'percent', value: BATCH_PERCENT }]
): Promise<SimRolloutResult> {
  const planBatchesMs = timePlanBatches(hosts)
  const { clock, sim } = benchSim(hosts, t)
  const s = { ...benchSettings(), batchSize }
  const baselineRssMb = rssMb()
  const log = silentLog()
  // Real time spent in each log group (the rollout opens one per step): discover and plan.
  const groupMs: Record<string, number> = {}
  const marks: Record<string, number> = {}
  const timedLog: Log = {
    debug: () => undefined,
    info: () => undefined,
    warning: log.warning,
    error: log.error,
    group: async (name, fn) => {
      const key = name.replace(/^Batch \d+.*$/, 'Batch')
      const t0 = performance.now()
      if (key === 'Pre-check') marks.precheckStart = t0
      try {
        return await fn()
      } finally {
        const t1 = performance.now()
        groupMs[key] = (groupMs[key] ?? 0) + t1 - t0
        if (key === 'Pre-check') marks.precheckEnd = t1
        if (key === 'Plan') marks.planEnd = t1
      }
    }
  }
  // As main.ts wires it: the SSM lock and the journal the post step reads.
  const journal = new JournalWriter({ region: 'us-east-1', runUrl: 'bench' }, () => undefined)
  const lockStore = new SsmParameterStore(sim.clients.ssm)
  const t0 = performance.now()
  let outcome: RolloutOutcome | undefined
  let error: string | undefined
  if (doRollout) {
    try {
      outcome = await clock.run(
        rollout(s, {
          ...awsPorts(sim.clients),
          clock,
          log: timedLog,
          random: mulberry32(seed),
          onChange: (records) => journal.hosts(records),
          lock: async (groups, count) => {
            const ttl = lockTtlFor(s, groups, count)
            await acquireLocks(lockStore, groups, 'bench', ttl, clock, log)
          }
        })
      )
    } catch (err) {
      error = `${(err as Error).name}: ${(err as Error).message}`
    }
  }
  const realMs = performance.now() - t0
  const batches = outcome?.batches.length ?? 0
  const virtualMs = outcome
    ? outcome.finishedAt - outcome.startedAt
    : sim.clock.now() - sim.startedAt
  const inherentMs = inherentMinimumMs(batches, t)
  const count = (st: string) => outcome?.hosts.filter((h) => h.state === st).length ?? 0
  const planMs =
    marks.planEnd !== undefined && marks.precheckEnd !== undefined
      ? marks.planEnd - marks.precheckEnd
      : undefined
  return {
    hosts,
    checks: { intervalS: t.lbIntervalMs / 1000, healthyThreshold: t.lbThreshold },
    seed,
    result: outcome?.result ?? (error ? 'crashed' : 'none'),
    error,
    deployed: count('deployed'),
    failed: count('failed'),
    skipped: count('skipped'),
    batches,
    virtualMs,
    inherentMs,
    ratio: inherentMs > 0 ? virtualMs / inherentMs : NaN,
    phases: outcome ? phaseTotals(outcome) : {},
    calls: { ...sim.calls },
    totalCalls: Object.values(sim.calls).reduce((a, b) => a + b, 0),
    throttled: { ...sim.throttled },
    violations: sim.violations.length,
    unsupported: sim.unsupported.length,
    discoverMs: groupMs['Discover the fleet'],
    precheckMs: groupMs['Pre-check'],
    planMs,
    planningMs: planMs !== undefined ? (groupMs['Discover the fleet'] ?? 0) + planMs : undefined,
    planBatchesMs,
    batchesRealMs: groupMs.Batch,
    realMs,
    peakRssMb: vmHwmMb(),
    baselineRssMb,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20
  }
}
