import { describe, it, expect } from '@jest/globals'
import {
  FakeWorld,
  MIN,
  byHost,
  counts,
  settingsFor,
  type FakeHost
} from '../support/fake-ports.js'
import { healthTarget } from '../../src/rollout/health-check.js'
import type { Pool } from '../../src/ports/load-balancer.js'
import type { HostRecord } from '../../src/rollout/outcome.js'
import type { RolloutContext } from '../../src/rollout/context.js'
import type { Settings } from '../../src/settings.js'

/** Three hosts; i-1's deploy leaves it looking like `then`. */
function worldWhereDeployLeaves(then: Partial<Pick<FakeHost, 'version' | 'http' | 'lbCheck'>>) {
  return new FakeWorld({
    groups: [{ name: 'tg-a', healthCheckPath: '/_status', targets: ['i-1', 'i-2', 'i-3'] }],
    hosts: { 'i-1': { deploy: { then } } }
  })
}

describe('health after the deploy', () => {
  it('fails a host that never answers 2xx at verify, after health-timeout, and leaves it out', async () => {
    const world = worldWhereDeployLeaves({ version: 'v2', http: 503 })
    const out = await world.run(settingsFor({ healthTimeoutMs: 3 * MIN }))

    expect(out.result).toBe('failed')
    const h = byHost(out)['i-1']!
    expect(h).toMatchObject({ state: 'failed', step: 'verify' })
    expect(h.reason).toBe('http://127.0.0.1:80/_status answered HTTP 503 (health-timeout 3m)')
    // It kept reading until the timeout, then gave up.
    const probes = world.ok().filter((c) => c === 'send health i-1')
    expect(probes.length).toBeGreaterThan(3)
    const t = (i: number) => world.callTimes[i]!
    const firstProbe = world.calls.indexOf('send health i-1')
    const lastProbe = world.calls.lastIndexOf('send health i-1')
    expect(t(lastProbe) - t(firstProbe)).toBeGreaterThanOrEqual(2 * MIN)
    // Never registered again.
    expect(world.callsFor('i-1').some((c) => c.startsWith('register'))).toBe(false)
    expect(world.lbState('tg-a', 'i-1')).toBe('absent')
    expect(out.hosts[0]!.outOfService).toBe(true)
  })

  it('waits for a host that becomes healthy within health-timeout', async () => {
    const world = worldWhereDeployLeaves({ version: 'v2', http: 503 })
    world.when(
      (c) => c === 'send health i-1' && world.clock.now() > world.callTimes[0]! + 3 * MIN,
      () => (world.host('i-1').http = 200)
    )
    const out = await world.run(settingsFor({ expectedVersion: 'v2' }))
    expect(out.result).toBe('success')
    expect(counts(out).deployed).toBe(3)
  })

  it('fails a host reporting the wrong version at verify, naming both versions', async () => {
    const world = worldWhereDeployLeaves({ version: 'v1.9' })
    const out = await world.run(settingsFor({ expectedVersion: 'v2', healthTimeoutMs: 1 * MIN }))

    expect(out.result).toBe('failed')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'verify' })
    expect(byHost(out)['i-1']!.reason).toBe('reports version v1.9, expected v2 (health-timeout 1m)')
    expect(out.hosts[0]!.version).toBe('v1.9')
    expect(world.lbState('tg-a', 'i-1')).toBe('absent')
  })

  it('fails a host the load balancer never calls healthy at restore, and takes it out again', async () => {
    const world = worldWhereDeployLeaves({ version: 'v2', lbCheck: 'fail' })
    const out = await world.run(settingsFor({ expectedVersion: 'v2', healthTimeoutMs: 2 * MIN }))

    expect(out.result).toBe('failed')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'restore' })
    expect(byHost(out)['i-1']!.reason).toMatch(
      /load balancer still reports unhealthy .*after health-timeout 2m; taken out again/
    )
    expect(world.callsFor('i-1').filter((c) => /^(de)?register/.test(c))).toEqual([
      'deregister tg-a i-1:80',
      'register tg-a i-1:80',
      'deregister tg-a i-1:80'
    ])
    expect(world.lbState('tg-a', 'i-1')).toBe('draining')
    expect(out.hosts[0]!.outOfService).toBe(true)
    // The rest were not reached.
    expect(counts(out)).toMatchObject({ failed: 1, pending: 2 })
  })

  it('counts a host out of service while the load balancer still reports it initial', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', intervalSeconds: 30, healthyThreshold: 5, targets: ['i-1', 'i-2'] }]
    })
    const out = await world.run(settingsFor())
    expect(out.result).toBe('success')
    // Batch 2 is not deregistered before batch 1 is healthy: a new target is healthy after ONE
    // passing check (ALB guide, "Health checks for Application Load Balancer target groups"),
    // which the fake world's AWS model places one interval (30 s) after the registration.
    const t = (call: string) => world.callTimes[world.calls.indexOf(call)]!
    expect(t('deregister tg-a i-2:80') - t('register tg-a i-1:80')).toBeGreaterThanOrEqual(30_000)
  })
})

