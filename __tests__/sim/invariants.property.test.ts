// The invariants of SPEC.md, over random fleets and fault plans, on the fleet simulator.
//
// Each case is a fleet (1–200 hosts in 1–3 target groups, instances shared between groups), a
// fault plan (per host, per API call) and settings (batch-size, max-failures,
// min-healthy-percent, ...). The rollout runs on virtual time against the simulated AWS APIs, and
// the simulator's monitors are checked against what the rollout reported.
//
// Reproduce a failure: the base seed is printed at the start of the run (block i runs with base
// seed + i, the seed fast-check reports): `FC_SEED=<base seed> npm test -- __tests__/sim/invariants`.
// FC_RUNS changes the number of cases. A failing case is shrunk and printed with what broke.

import fc from 'fast-check'
import { awsPorts } from '../../src/aws/adapters.js'
import { rollout } from '../../src/rollout/rollout.js'
import { countStates } from '../../src/report/json.js'
import { resolveAmount, type Amount, type Settings } from '../../src/settings.js'
import { settingsFor } from '../support/settings.js'
import type { RolloutDeps } from '../../src/rollout/deps.js'
import type { RolloutOutcome } from '../../src/rollout/outcome.js'
import { isThrottling } from '../../src/shared/errors.js'
import { VirtualClock } from '../support/virtual-clock.js'
import {
  FleetSim,
  mulberry32,
  silentLog,
  type ApiFault,
  type HostFaults,
  type SimFleetSpec,
  type SimGroupSpec
} from './fleet-sim.js'
import { DEPLOY_SCRIPT, NEW, OLD, ROLLBACK_SCRIPT, instanceId } from './helpers.js'

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261123
/** Cases a run, over the four blocks below. */
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 1000

/** Real time one block may take. */
const TIMEOUT_MS = 600_000

beforeAll(() => {
  console.info(`invariants: fast-check seed ${SEED} (FC_SEED to replay), ${RUNS} cases`)
})

// ---------------------------------------------------------------------------------------------
// The random case
// ---------------------------------------------------------------------------------------------

interface HostCase {
  /** Indices of the groups it is registered in (those beyond the group count fold onto 0). */
  groups: number[]
  /** Also registered on a second port in its first group. */
  secondPort: boolean
  fault: HostFaults | null
}

interface Case {
  seed: number
  groups: SimGroupSpec[]
  hosts: HostCase[]
  api: ApiFault[]
  settings: {
    batchSize: Amount[]
    maxFailures: Amount
    minHealthyPercent: number
    expectVersion: boolean
    healthTimeoutS: number
    commandTimeoutS: number
    skipUnhealthy: boolean
    onFailure: 'halt' | 'rollback'
    canaryWaitS: number
    /** An alarm the run watches: in ALARM from fromS to untilS (null: never fires). */
    alarm: { fromS: number; untilS: number } | null
  }
}

const groupArb = (i: number): fc.Arbitrary<SimGroupSpec> =>
  fc.record({
    name: fc.constant(`tg-${i}`),
    port: fc.constantFrom(80, 8080),
    deregistrationDelaySeconds: fc.constantFrom(0, 5, 10, 30, 60),
    healthCheckIntervalSeconds: fc.constantFrom(5, 10),
    healthyThresholdCount: fc.constantFrom(2, 3),
    unhealthyThresholdCount: fc.constantFrom(2, 3),
    healthCheckPath: fc.constantFrom('/health', '/healthz'),
    healthCheckPort: fc.constantFrom('traffic-port', 'traffic-port', '9000')
  })

const faultArb: fc.Arbitrary<HostFaults> = fc.oneof(
  fc.record({
    deploy: fc.constantFrom<HostFaults['deploy']>(
      'fail',
      'hang',
      'undeliverable',
      'delivery-timeout'
    )
  }),
  fc.constant({ neverHealthy: true }),
  fc.record({ healthyLateMs: fc.constantFrom(10_000, 40_000, 400_000) }),
  fc.constant({ wrongVersion: 'v0-wrong' }),
  fc.constant({ unhealthyBeforeRun: true }),
  fc.constant({ agentOffline: true }),
  fc.record({ terminateAfterMs: fc.integer({ min: 60_000, max: 900_000 }) }),
  fc.record({
    flap: fc.record({
      upMs: fc.integer({ min: 5_000, max: 120_000 }),
      downMs: fc.integer({ min: 5_000, max: 60_000 }),
      afterMs: fc.integer({ min: 0, max: 300_000 })
    })
  })
)

