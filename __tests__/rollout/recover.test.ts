// A run that dies (no post step: SIGKILL, a lost machine) and the run after it. The first run is
// "killed" by a checkpoint that never returns: from then on it makes no call at all, as a killed
// process. The second run reads the durable account the first one left next to its lock.

import { describe, expect, it } from '@jest/globals'
import { FakeWorld, byHost, ids, settingsFor } from '../support/fake-ports.js'
import { MemoryAccountStore } from '../support/memory-account-store.js'
import { MemoryParameterStore } from '../support/memory-parameter-store.js'
import { AccountWriter } from '../../src/journal/account.js'
import type { HeldLocks } from '../../src/ports/lock-store.js'
import { acquireLocks, releaseLocks } from '../../src/rollout/lock.js'
import { rollout } from '../../src/rollout/rollout.js'
import type { RolloutDeps } from '../../src/rollout/deps.js'
import type { Log } from '../../src/ports/log.js'

const quiet: Log = {
  info: () => {},
  warning: () => {},
  error: () => {},
  debug: () => {},
  group: (_n, fn) => fn()
}
const settings = () => settingsFor({ batchSize: [{ kind: 'count', value: 2 }] })

interface Run {
  runUrl: string
  /** Dies at the n-th checkpoint: before writing the account, or after it. */
  dieAt?: { n: number; afterWrite: boolean }
  holderEnded?: boolean
}

/** A whole run as main.ts makes it: the rollout, then the account's last write. */
async function fullRun(world: FakeWorld, deps: ReturnType<typeof wiring>) {
  const out = await world.run(settings(), deps)
  await deps.final()
  return out
}

/** What main.ts wires around the rollout: lock, account writer, checkpoint (and the last write). */
function wiring(
  world: FakeWorld,
  locks: MemoryParameterStore,
  accounts: MemoryAccountStore,
  run: Run
): Partial<RolloutDeps> & { final: () => Promise<void> } {
  let writer: AccountWriter | undefined
  let held: HeldLocks | undefined
  let n = 0
  return {
    final: async () => {
      await writer?.checkpoint()
      if (held) await releaseLocks(locks, held, quiet)
    },
    accounts,
    onChange: (hosts) => writer?.hosts(hosts),
    checkpoint: async () => {
      n++
      const dies = run.dieAt && n >= run.dieAt.n
      if (dies && !run.dieAt!.afterWrite) await new Promise(() => {})
      await writer?.checkpoint()
      if (dies) await new Promise(() => {})
    },
    lock: async (groups) => {
      held = await acquireLocks(locks, groups, run.runUrl, 3_600_000, world.clock, quiet, {
        holderEnded: async () => run.holderEnded ?? false
      })
      writer = new AccountWriter(accounts, groups, run.runUrl, () => world.clock.now())
    }
  }
}

async function killed(world: FakeWorld, deps: Partial<RolloutDeps>): Promise<void> {
  // The virtual clock finds the work waiting on nothing: the process is gone.
  await expect(world.clock.run(() => rollout(settings(), world.deps(deps)))).rejects.toThrow(
    /deadlock/
  )
}

function setup() {
  const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ids(6) }] })
  return { world, locks: new MemoryParameterStore(), accounts: new MemoryAccountStore() }
}

describe('the run after a run that died without its post step', () => {
  it.each([
    ['the lock removed', false],
    ['the lock left in place, its GitHub run completed', true]
  ])(
    'registers back the hosts whose deploy never started (%s), the fleet counted whole',
    async (_name, leaveLock) => {
      const { world, locks, accounts } = setup()
      // Dies in batch 2 after draining i-3 and i-4, before their SendCommand was written down.
      await killed(
        world,
        wiring(world, locks, accounts, { runUrl: 'run-1', dieAt: { n: 4, afterWrite: false } })
      )
      expect(accounts.hostsOf('tg-a')).toEqual(['i-3', 'i-4'])
      expect(world.lbState('tg-a', 'i-3')).not.toBe('healthy')
      if (!leaveLock) locks.entries.clear()
      world.clock.advanceTo(world.clock.now() + 10 * 60_000)

      const out = await fullRun(
        world,
        wiring(world, locks, accounts, { runUrl: 'run-2', holderEnded: true })
      )
      expect(out.result).toBe('success')
      expect(world.callsFor('i-3')).toContain('register tg-a i-3:80')
      expect(out.hosts.map((h) => h.instanceId).sort()).toEqual(ids(6))
      expect(out.fleetSize).toBe(6)
      expect(byHost(out)['i-3']).toMatchObject({ state: 'deployed' })
      // Nothing is out of service any more: the account is cleared.
      expect(accounts.hostsOf('tg-a')).toEqual([])
    }
  )

  it('quarantines the hosts whose deploy may have run: reported by ID with step and command, in every later run until put back', async () => {
    const { world, locks, accounts } = setup()
    // Dies in batch 2 once i-3 and i-4 are on record as "deploy started".
    await killed(
      world,
      wiring(world, locks, accounts, { runUrl: 'run-1', dieAt: { n: 4, afterWrite: true } })
    )
    locks.entries.clear()
    world.clock.advanceTo(world.clock.now() + 10 * 60_000)

    const second = await fullRun(world, wiring(world, locks, accounts, { runUrl: 'run-2' }))
    expect(second.hosts.map((h) => h.instanceId).sort()).toEqual(ids(6))
    for (const id of ['i-3', 'i-4']) {
      expect(byHost(second)[id]).toMatchObject({ state: 'skipped', step: 'command', batch: null })
      expect(byHost(second)[id]!.reason).toMatch(
        /^quarantined: left out of service by run-1 at step command \(no command ID recorded; its deploy may have run\); check the host/
      )
    }
    expect(world.callsFor('i-3').filter((c) => /^(register|send deploy)/.test(c))).toEqual([])
    expect(second.result).toBe('success')
    // Carried on by the second run's own account: the third run names them again.
    expect(accounts.hostsOf('tg-a')).toEqual(['i-3', 'i-4'])
    const third = await fullRun(world, wiring(world, locks, accounts, { runUrl: 'run-3' }))
    expect(byHost(third)['i-4']!.reason).toMatch(/^quarantined: left out of service by run-2/)

    // A person registers i-3 back: it leaves the account, and the next run deploys it.
    await world.putBack(world.group('tg-a').arn, [{ instanceId: 'i-3', port: 80 }])
    world.clock.advanceTo(world.clock.now() + 10 * 60_000)
    const fourth = await fullRun(world, wiring(world, locks, accounts, { runUrl: 'run-4' }))
    expect(byHost(fourth)['i-3']).toMatchObject({ state: 'deployed' })
    expect(accounts.hostsOf('tg-a')).toEqual(['i-4'])
  })

  it('writes the account before each deregistration and SendCommand', async () => {
    const { world, locks, accounts } = setup()
    const order: string[] = []
    world.when(/^deregister|^send deploy/, (c) => order.push(c), false)
    const deps = wiring(world, locks, accounts, { runUrl: 'run-1' })
    const inner = deps.checkpoint!
    deps.checkpoint = async () => {
      await inner()
      order.push(accounts.calls.at(-1) ?? '')
    }
    await fullRun(world, deps)
    expect(order.slice(0, 4)).toEqual([
      'write tg-a i-1,i-2',
      'deregister tg-a i-1:80,i-2:80',
      'write tg-a i-1,i-2',
      'send deploy i-1,i-2'
    ])
  })
})
