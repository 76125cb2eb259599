// One scenario per fault, on the fleet simulator: the exact final state of every host, as the
// rollout reports it and as the simulated AWS leaves it.

import { awsPorts } from '../../src/aws/adapters.js'
import { readHealthScript } from '../../src/health/script.js'
import { rollout } from '../../src/rollout/rollout.js'
import type { Settings } from '../../src/settings.js'
import type { RolloutOutcome } from '../../src/rollout/outcome.js'
import type { FaultPlan, FleetSim, SimFleetSpec } from './fleet-sim.js'
import {
  NEW,
  OLD,
  fastGroup,
  instanceId,
  mulberry32,
  newSim,
  settings,
  silentLog,
  simpleFleet
} from './helpers.js'

const [A, B, C, D] = [0, 1, 2, 3].map(instanceId) as [string, string, string, string]

interface Run {
  sim: FleetSim
  outcome: RolloutOutcome
  log: string[]
}

async function scenario(
  fleet: SimFleetSpec,
  faults: FaultPlan,
  patch: Partial<Settings> = {}
): Promise<Run> {
  const { clock, sim } = newSim(fleet, faults)
  const log = silentLog()
  const s = settings(
    fleet.groups.map((g) => g.name),
    { maxFailures: { kind: 'count', value: 1 }, ...patch }
  )
  const outcome = await clock.run(
    rollout(s, { ...awsPorts(sim.clients), clock, log, random: mulberry32(7) })
  )
  expect(sim.unsupported).toEqual([])
  expect(sim.violations).toEqual([])
  return { sim, outcome, log: log.lines }
}

/** Four hosts in one group, batch size 1, max-failures 1, fault on B. */
const fleet4 = (patch: Partial<SimFleetSpec> = {}) => simpleFleet(4, [fastGroup('web')], patch)

type Expect = Record<
  string,
  { state: string; step: string; version: string; lb: string[] | 'untouched'; reason?: RegExp }
>

/** Asserts every host: the rollout's record, the version it runs, its registrations as the LB has them. */
function expectHosts(r: Run, expected: Expect): void {
  const actual: Record<string, unknown> = {}
  const wanted: Record<string, unknown> = {}
  for (const [id, e] of Object.entries(expected)) {
    const h = r.outcome.hosts.find((x) => x.instanceId === id)
    const view = r.sim.host(id)
    const lb = view.registrations.map((x) => `${x.group}:${x.port}=${x.state}`)
    actual[id] = {
      state: h?.state,
      step: h?.step,
      version: view.version,
      lb: e.lb === 'untouched' ? touched(r.sim, id) : lb,
      reason: h?.reason
    }
    wanted[id] = {
      state: e.state,
      step: e.step,
      version: e.version,
      lb: e.lb === 'untouched' ? false : e.lb,
      reason: e.reason ? expect.stringMatching(e.reason) : h?.reason
    }
  }
  expect(actual).toEqual(wanted)
  expect(r.outcome.hosts).toHaveLength(Object.keys(expected).length)
}

/** Whether the rollout deregistered the host or sent it anything but a health check. */
function touched(sim: FleetSim, id: string): boolean {
  return (
    sim.elbLog.some((e) => e.api === 'DeregisterTargets' && e.targets.some((t) => t.id === id)) ||
    sim.commands.some((c) => c.kind !== 'health' && c.instanceIds.includes(id))
  )
}

const healthy = ['web:80=healthy']
const deployed = { state: 'deployed', step: 'done', version: NEW, lb: healthy }

