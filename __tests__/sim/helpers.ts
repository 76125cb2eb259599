// Shared by the simulator's tests: fleets, settings and a rollout run on the simulator.

import type { Settings } from '../../src/settings.js'
import { settingsFor } from '../support/settings.js'
import { VirtualClock } from '../support/virtual-clock.js'
import {
  FleetSim,
  mulberry32,
  silentLog,
  type FaultPlan,
  type SimFleetSpec,
  type SimGroupSpec
} from './fleet-sim.js'

export const DEPLOY_SCRIPT = 'sudo /opt/app/deploy.sh'
export const ROLLBACK_SCRIPT = 'sudo /opt/app/rollback.sh'
export const OLD = 'v1'
export const NEW = 'v2'

/** `n` hosts i-000…, all registered in every group on the group's port. */
export function simpleFleet(
  n: number,
  groups: SimGroupSpec[] = [fastGroup('web')],
  patch: Partial<SimFleetSpec> = {}
): SimFleetSpec {
  return {
    groups,
    hosts: Array.from({ length: n }, (_, i) => ({
      instanceId: instanceId(i),
      version: OLD,
      registrations: groups.map((g) => ({ group: g.name }))
    })),
    targetVersion: NEW,
    rollbackScript: ROLLBACK_SCRIPT,
    ...patch
  }
}

export const instanceId = (i: number): string => `i-${i.toString(16).padStart(17, '0')}`

/** A target group with short timings, so scenarios take minutes of virtual time. */
export function fastGroup(name: string, patch: Partial<SimGroupSpec> = {}): SimGroupSpec {
  return {
    name,
    deregistrationDelaySeconds: 10,
    healthCheckIntervalSeconds: 5,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 2,
    healthCheckPath: '/health',
    ...patch
  }
}

/** Settings for the simulator's fleets: short timeouts, the version checked, no lock. */
export function settings(targetGroups: string[], patch: Partial<Settings> = {}): Settings {
  return settingsFor({
    targetGroups,
    deploy: { kind: 'command', script: DEPLOY_SCRIPT },
    healthTimeoutMs: 120_000,
    expectedVersion: NEW,
    commandTimeoutMs: 120_000,
    rollbackCommand: ROLLBACK_SCRIPT,
    lock: false,
    ...patch
  })
}

/** A fresh clock and simulator. */
export function newSim(
  fleet: SimFleetSpec,
  faults: FaultPlan = {}
): { clock: VirtualClock; sim: FleetSim } {
  const clock = new VirtualClock()
  const sim = new FleetSim(clock, fleet, faults)
  return { clock, sim }
}

export { mulberry32, silentLog }
