// Time is injected: the real clock on a runner, a virtual one in tests, so hours of rollout
// run in milliseconds and nothing in a test sleeps.

export interface Clock {
  now(): number
  /** Resolves after ms, or early when the signal aborts (cancellation must not wait out a sleep). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve()
      const timer = setTimeout(done, ms)
      function done(): void {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      signal?.addEventListener('abort', done, { once: true })
    })
}
