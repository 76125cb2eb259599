// The healthy wait looks from the registration on at a steady cadence (issue 12 item 2): never
// at health-check interval x healthy threshold, since a new target is healthy after ONE check.

import { describe, it, expect } from '@jest/globals'
import { FakeWorld, SEC, settingsFor } from '../support/fake-ports.js'

describe('the healthy watch', () => {
  it('looks at the load balancer within the cadence after the registration, not at interval x threshold', async () => {
    const world = new FakeWorld({
      groups: [
        {
          name: 'tg-a',
          deregistrationDelaySeconds: 5,
          intervalSeconds: 30,
          healthyThreshold: 5,
          targets: ['i-1']
        }
      ]
    })
    const out = await world.run(settingsFor({ targetGroups: ['tg-a'], minHealthyPercent: 0 }))
    expect(out.result).toBe('success')
    const registered = world.calls.indexOf('register tg-a i-1:80')
    const next = world.calls.findIndex((c, i) => i > registered && c === 'describe tg-a')
    expect(next).toBeGreaterThan(registered)
    expect(world.callTimes[next]! - world.callTimes[registered]!).toBeLessThanOrEqual(2 * SEC)
  })
})
