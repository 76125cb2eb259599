// Part (c) of issue 12's benchmarks: a batch of two hosts, one deploying in 5 s and its mate in
// 60 s, on the fleet simulator. How long does the fast host stay out of service after it could
// pass its own on-host health check (its app is up: deploy end + app start)? Part (d): AWS calls
// per host on a 40-host, 4-batch run.

import { awsPorts } from '../src/aws/adapters.js'
import { rollout } from '../src/rollout/rollout.js'
import { mulberry32, silentLog } from '../__tests__/sim/fleet-sim.js'
import { instanceId } from '../__tests__/sim/helpers.js'
import { benchSettings, benchSim } from './sim-rollout.js'
import { FAST_CHECKS, INHERENT, type Inherent } from './inherent.js'

export interface UnevenResult {
  fastDeployMs: number
  slowDeployMs: number
  checks: { intervalS: number; healthyThreshold: number }
  /** From the fast host's app being up to its RegisterTargets. */
  fastAppUpToRegisterMs: number
  /** From the fast host's app being up to the load balancer calling it healthy again. */
  fastAppUpToInServiceMs: number
  /** The part of that the load balancer itself needs: its first check after the registration. */
  firstCheckMs: number
  /** When the slow host's app was up, relative to the fast host's RegisterTargets. */
  slowAppUpMinusFastRegisterMs: number
  result: string
}

export async function uneven(fastMs = 5_000, slowMs = 60_000): Promise<UnevenResult> {
  const t: Inherent = { ...INHERENT, ...FAST_CHECKS }
  const fast = instanceId(0)
  const slow = instanceId(1)
  const { clock, sim } = benchSim(4, t, {
    [fast]: { deployMs: fastMs },
    [slow]: { deployMs: slowMs }
  })
  const s = { ...benchSettings(), batchSize: [{ kind: 'count' as const, value: 2 }] }
  const outcome = await clock.run(
    rollout(s, { ...awsPorts(sim.clients), clock, log: silentLog(), random: mulberry32(1) })
  )
  const deployAt = sim.commands.find((c) => c.kind === 'deploy' && c.instanceIds.includes(fast))!.at
  // The script starts after SSM's delivery (timing.deliveryMs), then the app needs appStartMs.
  const upAt = (ms: number) => deployAt + sim.timing.deliveryMs + ms + sim.timing.appStartMs
  const registerAt = sim.elbLog.find(
    (e) => e.api === 'RegisterTargets' && e.targets.some((x) => x.id === fast)
  )!.at
  const back = sim.outOfServiceLog.find((o) => o.instanceId === fast)!.to ?? NaN
  return {
    fastDeployMs: fastMs,
    slowDeployMs: slowMs,
    checks: { intervalS: t.lbIntervalMs / 1000, healthyThreshold: t.lbThreshold },
    fastAppUpToRegisterMs: registerAt - upAt(fastMs),
    fastAppUpToInServiceMs: back - upAt(fastMs),
    firstCheckMs: back - registerAt,
    slowAppUpMinusFastRegisterMs: upAt(slowMs) - registerAt,
    result: outcome.result
  }
}
