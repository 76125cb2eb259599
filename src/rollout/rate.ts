// A client-side token bucket on the injected clock: the rollout waits for a token instead of
// sending a call AWS would throttle. SSM's rates are account-wide and shared with every other
// caller, so the rollout keeps to a fraction of them. The SDK's adaptive retry mode has a rate
// limiter too, but it switches on only after a call was throttled and then slows every call of
// the client; this one keeps the known bursts (a poll of 20 commands) from being throttled at all.

import type { Clock } from '../shared/clock.js'

export class RateLimiter {
  private tokens: number
  private last: number

  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    private readonly perSecond: number
  ) {
    this.tokens = capacity
    this.last = clock.now()
  }

  /** Resolves when a call may be made (at once while the burst lasts). */
  async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now()
      this.tokens = Math.min(
        this.capacity,
        this.tokens + ((now - this.last) / 1000) * this.perSecond
      )
      this.last = now
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000))
    }
  }
}
