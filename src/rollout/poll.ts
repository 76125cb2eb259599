// The one place the rollout waits. The SDK waiters poll every 15 s at least, which adds minutes
// to a rollout; this poller looks right after what the wait is expected to take (a deregistration
// delay, a health-check threshold), then at 1 s growing to a few seconds with jitter, or paced to
// the time waited so far when the length is unknown (a deploy).
// Transient AWS errors during a wait only mean "not yet": they are never a verdict.

import type { Clock } from '../shared/clock.js'
import { isTransient } from '../shared/errors.js'

export interface PollOptions {
  timeoutMs: number
  /** When the condition is expected to hold: the first check waits this long (at least minDelayMs). */
  expectedMs?: number
  minDelayMs?: number
  maxDelayMs?: number
  /**
   * Paces the checks to the time waited so far instead of growing them by a fixed factor: each
   * wait is this fraction of the elapsed time (within minDelayMs..maxDelayMs), so the end of a
   * 20 s deploy is seen within about 1 s and that of a 10 minute one within 10 s, for a number of
   * calls that grows with the log of the duration.
   */
  paceFraction?: number
  /**
   * A timeout is a verdict, so it must rest on an answer: when the check that reaches the timeout
   * was throttled (or hit another transient error), the wait keeps trying for up to this long
   * more, then throws that error. Default: 5 minutes.
   */
  transientGraceMs?: number
  /** Run the poller's watch (see Poller.setWatch) while waiting; default true. */
  watch?: boolean
}

export type PollResult<T> =
  { status: 'done'; value: T } | { status: 'timeout' } | { status: 'cancelled' }

export const POLL_DEFAULTS = {
  minDelayMs: 1000,
  maxDelayMs: 3000,
  growth: 1.5,
  jitter: 0.2,
  transientGraceMs: 5 * 60_000
}

/**
 * Something to look at while any wait goes on (the alarms): run at most every `everyMs` of clock
 * time, between the wait's own checks. It must not throw: it records what it sees.
 */
export interface Watch {
  everyMs: number
  run: () => Promise<void>
}

/** How long after the expected time the first check comes (see until). */
const EXPECTED_MARGIN_MS = 250

export class Poller {
  private watcher?: Watch
  private watchedAt = -Infinity

  constructor(
    readonly clock: Clock,
    private readonly random: () => number = Math.random,
    readonly signal?: AbortSignal
  ) {}

  /** Installs (or removes) the watch every wait runs; it counts as just run. */
  setWatch(watch: Watch | undefined): void {
    this.watcher = watch
    this.watchedAt = this.clock.now()
  }

  /** Runs the watch now (a wait that reads the same thing itself calls this and passes watch: false). */
  async watchNow(): Promise<void> {
    if (!this.watcher) return
    this.watchedAt = this.clock.now()
    await this.watcher.run()
  }

  get cancelled(): boolean {
    return this.signal?.aborted ?? false
  }

  /** Calls check until it returns a value, the timeout passes, or the run is cancelled. */
  async until<T>(check: () => Promise<T | undefined>, opts: PollOptions): Promise<PollResult<T>> {
    const min = opts.minDelayMs ?? POLL_DEFAULTS.minDelayMs
    const max = Math.max(min, opts.maxDelayMs ?? POLL_DEFAULTS.maxDelayMs)
    const deadline = this.clock.now() + opts.timeoutMs
    const graceEnd = deadline + (opts.transientGraceMs ?? POLL_DEFAULTS.transientGraceMs)
    const start = this.clock.now()
    let delay = min
    let wait = Math.max(min, opts.expectedMs ?? min)
    let transient: { error: unknown } | undefined
    // The expected time is when the condition can first hold (a deregistration delay, a health
    // threshold): check right after it, not up to 20% later (jitter); a check a moment too early
    // would cost a whole poll interval, hence the margin. Only the polls after it are jittered.
    let exact = opts.expectedMs !== undefined && opts.expectedMs > 0
    if (exact) wait += EXPECTED_MARGIN_MS
    for (;;) {
      const remaining = deadline - this.clock.now()
      // Past the deadline only to get an answer through throttling: keep the normal pace.
      const ms = remaining > 0 || transient ? (exact ? wait : this.jittered(wait)) : 0
      exact = false
      await this.pause(remaining > 0 ? Math.min(ms, remaining) : ms, opts.watch !== false)
      if (this.cancelled) return { status: 'cancelled' }
      const outcome = await this.attempt(check)
      if (outcome.value !== undefined) return { status: 'done', value: outcome.value }
      transient = outcome.transient
      const now = this.clock.now()
      if (now >= deadline && !transient) return { status: 'timeout' }
      if (now >= graceEnd && transient) throw transient.error
      if (opts.paceFraction !== undefined) {
        wait = Math.min(max, Math.max(min, (now - start) * opts.paceFraction))
      } else {
        wait = delay
        delay = Math.min(max, delay * POLL_DEFAULTS.growth)
      }
    }
  }

  /** Runs fn now, retrying transient errors (throttling, 5xx) until the timeout; others throw. */
  async retry<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
    const deadline = this.clock.now() + timeoutMs
    let delay = POLL_DEFAULTS.minDelayMs
    for (;;) {
      try {
        return await fn()
      } catch (err) {
        if (!isTransient(err) || this.clock.now() >= deadline) throw err
      }
      await this.clock.sleep(this.jittered(delay))
      delay = Math.min(POLL_DEFAULTS.maxDelayMs * 4, delay * 2)
    }
  }

  /** Sleeps ms; with a watch, in slices so the watch runs every everyMs meanwhile. */
  private async pause(ms: number, watching: boolean): Promise<void> {
    const watch = watching ? this.watcher : undefined
    if (!watch) return this.clock.sleep(ms, this.signal)
    const end = this.clock.now() + ms
    for (;;) {
      if (this.cancelled) return
      if (this.clock.now() - this.watchedAt >= watch.everyMs) await this.watchNow()
      const left = end - this.clock.now()
      if (left <= 0) return
      await this.clock.sleep(
        Math.min(left, this.watchedAt + watch.everyMs - this.clock.now()),
        this.signal
      )
    }
  }

  /** Sleeps, waking early on cancellation. */
  async sleep(ms: number): Promise<void> {
    await this.clock.sleep(ms, this.signal)
  }

  private async attempt<T>(
    check: () => Promise<T | undefined>
  ): Promise<{ value?: T; transient?: { error: unknown } }> {
    try {
      return { value: await check() }
    } catch (err) {
      if (isTransient(err)) return { transient: { error: err } }
      throw err
    }
  }

  private jittered(ms: number): number {
    const j = POLL_DEFAULTS.jitter
    return Math.round(ms * (1 - j + 2 * j * this.random()))
  }
}
