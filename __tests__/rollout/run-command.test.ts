import { TRUNCATED_NOTE } from '../../src/rollout/command-failure.js'
import { describe, it, expect } from '@jest/globals'
import {
  FakeWorld,
  MIN,
  byHost,
  counts,
  settingsFor,
  type DeployBehaviour
} from '../support/fake-ports.js'
import type { InvocationStatus } from '../../src/ports/command-runner.js'

/** Three hosts; i-1 (the first batch) gets the deploy behaviour. */
function worldWith(deploy: DeployBehaviour) {
  return new FakeWorld({
    groups: [{ name: 'tg-a', targets: ['i-1', 'i-2', 'i-3'] }],
    hosts: { 'i-1': { deploy } }
  })
}

describe('deploy invocation status', () => {
  it('Success passes', async () => {
    const world = worldWith({ status: 'Success', stdout: 'ok\n' })
    const out = await world.run(settingsFor())
    expect(out.result).toBe('success')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'deployed', step: 'done' })
    expect(out.hosts[0]).toMatchObject({ exitCode: 0 })
    expect(out.hosts[0]!.outputTail).toBeUndefined()
    expect(world.ok().some((c) => c.startsWith('output'))).toBe(false)
  })

  it('says so when SSM gave only the first 24,000 characters of the output', async () => {
    const stdout = Array.from({ length: 3000 }, (_, i) => `line ${i} ......`).join('\n') + '\n'
    const world = worldWith({ status: 'Failed', exitCode: 1, stdout, stderr: 'boom\n' })
    const out = await world.run(settingsFor())
    const h = out.hosts[0]!
    expect(h.outputTail!.split('\n')[0]).toBe(TRUNCATED_NOTE)
    // What follows ends where SSM's 24,000 characters end, not at the command's last line.
    expect(h.outputTail).not.toContain('line 2999')
    expect(h.outputTail).toMatch(/boom$/)
    expect(h.reason).toBe('command failed with exit code 1: boom')
  })

  it('Failed fails the host at command with the exit code and the tail of its output', async () => {
    const stdout = Array.from({ length: 300 }, (_, i) => `step ${i}`).join('\n') + '\n'
    const world = worldWith({
      status: 'Failed',
      exitCode: 3,
      stdout,
      stderr: 'npm ERR! missing script: build\n'
    })
    const out = await world.run(settingsFor())

    expect(out.result).toBe('failed')
    const h = out.hosts[0]!
    expect(h).toMatchObject({
      state: 'failed',
      step: 'command',
      exitCode: 3,
      commandId: 'deploy-2'
    })
    expect(h.reason).toBe('command failed with exit code 3: npm ERR! missing script: build')
    // The full output comes from GetCommandInvocation, not the 2,500 characters of the listing.
    expect(world.ok()).toContain('output deploy-2 i-1')
    expect(h.outputTail).toContain('step 299')
    expect(h.outputTail).toMatch(/npm ERR! missing script: build$/)
    // It stays out of the load balancer, and no health check or register follows.
    expect(world.lbState('tg-a', 'i-1')).toBe('absent')
    expect(world.callsFor('i-1').filter((c) => /^(register|send health i-1$)/.test(c))).toEqual([])
  })

  it.each<[InvocationStatus, RegExp]>([
    ['TimedOut', /timed out on the host \(TimedOut, command-timeout 10m\)/],
    ['Cancelled', /^command ended Cancelled$/],
    ['Undeliverable', /Undeliverable/],
    ['DeliveryTimedOut', /DeliveryTimedOut/],
    ['InvalidPlatform', /InvalidPlatform/],
    ['AccessDenied', /AccessDenied/],
    ['Terminated', /Terminated/]
  ])('%s fails the host at command with that reason', async (status, reason) => {
    const world = worldWith({ status })
    const out = await world.run(settingsFor())

    expect(out.result).toBe('failed')
    expect(out.reason).toMatch(/1 host\(s\) failed, more than max-failures \(0\)/)
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'command', batch: 1 })
    expect(byHost(out)['i-1']!.reason).toMatch(reason)
    expect(world.lbState('tg-a', 'i-1')).toBe('absent')
    // The run stopped: the others are untouched and still in service.
    expect(counts(out)).toMatchObject({ failed: 1, pending: 2, deployed: 0 })
    expect(world.lbState('tg-a', 'i-2')).toBe('healthy')
    expect(world.mutations()).toEqual(['deregister tg-a i-1:80', 'send deploy i-1'])
  })

  it('a script that never ran reports no exit code', async () => {
    const world = worldWith({ status: 'Undeliverable' })
    const out = await world.run(settingsFor())
    expect(out.hosts[0]!.exitCode).toBeUndefined()
  })

  it('cancels a command still running past command-timeout and fails the host', async () => {
    const world = worldWith({ durationMs: Infinity })
    const out = await world.run(settingsFor({ commandTimeoutMs: 2 * MIN }))

    expect(out.result).toBe('failed')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'command' })
    expect(byHost(out)['i-1']!.reason).toMatch(/still running after command-timeout 2m; cancelled/)
    expect(world.ok()).toContain('cancel deploy-2 i-1')
    const t = (call: string) => world.callTimes[world.calls.indexOf(call)]!
    expect(t('cancel deploy-2 i-1') - t('send deploy i-1')).toBeGreaterThanOrEqual(2 * MIN)
    expect(world.lbState('tg-a', 'i-1')).toBe('absent')
  })

  it('waits for a long command that ends within command-timeout', async () => {
    const world = worldWith({ durationMs: 9 * MIN })
    const out = await world.run(settingsFor({ commandTimeoutMs: 10 * MIN }))
    expect(out.result).toBe('success')
    expect(world.ok().some((c) => c.startsWith('cancel'))).toBe(false)
  })

  it('takes an empty listing or InvocationDoesNotExist right after SendCommand as "not yet"', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ['i-1', 'i-2'] }],
      listDelayMs: 5000
    })
    world.fail('list deploy', 2, () =>
      Object.assign(new Error('invocation does not exist'), { name: 'InvocationDoesNotExist' })
    )
    const out = await world.run(settingsFor())
    expect(out.result).toBe('success')
    expect(counts(out)).toMatchObject({ deployed: 2, failed: 0 })
    expect(world.calls.filter((c) => c.endsWith('!InvocationDoesNotExist'))).toHaveLength(2)
  })
})

