import { describe, it, expect } from '@jest/globals'
import {
  FakeWorld,
  MIN,
  accessDenied,
  byHost,
  counts,
  ids,
  settingsFor
} from '../support/fake-ports.js'
import { ConfigError } from '../../src/shared/config-error.js'
import { describeRefusal } from '../../src/shared/aws-failure.js'
import type { HostRecord } from '../../src/rollout/outcome.js'

describe('51 hosts in one batch', () => {
  const settings = settingsFor({
    batchSize: [{ kind: 'percent', value: 100 }],
    minHealthyPercent: 0,
    expectedVersion: 'v2'
  })

  it('sends 50 and then 1, and follows both command IDs', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ids(51) }] })
    const out = await world.run(settings)

    expect(out.result).toBe('success')
    const deploys = world.sends.filter((s) => s.kind === 'deploy')
    expect(deploys.map((d) => d.instanceIds)).toEqual([ids(51).slice(0, 50), ['i-51']])
    const [first, second] = deploys.map((d) => d.commandIds[0]) as [string, string]
    // Each command is listed once per poll, never once per host.
    expect(world.ok()).toContain(`list ${first}`)
    expect(world.ok()).toContain(`list ${second}`)
    expect(world.ok().filter((c) => c.startsWith('output'))).toEqual([])
    expect(out.hosts.filter((h) => h.commandId === first)).toHaveLength(50)
    expect(out.hosts.find((h) => h.instanceId === 'i-51')!.commandId).toBe(second)
    expect(counts(out)).toMatchObject({ deployed: 51, failed: 0 })
    // One deregister and one register call for the whole batch.
    expect(world.mutations().filter((c) => /^(de)?register/.test(c))).toHaveLength(2)
  })

  it('retries a throttled second SendCommand alone: no host gets the deploy twice', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ids(51) }] })
    world.fail('send deploy i-51', 2)
    const out = await world.run(settings)

    expect(out.result).toBe('success')
    const delivered = world.sends.filter((s) => s.kind === 'deploy').flatMap((d) => d.instanceIds)
    expect(delivered.filter((id) => id === 'i-1')).toHaveLength(1)
    expect(delivered.filter((id) => id === 'i-51')).toHaveLength(1)
    expect(delivered).toHaveLength(51)
    // The throttle hit the second SendCommand twice; the first was never repeated.
    expect(world.calls.filter((c) => c.startsWith('send deploy i-51'))).toHaveLength(3)
    expect(world.calls.filter((c) => c.startsWith('send deploy i-1,'))).toHaveLength(1)
    expect(counts(out)).toMatchObject({ deployed: 51, failed: 0 })
  })

  it('judges a host of the second command on its own', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', targets: ids(51) }],
      hosts: { 'i-51': { deploy: { status: 'Failed', exitCode: 7, stderr: 'bad' } } }
    })
    const out = await world.run(settings)

    const second = world.sends.filter((s) => s.kind === 'deploy')[1]!.commandIds[0]
    expect(byHost(out)['i-51']).toMatchObject({ state: 'failed', step: 'command' })
    expect(out.hosts.find((h) => h.instanceId === 'i-51')).toMatchObject({
      exitCode: 7,
      commandId: second
    })
    expect(world.ok()).toContain(`output ${second} i-51`)
    expect(counts(out)).toMatchObject({ deployed: 50, failed: 1 })
    expect(out.result).toBe('failed')
  })
})

