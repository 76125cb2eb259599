// on-failure: rollback — the rollback command through the same drain → command → health →
// register cycle, failed hosts first, then the deployed ones newest batch first.

import { describe, it, expect } from '@jest/globals'
import { FakeWorld, byHost, counts, ids, type FakeHost } from '../support/fake-ports.js'
import { settingsFor } from '../support/settings.js'
import type { Settings } from '../../src/settings.js'
import { rollbackQueue } from '../../src/rollout/rollback.js'
import type { HostRecord } from '../../src/rollout/outcome.js'

const failDeploy: Partial<FakeHost> = {
  deploy: { status: 'Failed', exitCode: 3, stderr: 'migration failed' }
}

/** Five hosts; batches [i-1], [i-2, i-3], [i-4, i-5]; i-4's deploy fails. */
function fleet(hosts: Record<string, Partial<FakeHost>> = { 'i-4': failDeploy }) {
  return new FakeWorld({
    groups: [{ name: 'tg-a', targets: ids(5) }],
    hosts,
    alarms: { 'api-5xx': 'OK' }
  })
}

const rollbackSettings = (patch: Partial<Settings> = {}) =>
  settingsFor({
    batchSize: [
      { kind: 'count', value: 1 },
      { kind: 'count', value: 2 }
    ],
    expectedVersion: 'v2',
    onFailure: 'rollback',
    rollbackCommand: 'sudo /opt/app/rollback.sh',
    ...patch
  })

const rollbackSends = (w: FakeWorld) =>
  w.sends.filter((s) => s.kind === 'rollback').map((s) => s.instanceIds)

