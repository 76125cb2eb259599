// The whole run, pure: discover → alarms exist → lock → pre-check → plan → batch cycle (alarms
// before each batch and during every wait; the canary watch after the first) → final check, and on
// a stop for failures or an alarm with on-failure: rollback, the rollback. It talks only to the
// ports in RolloutDeps and waits only on the injected clock.

import type { Settings } from '../settings.js'
import { resolveAmount } from '../settings.js'
import { prepare } from './prepare.js'
import { runBatches } from './batches.js'
import { finish } from './finish.js'
import type { RolloutOutcome } from './outcome.js'
import type { RolloutDeps } from './deps.js'
import { restoreGroups } from './scaling-groups.js'
import { sweepVanished } from './fleet-moves.js'

export async function rollout(settings: Settings, deps: RolloutDeps): Promise<RolloutOutcome> {
  const { ctx, done } = await prepare(settings, deps)
  if (done) return done
  try {
    const maxFailures = resolveAmount(settings.maxFailures, ctx.fleetSize)
    const stop = await runBatches(ctx, maxFailures)
    const outcome = await finish(ctx, stop, maxFailures)
    // A stopped run read the fleet last before its stop: who vanished since is said, not hidden.
    if (stop && !ctx.poller.cancelled) await sweepVanished(ctx).catch(() => undefined)
    return outcome
  } finally {
    // Every ending, a crash included: the scaling groups as the run found them.
    if (ctx.scaling) {
      await deps.log.group('Auto Scaling: put the groups back', () => restoreGroups(ctx))
    }
  }
}
