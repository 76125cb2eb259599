import { invocationAt, type InvocationModel } from './invocations.js'

const S = 1000
const base: InvocationModel = {
  sentAt: 0,
  node: 'online',
  deliveryTimeoutMs: 600 * S,
  executionTimeoutMs: 60 * S,
  deliveryLatencyMs: 1 * S,
  runMs: 10 * S,
  exitCode: 0
}

describe('SSM invocation statuses (Understanding command statuses)', () => {
  it('goes Pending -> InProgress -> Success with response code 0', () => {
    expect(invocationAt(base, 0)).toEqual({ status: 'Pending', responseCode: -1, terminal: false })
    expect(invocationAt(base, 1 * S)).toEqual({
      status: 'InProgress',
      responseCode: -1,
      terminal: false
    })
    expect(invocationAt(base, 11 * S)).toEqual({
      status: 'Success',
      responseCode: 0,
      terminal: true
    })
  })

  it('fails with the script exit code', () => {
    expect(invocationAt({ ...base, exitCode: 3 }, 11 * S)).toEqual({
      status: 'Failed',
      responseCode: 3,
      terminal: true
    })
  })

  it('times out when the script outlives the execution timeout', () => {
    const slow = { ...base, runMs: 120 * S }
    expect(invocationAt(slow, 60 * S).status).toBe('InProgress')
    expect(invocationAt(slow, 61 * S)).toEqual({
      status: 'TimedOut',
      responseCode: -1,
      terminal: true
    })
  })

  it('keeps an unreachable node Pending until delivery timeout + execution timeout, then DeliveryTimedOut', () => {
    const offline = { ...base, node: 'offline' as const }
    expect(invocationAt(offline, 660 * S - 1)).toEqual({
      status: 'Pending',
      responseCode: -1,
      terminal: false
    })
    expect(invocationAt(offline, 660 * S)).toEqual({
      status: 'DeliveryTimedOut',
      responseCode: -1,
      terminal: true
    })
    expect(invocationAt({ ...offline, offlineStatus: 'Delayed' }, 10 * S).status).toBe('Delayed')
  })

  it('answers Undeliverable for a node that cannot take commands', () => {
    expect(invocationAt({ ...base, node: 'undeliverable' }, 0)).toEqual({
      status: 'Undeliverable',
      responseCode: -1,
      terminal: true
    })
  })

  it('ends Cancelled when cancelled while running, and keeps a finished result', () => {
    expect(invocationAt({ ...base, cancelledAt: 5 * S }, 6 * S).status).toBe('Cancelled')
    expect(invocationAt({ ...base, cancelledAt: 20 * S }, 21 * S).status).toBe('Success')
  })
})
