// The post step (post-if: always()). After a cancelled or crashed main step it registers back
// every host that was drained but never got its command, releases the locks, and reports every
// host it could not restore. After a normal run it only says so.

import * as core from '@actions/core'
import { Input, State } from './constants.js'
import { finishDeployment } from './github/deployment.js'
import { readJournal, type Journal, type JournalHost } from './journal.js'
import { createClients } from './aws/clients.js'
import { awsPorts } from './aws/adapters.js'
import { SsmLockStore } from './aws/lock-store.js'
import { errorMessage } from './aws/errors.js'
import { releaseLocks } from './rollout/lock.js'
import type { LoadBalancer, LockStore } from './rollout/ports.js'
import type { Log } from './rollout/types.js'
import { cell } from './report/summary.js'
import { coreLog } from './core-log.js'

export interface PostDeps {
  lb: LoadBalancer
  locks: LockStore
  log: Log
}

export interface PostOutcome {
  restored: JournalHost[]
  leftOut: Array<{ host: JournalHost; why: string }>
  releasedLocks: string[]
}

/** A host can go back in when no command reached it; one whose command ran stays out for a person. */
function canRestore(h: JournalHost): boolean {
  return h.state === 'pending' && !h.commandSent
}

function whyLeftOut(h: JournalHost): string {
  if (h.state === 'failed') return `failed at ${h.step}: ${h.reason ?? 'see the main step'}`
  if (h.commandSent) {
    return `its command ${h.commandId ?? '(id unknown)'} was in flight when the run stopped (step ${h.step}); check the host, then register it back`
  }
  return `out of service at step ${h.step}`
}

export async function restoreAfterCancel(journal: Journal, deps: PostDeps): Promise<PostOutcome> {
  const out: PostOutcome = { restored: [], leftOut: [], releasedLocks: [] }
  const restore = journal.hosts.filter(canRestore)
  for (const h of journal.hosts.filter((x) => !canRestore(x)))
    out.leftOut.push({ host: h, why: whyLeftOut(h) })

  const byGroup = new Map<string, Array<{ instanceId: string; port: number }>>()
  for (const h of restore) {
    for (const r of h.registrations) {
      byGroup.set(r.targetGroupArn, [
        ...(byGroup.get(r.targetGroupArn) ?? []),
        { instanceId: h.instanceId, port: r.port }
      ])
    }
  }
  const failedGroups = new Map<string, string>()
  for (const [arn, targets] of byGroup) {
    try {
      await deps.lb.register(arn, targets)
    } catch (err) {
      failedGroups.set(arn, errorMessage(err))
    }
  }
  for (const h of restore) {
    const failure = h.registrations.map((r) => failedGroups.get(r.targetGroupArn)).find(Boolean)
    if (failure) out.leftOut.push({ host: h, why: `could not register it back: ${failure}` })
    else out.restored.push(h)
  }
  if (journal.locks) out.releasedLocks = await releaseLocks(deps.locks, journal.locks, deps.log)
  for (const { host, why } of out.leftOut)
    deps.log.warning(`${host.instanceId} left out of service: ${why}`)
  return out
}

export function renderPostSummary(journal: Journal, out: PostOutcome): string {
  const lines = [
    `## ⏹️ rolling-deploy: ${journal.result ?? 'cancelled'} — post step`,
    `Registered back **${out.restored.length}** host(s) that were drained but never got the command; **${out.leftOut.length}** host(s) left out of service; released ${out.releasedLocks.length} lock(s).`
  ]
  if (out.leftOut.length > 0) {
    lines.push(
      '### Hosts left out of service',
      '| instance | step | command | why |',
      '| --- | --- | --- | --- |',
      ...out.leftOut.map(
        ({ host, why }) =>
          `| ${cell(host.instanceId)} | ${cell(host.step)} | ${cell(host.commandId)} | ${cell(why)} |`
      )
    )
  }
  if (out.restored.length > 0) {
    lines.push('### Registered back', out.restored.map((h) => `\`${h.instanceId}\``).join(', '))
  }
  return lines.join('\n\n') + '\n'
}

export async function post(): Promise<void> {
  const journal = readJournal(core.getState(State.Journal))
  if (!journal) {
    core.info(
      'rolling-deploy post: the main step changed nothing (no journal); nothing to restore.'
    )
    return
  }
  if (journal.finished) {
    core.info(
      `rolling-deploy post: the main step ended normally (${journal.result ?? 'done'}); nothing to restore.`
    )
    return
  }
  core.warning(
    'rolling-deploy post: the main step was cancelled or crashed; restoring what can be restored.'
  )
  const clients = createClients(journal.region)
  const out = await restoreAfterCancel(journal, {
    lb: awsPorts(clients).lb,
    locks: new SsmLockStore(clients.ssm),
    log: coreLog
  })
  if (journal.deploymentId !== undefined) {
    const token = core.getInput(Input.GithubToken)
    if (token) core.setSecret(token)
    await finishDeployment(journal.deploymentId, 'failure', {
      token,
      description: `rolling-deploy ${journal.result ?? 'cancelled'}: post step restored ${out.restored.length}, left ${out.leftOut.length} out of service`
    })
  }
  if (process.env.GITHUB_STEP_SUMMARY)
    await core.summary.addRaw(renderPostSummary(journal, out)).write()
}
