import { describe, it, expect } from '@jest/globals'
import { discoverFleet } from '../../src/rollout/discover.js'
import { ConfigError } from '../../src/shared/config-error.js'
import { FakeWorld } from '../support/fake-ports.js'

describe('discoverFleet', () => {
  it('makes one host of an instance registered in two target groups, on each port', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', targets: ['i-1', 'i-2'] },
        { name: 'tg-b', targets: ['i-2:8080', 'i-3:8080', 'i-2:8081'] }
      ]
    })
    const fleet = await discoverFleet(world, ['tg-a', 'tg-b'])
    const a = world.group('tg-a').arn
    const b = world.group('tg-b').arn
    expect(fleet.pools.map((g) => g.name)).toEqual(['tg-a', 'tg-b'])
    expect(fleet.hosts).toEqual([
      { instanceId: 'i-1', memberships: [{ poolId: a, port: 80 }] },
      {
        instanceId: 'i-2',
        memberships: [
          { poolId: a, port: 80 },
          { poolId: b, port: 8080 },
          { poolId: b, port: 8081 }
        ]
      },
      { instanceId: 'i-3', memberships: [{ poolId: b, port: 8080 }] }
    ])
    // One DescribeTargetHealth per group, never one per host.
    expect(world.calls).toEqual(['resolve tg-a,tg-b', 'describe tg-a', 'describe tg-b'])
  })

  it('leaves out targets that are draining or unused, keeps unhealthy and initial ones', async () => {
    const world = new FakeWorld({
      groups: [
        {
          name: 'tg-a',
          targets: [
            'i-1',
            { id: 'i-2', state: 'draining' },
            { id: 'i-3', state: 'unused' },
            { id: 'i-4', state: 'unhealthy' },
            { id: 'i-5', state: 'initial' }
          ]
        }
      ]
    })
    const fleet = await discoverFleet(world, ['tg-a'])
    expect(fleet.hosts.map((h) => h.instanceId)).toEqual(['i-1', 'i-4', 'i-5'])
  })

  it('takes a group given by ARN, and the same group by name and ARN once', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ['i-1'] }] })
    const arn = world.group('tg-a').arn
    const fleet = await discoverFleet(world, [arn, 'tg-a'])
    expect(fleet.pools).toHaveLength(1)
    expect(fleet.hosts).toHaveLength(1)
  })

  it.each(['ip', 'lambda', 'alb'])('refuses a target group of type %s', async (type) => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', targets: ['i-1'] },
        { name: 'tg-ip', targetType: type, targets: ['10.0.0.1'] }
      ]
    })
    const err = await discoverFleet(world, ['tg-a', 'tg-ip']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toContain(`"tg-ip" has target type ${type}`)
    expect((err as Error).message).toContain('target-groups')
  })

  it('names an unknown target group, even when the load balancer just leaves it out', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ['i-1'] }] })
    const err = await discoverFleet(world, ['tg-a', 'tg-typo']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toMatch(/target-groups: "tg-typo" not found/)
  })

  it('refuses an empty fleet', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', targets: [] },
        { name: 'tg-b', targets: [{ id: 'i-9', state: 'draining' }] }
      ]
    })
    const err = await discoverFleet(world, ['tg-a', 'tg-b']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toMatch(/no EC2 instance is registered in tg-a, tg-b/)
  })
})