const hostArb: fc.Arbitrary<HostCase> = fc.record({
  groups: fc.subarray([0, 1, 2], { minLength: 1 }),
  secondPort: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
  fault: fc.option(faultArb, { freq: 5 })
})

const apiNameArb = fc.constantFrom(
  '*',
  'DescribeTargetHealth',
  'DescribeTargetGroups',
  'DescribeTargetGroupAttributes',
  'RegisterTargets',
  'DeregisterTargets',
  'SendCommand',
  'ListCommandInvocations',
  'GetCommandInvocation'
)

/** Calls failing at random, or every call of an API for a while (an outage of up to 2 minutes). */
const apiFaultArb: fc.Arbitrary<ApiFault> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      api: apiNameArb,
      error: fc.constantFrom<ApiFault['error']>('throttle', 'server'),
      probability: fc.double({ min: 0, max: 0.2, noNaN: true })
    })
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        api: apiNameArb,
        error: fc.constantFrom<ApiFault['error']>('throttle', 'server'),
        fromMs: fc.integer({ min: 0, max: 600_000 }),
        lengthMs: fc.integer({ min: 1_000, max: 120_000 })
      })
      .map(({ lengthMs, ...f }) => ({ ...f, probability: 1, untilMs: f.fromMs + lengthMs }))
  }
)

const amountArb = (maxCount: number): fc.Arbitrary<Amount> =>
  fc.oneof(
    fc.record({
      kind: fc.constant<'count'>('count'),
      value: fc.integer({ min: 1, max: maxCount })
    }),
    fc.record({ kind: fc.constant<'percent'>('percent'), value: fc.integer({ min: 1, max: 100 }) })
  )

function caseArb(minHosts: number, maxHosts: number, maxBatch: number): fc.Arbitrary<Case> {
  return fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    groups: fc
      .integer({ min: 1, max: 3 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => groupArb(i)))),
    hosts: fc.array(hostArb, { minLength: minHosts, maxLength: maxHosts }),
    api: fc.array(apiFaultArb, { maxLength: 3 }),
    settings: fc.record({
      batchSize: fc.array(amountArb(maxBatch), { minLength: 1, maxLength: 3 }),
      maxFailures: fc.oneof(
        fc.record({ kind: fc.constant<'count'>('count'), value: fc.integer({ min: 0, max: 5 }) }),
        fc.record({
          kind: fc.constant<'percent'>('percent'),
          value: fc.integer({ min: 0, max: 50 })
        })
      ),
      minHealthyPercent: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(0, 25, 34, 50) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 100 }) }
      ),
      expectVersion: fc.boolean(),
      healthTimeoutS: fc.integer({ min: 60, max: 300 }),
      commandTimeoutS: fc.integer({ min: 60, max: 300 }),
      skipUnhealthy: fc.integer({ min: 0, max: 5 }).map((x) => x > 0),
      onFailure: fc.constantFrom<'halt' | 'rollback'>('halt', 'rollback'),
      canaryWaitS: fc.oneof(
        { weight: 3, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: 10, max: 120 }) }
      ),
      alarm: fc.option(
        fc
          .record({
            fromS: fc.integer({ min: 0, max: 900 }),
            lengthS: fc.integer({ min: 10, max: 600 })
          })
          .map(({ fromS, lengthS }) => ({ fromS, untilS: fromS + lengthS })),
        { freq: 6 }
      )
    })
  })
}