describe('throttling', () => {
  it('is retried at every step and never counted as a host failure', async () => {
    const world = new FakeWorld({
      groups: [
        { name: 'tg-a', targets: ['i-1', 'i-2', 'i-3'] },
        { name: 'tg-b', targets: ['i-1:8080', 'i-3:8080'] }
      ]
    })
    world
      .fail('resolve', 1)
      .fail('describe tg-a', 2) // discovery
      .fail('send health', 1) // pre-check
      .fail('deregister tg-b', 2)
      .fail('send deploy', 1)
      .fail('list deploy', 3)
      .fail('register tg-b', 2)
    // The describes that wait for draining and for health, once the run is under way.
    world.when('deregister tg-a i-1:80', () => world.fail('describe', 4))
    world.when('register tg-a i-1:80', () => world.fail('describe tg-a', 3))
    world.when('send deploy i-2', () => world.fail('list health', 2))

    const out = await world.run(
      settingsFor({ targetGroups: ['tg-a', 'tg-b'], expectedVersion: 'v2' })
    )

    expect(out.result).toBe('success')
    expect(counts(out)).toMatchObject({ deployed: 3, failed: 0, skipped: 0 })
    const throttled = world.calls.filter((c) => c.endsWith('!ThrottlingException'))
    expect(throttled.length).toBe(1 + 2 + 1 + 2 + 1 + 3 + 2 + 4 + 3 + 2)
    for (const prefix of ['resolve', 'describe', 'send', 'deregister', 'register', 'list']) {
      expect(throttled.some((c) => c.startsWith(prefix))).toBe(true)
    }
    // Every throttled mutating call went through on a retry, exactly once.
    expect(world.mutations().filter((c) => c.startsWith('deregister tg-b'))).toEqual([
      'deregister tg-b i-1:8080',
      'deregister tg-b i-3:8080'
    ])
    expect(world.violations).toEqual([])
  })

  it.each([
    ['the drain', 'deregister tg-a i-1:80', /^describe/],
    ['the deploy command', 'send deploy i-1', /^list deploy/],
    ['the health check', 'send health i-1', /^(send|list) health/],
    ['the load balancer after register', 'register tg-a i-1:80', /^describe/]
  ])(
    'a throttling burst longer than the timeout of %s is waited out, not a host failure',
    async (_name, from, what) => {
      const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ['i-1', 'i-2'] }] })
      let until = -Infinity
      world.when(from, () => (until = world.clock.now() + 4 * MIN))
      world.fail((c) => what.test(c) && world.clock.now() < until, Infinity)
      const out = await world.run(
        settingsFor({
          drainTimeoutMs: 1 * MIN,
          commandTimeoutMs: 1 * MIN,
          healthTimeoutMs: 1 * MIN
        })
      )

      expect(out.result).toBe('success')
      expect(counts(out)).toMatchObject({ deployed: 2, failed: 0 })
      expect(world.calls.filter((c) => c.endsWith('!ThrottlingException')).length).toBeGreaterThan(
        10
      )
    }
  )

  it('throttling that never ends stops the run as an AWS error; the drained host is reported out', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ['i-1', 'i-2'] }] })
    world.when('deregister tg-a i-1:80', () => world.fail('describe', Infinity))
    const out = await world.run(settingsFor({ drainTimeoutMs: 2 * MIN }))

    expect(out.result).toBe('failed')
    expect(out.reason).toBe('stopped by an AWS error: Rate exceeded')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'drain' })
    expect(out.hosts[0]!.outOfService).toBe(true)
    expect(world.sends.filter((s) => s.kind === 'deploy')).toEqual([])
    expect(byHost(out)['i-2']).toMatchObject({ state: 'pending' })
  })

  it('an AWS error that is not transient stops the run, and the host it left out is reported', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ['i-1', 'i-2', 'i-3'] }] })
    world.fail('register tg-a i-1', 1, accessDenied)
    const out = await world.run(settingsFor())

    expect(out.result).toBe('failed')
    expect(out.reason).toBe('stopped by an AWS error: not authorized')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'restore' })
    expect(byHost(out)['i-1']!.reason).toMatch(/not authorized/)
    expect(counts(out)).toMatchObject({ failed: 1, pending: 2 })
  })
})

