// Which AWS errors are worth waiting out. The SDK's adaptive retry handles short bursts; these
// are what still reach the rollout once the SDK gives up, and they must never become host failures.
// Errors that say AWS cannot be reached or refuses this caller (no route, no credentials, no
// permission) are not worth waiting out: the SDK's own bounded retries have already tried again,
// and waiting minutes more only hides a typo in an endpoint or a missing role.

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

/** A connection that broke mid-call, or an answer that came too late: try again. */
const TRANSIENT_NETWORK = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED'
])

/** No connection at all: nothing listens, no such host, no route. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN'
])

const UNREACHABLE_TEXT = new RegExp(`\\b(connect|getaddrinfo) (${[...UNREACHABLE].join('|')})\\b`)

/** @smithy/node-http-handler's connectionTimeout error: a TimeoutError, told apart by its text. */
const CONNECT_TIMEOUT = /did not establish a connection/

// The names below are AWS's common errors, returned by every service
// (https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html); AccessDenied,
// ExpiredToken and UnauthorizedOperation are the query-protocol (ELB, EC2) spellings.
/** The SDK's CredentialsProviderError: no provider in the chain found credentials. */
const NO_CREDENTIALS = new Set(['CredentialsProviderError'])
const EXPIRED_CREDENTIALS = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired'])
const INVALID_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'AuthFailure'
])
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError'
])

interface MaybeServiceError {
  name?: string
  code?: string
  message?: string
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

/**
 * Why AWS did not answer this caller at all, or undefined when it did (or it is not an AWS error):
 * 'unreachable' (no connection), 'no-credentials', 'expired-credentials', 'invalid-credentials'
 * (rejected key or signature), 'access-denied'. None of them is transient.
 */
export type Refusal =
  'unreachable' | 'no-credentials' | 'expired-credentials' | 'invalid-credentials' | 'access-denied'

export function refusalOf(err: unknown): Refusal | undefined {
  if (!err || typeof err !== 'object') return undefined
  const e = err as MaybeServiceError
  const name = e.name ?? ''
  if (UNREACHABLE.has(e.code ?? '') || UNREACHABLE.has(name)) return 'unreachable'
  // Node words these "connect ECONNREFUSED 10.0.0.1:443", "getaddrinfo ENOTFOUND host": when the
  // code was lost (the SDK wraps an error from another realm as "AWS SDK error wrapper for ..."),
  // the text still says it. Never for an answer from AWS, whose message is AWS's.
  if (e.$metadata?.httpStatusCode === undefined && UNREACHABLE_TEXT.test(e.message ?? ''))
    return 'unreachable'
  if (name === 'TimeoutError' && CONNECT_TIMEOUT.test(e.message ?? '')) return 'unreachable'
  if (NO_CREDENTIALS.has(name)) return 'no-credentials'
  // The SDK signs with the clock; "Signature expired" is a clock skew it corrects and retries.
  if (EXPIRED_CREDENTIALS.has(name)) return 'expired-credentials'
  if (INVALID_CREDENTIALS.has(name)) return 'invalid-credentials'
  if (ACCESS_DENIED.has(name)) return 'access-denied'
  return undefined
}

/** Throttling, 5xx and network faults: retry them; never blame a host for them. */
export function isTransient(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const e = err as MaybeServiceError
  if (refusalOf(e)) return false
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
