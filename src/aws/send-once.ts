// SendCommand sent once. SendCommand has no idempotency token (AWS-FACTS.md): a call that SSM took
// but whose answer was lost, if sent again, runs the deploy twice. So the call is made by a client
// whose SDK retries are off (maxAttempts 1: the SDK reads it from the client's configuration only,
// there is no per-command override), every command carries a unique token in its Comment, and
// after an unclear failure (timeout, network error, 5xx) ListCommands -- filtered by InvokedAfter
// and DocumentName, the CommandFilter keys the API reference lists (API_CommandFilter.html; there
// is no Comment filter) -- is searched for that token before sending again. Found: that command is
// returned to be watched. A 4xx answer (throttled, refused) is clear: SSM did not take the call.

import {
  SSMClient,
  type SSMClientConfig,
  SendCommandCommand,
  paginateListCommands,
  type CommandFilter,
  type SendCommandCommandInput
} from '@aws-sdk/client-ssm'
import { CLIENT_CONFIG } from './clients.js'
import { USER_AGENT } from '../constants.js'
import { isThrottling } from '../shared/errors.js'

/** SendCommand's Comment holds at most 100 characters. */
export const COMMENT_MAX = 100

export interface SendOnceDeps {
  /** Client for SendCommand: built with maxAttempts 1 (createSendClient). */
  send: SSMClient
  /** Client for ListCommands (read-only, so its SDK retries are harmless). */
  lookup: SSMClient
  now: () => number
  sleep: (ms: number) => Promise<void>
  /** A fresh name-safe token per command. */
  token: () => string
}

export interface SendOnceOptions {
  /** Times SendCommand may be called for one command when earlier calls failed clearly or vanished. */
  maxSends?: number
  /** Pauses between ListCommands lookups: a command just taken may take a moment to be listed. */
  lookupDelaysMs?: number[]
  /** How far before our send to look, for clock skew between the runner and SSM. */
  skewMs?: number
}

export interface SentOnce {
  commandId: string
  /** True when the answer was lost and the command was found by its token. */
  found: boolean
  token: string
}

/** An SSM client whose SDK never retries: for SendCommand only. */
export function createSendClient(
  region: string | undefined,
  overrides: Omit<SSMClientConfig, 'maxAttempts' | 'retryMode'> = {}
): SSMClient {
  const client = new SSMClient({
    ...CLIENT_CONFIG,
    region,
    customUserAgent: USER_AGENT,
    ...overrides,
    retryMode: 'standard',
    maxAttempts: 1
  })
  client.middlewareStack.remove('loggerMiddleware')
  return client
}

/** The Comment with the token at its end, the user's comment cut to make room. */
export function tokenComment(comment: string | undefined, token: string): string {
  const tag = `[rd:${token}]`
  const room = COMMENT_MAX - tag.length - 1
  const text = (comment ?? '').slice(0, Math.max(0, room)).trimEnd()
  return text ? `${text} ${tag}` : tag
}

/** Did SSM possibly take the call? True for timeouts, network errors and 5xx. */
export function isUnclear(err: unknown): boolean {
  if (isThrottling(err)) return false
  const e = err as { $fault?: string; $metadata?: { httpStatusCode?: number } }
  const status = e?.$metadata?.httpStatusCode
  if (e?.$fault === 'client' && status !== undefined && status < 500) return false
  if (status !== undefined && status >= 400 && status < 500) return false
  return true
}

export async function sendOnce(
  input: SendCommandCommandInput,
  deps: SendOnceDeps,
  options: SendOnceOptions = {}
): Promise<SentOnce> {
  const maxSends = options.maxSends ?? 3
  const delays = options.lookupDelaysMs ?? [2_000, 5_000, 10_000]
  const skewMs = options.skewMs ?? 10 * 60_000
  const token = deps.token()
  const comment = tokenComment(input.Comment, token)
  let last: unknown
  for (let attempt = 1; attempt <= maxSends; attempt++) {
    const sentAt = deps.now()
    try {
      const out = await deps.send.send(new SendCommandCommand({ ...input, Comment: comment }))
      return { commandId: out.Command?.CommandId ?? '', found: false, token }
    } catch (err) {
      last = err
      if (!isUnclear(err)) {
        if (isThrottling(err) && attempt < maxSends) {
          await deps.sleep(delays[0] ?? 2_000)
          continue
        }
        throw err
      }
    }
    for (const ms of delays) {
      await deps.sleep(ms)
      const found = await findByToken(deps.lookup, input.DocumentName, token, sentAt - skewMs)
      if (found) return { commandId: found, found: true, token }
    }
  }
  throw last
}

async function findByToken(
  client: SSMClient,
  documentName: string | undefined,
  token: string,
  after: number
): Promise<string | undefined> {
  const tag = `[rd:${token}]`
  const filters: CommandFilter[] = [{ key: 'InvokedAfter', value: new Date(after).toISOString() }]
  if (documentName) filters.push({ key: 'DocumentName', value: documentName })
  const pages = paginateListCommands({ client }, { Filters: filters, MaxResults: 50 })
  for await (const page of pages) {
    for (const c of page.Commands ?? [])
      if (c.CommandId && c.Comment?.endsWith(tag)) return c.CommandId
  }
  return undefined
}
