// The lock protocol on a store whose only conditional write is create-if-absent (SSM Parameter
// Store: PutParameter with Overwrite=false fails with ParameterAlreadyExists; there is no
// compare-and-swap). Every change to an existing lock (takeover, renewal, release) goes through a
// CLAIM: an entry created if absent whose name carries the lock's version and its holder's token,
// i.e. the exact lock state being left. Only one run can create that claim, so only one run moves
// the lock out of a given state; the claimant re-reads the lock after claiming and writes only if
// the lock is still in that state. A state never recurs (versions grow; a lock deleted and created
// again carries a new holder token), so a claim can be deleted once its state is left.
//
// A claim held by someone else while the lock is still in that state means another run is taking
// the lock over right now -- or died between its claim and its write (a window of two calls). The
// protocol cannot tell them apart without a clock shared by runs, so acquire() answers 'contended'
// with the claim's name: the caller reports it, and a person deletes it if it stays.

import type { StoredEntry, VersionedLockStore as LockStore } from '../ports/lock-store.js'

export interface LockRecord {
  runUrl: string
  startedAt: string
  expiresAt: string
  /** Unique per acquisition: tells this run's own lock from another's (a retried create). */
  token: string
}

export type Acquired = {
  outcome: 'acquired'
  how: 'created' | 'own-retry' | 'took-over-expired' | 'took-over-ended'
  /** The holder whose lock was taken over. */
  previous?: LockRecord
}
export type Refused =
  | { outcome: 'held'; holder: LockRecord | undefined }
  | { outcome: 'contended'; claim: string; holder: LockRecord | undefined }
export type AcquireResult = Acquired | Refused

export interface AcquireOptions {
  now: () => number
  /** Whether the holder's run has ended for sure (GitHub says so); "cannot tell" is false. */
  holderEnded?: (holder: LockRecord) => Promise<boolean>
}

const TOKEN = /^[A-Za-z0-9_.-]{1,64}$/
/** Rounds of create / read / claim when the lock keeps changing under us. */
const MAX_ROUNDS = 4

export function parseRecord(raw: string | undefined): LockRecord | undefined {
  if (!raw) return undefined
  try {
    const v = JSON.parse(raw) as Partial<LockRecord>
    if (
      typeof v.runUrl === 'string' &&
      typeof v.startedAt === 'string' &&
      typeof v.expiresAt === 'string' &&
      typeof v.token === 'string' &&
      TOKEN.test(v.token)
    )
      return v as LockRecord
  } catch {
    // not a value this protocol wrote: held, with no expiry we can trust
  }
  return undefined
}

export const encodeRecord = (r: LockRecord): string =>
  JSON.stringify({
    runUrl: r.runUrl,
    startedAt: r.startedAt,
    expiresAt: r.expiresAt,
    token: r.token
  })

/**
 * The claim entry for leaving one lock state. Lock `/rolling-deploy/lock/<group>` gets claims
 * `/rolling-deploy/claim/<group>/<version>-<token>`: under the same /rolling-deploy/* IAM pattern.
 */
export function claimName(lockName: string, state: StoredEntry, holder: LockRecord): string {
  const suffix = lockName.replace(/^\/rolling-deploy\/lock\//, '').replace(/^\/+/, '')
  return `/rolling-deploy/claim/${suffix}/${state.version}-${holder.token}`
}

/**
 * Takes the lock: creates it, recognises it as its own (a retried create), or takes over an
 * expired lock or one whose holder's run has ended. Exactly one of several racing runs wins.
 */
export async function acquire(
  store: LockStore,
  name: string,
  mine: LockRecord,
  options: AcquireOptions
): Promise<AcquireResult> {
  if (!TOKEN.test(mine.token)) throw new Error(`lock token ${mine.token} is not name-safe`)
  const value = encodeRecord(mine)
  let holder: LockRecord | undefined
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if ((await store.create(name, value)) === 'created')
      return { outcome: 'acquired', how: 'created' }
    const state = await store.read(name)
    if (!state) continue // released between our create and our read: try again
    holder = parseRecord(state.value)
    if (!holder) return { outcome: 'held', holder }
    if (holder.token === mine.token) return { outcome: 'acquired', how: 'own-retry' }
    let how: Acquired['how']
    if (Date.parse(holder.expiresAt) <= options.now()) how = 'took-over-expired'
    else if (options.holderEnded && (await options.holderEnded(holder))) how = 'took-over-ended'
    else return { outcome: 'held', holder }
    const moved = await transition(store, name, state, holder, mine, value)
    if (moved === 'done') return { outcome: 'acquired', how, previous: holder }
    if (moved !== 'changed') return { outcome: 'contended', claim: moved.contended, holder }
  }
  return { outcome: 'held', holder }
}

/** Extends this run's lock; 'lost' when the lock is no longer this run's (taken over, deleted). */
export async function renew(
  store: LockStore,
  name: string,
  mine: LockRecord,
  expiresAt: string
): Promise<'renewed' | 'lost'> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const state = await store.read(name)
    const holder = parseRecord(state?.value)
    if (!state || !holder || holder.token !== mine.token) return 'lost'
    const next = encodeRecord({ ...holder, expiresAt })
    const moved = await transition(store, name, state, holder, mine, next)
    if (moved === 'done') return 'renewed'
    if (moved !== 'changed') return 'lost'
  }
  return 'lost'
}

/** Deletes the lock only while it is this run's own. */
export async function release(
  store: LockStore,
  name: string,
  mine: LockRecord
): Promise<'released' | 'not-ours' | 'absent'> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const state = await store.read(name)
    if (!state) return 'absent'
    const holder = parseRecord(state.value)
    if (!holder || holder.token !== mine.token) return 'not-ours'
    const moved = await transition(store, name, state, holder, mine, undefined)
    if (moved === 'done') return 'released'
    if (moved !== 'changed') return 'not-ours'
  }
  return 'not-ours'
}

/**
 * Moves the lock out of `state` (written by `holder`) to `next` (undefined: delete), only if this
 * run wins the claim on that state and the lock is still in it after the claim.
 */
async function transition(
  store: LockStore,
  name: string,
  state: StoredEntry,
  holder: LockRecord,
  mine: LockRecord,
  next: string | undefined
): Promise<'done' | 'changed' | { contended: string }> {
  const claim = claimName(name, state, holder)
  if ((await store.create(claim, mine.token)) === 'exists') {
    // A retried create whose first attempt succeeded reads back our own token.
    const owner = await store.read(claim)
    if (owner?.value !== mine.token) {
      const now = await store.read(name)
      // Still in that state: another claimant is mid-way, or died there.
      return sameState(now, state) ? { contended: claim } : 'changed'
    }
  }
  try {
    if (!sameState(await store.read(name), state)) return 'changed'
    if (next === undefined) await store.delete(name)
    else await store.overwrite(name, next)
    return 'done'
  } finally {
    // The state is left (or was already left): no one can use this claim any more.
    await store.delete(claim)
  }
}

const sameState = (a: StoredEntry | undefined, b: StoredEntry): boolean =>
  !!a && a.version === b.version && a.value === b.value
