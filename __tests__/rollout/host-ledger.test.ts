// The ledger holds one record per host; every change goes through it and reaches onChange (the
// journal the post step reads after a cancel), so no change can miss the journal.

import { describe, it, expect } from '@jest/globals'
import { HostLedger } from '../../src/rollout/host-ledger.js'
import type { HostRecord } from '../../src/rollout/outcome.js'
import { VirtualClock } from '../support/virtual-clock.js'

const TG = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/1'
const hosts = ['i-1', 'i-2', 'i-3'].map((id) => ({
  instanceId: id,
  memberships: [{ poolId: TG, port: 80 }]
}))

function ledger() {
  const clock = new VirtualClock(1_000)
  const seen: HostRecord[][] = []
  const l = new HostLedger(hosts, clock, (records) => seen.push(structuredClone([...records])))
  return { l, clock, seen }
}

describe('HostLedger', () => {
  it('starts every host pending at discovery, in service, nothing sent', () => {
    const { l } = ledger()
    expect(l.size).toBe(3)
    expect(l.get('i-2')).toEqual({
      instanceId: 'i-2',
      memberships: [{ poolId: TG, port: 80 }],
      batch: null,
      state: 'pending',
      step: 'discover',
      outOfService: false,
      commandSent: false
    })
    expect(l.count('pending')).toBe(3)
  })

  it('reports each change to onChange with every record, once per update', () => {
    const { l, seen } = ledger()
    l.update([l.get('i-1'), l.get('i-2')], { outOfService: true, step: 'drain', cycle: 'deploy' })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.filter((r) => r.outOfService).map((r) => r.instanceId)).toEqual(['i-1', 'i-2'])
    l.update([], { outOfService: false })
    expect(seen).toHaveLength(1)
  })

  it('finish ends the host and its cycle at the current time; fail also says where and why', () => {
    const { l, clock } = ledger()
    l.update(l.get('i-1'), { cycle: 'deploy', outOfService: true })
    clock.advanceTo(6_000)
    l.finish(l.get('i-1'), 'deployed', { outOfService: false })
    expect(l.get('i-1')).toMatchObject({
      state: 'deployed',
      finishedAt: 6_000,
      outOfService: false
    })
    expect(l.get('i-1').cycle).toBeUndefined()
    l.fail(l.get('i-2'), 'verify', 'health check answered 503')
    expect(l.get('i-2')).toMatchObject({
      state: 'failed',
      step: 'verify',
      reason: 'health check answered 503'
    })
    expect(l.inState('pending').map((r) => r.instanceId)).toEqual(['i-3'])
    expect(l.count('failed')).toBe(1)
  })

  it('refuses a host it does not know', () => {
    expect(() => ledger().l.get('i-9')).toThrow('unknown host i-9')
  })
})