function fleetOf(c: Case): { fleet: SimFleetSpec; faults: Record<string, HostFaults> } {
  const faults: Record<string, HostFaults> = {}
  const hosts = c.hosts.map((h, i) => {
    const id = instanceId(i)
    if (h.fault) faults[id] = h.fault
    const groups = [...new Set(h.groups.map((g) => (g < c.groups.length ? g : 0)))]
    const registrations: SimFleetSpec['hosts'][number]['registrations'] = groups.map((g) => ({
      group: c.groups[g]!.name
    }))
    if (h.secondPort) registrations.push({ group: c.groups[groups[0]!]!.name, port: 9443 })
    return { instanceId: id, version: OLD, registrations }
  })
  return {
    fleet: {
      groups: c.groups,
      hosts,
      targetVersion: NEW,
      rollbackScript: ROLLBACK_SCRIPT,
      appPaths: ['/health', '/healthz'],
      alarms: c.settings.alarm
        ? {
            errors: [
              { afterMs: c.settings.alarm.fromS * 1000, state: 'ALARM' },
              { afterMs: c.settings.alarm.untilS * 1000, state: 'OK' }
            ]
          }
        : undefined
    },
    faults
  }
}

function settingsOf(c: Case): Settings {
  const s = c.settings
  return settingsFor({
    targetGroups: c.groups.map((g) => g.name),
    deploy: { kind: 'command', script: DEPLOY_SCRIPT },
    batchSize: s.batchSize,
    canaryWaitMs: s.canaryWaitS * 1000,
    healthTimeoutMs: s.healthTimeoutS * 1000,
    expectedVersion: s.expectVersion ? NEW : undefined,
    maxFailures: s.maxFailures,
    minHealthyPercent: s.minHealthyPercent,
    skipUnhealthy: s.skipUnhealthy,
    commandTimeoutMs: s.commandTimeoutS * 1000,
    onFailure: s.onFailure,
    rollbackCommand: ROLLBACK_SCRIPT,
    alarms: s.alarm ? ['errors'] : [],
    lock: false
  })
}

// ---------------------------------------------------------------------------------------------
// Running a case and checking it
// ---------------------------------------------------------------------------------------------

/** Breaks the rollout on purpose, to show the checks catch it (see the last block). */
type Sabotage = (deps: RolloutDeps, settings: Settings) => { deps: RolloutDeps; settings: Settings }

async function run(
  c: Case,
  sabotage?: Sabotage
): Promise<{
  sim: FleetSim
  outcome: RolloutOutcome
  settings: Settings
  faults: Record<string, HostFaults>
  log: string[]
}> {
  const { fleet, faults } = fleetOf(c)
  const clock = new VirtualClock()
  const sim = new FleetSim(clock, fleet, { hosts: faults, api: c.api, seed: c.seed })
  const settings = settingsOf(c)
  const log = silentLog()
  const deps: RolloutDeps = { ...awsPorts(sim.clients), clock, log, random: mulberry32(c.seed) }
  const broken = sabotage?.(deps, settings) ?? { deps, settings }
  const outcome = await clock.run(rollout(broken.settings, broken.deps))
  return { sim, outcome, settings, faults, log: log.lines }
}

/** Faults that make the app misbehave while the host is in service, outside the rollout's control. */
const disturbsService = (f: HostFaults | undefined) =>
  !!f && (f.flap !== undefined || f.terminateAfterMs !== undefined)

