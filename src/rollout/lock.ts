// One lock per target group, so two runs never roll the same fleet at once. A lock records who
// holds it and until when; a lock past its expiry belongs to a run that died, and is taken over.

import type { Pool } from '../ports/load-balancer.js'
import type { Clock } from '../shared/clock.js'
import type { Log } from '../ports/log.js'
import type { HeldLocks, LockStore, LockValue } from '../ports/lock-store.js'
import { errorMessage, errorName } from '../shared/errors.js'
import { formatDuration } from '../shared/format.js'
import type { Settings } from '../settings.js'
import { batchCount } from './plan.js'
import { drainTimeoutMs } from './timeouts.js'

export const LOCK_PREFIX = '/rolling-deploy/lock/'

export const lockName = (group: Pool): string => `${LOCK_PREFIX}${group.name}`

/** Another run holds a lock: this one must not change anything. */
export class LockHeldError extends Error {
  override name = 'LockHeldError'
}

function parse(raw: string | undefined): LockValue | undefined {
  if (!raw) return undefined
  try {
    const v = JSON.parse(raw) as Partial<LockValue>
    if (typeof v.runUrl === 'string' && typeof v.expiresAt === 'string') return v as LockValue
  } catch {
    // a value that is not ours: treated as held, with no expiry we can trust
  }
  return undefined
}

function accessHint(err: unknown, action: string): Error {
  const name = errorName(err)
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return new Error(
      `lock: ${action} on parameter ${LOCK_PREFIX}* was denied (${errorMessage(err)}). ` +
        `Allow ssm:PutParameter, ssm:GetParameter and ssm:DeleteParameter on arn:aws:ssm:*:*:parameter${LOCK_PREFIX}*, or set lock: false to run without a lock.`
    )
  }
  return err instanceof Error ? err : new Error(String(err))
}

/**
 * Takes every group's lock or none: when one is held by a live run, the ones already taken are
 * released and LockHeldError names the holder.
 */
export async function acquireLocks(
  store: LockStore,
  groups: Pool[],
  runUrl: string,
  ttlMs: number,
  clock: Clock,
  log: Log
): Promise<HeldLocks> {
  const now = clock.now()
  const value: LockValue = {
    runUrl,
    startedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString()
  }
  const text = JSON.stringify(value)
  const held: HeldLocks = { names: [], value }
  try {
    for (const group of groups) {
      const name = lockName(group)
      if (
        await store.create(name, text).catch((e) => Promise.reject(accessHint(e, 'PutParameter')))
      ) {
        held.names.push(name)
        continue
      }
      const current = parse(
        await store.read(name).catch((e) => Promise.reject(accessHint(e, 'GetParameter')))
      )
      if (current && Date.parse(current.expiresAt) <= now) {
        log.warning(
          `lock ${name} held by ${current.runUrl} expired at ${current.expiresAt}: taking it over`
        )
        await store
          .overwrite(name, text)
          .catch((e) => Promise.reject(accessHint(e, 'PutParameter')))
        held.names.push(name)
        continue
      }
      throw new LockHeldError(
        `target group ${group.name} is locked by another run: ${current?.runUrl ?? 'unknown holder'}` +
          (current ? ` (until ${current.expiresAt})` : '') +
          `. Wait for it to finish, or delete the parameter ${name} if that run is gone.`
      )
    }
  } catch (err) {
    await releaseLocks(store, held, log)
    throw err
  }
  log.info(`locked ${held.names.join(', ')} until ${value.expiresAt} (${formatDuration(ttlMs)})`)
  return held
}

/** Deletes the locks this run still holds; a lock another run took over is left alone. */
export async function releaseLocks(store: LockStore, held: HeldLocks, log: Log): Promise<string[]> {
  const released: string[] = []
  for (const name of held.names) {
    try {
      const current = parse(await store.read(name))
      if (
        current &&
        current.runUrl === held.value.runUrl &&
        current.startedAt === held.value.startedAt
      ) {
        await store.delete(name)
        released.push(name)
      } else if (current) {
        log.warning(`lock ${name} is now held by ${current.runUrl}: left in place`)
      }
    } catch (err) {
      log.warning(
        `could not release lock ${name}: ${errorMessage(err)}; delete the parameter by hand`
      )
    }
  }
  return released
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
