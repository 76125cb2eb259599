// "The runner dies at a random moment, a new run starts": over random fleets, batch sizes and
// moments of death (before or after the account's write at any checkpoint, i.e. before any
// deregistration or SendCommand, the lock left in place or removed), after the second run no host
// is out of service unreported: each one the load balancer does not have is in the second run's
// report as quarantined (skipped) or failed, and in the account the third run will read.
// On the small fake world (__tests__/support/fake-ports.ts), whose ELB and SSM behaviour cites
// its documentation; the death is a checkpoint that never returns: the process makes no more calls.

import fc from 'fast-check'
import { FakeWorld, ids, settingsFor } from '../support/fake-ports.js'
import { MemoryAccountStore } from '../support/memory-account-store.js'
import { MemoryParameterStore } from '../support/memory-parameter-store.js'
import { AccountWriter } from '../../src/journal/account.js'
import { acquireLocks, releaseLocks } from '../../src/rollout/lock.js'
import { rollout } from '../../src/rollout/rollout.js'
import type { HeldLocks } from '../../src/ports/lock-store.js'
import type { Log } from '../../src/ports/log.js'
import type { RolloutDeps } from '../../src/rollout/deps.js'
import type { Settings } from '../../src/settings.js'

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261128
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 1000
const quiet: Log = {
  info: () => {},
  warning: () => {},
  error: () => {},
  debug: () => {},
  group: (_n, fn) => fn()
}

interface Case {
  hosts: number
  batch: number
  dieAt: number
  afterWrite: boolean
  leaveLock: boolean
  sick: number[]
}

function wiring(
  world: FakeWorld,
  locks: MemoryParameterStore,
  accounts: MemoryAccountStore,
  runUrl: string,
  die?: { n: number; afterWrite: boolean }
): Partial<RolloutDeps> & { final: () => Promise<void> } {
  let writer: AccountWriter | undefined
  let held: HeldLocks | undefined
  let n = 0
  return {
    accounts,
    onChange: (hosts) => writer?.hosts(hosts),
    checkpoint: async () => {
      n++
      const dies = die !== undefined && n >= die.n
      if (dies && !die.afterWrite) await new Promise(() => {})
      await writer?.checkpoint()
      if (dies) await new Promise(() => {})
    },
    lock: async (groups) => {
      held = await acquireLocks(locks, groups, runUrl, 3_600_000, world.clock, quiet, {
        holderEnded: async (h) => h.runUrl === 'run-1'
      })
      writer = new AccountWriter(accounts, groups, runUrl, () => world.clock.now())
    },
    final: async () => {
      await writer?.checkpoint()
      if (held) await releaseLocks(locks, held, quiet)
    }
  }
}

async function check(c: Case): Promise<void> {
  const fleet = ids(c.hosts)
  const world = new FakeWorld({
    groups: [{ name: 'tg-a', targets: fleet }],
    // Some deploys fail: a failed host stays out (halt) and must be quarantined too.
    hosts: Object.fromEntries(
      c.sick.filter((i) => i < c.hosts).map((i) => [fleet[i]!, { deploy: { status: 'Failed' } }])
    )
  })
  const locks = new MemoryParameterStore()
  const accounts = new MemoryAccountStore()
  const settings: Settings = settingsFor({
    batchSize: [{ kind: 'count', value: c.batch }],
    maxFailures: { kind: 'count', value: c.hosts }
  })
  const first = wiring(world, locks, accounts, 'run-1', { n: c.dieAt, afterWrite: c.afterWrite })
  let died = false
  try {
    await world.clock.run(() => rollout(settings, world.deps(first)))
    await first.final()
  } catch (err) {
    if (!/deadlock/.test((err as Error).message)) throw err
    died = true
  }
  if (!c.leaveLock) locks.entries.clear()
  world.clock.advanceTo(world.clock.now() + 10 * 60_000)

  const second = wiring(world, locks, accounts, 'run-2')
  const out = await world.run(settings, second)
  await second.final()

  const problems: string[] = []
  const reported = new Map(out.hosts.map((h) => [h.instanceId, h]))
  if (reported.size !== c.hosts || out.hosts.length !== c.hosts)
    problems.push(`report has ${out.hosts.length} rows for ${c.hosts} hosts`)
  const kept = new Set(accounts.hostsOf('tg-a'))
  for (const id of fleet) {
    const state = world.lbState('tg-a', id)
    if (state === 'healthy' || state === 'initial') continue
    const h = reported.get(id)
    if (!h || !['skipped', 'failed'].includes(h.state) || !h.reason)
      problems.push(`${id} is ${state} but reported ${h?.state ?? 'nowhere'}`)
    if (!kept.has(id)) problems.push(`${id} is ${state} but not in the account`)
  }
  if (problems.length > 0)
    throw new Error([`died: ${died}`, ...problems, JSON.stringify(c)].join('\n'))
}

describe('a runner that dies at a random moment, then a new run', () => {
  it('leaves no host out of service unreported', async () => {
    const arb = fc.record({
      hosts: fc.integer({ min: 2, max: 8 }),
      batch: fc.integer({ min: 1, max: 3 }),
      dieAt: fc.integer({ min: 1, max: 12 }),
      afterWrite: fc.boolean(),
      leaveLock: fc.boolean(),
      sick: fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 2 })
    })
    await fc.assert(fc.asyncProperty(arb, check), { seed: SEED, numRuns: RUNS })
  }, 240_000)
})
