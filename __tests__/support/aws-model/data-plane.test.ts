import { keepsExistingConnection, routesNewRequest } from './data-plane.js'
import { targetGroupSettings } from './settings.js'
import { targetHealthAt, type TargetEvent } from './target-health.js'

const S = 1000
const reg = (at: number): TargetEvent => ({ at, type: 'register' })
const dereg = (at: number): TargetEvent => ({ at, type: 'deregister' })
const app = (at: number, healthy: boolean): TargetEvent => ({ at, type: 'app', healthy })

describe('data plane: which target a new request may reach', () => {
  const alb = targetGroupSettings('alb', {
    intervalMs: 5 * S,
    deregistrationDelayMs: 2 * S,
    newRequestWindowMs: 20 * S
  })

  it('routes to a target only once it is healthy', () => {
    expect(routesNewRequest(alb, [reg(0)], 5 * S - 1)).toBe(false)
    expect(routesNewRequest(alb, [reg(0)], 5 * S)).toBe(true)
  })

  it('keeps routing new requests to a deregistered ALB target for the propagation window, after the API reads unused', () => {
    const events = [reg(0), dereg(100 * S)]
    expect(targetHealthAt(alb, events, 102 * S).state).toBe('unused')
    expect(routesNewRequest(alb, events, 119 * S)).toBe(true)
    expect(routesNewRequest(alb, events, 120 * S)).toBe(false)
  })

  it('gives no window to a target that was not in service when it was deregistered', () => {
    expect(routesNewRequest(alb, [reg(0), dereg(3 * S)], 4 * S)).toBe(false)
    const sick = [reg(0), app(6 * S, false), dereg(100 * S)]
    expect(routesNewRequest(alb, sick, 101 * S)).toBe(false)
  })

  it('stops routing to a target that turned unhealthy', () => {
    const events = [reg(0), app(12 * S, false)] // checks at 15 s and 20 s fail
    expect(routesNewRequest(alb, events, 19 * S)).toBe(true)
    expect(routesNewRequest(alb, events, 20 * S)).toBe(false)
  })

  it('NLB: no traffic before the registration has propagated, and about 2 minutes of new connections after deregistration', () => {
    const nlb = targetGroupSettings('nlb', {
      intervalMs: 10 * S,
      firstCheckPhaseMs: 1 * S,
      registrationPropagationMs: 60 * S,
      deregistrationDelayMs: 5 * S
    })
    expect(routesNewRequest(nlb, [reg(0)], 60 * S)).toBe(false)
    expect(routesNewRequest(nlb, [reg(0)], 61 * S)).toBe(true)
    const events = [reg(0), dereg(100 * S)]
    expect(routesNewRequest(nlb, events, 219 * S)).toBe(true)
    expect(routesNewRequest(nlb, events, 220 * S)).toBe(false)
  })
})

describe('data plane: connections already open', () => {
  it('NLB keeps existing flows after the delay unless connection termination is on', () => {
    const events = [reg(0), dereg(100 * S)]
    const off = targetGroupSettings('nlb', {
      deregistrationDelayMs: 5 * S,
      deregistrationPropagationMs: 0
    })
    const on = { ...off, connectionTermination: true }
    expect(keepsExistingConnection(off, events, 104 * S)).toBe(true)
    expect(keepsExistingConnection(on, events, 104 * S)).toBe(true)
    expect(keepsExistingConnection(off, events, 105 * S)).toBe(true)
    expect(keepsExistingConnection(on, events, 105 * S)).toBe(false)
  })

  it('ALB ends flows with the deregistration delay', () => {
    const alb = targetGroupSettings('alb', { deregistrationDelayMs: 5 * S })
    expect(keepsExistingConnection(alb, [reg(0), dereg(100 * S)], 104 * S)).toBe(true)
    expect(keepsExistingConnection(alb, [reg(0), dereg(100 * S)], 105 * S)).toBe(false)
  })
})
