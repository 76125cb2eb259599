// One lock per target group, so two runs never roll the same fleet at once, on the claim protocol
// of lock-protocol.ts: create-if-absent is the way in; an expired lock, or one whose holder's
// GitHub run has ended, is taken over by exactly one of the runs racing for it; the holder renews
// its lock while it works, so a slow live run never loses it to a takeover.

import { randomUUID } from 'node:crypto'
import type { Pool } from '../ports/load-balancer.js'
import type { Clock } from '../shared/clock.js'
import type { Log } from '../ports/log.js'
import type { HeldLocks, VersionedLockStore } from '../ports/lock-store.js'
import { errorMessage, errorName } from '../shared/errors.js'
import { formatDuration } from '../shared/format.js'
import type { Settings } from '../settings.js'
import { batchCount } from './plan.js'
import { drainTimeoutMs } from './timeouts.js'
import { acquire, release, renew, type LockRecord } from './lock-protocol.js'

export const LOCK_PREFIX = '/rolling-deploy/lock/'

export const lockName = (group: Pool): string => `${LOCK_PREFIX}${group.name}`
/** The key of the durable account kept next to a lock: the lock name's suffix. */
export const accountKey = (lock: string): string => lock.slice(LOCK_PREFIX.length)

/** Another run holds a lock: this one must not change anything. */
export class LockHeldError extends Error {
  override name = 'LockHeldError'
}

export interface AcquireLockOptions {
  /** True when the holder's GitHub run has ended for sure (github/run-status.ts). */
  holderEnded?: (holder: LockRecord) => Promise<boolean>
  /** This acquisition's token; a fresh UUID by default. */
  token?: string
}

function accessHint(err: unknown): Error {
  const name = errorName(err)
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return new Error(
      `lock: access to parameter ${LOCK_PREFIX}* was denied (${errorMessage(err)}). ` +
        `Allow ssm:PutParameter, ssm:GetParameter, ssm:GetParametersByPath and ssm:DeleteParameter on arn:aws:ssm:*:*:parameter/rolling-deploy/*, or set lock: false to run without a lock.`
    )
  }
  return err instanceof Error ? err : new Error(String(err))
}

const mine = (held: HeldLocks): LockRecord => ({
  runUrl: held.value.runUrl,
  startedAt: held.value.startedAt,
  expiresAt: held.value.expiresAt,
  token: held.value.token ?? ''
})

/**
 * Takes every group's lock or none: when one is held by a live run, the ones already taken are
 * released and LockHeldError names the holder.
 */
export async function acquireLocks(
  store: VersionedLockStore,
  groups: Pool[],
  runUrl: string,
  ttlMs: number,
  clock: Clock,
  log: Log,
  options: AcquireLockOptions = {}
): Promise<HeldLocks> {
  const now = clock.now()
  const record: LockRecord = {
    runUrl,
    startedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
    token: options.token ?? randomUUID()
  }
  const held: HeldLocks = { names: [], value: record }
  try {
    for (const group of groups) {
      const name = lockName(group)
      const got = await acquire(store, name, record, {
        now: () => clock.now(),
        holderEnded: options.holderEnded
      }).catch((e) => Promise.reject(accessHint(e)))
      if (got.outcome === 'acquired') {
        held.names.push(name)
        if (got.how === 'took-over-expired')
          log.warning(
            `lock ${name} held by ${got.previous?.runUrl} expired at ${got.previous?.expiresAt}: taken over`
          )
        if (got.how === 'took-over-ended')
          log.warning(
            `lock ${name} was held by ${got.previous?.runUrl}, a GitHub run that has completed: taken over at once`
          )
        continue
      }
      const holder = got.holder
      const who = holder
        ? `${holder.runUrl} (until ${holder.expiresAt})`
        : 'an unknown holder (a value this action did not write)'
      if (got.outcome === 'contended')
        throw new LockHeldError(
          `target group ${group.name}: another run is taking over the lock of ${who} right now ` +
            `(claim ${got.claim}). If no run is, delete the parameter ${got.claim}.`
        )
      throw new LockHeldError(
        `target group ${group.name} is locked by another run: ${who}. ` +
          `Wait for it to finish, or delete the parameter ${name} if that run is gone.`
      )
    }
  } catch (err) {
    await releaseLocks(store, held, log)
    throw err
  }
  log.info(`locked ${held.names.join(', ')} until ${record.expiresAt} (${formatDuration(ttlMs)})`)
  return held
}

