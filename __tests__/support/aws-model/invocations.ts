// An SSM Run Command invocation's status over virtual time, from "Understanding command statuses"
// (ssmCommandStatuses), the StatusDetails list of the API (ssmStatusDetailsApi) and
// Command.ExpiresAfter (ssmCommandExpiresAfter). Pure: same inputs and t, same answer.
//
// The values are the documented StatusDetails names (Pending, InProgress, Delayed, Success,
// Failed, TimedOut for "Execution Timed Out", DeliveryTimedOut, Undeliverable, Cancelled).

export type InvocationStatus =
  | 'Pending'
  | 'Delayed'
  | 'InProgress'
  | 'Success'
  | 'Failed'
  | 'TimedOut'
  | 'DeliveryTimedOut'
  | 'Undeliverable'
  | 'Cancelled'

export interface InvocationModel {
  /** SendCommand time. */
  sentAt: number
  /** The node: its agent answers (online), is unreachable for now (offline), or the node cannot
   *  take commands at all (undeliverable: it "might not exist or might not be responding"). */
  node: 'online' | 'offline' | 'undeliverable'
  /** SendCommand TimeoutSeconds × 1000: the delivery timeout. */
  deliveryTimeoutMs: number
  /** The document's executionTimeout × 1000. */
  executionTimeoutMs: number
  /** How long the agent takes to pick the command up (docs give no figure; default 0). */
  deliveryLatencyMs?: number
  /** How long the script runs, and its exit code. */
  runMs: number
  exitCode: number
  /** CancelCommand time, if any. */
  cancelledAt?: number
  /** What an unreachable node shows while SSM retries: the docs allow Pending or Delayed. */
  offlineStatus?: 'Pending' | 'Delayed'
}

export interface InvocationView {
  status: InvocationStatus
  /** -1 until the script has run: "If the response code is -1, then the command hasn't started
   *  running on the managed node, or it wasn't received by the node" (ssmStatusDetailsApi). */
  responseCode: number
  terminal: boolean
}

/** The invocation as GetCommandInvocation would show it at t. */
export function invocationAt(m: InvocationModel, t: number): InvocationView {
  const waiting = (status: InvocationStatus): InvocationView => ({
    status,
    responseCode: -1,
    terminal: false
  })
  const ended = (status: InvocationStatus, responseCode = -1): InvocationView => ({
    status,
    responseCode,
    terminal: true
  })
  if (t < m.sentAt) return waiting('Pending')
  const cancelled = m.cancelledAt !== undefined && m.cancelledAt <= t
  if (m.node === 'undeliverable') {
    // "Undeliverable": the command couldn't be delivered; a terminal state that does not count
    // against MaxErrors (ssmCommandStatuses). The docs give no timing; the model answers at once.
    return ended('Undeliverable')
  }
  if (m.node === 'offline') {
    // Pending: not yet "received by SSM Agent. If the command isn't received by the agent before
    // the length of time passes that is equal to the sum of the Timeout (seconds) parameter and
    // the Execution timeout parameter, the status changes to Delivery Timed Out"
    // (ssmCommandStatuses). Delayed: "the system attempted to send the command ... but the target
    // wasn't available ... will try again" (ssmStatusDetailsApi).
    if (cancelled) return ended('Cancelled')
    const expires = m.sentAt + m.deliveryTimeoutMs + m.executionTimeoutMs
    return t >= expires ? ended('DeliveryTimedOut') : waiting(m.offlineStatus ?? 'Pending')
  }
  const startedAt = m.sentAt + (m.deliveryLatencyMs ?? 0)
  if (t < startedAt) return cancelled ? ended('Cancelled') : waiting('Pending')
  const timesOutAt = startedAt + m.executionTimeoutMs
  const endsAt = startedAt + m.runMs
  // "Execution Timed Out: the command started to run on the managed node, but the execution
  // wasn't complete before the timeout expired" (ssmStatusDetailsApi).
  const finishAt = Math.min(endsAt, timesOutAt)
  if (m.cancelledAt !== undefined && m.cancelledAt < finishAt && m.cancelledAt <= t)
    return ended('Cancelled')
  if (t < finishAt) return waiting('InProgress')
  if (endsAt > timesOutAt) return ended('TimedOut')
  // Success: ran and returned 0; Failed: "the result code wasn't zero" (ssmStatusDetailsApi).
  return m.exitCode === 0 ? ended('Success', 0) : ended('Failed', m.exitCode)
}
