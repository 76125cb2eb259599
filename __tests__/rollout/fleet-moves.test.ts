// The fleet moves during a run (SPEC step 4 and 7.6), on the fake world with its Auto Scaling
// groups: hosts that join are deployed, hosts that vanish are `failed`, `terminated`, and their
// batch mates carry on.

import { describe, expect, it } from '@jest/globals'
import { FakeWorld, ids, settingsFor } from '../support/fake-ports.js'
import { FakeScalingGroups } from '../support/fake-groups.js'
import type { Settings } from '../../src/settings.js'
import type { HostRecord, RolloutOutcome } from '../../src/rollout/outcome.js'

const byHost = (out: RolloutOutcome): Record<string, HostRecord> =>
  Object.fromEntries(out.hosts.map((h) => [h.instanceId, h]))

function setup(n = 4) {
  const world = new FakeWorld({ groups: [{ name: 'web', targets: ids(n) }] })
  const asg = new FakeScalingGroups(world, [
    { name: 'asg-web', instances: ids(n), targetGroups: ['web'] }
  ])
  const before = asg.snapshot('asg-web')
  const run = (patch: Partial<Settings> = {}) =>
    world.run(
      settingsFor({
        targetGroups: ['web'],
        batchSize: [{ kind: 'count', value: 2 }],
        expectedVersion: 'v2',
        maxFailures: { kind: 'count', value: 0 },
        ...patch
      }),
      { groups: asg }
    )
  return { world, asg, run, before }
}

describe('the fleet moves during the run', () => {
  it('a host launched during batch 1 is pre-checked, deployed in a later batch, final-checked and marked joined', async () => {
    const { world, asg, run } = setup()
    let newId = ''
    world.when('send deploy i-1', () => (newId = asg.scaleOut('asg-web')))
    const out = await run()
    expect(out.result).toBe('success')
    const h = byHost(out)[newId]!
    expect(h).toMatchObject({ state: 'deployed', version: 'v2', joined: true })
    expect(world.host(newId).version).toBe('v2')
    expect(out.hosts.filter((x) => x.joined).map((x) => x.instanceId)).toEqual([newId])
    expect(out.fleetSize).toBe(5)
    // Pre-checked (a health read) before its deploy; checked again by the final check.
    const mine = world.callsFor(newId).filter((c) => c.startsWith('send'))
    expect(mine[0]).toMatch(/^send health/)
    expect(mine.filter((c) => c.startsWith('send deploy'))).toHaveLength(1)
    expect(mine.at(-1)).toMatch(/^send health/)
    expect(
      world.logLines.some((l) => l.includes(`joined the fleet before batch 2: ${newId}`))
    ).toBe(true)
  })

  it('a host launched during the last batch gets one more batch at the end', async () => {
    const { world, asg, run } = setup()
    let newId = ''
    world.when('send deploy i-3', () => (newId = asg.scaleOut('asg-web')))
    const out = await run()
    expect(out.result).toBe('success')
    expect(byHost(out)[newId]).toMatchObject({ state: 'deployed', batch: 3, joined: true })
  })

  it('a host terminated while its batch drains is failed, terminated; its mate is deployed and back in service', async () => {
    const { world, asg, run, before } = setup()
    world.when('deregister web i-1:80,i-2:80', () => asg.terminate('i-2'))
    const out = await run()
    const hosts = byHost(out)
    expect(hosts['i-2']).toMatchObject({ state: 'failed', reason: 'terminated' })
    expect(hosts['i-1']).toMatchObject({ state: 'deployed', outOfService: false, version: 'v2' })
    expect(world.lbState('web', 'i-1')).toBe('healthy')
    // A vanished host says nothing about the release: within max-failures 0, the run succeeds.
    expect(out.result).toBe('success')
    // SSM refused the pair, then took i-1 alone.
    expect(world.calls.filter((c) => c.startsWith('send deploy')).slice(0, 3)).toEqual([
      'send deploy i-1,i-2 !InvalidInstanceId',
      'send deploy i-1',
      'send deploy i-2 !InvalidInstanceId'
    ])
    expect(asg.snapshot('asg-web')).toEqual({
      ...before,
      instances: before.instances.filter((i) => i !== 'i-2')
    })
  })

  it('a scale-in of a host waiting for its batch: failed, terminated, and never touched', async () => {
    const { world, asg, run } = setup()
    let gone: string | undefined
    // Batch 1 is protected; scale-in picks the first unprotected host.
    world.when('send deploy i-1', () => (gone = asg.scaleIn('asg-web')))
    const out = await run()
    expect(gone).toBe('i-3')
    expect(byHost(out)['i-3']).toMatchObject({ state: 'failed', reason: 'terminated' })
    expect(world.mutations().filter((c) => c.includes('i-3'))).toEqual([])
    expect(out.result).toBe('success')
  })

  it('a protected host out of service is not what scale-in takes', async () => {
    const { world, asg, run } = setup(3)
    let gone: string | undefined
    world.when('send deploy i-1', () => (gone = asg.scaleIn('asg-web')))
    await run({ batchSize: [{ kind: 'count', value: 2 }], minHealthyPercent: 0 })
    expect(gone).toBe('i-3')
  })
})
