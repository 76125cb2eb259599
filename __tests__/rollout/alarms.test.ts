// Alarms named by `alarms`: they must exist before anything is changed, they are checked before
// every batch and watched during every wait, and one in ALARM stops the run (result failed, the
// alarm named) once the batch in flight has finished its cycle.

import { describe, it, expect } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import {
  FakeWorld,
  MIN,
  SEC,
  accessDenied,
  byHost,
  counts,
  ids,
  settingsFor
} from '../support/fake-ports.js'
import type { RolloutOutcome } from '../../src/rollout/outcome.js'
import { ConfigError } from '../../src/shared/config-error.js'
import { CloudWatchAlarms } from '../../src/aws/cloudwatch.js'
import { ALARM_WATCH_MS } from '../../src/rollout/alarms.js'

const ALARMS = ['api-5xx', 'api-latency']

function world(n = 5, deregistrationDelaySeconds = 30) {
  return new FakeWorld({
    groups: [{ name: 'tg-a', deregistrationDelaySeconds, targets: ids(n) }],
    alarms: { 'api-5xx': 'OK', 'api-latency': 'INSUFFICIENT_DATA' }
  })
}

/** The hosts never reached: pending, registered and healthy, no deploy sent to them. */
function expectUntouched(w: FakeWorld, out: RolloutOutcome, hosts: string[]) {
  expect(hosts.length).toBeGreaterThan(0)
  for (const id of hosts) {
    expect(byHost(out)[id]).toMatchObject({ state: 'pending', step: 'plan' })
    expect(w.lbState('tg-a', id)).toBe('healthy')
    expect(w.callsFor(id).filter((c) => /^(deregister|send deploy)/.test(c))).toEqual([])
  }
}

/** Virtual times of the alarm reads between the first calls matching `from` and `to`. */
function alarmReadsBetween(w: FakeWorld, from: string, to: string): number[] {
  const start = w.calls.indexOf(from)
  const end = w.calls.indexOf(to)
  expect(start).toBeGreaterThanOrEqual(0)
  expect(end).toBeGreaterThan(start)
  return w.calls.flatMap((c, i) =>
    i > start && i < end && c.startsWith('alarms ') ? [w.callTimes[i]!] : []
  )
}

describe('alarms: validated before any change', () => {
  it('a name that matches no alarm fails the run before any mutating call, naming it and the fix', async () => {
    const w = world()
    let locked = false
    // Settings.region is optional; without one the message names "this region" instead
    const run = w.run(settingsFor({ alarms: ['api-5xx', 'api-5XX'], region: undefined }), {
      lock: async () => void (locked = true)
    })
    await expect(run).rejects.toThrow(ConfigError)
    await expect(run).rejects.toThrow(
      'alarms: no CloudWatch alarm named "api-5XX" in this region. Alarm names are case-sensitive: check the names in alarms and the region (aws-region), or remove the name from alarms.'
    )
    expect(w.mutations()).toEqual([])
    expect(w.calls.filter((c) => c.startsWith('send'))).toEqual([])
    expect(locked).toBe(false)
  })

  it('names every missing alarm and the region, in a dry run too', async () => {
    const w = world()
    const run = w.run(
      settingsFor({ alarms: ['gone-1', 'api-5xx', 'gone-2'], dryRun: true, region: 'eu-west-1' })
    )
    await expect(run).rejects.toThrow(
      'alarms: no CloudWatch alarms named "gone-1", "gone-2" in eu-west-1.'
    )
    expect(w.mutations()).toEqual([])
  })

  it('a denied DescribeAlarms names the IAM action and the opt-out', async () => {
    const w = world().fail('alarms', 1, accessDenied)
    const run = w.run(settingsFor({ alarms: ALARMS }))
    await expect(run).rejects.toThrow(
      /Allow cloudwatch:DescribeAlarms .* or remove the alarms input/
    )
    expect(w.mutations()).toEqual([])
  })

  it('an alarm already in ALARM stops the run before anything is changed or locked', async () => {
    const w = world().setAlarm('api-latency', 'ALARM')
    let locked = false
    const out = await w.run(settingsFor({ alarms: ALARMS }), {
      lock: async () => void (locked = true)
    })
    expect(out.result).toBe('failed')
    expect(out.reason).toBe(
      'alarm api-latency is in ALARM (seen before the run); nothing was changed'
    )
    expect(w.mutations()).toEqual([])
    expect(locked).toBe(false)
    expect(counts(out)).toMatchObject({ pending: 5, deployed: 0 })
  })

  it('no alarm named: CloudWatch is never called', async () => {
    const w = world()
    const out = await w.run(settingsFor())
    expect(out.result).toBe('success')
    expect(w.calls.filter((c) => c.startsWith('alarms'))).toEqual([])
  })
})

