// The traffic model finds the hazard min-drain exists for (issue 17): with min-drain off, a
// deploy that starts as soon as the load balancer's API says the target is gone meets the
// requests the data plane still sends it (aws-model/data-plane.ts). The other half of the
// property, zero drops with min-drain >= the window, is in min-drain.property.needs-timing.ts.

import fc from 'fast-check'
import { describeRun, runTrafficCase, trafficCaseArb } from './traffic-cases.js'

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261128
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 1000

describe('traffic during a rollout, min-drain off', () => {
  it('drops requests whenever the routing window outlasts the deregistration delay by 10 s', async () => {
    // The drain wait ends within a poll of the delay; the deploy starts 0.5 s after SendCommand;
    // 10 s leaves room for both, so part of the window always overlaps the deploy.
    const arb = trafficCaseArb.filter((c) => c.windowMs >= c.deregistrationDelayS * 1000 + 10_000)
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const r = await runTrafficCase(c, 0)
        if (r.sim.traffic.droppedDeployRunning <= 0)
          throw new Error(`no drop found: ${describeRun(c, 0, r)}`)
      }),
      { seed: SEED, numRuns: RUNS }
    )
  }, 300_000)
})
