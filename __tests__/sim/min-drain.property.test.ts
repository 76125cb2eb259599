// NOT RUN YET: needs the "timing" task's `settings.minDrainMs` in the rollout (issue 17). Until it
// lands the rollout ignores the field and this property fails (drops found), so the file is kept
// out of jest's `*.test.ts` match. When timing is merged: rename it to
// `min-drain.property.test.ts`; it must pass with no other change.
//
// The property: with min-drain at least the data plane's routing window after deregistration
// (aws-model/data-plane.ts), no request reaches a host whose deploy has started, over >= 1,000
// random fleets, delays and windows. Its counterpart (drops found with min-drain 0) runs today in
// traffic.property.test.ts.

import fc from 'fast-check'
import { describeRun, runTrafficCase, trafficCaseArb } from './traffic-cases.js'

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261129
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 1000

describe('traffic during a rollout, min-drain on', () => {
  it('drops nothing when min-drain is at least the routing window', async () => {
    const arb = fc.tuple(trafficCaseArb, fc.integer({ min: 0, max: 30_000 }))
    await fc.assert(
      fc.asyncProperty(arb, async ([c, extra]) => {
        const minDrainMs = c.windowMs + extra
        const r = await runTrafficCase(c, minDrainMs)
        if (r.sim.traffic.droppedDeployRunning > 0)
          throw new Error(`dropped: ${describeRun(c, minDrainMs, r)}`)
        if (r.outcome.result !== 'success')
          throw new Error(`did not succeed: ${describeRun(c, minDrainMs, r)}`)
      }),
      { seed: SEED, numRuns: RUNS }
    )
  }, 300_000)
})
