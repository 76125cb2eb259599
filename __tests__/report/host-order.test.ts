import { describe, it, expect } from '@jest/globals'
import { STATES_IN_ORDER, byPriority, sortHosts } from '../../src/report/host-order.js'
import { host } from './fixtures.js'

describe('sortHosts', () => {
  it('orders failed, rolled-back, pending, skipped, deployed, then by batch and ID', () => {
    const sorted = sortHosts([
      host('i-d', { state: 'deployed', batch: 1 }),
      host('i-s', { state: 'skipped', batch: null }),
      host('i-p', { state: 'pending', batch: 3 }),
      host('i-f2', { state: 'failed', batch: 2 }),
      host('i-r', { state: 'rolled-back', batch: 1 }),
      host('i-f1', { state: 'failed', batch: 2 }),
      host('i-f0', { state: 'failed', batch: 1 })
    ])
    expect(sorted.map((h) => h.instanceId)).toEqual([
      'i-f0',
      'i-f1',
      'i-f2',
      'i-r',
      'i-p',
      'i-s',
      'i-d'
    ])
  })

  it('does not reorder its input', () => {
    const hosts = [host('i-b'), host('i-a', { state: 'failed' })]
    sortHosts(hosts)
    expect(hosts.map((h) => h.instanceId)).toEqual(['i-b', 'i-a'])
  })
})

describe('byPriority and STATES_IN_ORDER', () => {
  it('byPriority is the comparator sortHosts uses, so the limits list hosts in the table order', () => {
    const hosts = [
      host('i-b', { state: 'deployed', batch: 2 }),
      host('i-a', { state: 'pending', batch: 1 }),
      host('i-c', { state: 'failed', batch: 3 })
    ]
    expect([...hosts].sort(byPriority)).toEqual(sortHosts(hosts))
  })

  it('lists the states in that order', () => {
    expect(STATES_IN_ORDER).toEqual(['failed', 'rolled-back', 'pending', 'skipped', 'deployed'])
  })
})
