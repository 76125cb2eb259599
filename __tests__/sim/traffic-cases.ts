// Random fleets for the traffic properties (min-drain, issue 17): hosts behind one target group
// whose data plane keeps sending new requests to a deregistered target for a window (the AWS
// model's data plane, aws-model/data-plane.ts: measured by users, not documented by AWS), a
// deregistration delay, and a rollout on the simulator that counts every request routed to a host
// whose deploy has started as dropped.

import fc from 'fast-check'
import { awsPorts } from '../../src/aws/adapters.js'
import { rollout } from '../../src/rollout/rollout.js'
import type { Settings } from '../../src/settings.js'
import type { RolloutOutcome } from '../../src/rollout/outcome.js'
import { VirtualClock } from '../support/virtual-clock.js'
import { FleetSim, mulberry32, silentLog } from './fleet-sim.js'
import { fastGroup, settings, simpleFleet } from './helpers.js'

export interface TrafficCase {
  hosts: number
  batchSize: number
  deregistrationDelayS: number
  intervalS: number
  healthyThreshold: number
  /** How long the data plane keeps routing to a deregistered target. */
  windowMs: number
  deployMs: number
  seed: number
}

export const trafficCaseArb: fc.Arbitrary<TrafficCase> = fc.record({
  hosts: fc.integer({ min: 2, max: 4 }),
  batchSize: fc.integer({ min: 1, max: 2 }),
  deregistrationDelayS: fc.constantFrom(0, 1, 5, 10, 30),
  intervalS: fc.constantFrom(5, 10, 30),
  healthyThreshold: fc.integer({ min: 2, max: 5 }),
  windowMs: fc.integer({ min: 0, max: 60_000 }),
  deployMs: fc.integer({ min: 1_000, max: 30_000 }),
  seed: fc.integer({ min: 1, max: 1_000_000 })
})

export interface TrafficRun {
  sim: FleetSim
  outcome: RolloutOutcome
}

/**
 * Runs one rollout of the case on the simulator. `minDrainMs` goes into Settings as the field the
 * "timing" task adds (`settings.minDrainMs`, agreed across tasks); until it lands the field is
 * carried but not read.
 */
export async function runTrafficCase(c: TrafficCase, minDrainMs: number): Promise<TrafficRun> {
  const group = fastGroup('web', {
    deregistrationDelaySeconds: c.deregistrationDelayS,
    healthCheckIntervalSeconds: c.intervalS,
    healthyThresholdCount: c.healthyThreshold,
    newRequestWindowMs: c.windowMs
  })
  const fleet = simpleFleet(c.hosts, [group], { timing: { deployMs: c.deployMs } })
  const clock = new VirtualClock()
  const sim = new FleetSim(clock, fleet)
  const patch: Record<string, unknown> = {
    batchSize: [{ kind: 'count', value: c.batchSize }],
    minHealthyPercent: 0,
    drainTimeoutMs: 600_000,
    healthTimeoutMs: 600_000,
    minDrainMs
  }
  const s: Settings = settings(['web'], patch as Partial<Settings>)
  const deps = { ...awsPorts(sim.clients), clock, log: silentLog(), random: mulberry32(c.seed) }
  const outcome = await clock.run(rollout(s, deps))
  return { sim, outcome }
}

/** The case, the run's result and what was dropped, for a failing property's message. */
export function describeRun(c: TrafficCase, minDrainMs: number, r: TrafficRun): string {
  return `${JSON.stringify(c)} minDrainMs=${minDrainMs}: ${r.outcome.result}, dropped ${r.sim.dropped.toFixed(1)} (deploy started ${r.sim.traffic.droppedDeployRunning.toFixed(1)}, no target ${r.sim.traffic.droppedNoTarget.toFixed(1)})`
}