function problems(c: Case, r: Awaited<ReturnType<typeof run>>): string[] {
  const { sim, outcome, settings, faults } = r
  const out: string[] = []
  const fleetIds = c.hosts.map((_, i) => instanceId(i))
  const byId = new Map(outcome.hosts.map((h) => [h.instanceId, h]))
  const deregistered = new Set(
    sim.elbLog
      .filter((e) => e.api === 'DeregisterTargets')
      .flatMap((e) => e.targets.map((t) => t.id))
  )
  const commanded = new Set(
    sim.commands.filter((x) => x.kind !== 'health').flatMap((x) => x.instanceIds)
  )
  const anyDisturbance = fleetIds.some((id) => disturbsService(faults[id]))

  if (sim.unsupported.length > 0)
    out.push(`the rollout made calls the simulator does not model: ${sim.unsupported.join('; ')}`)

  // 1. No deploy command reaches a host that is registered or draining anywhere.
  for (const v of sim.violations)
    out.push(
      `invariant 1: ${v.kind} command ${v.commandId} reached ${v.instanceId} while ${v.state} in ${v.group}:${v.port}`
    )

  // 2. Out of service: at most the current batch plus hosts already failed; the capacity guard holds.
  const minimum = Math.ceil((settings.minHealthyPercent * fleetIds.length) / 100)
  if (outcome.batches.length > 0 && outcome.minInService !== minimum)
    out.push(
      `invariant 2: minInService ${outcome.minInService}, expected ceil(${settings.minHealthyPercent}% × ${fleetIds.length}) = ${minimum}`
    )
  for (const d of sim.deregistrations) {
    // The newest batch: one may end and the next start in the same virtual millisecond.
    const batch = [...outcome.batches]
      .reverse()
      .find(
        (b) =>
          b.instanceIds.includes(d.instanceIds[0]!) &&
          b.startedAt <= d.at &&
          d.at <= (b.finishedAt ?? Infinity)
      )
    if (!batch) {
      out.push(
        `invariant 2: ${d.instanceIds.join(',')} taken out at +${(d.at - sim.startedAt) / 1000}s outside any batch`
      )
      continue
    }
    const allowed = new Set(batch.instanceIds)
    // Hosts that failed in an earlier batch stay out even when a rollback later passes them.
    for (const b of outcome.batches)
      if (b.startedAt < d.at) for (const id of b.failed) allowed.add(id)
    for (const h of outcome.hosts) {
      if (
        h.state === 'failed' &&
        ((h.finishedAt ?? Infinity) <= d.at || (h.batch ?? Infinity) < batch.number)
      )
        allowed.add(h.instanceId)
    }
    const extra = d.outOfService.filter((id) => !allowed.has(id))
    if (extra.length > 0) {
      out.push(
        `invariant 2: at +${(d.at - sim.startedAt) / 1000}s (batch ${batch.number}) out of service beyond the batch and failed hosts: ${extra.join(', ')}`
      )
    }
    if (d.inServiceOrFlapping + d.terminated < minimum) {
      out.push(
        `invariant 2: capacity guard broken at +${(d.at - sim.startedAt) / 1000}s (batch ${batch.number}): ${d.inService} in service, ${minimum} must stay`
      )
    }
  }

  // 3. Every host in the report exactly once with a final state; out of service ⇒ reported so.
  const ids = outcome.hosts.map((h) => h.instanceId)
  if (ids.length !== new Set(ids).size) out.push(`invariant 3: a host appears twice in the report`)
  if ([...ids].sort().join() !== [...fleetIds].sort().join())
    out.push(`invariant 3: report hosts ${ids.length} ≠ fleet ${fleetIds.length}`)
  for (const id of sim.outOfServiceNow()) {
    const h = byId.get(id)
    if (h?.state !== 'failed')
      out.push(
        `invariant 3: ${id} is out of service at the end but reported ${h?.state}/${h?.step}`
      )
  }
  for (const h of outcome.hosts) {
    const view = sim.host(h.instanceId)
    const touched = deregistered.has(h.instanceId) || commanded.has(h.instanceId)
    if ((h.state === 'pending' || h.state === 'skipped') && touched) {
      out.push(
        `invariant 3: ${h.instanceId} is ${h.state} but was ${commanded.has(h.instanceId) ? 'sent a command' : 'deregistered'}`
      )
    }
    if (h.state === 'deployed') {
      if (
        !view.terminated &&
        view.registrations.length !==
          sim.fleet.hosts.find((x) => x.instanceId === h.instanceId)!.registrations.length
      ) {
        out.push(
          `invariant 3: ${h.instanceId} reported deployed but registered as ${JSON.stringify(view.registrations)}`
        )
      }
      if (!view.terminated && view.registrations.some((x) => x.state === 'draining'))
        out.push(`invariant 3: ${h.instanceId} reported deployed but draining`)
      if (view.deploys === 0)
        out.push(`invariant 3: ${h.instanceId} reported deployed but no deploy reached it`)
      if (
        settings.expectedVersion &&
        !view.terminated &&
        view.version !== settings.expectedVersion
      ) {
        out.push(`invariant 3: ${h.instanceId} reported deployed but runs ${view.version}`)
      }
    }
    if (h.state === 'rolled-back' && !view.terminated) {
      if (!view.inService && !disturbsService(faults[h.instanceId]))
        out.push(
          `invariant 3: ${h.instanceId} reported rolled-back but not in service: ${JSON.stringify(view.registrations)}`
        )
      if (view.rollbacks === 0 || view.version !== OLD)
        out.push(
          `invariant 3: ${h.instanceId} reported rolled-back but runs ${view.version} after ${view.rollbacks} rollback(s)`
        )
    }
  }

  // 4. Throttling and transient errors never become host failures.
  for (const h of outcome.hosts) {
    if (h.state === 'failed' && !faults[h.instanceId])
      out.push(`invariant 4: ${h.instanceId} has no fault but failed at ${h.step}: ${h.reason}`)
  }
  if (/AWS error.*(Rate exceeded|internal error)/i.test(outcome.reason ?? ''))
    out.push(`invariant 4: the run stopped on a transient AWS error: ${outcome.reason}`)

  // 5. With ≥ 2 healthy hosts and min-healthy-percent > 0, zero requests are dropped.
  const healthyAtStart = fleetIds.filter((id) => !faults[id]?.unhealthyBeforeRun)
  const everyGroupServed = c.groups.every((g) =>
    sim.fleet.hosts.some(
      (h) =>
        healthyAtStart.includes(h.instanceId) && h.registrations.some((x) => x.group === g.name)
    )
  )
  if (
    healthyAtStart.length >= 2 &&
    settings.minHealthyPercent > 0 &&
    everyGroupServed &&
    !anyDisturbance &&
    sim.dropped > 0
  ) {
    const groups = Object.entries(sim.traffic.byGroup)
      .filter(([, g]) => g.dropped > 0)
      .map(([name, g]) => `${name} ${g.dropped.toFixed(0)}`)
    out.push(
      `invariant 5: ${sim.dropped.toFixed(0)} requests dropped (no target ${sim.traffic.droppedNoTarget.toFixed(0)}, deploy running ${sim.traffic.droppedDeployRunning.toFixed(0)}; by group: ${groups.join(', ')})`
    )
  }

  // 6. The result and the counts agree with the hosts' states.
  const counts = countStates(outcome.hosts)
  const total =
    counts.deployed + counts.failed + counts.skipped + counts.pending + counts.rolledBack
  if (total !== fleetIds.length)
    out.push(`invariant 6: counts add up to ${total}, fleet is ${fleetIds.length}`)
  const maxFailures = resolveAmount(settings.maxFailures, fleetIds.length)
  // A host that vanished (terminated) is failed but not a failure of the release: README,
  // "Auto Scaling groups" — it does not count against max-failures.
  const failedCounted = outcome.hosts.filter(
    (h) => h.state === 'failed' && h.reason !== 'terminated'
  ).length
  const stoppedBy = (outcome.reason ?? '').match(/alarm|AWS error/i)
  if (counts.rolledBack > 0 && settings.onFailure !== 'rollback')
    out.push(`invariant 6: ${counts.rolledBack} host(s) rolled back with on-failure halt`)
  if (outcome.result === 'success') {
    if (counts.skipped > 0 && counts.deployed === 0)
      out.push(`invariant 6: result success with ${counts.skipped} skipped and none deployed`)
    if (counts.pending > 0)
      out.push(`invariant 6: result success with ${counts.pending} host(s) pending`)
    if (counts.rolledBack > 0)
      out.push(`invariant 6: result success with ${counts.rolledBack} host(s) rolled back`)
    if (failedCounted > maxFailures)
      out.push(
        `invariant 6: result success with ${failedCounted} failed > max-failures ${maxFailures}`
      )
  } else if (outcome.result === 'failed' || outcome.result === 'rolled-back') {
    if (!outcome.reason) out.push(`invariant 6: result ${outcome.result} without a reason`)
    if (
      failedCounted <= maxFailures &&
      counts.pending === 0 &&
      counts.rolledBack === 0 &&
      !stoppedBy &&
      !(counts.skipped > 0 && !settings.skipUnhealthy) &&
      // SPEC: a run that skipped hosts and deployed none ends failed (nothing was rolled out).
      !(counts.skipped > 0 && counts.deployed === 0)
    ) {
      out.push(
        `invariant 6: result ${outcome.result} (${outcome.reason}) though ${counts.failed} failed ≤ max-failures ${maxFailures} and nothing is pending`
      )
    }
    if (outcome.result === 'rolled-back') {
      if (settings.onFailure !== 'rollback')
        out.push('invariant 6: result rolled-back with on-failure halt')
      if (counts.deployed > 0)
        out.push(`invariant 6: result rolled-back with ${counts.deployed} host(s) still deployed`)
    }
  } else {
    out.push(`invariant 6: unexpected result ${outcome.result}`)
  }
  if (failedCounted > maxFailures && outcome.result === 'success')
    out.push(
      `invariant 6: ${failedCounted} failed > max-failures ${maxFailures} but result success`
    )
  return out
}

