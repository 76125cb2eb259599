// The run and its Auto Scaling groups, on the fake world: what it reads, what it refuses, what
// it changes (and when: each change journaled before it is made), and that every ending puts the
// groups back exactly as found.

import { describe, expect, it } from '@jest/globals'
import { FakeWorld, ids, settingsFor } from '../support/fake-ports.js'
import { FakeScalingGroups, ROLLOUT_PROCESSES, type FakeGroupSpec } from '../support/fake-groups.js'
import type { GroupChange } from '../../src/ports/group-controller.js'
import type { Settings } from '../../src/settings.js'
import { outstanding } from '../../src/rollout/scaling-plan.js'

function setup(spec: Partial<FakeGroupSpec> = {}) {
  const world = new FakeWorld({ groups: [{ name: 'web', targets: ids(4) }] })
  const asg = new FakeScalingGroups(world, [
    { name: 'asg-web', instances: ids(4), targetGroups: ['web'], ...spec }
  ])
  const journal: GroupChange[][] = []
  /** At each group call that changes something: what the journal held just before it. */
  const journaledBefore: Array<{ call: string; journal: GroupChange[] }> = []
  const wrapped = new Proxy(asg, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown
      if (typeof v !== 'function') return v
      return (...args: unknown[]) => {
        if (['suspend', 'resume', 'setProtection'].includes(String(prop))) {
          journaledBefore.push({ call: String(prop), journal: journal.at(-1) ?? [] })
        }
        return (v as (...a: unknown[]) => unknown).apply(target, args)
      }
    }
  })
  const run = (patch: Partial<Settings> = {}, extra = {}) =>
    world.run(
      settingsFor({ targetGroups: ['web'], batchSize: [{ kind: 'count', value: 2 }], ...patch }),
      {
        groups: wrapped,
        onGroupChanges: (applied) => void journal.push(structuredClone([...applied])),
        ...extra
      }
    )
  const before = asg.snapshot('asg-web')
  return { world, asg, run, journal, journaledBefore, before }
}

const groupCalls = (calls: string[]) =>
  calls.filter((c) => /^asg (suspend|resume|protect|unprotect)/.test(c))

