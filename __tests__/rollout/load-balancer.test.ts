import { describe, it, expect } from '@jest/globals'
import { FakeWorld, byHost, counts, ids, settingsFor } from '../support/fake-ports.js'

describe('a host the load balancer refuses back', () => {
  const invalidTarget = () =>
    Object.assign(
      new Error("The following targets are not in a running state and cannot be registered: 'i-2'"),
      {
        name: 'InvalidTargetException',
        $metadata: { httpStatusCode: 400 }
      }
    )

  it('fails only that host of the batch at restore; the others go back in', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', targets: ids(4) },
        { name: 'tg-b', targets: ['i-2:8080', 'i-3:8080'] }
      ]
    })
    // Autoscaling took i-2 away: tg-b refuses it, after tg-a took it back.
    world.fail((c) => c.startsWith('register tg-b') && c.includes('i-2:'), Infinity, invalidTarget)
    const out = await world.run(
      settingsFor({
        targetGroups: ['tg-a', 'tg-b'],
        batchSize: [{ kind: 'count', value: 2 }],
        minHealthyPercent: 0,
        maxFailures: { kind: 'count', value: 1 }
      })
    )

    expect(out.result).toBe('success')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'deployed' })
    expect(byHost(out)['i-2']).toMatchObject({ state: 'failed', step: 'restore' })
    expect(byHost(out)['i-2']!.reason).toMatch(
      /^the load balancer refused it back: tg-b: The following targets are not in a running state/
    )
    // Out of every group again, tg-a included.
    expect(world.callsFor('i-2').filter((c) => /^(de)?register/.test(c))).toEqual([
      'deregister tg-a i-1:80,i-2:80',
      'deregister tg-b i-2:8080',
      'register tg-a i-1:80,i-2:80',
      'deregister tg-a i-2:80',
      'deregister tg-b i-2:8080'
    ])
    expect(world.calls).toContain('register tg-b i-2:8080 !InvalidTargetException')
    expect(counts(out)).toMatchObject({ deployed: 3, failed: 1 })
  })
})
