import { describe, it, expect } from '@jest/globals'
import { FakeWorld, byHost, counts, ids, settingsFor } from '../support/fake-ports.js'
import type { HostRecord } from '../../src/rollout/outcome.js'

function cancellable() {
  const world = new FakeWorld({
    groups: [
      { name: 'tg-a', targets: ids(3) },
      { name: 'tg-b', targets: ['i-1:8080', 'i-3:8080'] }
    ],
    // Draining outlasts the delay: the first look at a draining host comes while it still drains.
    drainOverrunMs: 3000
  })
  const controller = new AbortController()
  let journal: HostRecord[] = []
  const run = () =>
    world.run(settingsFor({ targetGroups: ['tg-a', 'tg-b'] }), {
      signal: controller.signal,
      onChange: (hosts) => (journal = structuredClone([...hosts]))
    })
  return { world, controller, run, journal: () => journal }
}

describe('cancellation (SIGINT/SIGTERM)', () => {
  it('mid-drain: result cancelled, no command, no new batch, and the journal says who is out', async () => {
    const { world, controller, run, journal } = cancellable()
    world.when(
      (c) => c === 'describe tg-a' && world.lbState('tg-a', 'i-1') === 'draining',
      () => controller.abort()
    )
    const out = await run()

    expect(out.result).toBe('cancelled')
    expect(world.sends.filter((s) => s.kind === 'deploy')).toEqual([])
    expect(world.mutations()).toEqual(['deregister tg-a i-1:80', 'deregister tg-b i-1:8080'])
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'drain', batch: 1 })
    expect(byHost(out)['i-1']!.reason).toBe(
      'run cancelled: drained (step drain), no command sent; the post step registers it back'
    )
    expect(out.hosts[0]).toMatchObject({ outOfService: true, commandSent: false })
    expect(counts(out)).toMatchObject({ pending: 2, failed: 1, deployed: 0 })
    expect(out.batches).toHaveLength(1)
    // What the post step reads to register i-1 back into both groups.
    expect(journal().find((h) => h.instanceId === 'i-1')).toMatchObject({
      outOfService: true,
      commandSent: false
    })
  })

  it('does not wait out the drain: the run ends as soon as the signal fires', async () => {
    const { world, controller, run } = cancellable()
    world.when('deregister tg-b', () => controller.abort())
    const out = await run()
    expect(out.result).toBe('cancelled')
    expect(
      out.finishedAt - world.callTimes[world.calls.indexOf('deregister tg-b i-1:8080')]!
    ).toBeLessThan(world.group('tg-a').deregistrationDelaySeconds * 1000)
  })

  it('while the capacity before a batch is read: that batch is not started', async () => {
    const { world, controller, run } = cancellable()
    // Batch 1's host is healthy again at the end of one round of describes; the next describe
    // is the capacity read before batch 2.
    let restored = false
    world.when(
      (c) =>
        c === 'describe tg-b' &&
        world.ok().includes('register tg-b i-1:8080') &&
        world.lbState('tg-b', 'i-1', 8080) === 'healthy',
      () => (restored = true)
    )
    world.when(
      (c) => c === 'describe tg-a' && restored,
      () => controller.abort()
    )
    const out = await run()

    expect(out.result).toBe('cancelled')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'deployed' })
    expect(world.callsFor('i-2').filter((c) => c.startsWith('deregister'))).toEqual([])
    expect(byHost(out)['i-2']).toMatchObject({ state: 'pending', step: 'plan' })
  })

  it('during the pre-check: nothing is changed and no host is called sick for it', async () => {
    const { world, controller, run } = cancellable()
    world.when('list health-1', () => controller.abort())
    const out = await run()

    expect(out.result).toBe('cancelled')
    expect(world.mutations()).toEqual([])
    expect(counts(out)).toMatchObject({ pending: 3, skipped: 0 })
  })

  it('while the deploy runs: the command is left to finish, the host stays out and is not restored', async () => {
    const { world, controller, run, journal } = cancellable()
    world.when('list deploy-2', () => controller.abort())
    const out = await run()

    expect(out.result).toBe('cancelled')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'command' })
    expect(out.hosts[0]).toMatchObject({
      outOfService: true,
      commandSent: true,
      commandId: 'deploy-2'
    })
    expect(journal()[0]).toMatchObject({ commandSent: true, commandId: 'deploy-2' })
    expect(world.ok().filter((c) => /^(register|cancel|send health i-1$)/.test(c))).toEqual([])
    expect(world.callsFor('i-2').filter((c) => c.startsWith('deregister'))).toEqual([])
  })
})