describe('Auto Scaling groups in a run', () => {
  it('suspends the processes before the first change, protects each batch while it is out, and puts everything back', async () => {
    const { world, asg, run, before } = setup()
    const out = await run()
    expect(out.result).toBe('success')
    const order = world
      .ok()
      .filter((c) => /^(asg (suspend|resume|protect|unprotect)|deregister|register)/.test(c))
    expect(order).toEqual([
      `asg suspend asg-web ${ROLLOUT_PROCESSES.join(',')}`,
      'asg protect asg-web i-1,i-2',
      'deregister web i-1:80,i-2:80',
      'register web i-1:80,i-2:80',
      'asg unprotect asg-web i-1,i-2',
      'asg protect asg-web i-3,i-4',
      'deregister web i-3:80,i-4:80',
      'register web i-3:80,i-4:80',
      'asg unprotect asg-web i-3,i-4',
      `asg resume asg-web ${ROLLOUT_PROCESSES.join(',')}`
    ])
    expect(asg.snapshot('asg-web')).toEqual(before)
  })

  it('leaves alone what the user had set: their suspended process and their protected host', async () => {
    const { world, asg, run, before } = setup({
      suspended: ['HealthCheck', 'ScheduledActions'],
      protectedIds: ['i-2']
    })
    const out = await run()
    expect(out.result).toBe('success')
    const calls = groupCalls(world.ok())
    expect(calls[0]).toBe('asg suspend asg-web AZRebalance,ReplaceUnhealthy,InstanceRefresh')
    expect(calls).toContain('asg protect asg-web i-1')
    expect(calls.filter((c) => c.includes('i-2'))).toEqual([])
    expect(calls.at(-1)).toBe('asg resume asg-web AZRebalance,ReplaceUnhealthy,InstanceRefresh')
    expect(asg.snapshot('asg-web')).toEqual(before)
    expect(before.protectedIds).toEqual(['i-2'])
  })

  it('journals every change before it is made, the undo included', async () => {
    const { run, journal, journaledBefore } = setup()
    await run()
    expect(journaledBefore.map((c) => c.call)).toEqual([
      'suspend',
      'setProtection',
      'setProtection',
      'setProtection',
      'setProtection',
      'resume'
    ])
    journaledBefore.forEach(({ journal: j }, i) => expect(j).toHaveLength(i + 1))
    expect(outstanding(journal.at(-1)!)).toEqual([])
  })

  it('stops before any change when the group has an instance refresh in progress', async () => {
    const { world, asg, run, before } = setup({
      refreshes: [{ id: 'r-1', status: 'InProgress' }]
    })
    let locked = false
    const out = await run({}, { lock: async () => void (locked = true) })
    expect(out.result).toBe('failed')
    expect(out.reason).toMatch(/^Auto Scaling group asg-web has an instance refresh in progress/)
    expect(world.logLines).toContain(`error: ${out.reason}`)
    expect(world.mutations()).toEqual([])
    expect(groupCalls(world.ok())).toEqual([])
    expect(world.ok().filter((c) => c.startsWith('send'))).toEqual([])
    expect(locked).toBe(false)
    expect(asg.snapshot('asg-web')).toEqual(before)
  })

  it('a dry run names the groups and what a real run would change, and changes nothing', async () => {
    const { world, run } = setup({ suspended: ['AZRebalance'] })
    const out = await run({ dryRun: true })
    expect(out.result).toBe('dry-run')
    expect(groupCalls(world.ok())).toEqual([])
    expect(world.logLines).toContain(
      'info: Auto Scaling group asg-web: 4 host(s) of the fleet, capacity 4 (min 1, max 10), processes suspended: AZRebalance'
    )
    expect(world.logLines).toContain(
      'info: A real run would suspend HealthCheck, ReplaceUnhealthy, InstanceRefresh in asg-web for the run'
    )
  })

  it('puts the groups back after a failure (the failed host stays out, unprotected as found)', async () => {
    const { world, asg, run, before } = setup()
    world.host('i-1').deploy = { status: 'Failed' }
    const out = await run({ maxFailures: { kind: 'count', value: 0 } })
    expect(out.result).toBe('failed')
    expect(out.hosts.find((h) => h.instanceId === 'i-1')?.outOfService).toBe(true)
    expect(asg.snapshot('asg-web')).toEqual(before)
  })

  it('puts the groups back after a rollback', async () => {
    const { world, asg, run, before } = setup()
    world.host('i-3').deploy = { status: 'Failed' }
    const out = await run({
      maxFailures: { kind: 'count', value: 0 },
      onFailure: 'rollback',
      rollbackCommand: 'sudo /opt/app/rollback.sh'
    })
    expect(out.result).toBe('rolled-back')
    expect(asg.snapshot('asg-web')).toEqual(before)
  })

  it('puts the groups back after an AWS error mid-run', async () => {
    const { world, asg, run, before } = setup()
    world.fail('register web i-1', 1, () =>
      Object.assign(new Error('not authorized'), { name: 'AccessDenied' })
    )
    const out = await run()
    expect(out.result).toBe('failed')
    expect(out.reason).toMatch(/AWS error/)
    expect(asg.snapshot('asg-web')).toEqual(before)
  })

  it('puts the groups back after a cancel mid-batch', async () => {
    const { world, asg, run, before } = setup()
    const controller = new AbortController()
    world.when('deregister web', () => controller.abort())
    const out = await run({}, { signal: controller.signal })
    expect(out.result).toBe('cancelled')
    expect(groupCalls(world.ok()).at(-1)).toBe(`asg resume asg-web ${ROLLOUT_PROCESSES.join(',')}`)
    expect(asg.snapshot('asg-web')).toEqual(before)
  })

  it('an undo AWS refuses stays in the journal for the post step', async () => {
    const { world, asg, run, journal } = setup()
    // AWS refuses the resume (a policy without ResumeProcesses, say).
    asg.resume = async () => {
      throw Object.assign(new Error('denied'), { name: 'AccessDenied' })
    }
    const out = await run()
    expect(out.result).toBe('success')
    expect(world.logLines.some((l) => l.startsWith('error: Auto Scaling: could not resume'))).toBe(
      true
    )
    expect(outstanding(journal.at(-1)!)).toEqual([
      { kind: 'suspend', group: 'asg-web', processes: [...ROLLOUT_PROCESSES] }
    ])
  })
})