async function check(c: Case): Promise<void> {
  const r = await run(c)
  const found = problems(c, r)
  if (found.length > 0) {
    const hosts = r.outcome.hosts.map(
      (h) => `${h.instanceId} ${h.state}/${h.step} b${h.batch} ${h.reason ?? ''}`
    )
    throw new Error(
      [
        ...found,
        `result ${r.outcome.result}: ${r.outcome.reason ?? ''}`,
        `batches: ${r.outcome.batches.map((b) => `#${b.number} [${b.instanceIds.join(',')}] +${(b.startedAt - r.sim.startedAt) / 1000}s..+${((b.finishedAt ?? NaN) - r.sim.startedAt) / 1000}s`).join(' ')}`,
        ...hosts,
        `faults: ${JSON.stringify(r.faults)}`
      ].join('\n')
    )
  }
}

const params = (offset: number, share: number): fc.Parameters<[Case]> => ({
  seed: SEED + offset,
  numRuns: Math.max(1, Math.round(RUNS * share))
})

describe('invariants under random fleets and faults', () => {
  it(
    'small fleets (1–6 hosts)',
    async () => {
      await fc.assert(fc.asyncProperty(caseArb(1, 6, 4), check), params(0, 0.35))
    },
    TIMEOUT_MS
  )

  it(
    'medium fleets (5–20 hosts)',
    async () => {
      await fc.assert(fc.asyncProperty(caseArb(5, 20, 8), check), params(1, 0.3))
    },
    TIMEOUT_MS
  )

  it(
    'fleets of 2–12 hosts with flaky AWS APIs only',
    async () => {
      const arb = caseArb(2, 12, 4).map((c) => ({
        ...c,
        hosts: c.hosts.map((h) => ({ ...h, fault: null })),
        api: c.api.length > 0 ? c.api : [{ api: '*', error: 'throttle' as const, probability: 0.1 }]
      }))
      await fc.assert(fc.asyncProperty(arb, check), params(2, 0.25))
    },
    TIMEOUT_MS
  )

  it(
    'a few large fleets (up to 200 hosts)',
    async () => {
      await fc.assert(fc.asyncProperty(caseArb(20, 200, 60), check), params(3, 0.1))
    },
    TIMEOUT_MS
  )
})

