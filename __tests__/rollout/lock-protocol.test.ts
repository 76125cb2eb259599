// The lock protocol on a store with only create-if-absent: its own lock recognised after a
// retried create, expired and ended locks taken over, renewal and release only while its own,
// and -- over every interleaving fast-check can schedule -- exactly one of racing runs wins.

import fc from 'fast-check'
import {
  acquire,
  claimName,
  encodeRecord,
  parseRecord,
  release,
  renew,
  type AcquireResult,
  type LockRecord
} from '../../src/rollout/lock-protocol.js'
import type { StoredEntry, VersionedLockStore as LockStore } from '../../src/ports/lock-store.js'
import { MemoryParameterStore } from '../support/memory-parameter-store.js'

const LOCK = '/rolling-deploy/lock/web'
const T0 = Date.parse('2026-11-28T06:00:00Z')
const rec = (
  token: string,
  expiresAt: number,
  runUrl = `https://github.com/o/r/actions/runs/${token}`
): LockRecord => ({
  runUrl,
  startedAt: new Date(T0 - 60_000).toISOString(),
  expiresAt: new Date(expiresAt).toISOString(),
  token
})
const now = () => T0

/** A store whose write answers are lost once, after the write took effect: the SDK retries it. */
class LostAnswerStore extends MemoryParameterStore {
  lose = new Set<string>()
  override async create(name: string, value: string): Promise<'created' | 'exists'> {
    const first = await super.create(name, value)
    if (this.lose.delete(`create ${name}`)) return super.create(name, value) // the retry
    return first
  }
}

describe('acquire', () => {
  it('creates an absent lock', async () => {
    const store = new MemoryParameterStore()
    const mine = rec('run-a', T0 + 3_600_000)
    expect(await acquire(store, LOCK, mine, { now })).toEqual({
      outcome: 'acquired',
      how: 'created'
    })
    expect(parseRecord(store.entries.get(LOCK)?.value)).toEqual(mine)
  })

  it('recognises its own lock when a retried create answers ParameterAlreadyExists', async () => {
    const store = new LostAnswerStore()
    store.lose.add(`create ${LOCK}`)
    const r = await acquire(store, LOCK, rec('run-a', T0 + 1000), { now })
    expect(r).toEqual({ outcome: 'acquired', how: 'own-retry' })
  })

  it('refuses a live lock of another run and names it', async () => {
    const store = new MemoryParameterStore()
    const other = rec('run-b', T0 + 1000)
    store.entries.set(LOCK, { value: encodeRecord(other), version: 3 })
    const r = await acquire(store, LOCK, rec('run-a', T0 + 5000), { now })
    expect(r).toEqual({ outcome: 'held', holder: other })
    expect(store.entries.get(LOCK)).toEqual({ value: encodeRecord(other), version: 3 })
  })

  it('refuses a value it cannot read (no expiry to trust)', async () => {
    const store = new MemoryParameterStore()
    store.entries.set(LOCK, { value: 'locked by hand', version: 1 })
    expect(await acquire(store, LOCK, rec('run-a', T0 + 5000), { now })).toEqual({
      outcome: 'held',
      holder: undefined
    })
  })

  it('takes over an expired lock through a claim named after its version, and removes the claim', async () => {
    const store = new MemoryParameterStore()
    const old = rec('run-b', T0 - 1)
    store.entries.set(LOCK, { value: encodeRecord(old), version: 7 })
    const mine = rec('run-a', T0 + 5000)
    const r = await acquire(store, LOCK, mine, { now })
    expect(r).toEqual({ outcome: 'acquired', how: 'took-over-expired', previous: old })
    expect(store.entries.get(LOCK)).toEqual({ value: encodeRecord(mine), version: 8 })
    const claim = '/rolling-deploy/claim/web/7-run-b'
    expect(claimName(LOCK, { value: '', version: 7 }, old)).toBe(claim)
    expect(store.calls).toEqual([
      `create ${LOCK}`,
      `read ${LOCK}`,
      `create ${claim}`,
      `read ${LOCK}`,
      `overwrite ${LOCK}`,
      `delete ${claim}`
    ])
    expect(store.entries.has(claim)).toBe(false)
  })

  it('takes over a live lock at once when its holder run has ended, and only then', async () => {
    const store = new MemoryParameterStore()
    const old = rec('run-b', T0 + 3_600_000)
    store.entries.set(LOCK, { value: encodeRecord(old), version: 2 })
    const asked: string[] = []
    const ended = async (h: LockRecord) => (asked.push(h.runUrl), false)
    expect(
      (await acquire(store, LOCK, rec('run-a', T0 + 1), { now, holderEnded: ended })).outcome
    ).toBe('held')
    const r = await acquire(store, LOCK, rec('run-a', T0 + 1), {
      now,
      holderEnded: async () => true
    })
    expect(r).toMatchObject({ outcome: 'acquired', how: 'took-over-ended', previous: old })
    expect(asked).toEqual([old.runUrl])
  })

  it('answers contended, naming the claim, while a claim on the same state is held', async () => {
    const store = new MemoryParameterStore()
    const old = rec('run-b', T0 - 1)
    store.entries.set(LOCK, { value: encodeRecord(old), version: 4 })
    const claim = claimName(LOCK, { value: '', version: 4 }, old)
    store.entries.set(claim, { value: 'run-c', version: 1 }) // run-c died between claim and write
    const r = await acquire(store, LOCK, rec('run-a', T0 + 1), { now })
    expect(r).toEqual({ outcome: 'contended', claim, holder: old })
    expect(parseRecord(store.entries.get(LOCK)?.value)?.token).toBe('run-b')
  })
})