describe('discovery errors through rollout()', () => {
  it.each<[string, ConstructorParameters<typeof FakeWorld>[0], string[], RegExp]>([
    [
      'a target group of type ip',
      { groups: [{ name: 'tg-ip', targetType: 'ip', targets: ['10.0.0.1'] }] },
      ['tg-ip'],
      /"tg-ip" has target type ip/
    ],
    [
      'a target group of type lambda',
      {
        groups: [
          { name: 'tg-a', targets: ['i-1'] },
          { name: 'tg-fn', targetType: 'lambda', targets: [] }
        ]
      },
      ['tg-a', 'tg-fn'],
      /"tg-fn" has target type lambda/
    ],
    [
      'an unknown target group',
      { groups: [{ name: 'tg-a', targets: ['i-1'] }] },
      ['tg-a', 'tg-nope'],
      /"tg-nope" not found/
    ],
    ['an empty fleet', { groups: [{ name: 'tg-a', targets: [] }] }, ['tg-a'], /no EC2 instance/]
  ])('%s is a ConfigError before any change', async (_name, spec, targetGroups, message) => {
    const world = new FakeWorld(spec)
    const err = await world.run(settingsFor({ targetGroups })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toMatch(message)
    expect(world.mutations()).toEqual([])
    expect(world.sends).toEqual([])
  })
})

function cancellable() {
  const world = new FakeWorld({
    groups: [
      { name: 'tg-a', targets: ids(3) },
      { name: 'tg-b', targets: ['i-1:8080', 'i-3:8080'] }
    ],
    // Draining outlasts the delay: the first look at a draining host comes while it still drains.
    drainOverrunMs: 3000
  })
  const controller = new AbortController()
  let journal: HostRecord[] = []
  const run = () =>
    world.run(settingsFor({ targetGroups: ['tg-a', 'tg-b'] }), {
      signal: controller.signal,
      onChange: (hosts) => (journal = structuredClone([...hosts]))
    })
  return { world, controller, run, journal: () => journal }
}

describe('cancellation (SIGINT/SIGTERM)', () => {
  it('mid-drain: result cancelled, no command, no new batch, and the journal says who is out', async () => {
    const { world, controller, run, journal } = cancellable()
    world.when(
      (c) => c === 'describe tg-a' && world.lbState('tg-a', 'i-1') === 'draining',
      () => controller.abort()
    )
    const out = await run()

    expect(out.result).toBe('cancelled')
    expect(world.sends.filter((s) => s.kind === 'deploy')).toEqual([])
    expect(world.mutations()).toEqual(['deregister tg-a i-1:80', 'deregister tg-b i-1:8080'])
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'drain', batch: 1 })
    expect(byHost(out)['i-1']!.reason).toBe(
      'run cancelled: drained (step drain), no command sent; the post step registers it back'
    )
    expect(out.hosts[0]).toMatchObject({ outOfService: true, commandSent: false })
    expect(counts(out)).toMatchObject({ pending: 2, failed: 1, deployed: 0 })
    expect(out.batches).toHaveLength(1)
    // What the post step reads to register i-1 back into both groups.
    expect(journal().find((h) => h.instanceId === 'i-1')).toMatchObject({
      outOfService: true,
      commandSent: false
    })
  })

  it('does not wait out the drain: the run ends as soon as the signal fires', async () => {
    const { world, controller, run } = cancellable()
    world.when('deregister tg-b', () => controller.abort())
    const out = await run()
    expect(out.result).toBe('cancelled')
    expect(
      out.finishedAt - world.callTimes[world.calls.indexOf('deregister tg-b i-1:8080')]!
    ).toBeLessThan(world.group('tg-a').deregistrationDelaySeconds * 1000)
  })

  it('while the capacity before a batch is read: that batch is not started', async () => {
    const { world, controller, run } = cancellable()
    // Batch 1's host is healthy again at the end of one round of describes; the next describe
    // is the capacity read before batch 2.
    let restored = false
    world.when(
      (c) =>
        c === 'describe tg-b' &&
        world.ok().includes('register tg-b i-1:8080') &&
        world.lbState('tg-b', 'i-1', 8080) === 'healthy',
      () => (restored = true)
    )
    world.when(
      (c) => c === 'describe tg-a' && restored,
      () => controller.abort()
    )
    const out = await run()

    expect(out.result).toBe('cancelled')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'deployed' })
    expect(world.callsFor('i-2').filter((c) => c.startsWith('deregister'))).toEqual([])
    expect(byHost(out)['i-2']).toMatchObject({ state: 'pending', step: 'plan' })
  })

  it('during the pre-check: nothing is changed and no host is said to have failed the pre-check for it', async () => {
    const { world, controller, run } = cancellable()
    world.when('list health-1', () => controller.abort())
    const out = await run()

    expect(out.result).toBe('cancelled')
    expect(world.mutations()).toEqual([])
    expect(counts(out)).toMatchObject({ pending: 3, skipped: 0 })
  })

  it('while the deploy runs: the command is left to finish, the host stays out and is not restored', async () => {
    const { world, controller, run, journal } = cancellable()
    world.when('list deploy-2', () => controller.abort())
    const out = await run()

    expect(out.result).toBe('cancelled')
    expect(byHost(out)['i-1']).toMatchObject({ state: 'failed', step: 'command' })
    expect(out.hosts[0]).toMatchObject({
      outOfService: true,
      commandSent: true,
      commandId: 'deploy-2'
    })
    expect(journal()[0]).toMatchObject({ commandSent: true, commandId: 'deploy-2' })
    expect(world.ok().filter((c) => /^(register|cancel|send health i-1$)/.test(c))).toEqual([])
    expect(world.callsFor('i-2').filter((c) => c.startsWith('deregister'))).toEqual([])
  })
})

describe('an unreachable AWS through the whole rollout', () => {
  it('ends the run within 30 s of virtual time, the error naming the endpoint and the region', async () => {
    const world = new FakeWorld({ groups: [{ name: 'tg-a', targets: ['i-1', 'i-2'] }] })
    const endpoint = 'http://127.0.0.1:5998'
    // What the SDK client gives up with when nothing listens: Node's connect error (code
    // ECONNREFUSED, https://nodejs.org/api/errors.html#common-system-errors), tagged with its call
    // by aws/clients.ts (pinned against a real closed port in __tests__/aws/clients.test.ts).
    const refused = () =>
      Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:5998`), {
        code: 'ECONNREFUSED',
        $call: {
          api: 'ElasticLoadBalancingV2.DescribeTargetGroups',
          iamAction: 'elasticloadbalancing:DescribeTargetGroups',
          endpoint
        }
      })
    world.fail(() => true, Infinity, refused)
    const started = world.clock.now()
    const err = await world.run(settingsFor({ region: 'eu-west-1' })).catch((e: unknown) => e)
    expect(world.clock.now() - started).toBeLessThanOrEqual(30_000)
    const text = describeRefusal(err, 'eu-west-1', { AWS_ENDPOINT_URL: endpoint })
    expect(text).toContain('ElasticLoadBalancingV2.DescribeTargetGroups in region eu-west-1')
    expect(text).toContain(`at endpoint ${endpoint}`)
    expect(text).toContain('Fix: nothing answers at the endpoint')
  })
})
