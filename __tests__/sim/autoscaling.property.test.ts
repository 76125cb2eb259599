// Auto Scaling events in random fault plans, over 1,000 cases: scale-out, scale-in of an
// unprotected host, and termination of any host, each at a random moment of the run (the n-th
// call the rollout makes that matches a random kind), besides random deploy failures, a random
// batch size, max-failures and on-failure. On the fake world with its Auto Scaling groups
// (support/fake-groups.ts, which cites the AWS pages it follows), not the FleetSim: the events
// need group membership and protection, which the FleetSim does not model yet.
//
// What must hold after every run:
// - no host is left out of service unreported (the fake world's own check after each run: a host
//   out of the load balancer is reported out of service, and one in it is not);
// - every host in the target groups at the end has a final state in the report (a host that
//   joined included) — or, after a stop (failed or rolled back), is a `pending` host left as it
//   was (SPEC 7.7), or one launched after the stop (the stopped run reads the fleet no more);
// - the group ends as it began: the same suspended processes, and the same protected hosts among
//   those still in it.
//
// FC_SEED / FC_RUNS reproduce or widen a run.

import fc from 'fast-check'
import { FakeWorld, ids, settingsFor } from '../support/fake-ports.js'
import { FakeScalingGroups } from '../support/fake-groups.js'

const RUNS = Number(process.env.FC_RUNS ?? 1000)
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined

type Event =
  | { kind: 'scale-out'; at: string; nth: number }
  | { kind: 'scale-in'; at: string; nth: number }
  | { kind: 'terminate'; at: string; nth: number; host: number }

const MOMENTS = ['deregister', 'register', 'send deploy', 'send health', 'list', 'describe']

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  fc.record({
    kind: fc.constant('scale-out' as const),
    at: fc.constantFrom(...MOMENTS),
    nth: fc.integer({ min: 1, max: 6 })
  }),
  fc.record({
    kind: fc.constant('scale-in' as const),
    at: fc.constantFrom(...MOMENTS),
    nth: fc.integer({ min: 1, max: 6 })
  }),
  fc.record({
    kind: fc.constant('terminate' as const),
    at: fc.constantFrom(...MOMENTS),
    nth: fc.integer({ min: 1, max: 6 }),
    host: fc.integer({ min: 0, max: 7 })
  })
)

const caseArb = fc.record({
  hosts: fc.integer({ min: 2, max: 8 }),
  batch: fc.integer({ min: 1, max: 4 }),
  maxFailures: fc.integer({ min: 0, max: 2 }),
  rollback: fc.boolean(),
  failing: fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 2 }),
  userSuspended: fc.subarray(['HealthCheck', 'ScheduledActions', 'AZRebalance']),
  userProtected: fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 2 }),
  events: fc.array(eventArb, { maxLength: 3 })
})

test(`Auto Scaling events in random runs (${RUNS} cases)`, async () => {
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
      const fleet = ids(c.hosts)
      const world = new FakeWorld({ groups: [{ name: 'web', targets: fleet }] })
      const protectedIds = [...new Set(c.userProtected.map((i) => fleet[i % c.hosts]!))]
      const asg = new FakeScalingGroups(world, [
        {
          name: 'asg',
          instances: fleet,
          targetGroups: ['web'],
          suspended: c.userSuspended,
          protectedIds
        }
      ])
      for (const i of c.failing) world.host(fleet[i % c.hosts]!).deploy = { status: 'Failed' }
      const before = asg.snapshot('asg')
      // Events come after discovery: a host gone before the run read the fleet was never in it.
      let discovered = false
      for (const e of c.events) {
        let seen = 0
        world.when(
          (call) => discovered && call.startsWith(e.at) && ++seen === e.nth,
          () => {
            if (e.kind === 'scale-out') asg.scaleOut('asg')
            else if (e.kind === 'scale-in') asg.scaleIn('asg')
            else {
              const live = asg.snapshot('asg').instances
              if (live.length > 0) asg.terminate(live[e.host % live.length]!)
            }
          }
        )
      }
      world.when('describe', () => (discovered = true))
      // world.run rejects when a host is out of service unreported (or in it, reported out).
      const out = await world.run(
        settingsFor({
          targetGroups: ['web'],
          batchSize: [{ kind: 'count', value: c.batch }],
          minHealthyPercent: 0,
          expectedVersion: 'v2',
          maxFailures: { kind: 'count', value: c.maxFailures },
          onFailure: c.rollback ? 'rollback' : 'halt',
          rollbackCommand: c.rollback ? 'sudo /opt/app/rollback.sh' : ''
        }),
        { groups: asg }
      )
      const stopped = out.result === 'failed' || out.result === 'rolled-back'
      const reported = new Map(out.hosts.map((h) => [h.instanceId, h]))
      const web = world.groups.find((g) => g.info.name === 'web')!
      for (const id of new Set(web.regs.map((r) => r.instanceId))) {
        const h = reported.get(id)
        // A run that stopped reads the fleet no more: a host launched after the stop is untouched.
        if (!h && stopped) continue
        if (!h) throw new Error(`${id} is in the target group at the end but not in the report`)
        if (h.state === 'pending' && !stopped) {
          throw new Error(`${id} has no final state after a run that ${out.result}`)
        }
      }
      const after = asg.snapshot('asg')
      expect(after.suspended).toEqual(before.suspended)
      expect(after.protectedIds).toEqual(
        before.protectedIds.filter((id) => after.instances.includes(id))
      )
    }),
    { numRuns: RUNS, seed: SEED }
  )
}, 300_000)
