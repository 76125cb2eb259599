import { describe, expect, it } from '@jest/globals'
import { AccountWriter } from '../../src/journal/account.js'
import type { HostRecord } from '../../src/rollout/outcome.js'
import type { Pool } from '../../src/ports/load-balancer.js'
import { MemoryAccountStore } from '../support/memory-account-store.js'

const pool = (name: string): Pool => ({
  id: `arn:${name}`,
  name,
  kind: 'alb',
  healthCheckPortLabel: 'traffic-port',
  healthCheckIntervalSeconds: 5,
  healthyThresholdCount: 2,
  drainDelaySeconds: 0
})

const rec = (id: string, patch: Partial<HostRecord>): HostRecord => ({
  instanceId: id,
  memberships: [{ poolId: 'arn:a', port: 80 }],
  batch: 1,
  state: 'pending',
  step: 'drain',
  outOfService: false,
  commandSent: false,
  ...patch
})

describe('AccountWriter', () => {
  it('keeps only hosts out of service, per pool, writes only what changed, clears when empty', async () => {
    const store = new MemoryAccountStore()
    const w = new AccountWriter(store, [pool('a'), pool('b')], 'run-1', () => 0)
    const out = rec('i-1', {
      outOfService: true,
      commandSent: true,
      commandId: 'c-1',
      step: 'command',
      memberships: [
        { poolId: 'arn:a', port: 80 },
        { poolId: 'arn:b', port: 8080 }
      ]
    })
    w.hosts([out, rec('i-2', {})])
    await w.checkpoint()
    expect(store.hostsOf('a')).toEqual(['i-1'])
    expect(store.hostsOf('b')).toEqual(['i-1'])
    expect((await store.read('a'))!.hosts[0]).toEqual({
      instanceId: 'i-1',
      memberships: [
        { pool: 'arn:a', port: 80 },
        { pool: 'arn:b', port: 8080 }
      ],
      step: 'command',
      commandId: 'c-1',
      deployStarted: true
    })
    const writes = store.calls.filter((c) => c.startsWith('write')).length
    await w.checkpoint()
    expect(store.calls.filter((c) => c.startsWith('write')).length).toBe(writes)
    out.outOfService = false
    await w.checkpoint()
    expect(store.accounts.size).toBe(0)
  })
})