describe('renew and release', () => {
  it('extends its own lock only', async () => {
    const store = new MemoryParameterStore()
    const mine = rec('run-a', T0 + 1000)
    await acquire(store, LOCK, mine, { now })
    expect(await renew(store, LOCK, mine, new Date(T0 + 9000).toISOString())).toBe('renewed')
    expect(store.entries.get(LOCK)).toEqual({
      value: encodeRecord({ ...mine, expiresAt: new Date(T0 + 9000).toISOString() }),
      version: 2
    })
    const thief = rec('run-b', T0 + 99_000)
    store.entries.set(LOCK, { value: encodeRecord(thief), version: 3 })
    expect(await renew(store, LOCK, mine, new Date(T0 + 20_000).toISOString())).toBe('lost')
    expect(parseRecord(store.entries.get(LOCK)?.value)).toEqual(thief)
  })

  it('renews through its own claim when the claim create was retried after it succeeded', async () => {
    const store = new LostAnswerStore()
    const mine = rec('run-a', T0 + 1000)
    await acquire(store, LOCK, mine, { now })
    store.lose.add(`create ${claimName(LOCK, { value: '', version: 1 }, mine)}`)
    expect(await renew(store, LOCK, mine, new Date(T0 + 9000).toISOString())).toBe('renewed')
    expect(store.entries.get(LOCK)?.version).toBe(2)
    expect([...store.entries.keys()]).toEqual([LOCK])
  })

  it('deletes its own lock and leaves another run’s in place', async () => {
    const store = new MemoryParameterStore()
    const mine = rec('run-a', T0 + 1000)
    await acquire(store, LOCK, mine, { now })
    expect(await release(store, LOCK, mine)).toBe('released')
    expect(store.entries.size).toBe(0)
    expect(await release(store, LOCK, mine)).toBe('absent')
    const other = rec('run-b', T0 + 1000)
    store.entries.set(LOCK, { value: encodeRecord(other), version: 1 })
    expect(await release(store, LOCK, mine)).toBe('not-ours')
    expect(store.entries.get(LOCK)?.value).toBe(encodeRecord(other))
  })
})

/**
 * Each store call is split in two scheduled steps, the request reaching SSM and the answer
 * reaching the run, so fast-check's scheduler explores the orders in which SSM applies racing
 * requests and in which runs see the answers.
 */
function scheduled(s: fc.Scheduler, store: MemoryParameterStore, who: string): LockStore {
  const step = async <T>(label: string, op: () => Promise<T>): Promise<T> => {
    await s.schedule(Promise.resolve(), `${who} -> ${label}`)
    const out = await op()
    await s.schedule(Promise.resolve(), `${who} <- ${label}`)
    return out
  }
  return {
    create: (n, v) => step(`create ${n}`, () => store.create(n, v)),
    read: (n) => step(`read ${n}`, () => store.read(n)),
    overwrite: (n, v) => step(`overwrite ${n}`, () => store.overwrite(n, v)),
    delete: (n) => step(`delete ${n}`, () => store.delete(n))
  }
}

const won = (r: AcquireResult) => r.outcome === 'acquired'

describe('racing runs (fast-check scheduler over interleavings)', () => {
  it('exactly one of 2-4 runs takes over an expired lock, and the lock names it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 2, max: 4 }),
        fc.boolean(),
        async (s, n, renews) => {
          const store = new MemoryParameterStore()
          const dead = rec('run-dead', T0 - 1)
          store.entries.set(LOCK, { value: encodeRecord(dead), version: 5 })
          const runs = Array.from({ length: n }, (_, i) => rec(`run-${i}`, T0 + 60_000))
          const racing = runs.map((r) => acquire(scheduled(s, store, r.token), LOCK, r, { now }))
          // The expired holder wakes up and renews while the others race: it must not win as well.
          const holder = renews
            ? renew(scheduled(s, store, 'run-dead'), LOCK, dead, new Date(T0 + 1).toISOString())
            : Promise.resolve('lost' as const)
          const [results, kept] = await s.waitFor(Promise.all([Promise.all(racing), holder]))
          const holderKept = kept === 'renewed'
          const winners = runs.filter((_, i) => won(results[i]!))
          expect(winners.length + (holderKept ? 1 : 0)).toBe(1)
          const owner = parseRecord(store.entries.get(LOCK)?.value)
          expect(owner?.token).toBe(holderKept ? 'run-dead' : winners[0]!.token)
          // No claim is left behind by a run that completed its calls.
          expect(
            [...store.entries.keys()].filter((k) => k.startsWith('/rolling-deploy/claim/'))
          ).toEqual([])
        }
      ),
      { numRuns: 200 }
    )
  })

  it('exactly one of 2-4 runs creates an absent lock, even while its last holder releases it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 4 }), async (s, n) => {
        const store = new MemoryParameterStore()
        const leaving = rec('run-old', T0 - 1)
        store.entries.set(LOCK, { value: encodeRecord(leaving), version: 1 })
        const runs = Array.from({ length: n }, (_, i) => rec(`run-${i}`, T0 + 60_000))
        const released = release(scheduled(s, store, 'run-old'), LOCK, leaving)
        const racing = runs.map((r) => acquire(scheduled(s, store, r.token), LOCK, r, { now }))
        const [results] = await s.waitFor(Promise.all([Promise.all(racing), released]))
        const winners = runs.filter((_, i) => won(results[i]!))
        expect(winners.length).toBeLessThanOrEqual(1)
        const owner = parseRecord(store.entries.get(LOCK)?.value)
        if (winners.length === 1) expect(owner?.token).toBe(winners[0]!.token)
        else expect(owner === undefined || owner.token === 'run-old').toBe(true)
      }),
      { numRuns: 200 }
    )
  })
})

// A reminder for readers: StoredEntry is what GetParameter answers (value and Version).
export type { StoredEntry }
