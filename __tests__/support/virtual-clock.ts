// A virtual clock for the pure rollout: sleep() parks a timer, and run() advances time to the
// next timer only once every promise in flight has settled, so hours pass in milliseconds and
// the order of events is deterministic.

import type { Clock } from '../../src/shared/clock.js'

interface Timer {
  at: number
  seq: number
  resolve: () => void
}

export class VirtualClock implements Clock {
  private time: number
  private seq = 0
  private timers: Timer[] = []
  private listeners: Array<(from: number, to: number) => void> = []

  constructor(start = Date.UTC(2026, 10, 23, 12, 0, 0)) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve()
      const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, resolve }
      this.timers.push(timer)
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer)
          resolve()
        },
        { once: true }
      )
    })
  }

  /** Called with each step of time, e.g. by a simulator that integrates traffic over it. */
  onAdvance(listener: (from: number, to: number) => void): void {
    this.listeners.push(listener)
  }

  /** Runs work to completion on virtual time. Throws when it waits on something that never comes. */
  async run<T>(
    work: Promise<T> | (() => Promise<T>),
    maxVirtualMs = 30 * 24 * 3600_000
  ): Promise<T> {
    const promise = typeof work === 'function' ? work() : work
    let settled = false
    promise.then(
      () => (settled = true),
      () => (settled = true)
    )
    const limit = this.time + maxVirtualMs
    while (!settled) {
      await drain()
      if (settled) break
      const next = this.popNext()
      if (!next) {
        await drain()
        if (settled) break
        throw new Error('VirtualClock: the work is waiting, but no timer is set (deadlock)')
      }
      if (next.at > limit) throw new Error('VirtualClock: virtual time limit reached')
      this.advanceTo(next.at)
      next.resolve()
    }
    return promise
  }

  /** Moves time forward without running the work (for tests that poke the world between steps). */
  advanceTo(at: number): void {
    if (at <= this.time) return
    const from = this.time
    this.time = at
    for (const l of this.listeners) l(from, at)
  }

  private popNext(): Timer | undefined {
    if (this.timers.length === 0) return undefined
    let best = 0
    for (let i = 1; i < this.timers.length; i++) {
      const t = this.timers[i]!
      const b = this.timers[best]!
      if (t.at < b.at || (t.at === b.at && t.seq < b.seq)) best = i
    }
    return this.timers.splice(best, 1)[0]
  }
}

/** Lets every pending promise callback and I/O callback run. */
function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