describe('alarms during the run', () => {
  it('are read before every batch', async () => {
    const w = world(3)
    const out = await w.run(settingsFor({ alarms: ALARMS, minHealthyPercent: 0 }))
    expect(out.result).toBe('success')
    for (const id of ['i-1', 'i-2', 'i-3']) {
      // The last call before the batch's deregistration that is not a describe is an alarm read.
      const at = w.calls.indexOf(`deregister tg-a ${id}:80`)
      const before = w.calls.slice(0, at).filter((c) => !c.startsWith('describe'))
      expect(before[before.length - 1]).toBe('alarms api-5xx,api-latency')
    }
  })

  it('are watched during long waits, every 10 s of clock time at most', async () => {
    const w = world(2, 120)
    await w.run(settingsFor({ alarms: ALARMS, minHealthyPercent: 0 }))
    // A 120 s drain: the load balancer's first look comes after 120 s, the alarms every 10 s.
    const reads = alarmReadsBetween(w, 'deregister tg-a i-1:80', 'send deploy i-1')
    expect(reads.length).toBeGreaterThanOrEqual(11)
    const gaps = reads.slice(1).map((t, i) => t - reads[i]!)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(ALARM_WATCH_MS)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(ALARM_WATCH_MS + 3 * SEC)
  })

  it('an alarm during a batch: that batch finishes its cycle, no new batch starts, result failed naming it', async () => {
    const w = world()
    w.when('send deploy i-2', () => w.setAlarm('api-5xx', 'ALARM'))
    const out = await w.run(settingsFor({ alarms: ALARMS, expectedVersion: 'v2' }))

    expect(out.result).toBe('failed')
    expect(out.reason).toBe('alarm api-5xx is in ALARM (seen during batch 2)')
    expect(byHost(out)).toMatchObject({
      'i-1': { state: 'deployed', step: 'done' },
      'i-2': { state: 'deployed', step: 'done' }
    })
    expect(w.lbState('tg-a', 'i-2')).toBe('healthy')
    expectUntouched(w, out, ['i-3', 'i-4', 'i-5'])
    expect(out.batches).toHaveLength(2)
    // Seen during the deploy (20 s), the cycle still ran to the end: health, then back in.
    const seen = w.calls.indexOf('alarms api-5xx,api-latency', w.calls.indexOf('send deploy i-2'))
    expect(w.calls.indexOf('register tg-a i-2:80')).toBeGreaterThan(seen)
  })

  it('an alarm in INSUFFICIENT_DATA or OK does not stop the run', async () => {
    const w = world(3)
    w.when('send deploy i-2', () => w.setAlarm('api-5xx', 'INSUFFICIENT_DATA'))
    const out = await w.run(settingsFor({ alarms: ALARMS }))
    expect(out.result).toBe('success')
  })

  it('names every alarm in ALARM', async () => {
    const w = world(3)
    w.when('send deploy i-1', () => {
      w.setAlarm('api-5xx', 'ALARM')
      w.setAlarm('api-latency', 'ALARM')
    })
    const out = await w.run(settingsFor({ alarms: ALARMS }))
    expect(out.reason).toBe('alarms api-5xx, api-latency are in ALARM (seen during batch 1)')
  })

  it('an alarm after the last batch fails the run before it is called a success', async () => {
    const w = world(2)
    // The last batch's host is healthy again: its final describe.
    w.when(
      (c) =>
        c === 'describe tg-a' &&
        w.ok().includes('register tg-a i-2:80') &&
        w.lbState('tg-a', 'i-2') === 'healthy',
      () => w.setAlarm('api-5xx', 'ALARM')
    )
    const out = await w.run(settingsFor({ alarms: ALARMS, minHealthyPercent: 0 }))
    expect(out.result).toBe('failed')
    expect(out.reason).toBe('alarm api-5xx is in ALARM (seen after the last batch)')
    expect(counts(out)).toMatchObject({ deployed: 2, pending: 0 })
  })

  it('transient CloudWatch errors are retried and never stop the run', async () => {
    const w = world(3)
    // Throttled for 3 minutes from the first deploy on: every read, the checks before batches included.
    let until = -Infinity
    w.when('send deploy i-1', () => (until = w.clock.now() + 3 * MIN))
    w.fail((c) => c.startsWith('alarms') && w.clock.now() < until, Infinity)
    const out = await w.run(settingsFor({ alarms: ALARMS }))
    expect(out.result).toBe('success')
    expect(counts(out)).toMatchObject({ deployed: 3, failed: 0 })
    expect(
      w.calls.filter((c) => c === 'alarms api-5xx,api-latency !ThrottlingException').length
    ).toBeGreaterThan(5)
  })

  it('an alarm seen while waiting for capacity stops the run without starting the batch', async () => {
    const w = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ids(4) }],
      hosts: { 'i-4': { http: 503 } },
      alarms: { 'api-5xx': 'OK' }
    })
    // i-4 is unhealthy: 3 of 4 in service and 3 must stay, so batch 1 waits for capacity (30 min at most).
    const t0 = w.clock.now()
    w.when(
      (c) => c.startsWith('alarms') && w.clock.now() >= t0 + 2 * MIN,
      () => w.setAlarm('api-5xx', 'ALARM')
    )
    const out = await w.run(
      settingsFor({ alarms: ['api-5xx'], minHealthyPercent: 75, healthTimeoutMs: 30 * MIN })
    )
    expect(out.result).toBe('failed')
    expect(out.reason).toBe('alarm api-5xx is in ALARM (seen before batch 1)')
    expect(w.mutations()).toEqual([])
    // Stopped at the next look after the alarm, not at the end of health-timeout.
    expect(out.finishedAt - t0).toBeLessThan(2 * MIN + ALARM_WATCH_MS + 15 * SEC)
  })
})

describe('CloudWatchAlarms.describe', () => {
  const client = new CloudWatchClient({ region: 'us-east-1' })
  const cw = mockClient(client)

  it('tells firing and missing alarms apart: DescribeAlarms answers only for alarms that exist', async () => {
    cw.reset()
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: 'api-5xx', StateValue: 'ALARM' },
        { AlarmName: 'api-latency', StateValue: 'OK' }
      ],
      CompositeAlarms: [{ AlarmName: 'service', StateValue: 'INSUFFICIENT_DATA' }]
    })
    const alarms = new CloudWatchAlarms(client)
    expect(await alarms.describe(['api-5xx', 'api-latency', 'service', 'typo'])).toEqual({
      firing: ['api-5xx'],
      missing: ['typo']
    })
    expect(await alarms.firing(['api-5xx', 'typo'])).toEqual(['api-5xx'])
  })
})
