// The one place the rollout waits. The SDK waiters poll every 15 s at least, which adds minutes
// to a rollout; this poller looks right after what the wait is expected to take (a deregistration
// delay, a health-check threshold), then at 1 s growing to a few seconds with jitter, or paced to
// the time waited so far when the length is unknown (a deploy).
// Transient AWS errors during a wait only mean "not yet": they are never a verdict; each is a
// debug line. A wait longer than HEARTBEAT_MS says every HEARTBEAT_MS what it awaits and until
// when, so a person watching the step log never stares at silence.

import type { Clock } from '../shared/clock.js'
import { errorMessage, errorName, isThrottling, isTransient } from '../shared/errors.js'
import { callOf } from '../shared/aws-failure.js'
import { formatDuration } from '../shared/format.js'
import type { Log } from '../ports/log.js'

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

/** A wait (or a retry) longer than this says so every this often. */
export const HEARTBEAT_MS = 30_000

/** `12:04:31 UTC`: the runner's log shows UTC timestamps too. */
const clockTime = (ms: number) => `${new Date(ms).toISOString().slice(11, 19)} UTC`

/** The next heartbeat of one wait. */
interface Beat {
  at: number
  text: () => string
}

export class Poller {
  private watcher?: Watch
  private watchedAt = -Infinity

  constructor(
    readonly clock: Clock,
    private readonly random: () => number = Math.random,
    readonly signal?: AbortSignal,
    /** Where heartbeats (info) and retries (debug) go; none in tests of the pacing alone. */
    private readonly log?: Log
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

  /**
   * Calls check until it returns a value, the timeout passes, or the run is cancelled.
   * `description` says what is awaited ("batch 2 drained from web-tg"), for the heartbeat.
   */
  async until<T>(
    check: () => Promise<T | undefined>,
    opts: PollOptions,
    description?: string
  ): Promise<PollResult<T>> {
    const min = opts.minDelayMs ?? POLL_DEFAULTS.minDelayMs
    const max = Math.max(min, opts.maxDelayMs ?? POLL_DEFAULTS.maxDelayMs)
    const deadline = this.clock.now() + opts.timeoutMs
    const graceEnd = deadline + (opts.transientGraceMs ?? POLL_DEFAULTS.transientGraceMs)
    const start = this.clock.now()
    let delay = min
    let wait = Math.max(min, opts.expectedMs ?? min)
    let transient: { error: unknown } | undefined
    const beat: Beat = {
      at: start + HEARTBEAT_MS,
      text: () =>
        `still waiting${description ? ` for ${description}` : ''}: ${formatDuration(this.clock.now() - start)} so far, until ${clockTime(deadline)} at the latest`
    }
    let attempt = 0
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
      await this.pause(remaining > 0 ? Math.min(ms, remaining) : ms, opts.watch !== false, beat)
      if (this.cancelled) return { status: 'cancelled' }
      attempt += 1
      const outcome = await this.attempt(check)
      if (outcome.value !== undefined) return { status: 'done', value: outcome.value }
      transient = outcome.transient
      if (transient) this.retrying(transient.error, attempt, description)
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

  /**
   * Runs fn now, retrying transient errors (throttling, 5xx) until the timeout; others throw.
   * Errors that say AWS cannot be reached or refuses (shared/errors.ts) are not transient: the
   * SDK's bounded retries already tried again, and they throw at once.
   */
  async retry<T>(fn: () => Promise<T>, timeoutMs: number, description?: string): Promise<T> {
    const start = this.clock.now()
    const deadline = start + timeoutMs
    let delay = POLL_DEFAULTS.minDelayMs
    let last: unknown
    const beat: Beat = {
      at: start + HEARTBEAT_MS,
      text: () =>
        `still retrying ${callOf(last)?.api ?? description ?? 'an AWS call'} (${errorName(last)}) for ${formatDuration(this.clock.now() - start)}, until ${clockTime(deadline)} at the latest`
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn()
      } catch (err) {
        if (!isTransient(err) || this.clock.now() >= deadline) throw err
        last = err
        this.retrying(err, attempt, description)
      }
      // Not woken by a cancel: a call in flight finishes what it started (as before the beat).
      await this.pause(this.jittered(delay), false, beat, undefined)
      delay = Math.min(POLL_DEFAULTS.maxDelayMs * 4, delay * 2)
    }
  }

  /** One debug line per AWS call that failed and will be tried again: API, error, attempt. */
  private retrying(err: unknown, attempt: number, description?: string): void {
    const api = callOf(err)?.api ?? description ?? 'an AWS call'
    this.log?.debug(
      `${api} ${isThrottling(err) ? 'throttled' : 'failed'} on attempt ${attempt} (${errorName(err)}: ${errorMessage(err)}); trying again`
    )
  }

  /**
   * Sleeps ms; with a watch, in slices so the watch runs every everyMs meanwhile; with a beat,
   * waking to log it when it falls due.
   */
  private async pause(
    ms: number,
    watching: boolean,
    beat?: Beat,
    signal: AbortSignal | undefined = this.signal
  ): Promise<void> {
    const end = this.clock.now() + ms
    for (let first = true; ; first = false) {
      if (signal?.aborted) return
      const now = this.clock.now()
      if (beat && this.log && now >= beat.at) {
        this.log.info(beat.text())
        while (beat.at <= now) beat.at += HEARTBEAT_MS
      }
      if (now >= end && !first) return
      const until = beat && this.log ? Math.min(end, beat.at) : end
      await this.slice(Math.max(0, until - now), watching, signal)
    }
  }

  /** Sleeps ms; with a watch, in slices so the watch runs every everyMs meanwhile. */
  private async slice(ms: number, watching: boolean, signal?: AbortSignal): Promise<void> {
    const watch = watching ? this.watcher : undefined
    if (!watch) return this.clock.sleep(ms, signal)
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