describe('the checks catch a broken rollout', () => {
  const base: Case = {
    seed: 5,
    groups: [
      {
        name: 'tg-0',
        deregistrationDelaySeconds: 10,
        healthCheckIntervalSeconds: 5,
        healthyThresholdCount: 2
      }
    ],
    hosts: Array.from({ length: 4 }, () => ({ groups: [0], secondPort: false, fault: null })),
    api: [],
    settings: {
      batchSize: [{ kind: 'count', value: 1 }],
      maxFailures: { kind: 'count', value: 0 },
      minHealthyPercent: 50,
      expectVersion: true,
      healthTimeoutS: 120,
      commandTimeoutS: 120,
      skipUnhealthy: true,
      onFailure: 'halt',
      canaryWaitS: 0,
      alarm: null
    }
  }
  /** The port with some methods replaced (the adapters are classes: keep their prototype). */
  const override = <T extends object>(port: T, methods: Partial<T>): T =>
    Object.assign(Object.create(port) as T, methods)
  const found = async (c: Case, sabotage?: Sabotage) =>
    problems(c, await run(c, sabotage)).join('\n')

  it('a correct rollout passes', async () => {
    expect(await found(base)).toBe('')
  })

  it('deploying without deregistering breaks invariants 1 and 5', async () => {
    const text = await found(base, (deps, settings) => {
      // Deregistration is skipped, and the rollout believes it happened.
      const out = new Set<string>()
      const lb = override(deps.lb, {
        takeOut: async (_pool: string, members: Array<{ instanceId: string }>) =>
          void members.forEach((t) => out.add(t.instanceId)),
        putBack: async (pool: string, members: Array<{ instanceId: string; port: number }>) => {
          members.forEach((t) => out.delete(t.instanceId))
          await deps.lb.putBack(pool, members)
        },
        describeMembers: async (g: Parameters<RolloutDeps['lb']['describeMembers']>[0]) =>
          (await deps.lb.describeMembers(g)).filter((t) => !out.has(t.instanceId))
      })
      return { deps: { ...deps, lb }, settings }
    })
    expect(text).toMatch(/invariant 1: deploy command .* while healthy/)
    expect(text).toMatch(/invariant 5: .* deploy running [1-9]/)
  })

  it('ignoring min-healthy-percent breaks invariant 2', async () => {
    const c: Case = {
      ...base,
      settings: {
        ...base.settings,
        minHealthyPercent: 75,
        batchSize: [{ kind: 'count', value: 2 }]
      }
    }
    const text = await found(c, (deps, settings) => ({
      deps,
      settings: { ...settings, minHealthyPercent: 0 }
    }))
    expect(text).toMatch(/invariant 2: capacity guard broken/)
  })

  it('blaming hosts for throttling breaks invariant 4', async () => {
    const c: Case = {
      ...base,
      api: [
        {
          api: 'ListCommandInvocations',
          error: 'throttle',
          probability: 1,
          fromMs: 15_000,
          untilMs: 60_000
        }
      ]
    }
    const text = await found(c, (deps, settings) => {
      const sent = new Map<string, string[]>()
      const runner = override(deps.runner, {
        send: async (ids: string[], spec: Parameters<RolloutDeps['runner']['send']>[1]) => {
          const out = await deps.runner.send(ids, spec)
          for (const s of out) sent.set(s.commandId, s.instanceIds)
          return out
        },
        invocations: async (commandId: string) => {
          try {
            return await deps.runner.invocations(commandId)
          } catch (err) {
            if (!isThrottling(err)) throw err
            return (sent.get(commandId) ?? []).map((instanceId) => ({
              instanceId,
              status: 'Failed',
              responseCode: 1
            }))
          }
        }
      })
      return { deps: { ...deps, runner }, settings }
    })
    expect(text).toMatch(/invariant 4: i-\w+ has no fault but failed/)
  })

  it('losing a host from the report breaks invariants 3 and 6', async () => {
    const text = await found(base, (deps, settings) => {
      // Every read misses the host last in the group's first answer (the fleet is read again
      // before every batch: dropping whoever is last would lose a different host each time).
      let lost: string | undefined
      const lb = override(deps.lb, {
        describeMembers: async (g: Parameters<RolloutDeps['lb']['describeMembers']>[0]) => {
          const all = await deps.lb.describeMembers(g)
          lost ??= all.at(-1)?.instanceId
          return all.filter((m) => m.instanceId !== lost)
        }
      })
      return { deps: { ...deps, lb }, settings }
    })
    expect(text).toMatch(/invariant 3: report hosts 3 ≠ fleet 4/)
    expect(text).toMatch(/invariant 6: counts add up to 3, fleet is 4/)
  })
})
