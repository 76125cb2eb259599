// Which AWS errors are worth waiting out. The SDK's adaptive retry handles short bursts; these
// are what still reach the rollout once the SDK gives up, and they must never become host failures.

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  // SSM PutParameter/DeleteParameter (the lock) when updates to one parameter collide.
  'TooManyUpdates'
])

const TRANSIENT_NETWORK = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN'
])

interface MaybeServiceError {
  name?: string
  code?: string
  $fault?: string
  $retryable?: { throttling?: boolean }
  $metadata?: { httpStatusCode?: number }
}

export function isThrottling(err: unknown): boolean {
  const e = err as MaybeServiceError
  return (
    !!e &&
    (THROTTLING.has(e.name ?? '') ||
      e.$retryable?.throttling === true ||
      e.$metadata?.httpStatusCode === 429)
  )
}

/** Throttling, 5xx and network faults: retry them; never blame a host for them. */
export function isTransient(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const e = err as MaybeServiceError
  if (isThrottling(e)) return true
  if (e.$retryable) return true
  if (e.$fault === 'server') return true
  const status = e.$metadata?.httpStatusCode ?? 0
  if (status >= 500) return true
  return TRANSIENT_NETWORK.has(e.name ?? '') || TRANSIENT_NETWORK.has(e.code ?? '')
}

export function errorName(err: unknown): string {
  const e = err as MaybeServiceError
  return e?.name ?? 'Error'
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