describe('where health is read on the host', () => {
  const groups = [
    { name: 'tg-a', healthCheckPath: '/_status', targets: ['i-1', 'i-2'] },
    { name: 'tg-b', healthCheckPath: '/ping', healthCheckPort: '9000', targets: ['i-3:8080'] },
    { name: 'tg-c', healthCheckPath: '/hc', targets: ['i-4:8443'] }
  ]
  const probesOf = (world: FakeWorld) =>
    world.sends
      .filter((s) => s.kind === 'health')
      .slice(0, 3)
      .map((s) => [s.instanceIds.join(','), `${s.probe!.port} ${s.probe!.path}`])
      .sort()

  it("defaults to each target group's check; traffic-port is the port the target is registered on", async () => {
    const world = new FakeWorld({ groups })
    const out = await world.run(
      settingsFor({ targetGroups: ['tg-a', 'tg-b', 'tg-c'], minHealthyPercent: 0 })
    )
    expect(out.result).toBe('success')
    // The pre-check: one command per distinct port and path.
    expect(probesOf(world)).toEqual([
      ['i-1,i-2', '80 /_status'],
      ['i-3', '9000 /ping'],
      ['i-4', '8443 /hc']
    ])
  })

  it('health-path and health-port override every group', async () => {
    const world = new FakeWorld({ groups })
    await world.run(
      settingsFor({ targetGroups: ['tg-a', 'tg-b', 'tg-c'], healthPath: '/v', healthPort: 7000 })
    )
    expect(world.sends.find((s) => s.kind === 'health')).toMatchObject({
      instanceIds: ['i-1', 'i-2', 'i-3', 'i-4'],
      probe: { port: 7000, path: '/v' }
    })
  })
})

describe('healthTarget: the pool read as its load balancer reads it', () => {
  const pool = (patch: Partial<Pool>): Pool => ({
    id: 'tg-arn',
    name: 'tg',
    kind: 'alb',
    healthCheckPath: '/health',
    healthCheckPortLabel: 'traffic-port',
    healthCheckIntervalSeconds: 5,
    healthyThresholdCount: 2,
    drainDelaySeconds: 0,
    ...patch
  })
  const host = {
    instanceId: 'i-1',
    memberships: [{ poolId: 'tg-arn', port: 8443 }]
  } as HostRecord
  const target = (p: Partial<Pool>, s: Partial<Settings> = {}) =>
    healthTarget({ settings: settingsFor(s), pools: [pool(p)] } as unknown as RolloutContext, host)

  it('takes HTTPS and the success codes of the target group', () => {
    expect(target({ healthCheckProtocol: 'HTTPS', successCodes: '200-399' })).toEqual({
      port: 8443,
      path: '/health',
      protocol: 'https',
      codes: '200-399'
    })
  })

  it('checks a TCP target group by connecting, unless a path or version asks for HTTP', () => {
    expect(target({ healthCheckProtocol: 'TCP' })).toMatchObject({ protocol: 'tcp' })
    expect(
      target({ healthCheckProtocol: 'TCP' }, { expectedVersion: 'v2' }).protocol
    ).toBeUndefined()
    expect(target({ healthCheckProtocol: 'TCP' }, { healthPath: '/v' }).protocol).toBeUndefined()
  })

  it('reads plain HTTP with 2xx when the pool names neither', () => {
    expect(target({})).toEqual({ port: 8443, path: '/health' })
  })
})