describe('rollback', () => {
  it('rolls back the failed host first, then the deployed ones newest batch first, with the batch sizes', async () => {
    const w = fleet()
    const out = await w.run(rollbackSettings())

    expect(out.result).toBe('rolled-back')
    expect(out.reason).toBe('1 host(s) failed, more than max-failures (0); rolled back 5 host(s)')
    // Sizes 1, 2, 2, …: the failed host alone first (the rollback's own canary), then pairs.
    expect(rollbackSends(w)).toEqual([['i-4'], ['i-5', 'i-2'], ['i-3', 'i-1']])
    for (const id of ids(5)) {
      expect(byHost(out)[id]).toMatchObject({ state: 'rolled-back', step: 'done' })
      expect(w.host(id).version).toBe('v1')
      expect(w.lbState('tg-a', id)).toBe('healthy')
    }
    // The report still says where each host was deployed, and why i-4's deploy failed.
    expect(byHost(out)['i-4']).toMatchObject({
      batch: 3,
      reason:
        'deploy failed at command: command failed with exit code 3: migration failed; rolled back'
    })
    expect(byHost(out)['i-1']!.batch).toBe(1)
    expect(out.batches.filter((b) => b.kind === 'rollback').map((b) => b.instanceIds)).toEqual(
      rollbackSends(w)
    )
    // The rollback script ran through AWS-RunShellScript.
    const spec = w.sends.find((s) => s.kind === 'rollback')!.spec
    expect(spec.documentName).toBe('AWS-RunShellScript')
    expect(spec.parameters.commands).toEqual(['sudo /opt/app/rollback.sh'])
  })

  it('checks health without expected-version: hosts reporting the old release pass', async () => {
    const w = fleet()
    const out = await w.run(rollbackSettings())
    expect(out.hosts).toHaveLength(5)
    expect(out.hosts.every((h) => h.version === 'v1')).toBe(true)
    expect(out.result).toBe('rolled-back')
  })

  it('each rollback batch is drained before its command and restored after it', async () => {
    const w = fleet()
    await w.run(rollbackSettings())
    const seq = w
      .callsFor('i-2')
      .filter((c) => /^(deregister|register|send (deploy|rollback))/.test(c))
    expect(seq).toEqual([
      'deregister tg-a i-2:80,i-3:80',
      'send deploy i-2,i-3',
      'register tg-a i-2:80,i-3:80',
      'deregister tg-a i-5:80,i-2:80',
      'send rollback i-5,i-2',
      'register tg-a i-5:80,i-2:80'
    ])
    expect(w.violations).toEqual([])
  })

  it('respects the capacity guard: a host already out costs nothing, a serving one only what min-healthy-percent allows', async () => {
    const w = fleet()
    let lowest = Infinity
    w.when(
      () => true,
      () => {
        const serving = ids(5).filter((id) => w.lbState('tg-a', id) === 'healthy').length
        // i-4 is out from its failure until its rollback passed: the guard counts it out too.
        lowest = Math.min(lowest, serving)
      },
      false
    )
    // 5 hosts, 4 must stay in service: one host out at a time.
    const out = await w.run(rollbackSettings({ minHealthyPercent: 80 }))
    expect(out.result).toBe('rolled-back')
    expect(out.batches.filter((b) => b.kind === 'deploy').map((b) => b.instanceIds)).toEqual([
      ['i-1'],
      ['i-2'],
      ['i-3'],
      ['i-4']
    ])
    // Batch sizes ask for 2 after the first; the guard allows one serving host, while i-4 (out
    // already) went alone as the first rollback batch.
    expect(rollbackSends(w)).toEqual([['i-4'], ['i-3'], ['i-2'], ['i-1']])
    expect(lowest).toBe(4)
    expect(byHost(out)['i-5']).toMatchObject({ state: 'pending' })
  })

  it('a failed host whose rollback fails too ends failed ("rollback: …") and stays out; the rest goes on', async () => {
    const w = fleet({
      'i-4': {
        ...failDeploy,
        rollback: { status: 'Failed', exitCode: 1, stderr: 'no previous release' }
      }
    })
    const out = await w.run(rollbackSettings())

    expect(out.result).toBe('rolled-back')
    expect(out.reason).toBe(
      '1 host(s) failed, more than max-failures (0); rolled back 4 host(s), rollback failed on 1'
    )
    expect(byHost(out)['i-4']).toMatchObject({
      state: 'failed',
      step: 'command',
      reason: 'rollback: command failed with exit code 1: no previous release'
    })
    expect(out.hosts.find((h) => h.instanceId === 'i-4')!.outOfService).toBe(true)
    expect(w.lbState('tg-a', 'i-4')).toBe('absent')
    expect(counts(out)).toMatchObject({ 'rolled-back': 4, failed: 1 })
  })

  it('a serving host whose rollback fails stays out, and the rollback stops there (max-failures)', async () => {
    const w = fleet({
      'i-4': failDeploy,
      'i-5': { rollback: { status: 'Failed', exitCode: 2, stderr: 'disk full' } }
    })
    const out = await w.run(rollbackSettings())

    expect(out.result).toBe('failed')
    expect(out.reason).toBe(
      '1 host(s) failed, more than max-failures (0); rollback stopped: the rollback failed on 1 host(s) that were serving, more than max-failures (0); the other deployed hosts were left in service'
    )
    expect(byHost(out)['i-5']).toMatchObject({
      state: 'failed',
      reason: 'rollback: command failed with exit code 2: disk full'
    })
    expect(w.lbState('tg-a', 'i-5')).toBe('absent')
    expect(byHost(out)['i-2']).toMatchObject({ state: 'rolled-back' })
    // The hosts not rolled back yet keep the release and stay in service.
    for (const id of ['i-1', 'i-3']) {
      expect(byHost(out)[id]).toMatchObject({ state: 'deployed' })
      expect(w.lbState('tg-a', id)).toBe('healthy')
    }
    expect(rollbackSends(w)).toEqual([['i-4'], ['i-5', 'i-2']])
  })

  it('a host that fails its rollback health check stays out with a rollback: reason', async () => {
    const w = fleet({
      'i-4': { ...failDeploy, rollback: { then: { http: 503 } } }
    })
    const out = await w.run(rollbackSettings({ maxFailures: { kind: 'count', value: 0 } }))
    expect(byHost(out)['i-4']).toMatchObject({ state: 'failed', step: 'verify' })
    expect(byHost(out)['i-4']!.reason).toMatch(
      /^rollback: http:\/\/127\.0\.0\.1:80\/health answered HTTP 503/
    )
    expect(w.lbState('tg-a', 'i-4')).toBe('absent')
  })

  it('after an alarm: rolls back every deployed host, the batch in flight included; hosts never reached stay pending', async () => {
    const w = fleet({})
    w.when('send deploy i-2,i-3', () => w.setAlarm('api-5xx', 'ALARM'))
    const out = await w.run(rollbackSettings({ alarms: ['api-5xx'], minHealthyPercent: 0 }))

    expect(out.result).toBe('rolled-back')
    expect(out.reason).toBe(
      'alarm api-5xx is in ALARM (seen during batch 2); rolled back 3 host(s)'
    )
    expect(rollbackSends(w)).toEqual([['i-2'], ['i-3', 'i-1']])
    for (const id of ['i-4', 'i-5']) {
      expect(byHost(out)[id]).toMatchObject({ state: 'pending', step: 'plan' })
      expect(w.lbState('tg-a', id)).toBe('healthy')
      expect(w.callsFor(id).filter((c) => !c.startsWith('send health'))).toEqual([])
    }
  })

  it('a host that failed at drain never got the deploy: it is not rolled back and stays failed', async () => {
    // i-2 never finishes draining (a connection that will not close): it fails at drain.
    const w = fleet({ 'i-2': { drainStuck: true } })
    const out = await w.run(rollbackSettings({ minHealthyPercent: 0, drainTimeoutMs: 60_000 }))
    expect(byHost(out)['i-2']).toMatchObject({ state: 'failed', step: 'drain' })
    expect(out.result).toBe('rolled-back')
    expect(rollbackSends(w).flat()).not.toContain('i-2')
    expect(rollbackSends(w)).toEqual([['i-3'], ['i-1']])
  })

  it('halt (the default) never runs a rollback command', async () => {
    const w = fleet()
    const out = await w.run(rollbackSettings({ onFailure: 'halt' }))
    expect(out.result).toBe('failed')
    expect(rollbackSends(w)).toEqual([])
    expect(counts(out)).toMatchObject({ deployed: 4, failed: 1, pending: 0, 'rolled-back': 0 })
  })

  it('a stop for capacity is not a failure of the release: nothing is rolled back', async () => {
    const w = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ids(3) }],
      alarms: {}
    })
    // 3 hosts, 2 must stay in service. i-2 starts failing its checks while batch 1 is out; the load
    // balancer calls it unhealthy after the unhealthy threshold's worth of failed checks (ALB guide,
    // "Health checks for Application Load Balancer target groups"), by the time batch 1 is back:
    // batch 2 can never start.
    w.when('deregister tg-a i-1:80', () => (w.host('i-2').lbCheck = 'fail'))
    const out = await w.run(rollbackSettings({ minHealthyPercent: 60, healthTimeoutMs: 60_000 }))
    expect(out.reason).toMatch(/^capacity guard: /)
    expect(out.result).toBe('failed')
    expect(rollbackSends(w)).toEqual([])
  })
})

describe('rollback queue', () => {
  const rec = (
    id: string,
    state: HostRecord['state'],
    batch: number,
    commandSent = true
  ): HostRecord => ({
    instanceId: id,
    memberships: [],
    batch,
    state,
    step: 'done',
    outOfService: false,
    commandSent
  })

  it('failed hosts that got the command, newest batch first, then deployed ones newest batch first', () => {
    const q = rollbackQueue([
      rec('a', 'deployed', 1),
      rec('b', 'failed', 1),
      rec('c', 'deployed', 2),
      rec('d', 'deployed', 2),
      rec('e', 'failed', 3),
      rec('f', 'failed', 2, false),
      rec('g', 'pending', 4, false),
      rec('h', 'skipped', 0, false)
    ])
    expect(q.map((h) => h.instanceId)).toEqual(['e', 'b', 'c', 'd', 'a'])
  })
})