/** Deletes the locks this run still holds; a lock another run took over is left alone. */
export async function releaseLocks(
  store: VersionedLockStore,
  held: HeldLocks,
  log: Log
): Promise<string[]> {
  const released: string[] = []
  for (const name of held.names) {
    try {
      const r = await release(store, name, mine(held))
      if (r === 'released') released.push(name)
      else if (r === 'not-ours')
        log.warning(`lock ${name} is now held by another run: left in place`)
    } catch (err) {
      log.warning(
        `could not release lock ${name}: ${errorMessage(err)}; delete the parameter by hand`
      )
    }
  }
  return released
}

/**
 * Pushes the expiry of every held lock to now + ttlMs. Answers the names this run lost (taken over
 * or deleted by someone): the caller stops, since another run may now change the same fleet.
 */
export async function renewLocks(
  store: VersionedLockStore,
  held: HeldLocks,
  ttlMs: number,
  clock: Clock,
  log: Log
): Promise<string[]> {
  const expiresAt = new Date(clock.now() + ttlMs).toISOString()
  const lost: string[] = []
  for (const name of held.names) {
    try {
      if ((await renew(store, name, mine(held), expiresAt)) === 'lost') lost.push(name)
    } catch (err) {
      // A failed renewal is retried at the next tick; the lock still has most of its time.
      log.warning(`could not renew lock ${name}: ${errorMessage(err)}`)
    }
  }
  if (lost.length === 0) held.value.expiresAt = expiresAt
  return lost
}

/**
 * Renews the locks every third of their time-to-live until stopped, so a run longer than its
 * estimate (capacity waits, retries) keeps its lock while a dead run's lock still frees itself.
 */
export function keepLocks(
  store: VersionedLockStore,
  held: HeldLocks,
  ttlMs: number,
  clock: Clock,
  log: Log,
  onLost: (names: string[]) => void
): { stop(): void; done: Promise<void> } {
  const stopper = new AbortController()
  const every = Math.max(1_000, Math.floor(ttlMs / 3))
  const done = (async () => {
    for (;;) {
      await clock.sleep(every, stopper.signal)
      if (stopper.signal.aborted) return
      const lost = await renewLocks(store, held, ttlMs, clock, log)
      if (lost.length > 0) {
        log.error(`lost lock(s) ${lost.join(', ')}: another run took them over`)
        onLost(lost)
        return
      }
    }
  })()
  return { stop: () => stopper.abort(), done }
}

/**
 * How long a lock is held at most: the run's worst case, every batch using every timeout, so a
 * live run's lock never expires under it while a dead run's lock frees itself.
 */
export function lockTtlMs(
  timeouts: { drainMs: number; commandMs: number; healthMs: number; canaryMs: number },
  batches: number
): number {
  const perBatch = timeouts.drainMs + timeouts.commandMs + 2 * timeouts.healthMs + 60_000
  return Math.max(1, batches) * perBatch + timeouts.canaryMs + 15 * 60_000
}

/**
 * The time-to-live of this run's locks: lockTtlMs over the most batches the run can have (twice
 * as many when on-failure: rollback may roll every one back), each taking every timeout.
 */
export function lockTtlFor(settings: Settings, pools: Pool[], hostCount: number): number {
  const batches = batchCount(settings.batchSize, hostCount, settings.minHealthyPercent)
  return lockTtlMs(
    {
      drainMs: drainTimeoutMs(settings, pools),
      commandMs: settings.commandTimeoutMs,
      healthMs: settings.healthTimeoutMs,
      canaryMs: settings.canaryWaitMs
    },
    batches * (settings.onFailure === 'rollback' ? 2 : 1)
  )
}