describe('SendCommand refused for one instance (InvalidInstanceId)', () => {
  it('sends again without it: the others get their command once, the refused one fails terminated', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ['i-1', 'i-2', 'i-3', 'i-4', 'i-5'] }]
    })
    // SSM refuses any SendCommand naming i-3, whole call included (it does not say which one).
    world.fail(
      (c) => c.startsWith('send deploy') && /[ ,]i-3(,|$)/.test(c),
      Infinity,
      () =>
        Object.assign(new Error('Instances not in a valid state'), { name: 'InvalidInstanceId' })
    )
    const out = await world.run(
      settingsFor({ batchSize: [{ kind: 'count', value: 5 }], minHealthyPercent: 0 })
    )
    expect(byHost(out)['i-3']).toMatchObject({
      state: 'failed',
      step: 'command',
      reason: 'terminated'
    })
    for (const id of ['i-1', 'i-2', 'i-4', 'i-5'])
      expect(byHost(out)[id]).toMatchObject({ state: 'deployed' })
    const delivered = world.ok().filter((c) => c.startsWith('send deploy'))
    expect(delivered.flatMap((c) => c.slice('send deploy '.length).split(',')).sort()).toEqual([
      'i-1',
      'i-2',
      'i-4',
      'i-5'
    ])
  })

  it('any other SendCommand error still stops the run', async () => {
    const world = worldWith({ status: 'Success' })
    world.fail('send deploy', 1, () =>
      Object.assign(new Error('denied'), { name: 'AccessDeniedException' })
    )
    const out = await world.run(settingsFor())
    expect(out.result).toBe('failed')
    expect(out.reason).toMatch(/AWS error/)
  })
})
