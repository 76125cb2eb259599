import { targetGroupSettings } from './settings.js'
import { targetHealthAt, type TargetEvent } from './target-health.js'

const S = 1000
const reg = (at: number): TargetEvent => ({ at, type: 'register' })
const dereg = (at: number): TargetEvent => ({ at, type: 'deregister' })
const app = (at: number, healthy: boolean): TargetEvent => ({ at, type: 'app', healthy })

describe('ALB target health (Health checks for Application Load Balancer target groups)', () => {
  const defaults = targetGroupSettings('alb') // 30 s interval, healthy threshold 5

  it('reads healthy at the first check, <= 30 s after registration with interval 30 s and threshold 5, not 150 s', () => {
    const events = [reg(0)]
    expect(targetHealthAt(defaults, events, 30 * S - 1)).toEqual({
      state: 'initial',
      reason: 'Elb.RegistrationInProgress'
    })
    expect(targetHealthAt(defaults, events, 30 * S)).toEqual({ state: 'healthy' })
    expect(targetHealthAt(defaults, events, 150 * S - 1).state).toBe('healthy')
  })

  it('lets the caller pick the phase of the first check within one interval', () => {
    const early = targetGroupSettings('alb', { firstCheckPhaseMs: 1 * S })
    expect(targetHealthAt(early, [reg(10 * S)], 11 * S - 1).state).toBe('initial')
    expect(targetHealthAt(early, [reg(10 * S)], 11 * S).state).toBe('healthy')
    const tooLate = targetGroupSettings('alb', { firstCheckPhaseMs: 90 * S })
    expect(targetHealthAt(tooLate, [reg(0)], 30 * S).state).toBe('healthy') // capped at one interval
  })

  it('keeps a new target initial (InitialHealthChecking) until unhealthy-threshold failures, then unhealthy', () => {
    const s = targetGroupSettings('alb', { intervalMs: 10 * S, unhealthyThreshold: 3 })
    const events = [app(0, false), reg(0)]
    expect(targetHealthAt(s, events, 10 * S)).toEqual({
      state: 'initial',
      reason: 'Elb.InitialHealthChecking'
    })
    expect(targetHealthAt(s, events, 20 * S).state).toBe('initial')
    expect(targetHealthAt(s, events, 30 * S)).toEqual({
      state: 'unhealthy',
      reason: 'Target.ResponseCodeMismatch'
    })
  })

  it('brings an unhealthy target back only after healthy-threshold consecutive passes', () => {
    const s = targetGroupSettings('alb', {
      intervalMs: 10 * S,
      healthyThreshold: 5,
      unhealthyThreshold: 2
    })
    // healthy at 10 s; fails from 15 s: checks at 20 s and 30 s fail -> unhealthy at 30 s
    const events = [reg(0), app(15 * S, false), app(35 * S, true)]
    expect(targetHealthAt(s, events, 20 * S).state).toBe('healthy') // one failure is below the threshold
    expect(targetHealthAt(s, events, 30 * S).state).toBe('unhealthy')
    // passes at 40, 50, 60, 70 s: still unhealthy; the fifth pass (80 s) brings it back
    expect(targetHealthAt(s, events, 79 * S).state).toBe('unhealthy')
    expect(targetHealthAt(s, events, 80 * S)).toEqual({ state: 'healthy' })
  })

  it('restarts the count when a failure interrupts the passes of an unhealthy target', () => {
    const s = targetGroupSettings('alb', {
      intervalMs: 10 * S,
      healthyThreshold: 3,
      unhealthyThreshold: 2
    })
    const events = [app(0, false), reg(0), app(25 * S, true), app(45 * S, false), app(55 * S, true)]
    // unhealthy at 20 s; passes at 30, 40; fails at 50; passes at 60, 70, 80 -> healthy at 80 s
    expect(targetHealthAt(s, events, 79 * S).state).toBe('unhealthy')
    expect(targetHealthAt(s, events, 80 * S).state).toBe('healthy')
  })

  it('shows draining for the whole deregistration delay, then unused', () => {
    const events = [reg(0), dereg(60 * S)]
    expect(targetHealthAt(defaults, events, 60 * S)).toEqual({
      state: 'draining',
      reason: 'Target.DeregistrationInProgress'
    })
    expect(targetHealthAt(defaults, events, 360 * S - 1).state).toBe('draining')
    expect(targetHealthAt(defaults, events, 360 * S)).toEqual({
      state: 'unused',
      reason: 'Target.NotRegistered'
    })
  })

  it('answers unused for a target never registered, and ignores a deregistration of it', () => {
    expect(targetHealthAt(defaults, [], 0)).toEqual({
      state: 'unused',
      reason: 'Target.NotRegistered'
    })
    expect(targetHealthAt(defaults, [dereg(0)], 1 * S).state).toBe('unused')
  })

  it('keeps the running registration when the target is registered again', () => {
    expect(targetHealthAt(defaults, [reg(0), reg(20 * S)], 30 * S).state).toBe('healthy')
  })

  it('starts a new registration when a draining target is registered again', () => {
    const events = [reg(0), dereg(40 * S), reg(50 * S)]
    expect(targetHealthAt(defaults, events, 50 * S).state).toBe('initial')
    expect(targetHealthAt(defaults, events, 80 * S).state).toBe('healthy')
  })

  it('answers a day of 1 s checks without walking them one by one', () => {
    const s = targetGroupSettings('alb', { intervalMs: 1 * S })
    const day = 86_400 * S
    expect(targetHealthAt(s, [reg(0), app(day - 1.5 * S, false)], day).state).toBe('unhealthy')
  })
})

describe('NLB target health (Health checks for Network Load Balancer target groups)', () => {
  it('starts health checks only once the registration has propagated', () => {
    const s = targetGroupSettings('nlb', { registrationPropagationMs: 120 * S, intervalMs: 10 * S })
    expect(targetHealthAt(s, [reg(0)], 129 * S).state).toBe('initial')
    expect(targetHealthAt(s, [reg(0)], 130 * S).state).toBe('healthy')
  })

  it('reports TCP failures as Target.FailedHealthChecks', () => {
    const s = targetGroupSettings('nlb', {
      registrationPropagationMs: 0,
      intervalMs: 10 * S,
      unhealthyThreshold: 2
    })
    expect(targetHealthAt(s, [app(0, false), reg(0)], 20 * S)).toEqual({
      state: 'unhealthy',
      reason: 'Target.FailedHealthChecks'
    })
  })

  it('shows draining for the deregistration propagation plus the delay', () => {
    const s = targetGroupSettings('nlb', {
      deregistrationDelayMs: 5 * S,
      deregistrationPropagationMs: 120 * S
    })
    const events = [reg(0), dereg(200 * S)]
    expect(targetHealthAt(s, events, 324 * S).state).toBe('draining')
    expect(targetHealthAt(s, events, 325 * S).state).toBe('unused')
  })
})