describe('one scenario per fault', () => {
  it('no fault: every host deployed and back in service, nothing dropped', async () => {
    const r = await scenario(fleet4(), {})
    expect(r.outcome.result).toBe('success')
    expectHosts(r, { [A]: deployed, [B]: deployed, [C]: deployed, [D]: deployed })
    expect(r.sim.dropped).toBe(0)
    expect(r.sim.maxOutOfService).toBe(1)
  })

  it('the deploy fails on a host: it stays out of the load balancer, failed at command', async () => {
    const r = await scenario(fleet4(), { hosts: { [B]: { deploy: 'fail', deployExitCode: 3 } } })
    expect(r.outcome.result).toBe('success') // 1 failure, max-failures 1
    expectHosts(r, {
      [A]: deployed,
      [B]: { state: 'failed', step: 'command', version: OLD, lb: [], reason: /exit code 3/ },
      [C]: deployed,
      [D]: deployed
    })
    expect(r.outcome.hosts.find((h) => h.instanceId === B)?.exitCode).toBe(3)
  })

  it('the deploy hangs past command-timeout: timed out, failed at command, out of the load balancer', async () => {
    const r = await scenario(
      fleet4(),
      { hosts: { [B]: { deploy: 'hang' } } },
      { commandTimeoutMs: 90_000 }
    )
    expectHosts(r, {
      [A]: deployed,
      [B]: {
        state: 'failed',
        step: 'command',
        version: OLD,
        lb: [],
        reason: /timed out|command-timeout/
      },
      [C]: deployed,
      [D]: deployed
    })
  })

  it('the deploy is undeliverable: failed at command, and the reason says so', async () => {
    const r = await scenario(fleet4(), { hosts: { [B]: { deploy: 'undeliverable' } } })
    expectHosts(r, {
      [A]: deployed,
      [B]: { state: 'failed', step: 'command', version: OLD, lb: [], reason: /Undeliverable/ },
      [C]: deployed,
      [D]: deployed
    })
  })

  // Was "reason: /DeliveryTimedOut/": SSM reports DeliveryTimedOut only after delivery timeout +
  // execution timeout (aws-model/invocations.ts, "Understanding command statuses"); the action
  // sets both to command-timeout, so its own command-timeout cancels first.
  it('the deploy is never delivered: failed at command when command-timeout cancels it', async () => {
    const r = await scenario(fleet4(), { hosts: { [B]: { deploy: 'delivery-timeout' } } })
    expectHosts(r, {
      [A]: deployed,
      [B]: {
        state: 'failed',
        step: 'command',
        version: OLD,
        lb: [],
        reason: /after command-timeout 2m; cancelled/
      },
      [C]: deployed,
      [D]: deployed
    })
  })

  it('a host never becomes healthy after its deploy: failed at verify, out of the load balancer', async () => {
    const r = await scenario(fleet4(), { hosts: { [B]: { neverHealthy: true } } })
    expectHosts(r, {
      [A]: deployed,
      [B]: { state: 'failed', step: 'verify', version: NEW, lb: [], reason: /HTTP 500/ },
      [C]: deployed,
      [D]: deployed
    })
  })

  it('a host becomes healthy late, within health-timeout: deployed', async () => {
    const r = await scenario(fleet4(), { hosts: { [B]: { healthyLateMs: 60_000 } } })
    expect(r.outcome.result).toBe('success')
    expectHosts(r, { [A]: deployed, [B]: deployed, [C]: deployed, [D]: deployed })
  })

  it('a host becomes healthy only after health-timeout: failed at verify', async () => {
    const r = await scenario(fleet4(), { hosts: { [B]: { healthyLateMs: 400_000 } } })
    expectHosts(r, {
      [A]: deployed,
      [B]: { state: 'failed', step: 'verify', version: NEW, lb: [], reason: /503/ },
      [C]: deployed,
      [D]: deployed
    })
  })

  it('a host reports the wrong version: failed at verify when expected-version is set', async () => {
    const r = await scenario(fleet4(), { hosts: { [B]: { wrongVersion: 'v0-wrong' } } })
    expectHosts(r, {
      [A]: deployed,
      [B]: {
        state: 'failed',
        step: 'verify',
        version: 'v0-wrong',
        lb: [],
        reason: /v0-wrong.*expected v2|expected v2/
      },
      [C]: deployed,
      [D]: deployed
    })
  })

  it('a host reports the wrong version: deployed when no expected-version is set', async () => {
    const r = await scenario(
      fleet4(),
      { hosts: { [B]: { wrongVersion: 'v0-wrong' } } },
      { expectedVersion: undefined }
    )
    expectHosts(r, {
      [A]: deployed,
      [B]: { ...deployed, version: 'v0-wrong' },
      [C]: deployed,
      [D]: deployed
    })
  })

  it('a host is unhealthy before the run: skipped and left exactly as it was', async () => {
    const r = await scenario(fleet4(), { hosts: { [B]: { unhealthyBeforeRun: true } } })
    expect(r.outcome.result).toBe('success')
    expectHosts(r, {
      [A]: deployed,
      [B]: { state: 'skipped', step: 'precheck', version: OLD, lb: 'untouched' },
      [C]: deployed,
      [D]: deployed
    })
    expect(r.sim.host(B).registrations).toEqual([{ group: 'web', port: 80, state: 'unhealthy' }])
    expect(r.outcome.hosts.find((h) => h.instanceId === B)?.batch).toBeNull()
  })

  it('a host is unhealthy before the run and skip-unhealthy is false: the run fails and changes nothing', async () => {
    const r = await scenario(
      fleet4(),
      { hosts: { [B]: { unhealthyBeforeRun: true } } },
      { skipUnhealthy: false }
    )
    expect(r.outcome.result).toBe('failed')
    const pending = {
      state: 'pending',
      step: expect.any(String) as unknown as string,
      version: OLD,
      lb: 'untouched' as const
    }
    expectHosts(r, {
      [A]: pending,
      [B]: { state: 'skipped', step: 'precheck', version: OLD, lb: 'untouched' },
      [C]: pending,
      [D]: pending
    })
    expect(r.sim.elbLog).toEqual([])
    expect(r.sim.commands.filter((c) => c.kind !== 'health')).toEqual([])
  })

  it("a host's SSM agent is offline: the pre-check cannot read it, so it is skipped and stays in service", async () => {
    const r = await scenario(fleet4(), { hosts: { [B]: { agentOffline: true } } })
    expectHosts(r, {
      [A]: deployed,
      [B]: { state: 'skipped', step: 'precheck', version: OLD, lb: 'untouched' },
      [C]: deployed,
      [D]: deployed
    })
    expect(r.sim.host(B).inService).toBe(true)
  })

  it('autoscaling terminates a host before its batch: it is failed, terminated (SPEC 7.6), the others deploy', async () => {
    const r = await scenario(fleet4(), { hosts: { [C]: { terminateAfterMs: 20_000 } } })
    expect(r.outcome.result).toBe('success')
    expectHosts(r, {
      [A]: deployed,
      [B]: deployed,
      [C]: { state: 'failed', step: 'plan', version: OLD, lb: 'untouched' },
      [D]: deployed
    })
    expect(r.sim.host(C).terminated).toBe(true)
  })

  it('autoscaling terminates a host of the batch in flight after its health check: only that host fails', async () => {
    // Batch 1 = A, B. B's app starts late; A returns on its own, and autoscaling takes it away
    // after its health check, while it comes back into service. min-drain 0 keeps the timing.
    const r = await scenario(
      fleet4(),
      { hosts: { [A]: { terminateAfterMs: 55_000 }, [B]: { healthyLateMs: 60_000 } } },
      { batchSize: [{ kind: 'count', value: 2 }], minDrainMs: 0 }
    )
    expectHosts(r, {
      [A]: { state: 'failed', step: 'restore', version: NEW, lb: [] },
      [B]: deployed,
      [C]: deployed,
      [D]: deployed
    })
    expect(r.sim.host(A).terminated).toBe(true)
  })

  it("a host's health flaps while others deploy: the capacity guard waits for it, and every host ends deployed", async () => {
    // min-healthy-percent 75 of 4: three must stay in service. D is down 20 s of every 60 s until +300 s.
    const r = await scenario(
      fleet4(),
      {
        hosts: {
          [D]: { flap: { upMs: 40_000, downMs: 20_000, afterMs: 10_000, untilMs: 300_000 } }
        }
      },
      { minHealthyPercent: 75 }
    )
    expect(r.outcome.result).toBe('success')
    expectHosts(r, { [A]: deployed, [B]: deployed, [C]: deployed, [D]: deployed })
    expect(r.sim.deregistrations.length).toBeGreaterThanOrEqual(4)
    for (const d of r.sim.deregistrations) expect(d.inServiceOrFlapping).toBeGreaterThanOrEqual(3)
  })

  it('API calls are throttled at random: retried, every host deployed, nothing failed', async () => {
    const r = await scenario(fleet4(), {
      seed: 3,
      api: [{ api: '*', error: 'throttle', probability: 0.3 }]
    })
    expect(r.outcome.result).toBe('success')
    expectHosts(r, { [A]: deployed, [B]: deployed, [C]: deployed, [D]: deployed })
    expect(Object.values(r.sim.throttled).reduce((a, b) => a + b, 0)).toBeGreaterThan(20)
  })

  it('the first RegisterTargets, DeregisterTargets and SendCommand answer 5xx: retried, every host deployed', async () => {
    const r = await scenario(fleet4(), {
      api: [
        { api: 'RegisterTargets', error: 'server', calls: [1] },
        { api: 'DeregisterTargets', error: 'server', calls: [1, 2] },
        { api: 'SendCommand', error: 'server', calls: [1, 5] }
      ]
    })
    expect(r.outcome.result).toBe('success')
    expectHosts(r, { [A]: deployed, [B]: deployed, [C]: deployed, [D]: deployed })
    expect(r.sim.serverErrors).toEqual({ RegisterTargets: 1, DeregisterTargets: 2, SendCommand: 2 })
  })

  it('SSM throttles every call for 90 s while a host is verified: it waits, and no host fails', async () => {
    const r = await scenario(
      fleet4(),
      { api: [{ api: '*', error: 'throttle', probability: 1, fromMs: 25_000, untilMs: 115_000 }] },
      { healthTimeoutMs: 60_000 }
    )
    expect(r.outcome.result).toBe('success')
    expectHosts(r, { [A]: deployed, [B]: deployed, [C]: deployed, [D]: deployed })
  })

  it('ListCommandInvocations throttled for 62 s while a health reading is in flight: the stale reading fails no host', async () => {
    // A's deploy ends at +34 s and its app answers from +39 s. The health check sent at +37.9 s
    // reads 503 (starting), and its result cannot be listed until +100 s, past health-timeout.
    const r = await scenario(
      fleet4(),
      {
        api: [
          {
            api: 'ListCommandInvocations',
            error: 'throttle',
            probability: 1,
            fromMs: 38_000,
            untilMs: 100_000
          }
        ]
      },
      { healthTimeoutMs: 60_000 }
    )
    expect(r.outcome.result).toBe('success')
    expectHosts(r, { [A]: deployed, [B]: deployed, [C]: deployed, [D]: deployed })
  })

  it('instances shared between groups on different ports: drained from all, restored to all', async () => {
    const fleet: SimFleetSpec = {
      groups: [
        fastGroup('web', { port: 8080 }),
        fastGroup('api', { port: 9000, healthCheckPort: '9100', healthCheckPath: '/healthz' })
      ],
      hosts: [
        {
          instanceId: A,
          version: OLD,
          registrations: [{ group: 'web' }, { group: 'api' }, { group: 'api', port: 9001 }]
        },
        { instanceId: B, version: OLD, registrations: [{ group: 'web' }, { group: 'api' }] },
        { instanceId: C, version: OLD, registrations: [{ group: 'api' }] },
        { instanceId: D, version: OLD, registrations: [{ group: 'web' }] }
      ],
      targetVersion: NEW
    }
    const r = await scenario(fleet, {})
    const d = (lb: string[]) => ({ ...deployed, lb })
    expectHosts(r, {
      [A]: d(['web:8080=healthy', 'api:9000=healthy', 'api:9001=healthy']),
      [B]: d(['web:8080=healthy', 'api:9000=healthy']),
      [C]: d(['api:9000=healthy']),
      [D]: d(['web:8080=healthy'])
    })
    expect(r.sim.dropped).toBe(0)
  })

  it('a batch of 120 hosts: SendCommand gets at most 50 instance IDs a call', async () => {
    const r = await scenario(
      simpleFleet(240, [fastGroup('web')]),
      {},
      { batchSize: [{ kind: 'count', value: 120 }] }
    )
    expect(r.outcome.result).toBe('success')
    const deploys = r.sim.commands.filter((c) => c.kind === 'deploy')
    expect(deploys.map((c) => c.instanceIds.length)).toEqual([50, 50, 20, 50, 50, 20])
    expect(r.sim.hostViews()).toHaveLength(240)
    expect(r.sim.hostViews().every((h) => h.version === NEW && h.inService)).toBe(true)
    expect(r.outcome.hosts).toHaveLength(240)
    expect(r.outcome.hosts.every((h) => h.state === 'deployed')).toBe(true)
  })

  it('1,000 hosts in 10% batches: the rollout paces its calls, so AWS throttles none of them', async () => {
    // SSM's and ELB's buckets are the simulator's defaults (40, refilled at 10 per second):
    // 20 SendCommand and ListCommandInvocations per poll would overdraw them unpaced.
    const r = await scenario(
      simpleFleet(1000, [fastGroup('web')]),
      {},
      { batchSize: [{ kind: 'percent', value: 10 }], maxFailures: { kind: 'count', value: 0 } }
    )
    expect(r.outcome.result).toBe('success')
    expect(r.sim.throttled).toEqual({})
    expect(r.outcome.hosts).toHaveLength(1000)
    expect(r.outcome.hosts.every((h) => h.state === 'deployed')).toBe(true)
    // 1,000 simulated hosts take a few seconds of CPU, more than jest's 5 s on a loaded machine.
  }, 30_000)

  it('the app takes 5 s to start after its deploy: one health reading waits for it on the host', async () => {
    const r = await scenario(fleet4(), {}, { expectedVersion: NEW })
    expect(r.outcome.result).toBe('success')
    for (const id of [A, B, C, D]) {
      const reads = r.sim.commands.filter((c) => c.kind === 'health' && c.instanceIds.includes(id))
      const waits = reads.map((c) => readHealthScript(c.parameters.commands?.[0] ?? '')!.wait)
      // The pre-check reads the host as it is; the reading after the deploy waits on the host
      // for the app with the expected version, so one is enough; so does the final check's.
      expect(waits).toEqual([
        { seconds: 0, expect: undefined },
        { seconds: 10, expect: NEW },
        { seconds: 10, expect: NEW }
      ])
    }
    expectHosts(r, { [A]: deployed, [B]: deployed, [C]: deployed, [D]: deployed })
  })
})
