// The post step (post-if: always()). After a cancelled or crashed main step it registers back
// every host that was drained but never got its command, releases the locks, and reports every
// host it could not restore. After a normal run it only says so.

import * as core from '@actions/core'
import { Input, State } from './constants.js'
import { finishDeployment } from './github/deployment.js'
import { readJournalFile, type Journal, type JournalHost } from './journal/journal.js'
import { createClients } from './aws/clients.js'
import { awsPorts } from './aws/adapters.js'
import { SsmParameterStore } from './aws/lock-store.js'
import { errorMessage } from './shared/errors.js'
import { releaseLocks } from './rollout/lock.js'
import type { LoadBalancer } from './ports/load-balancer.js'
import type { VersionedLockStore as LockStore } from './ports/lock-store.js'
import type { AccountStore } from './ports/account-store.js'
import { AccountWriter } from './journal/account.js'
import { SsmAccountStore } from './aws/account-store.js'
import type { HostRecord } from './rollout/outcome.js'
import type { Log } from './ports/log.js'
import { cell } from './report/summary.js'
import { coreLog } from './core-log.js'
import type { GroupController } from './ports/group-controller.js'
import { undoJournaled } from './rollout/scaling-groups.js'
import { restorePlan } from './rollout/scaling-plan.js'

export interface PostDeps {
  lb: LoadBalancer
  locks: LockStore
  log: Log
  /** The scaling groups the run changed (journal.groupChanges); absent: none are put back. */
  groups?: GroupController
  /** The durable account next to the lock: rewritten to hold only the hosts left out. */
  accounts?: AccountStore
}

export interface PostOutcome {
  restored: JournalHost[]
  leftOut: Array<{ host: JournalHost; why: string }>
  releasedLocks: string[]
  /** Group changes put back, and those that could not be (with why). */
  groupsRestored?: string[]
  groupsFailed?: string[]
}

/**
 * A host goes back in when no command reached it in the cycle it was in (drained for its deploy,
 * or a deployed host drained for its rollback), or when its command ended and its health was
 * verified (it was being registered back). A failed host, or one whose command was in flight or
 * not yet verified, stays out for a person to look at.
 */
export function canRestore(h: JournalHost): boolean {
  // A deploy cycle the cancel interrupted (its state says so since the main step's end, rather
  // than `pending`): back in if no command reached it, or if its health was verified.
  if (h.cycle === 'deploy') return !h.commandSent || h.step === 'restore'
  if (h.state === 'failed' || h.state === 'skipped') return false
  if (!h.commandSent) return true
  return h.cycle !== undefined && h.step === 'restore'
}

function whyLeftOut(h: JournalHost): string {
  const rollback = h.cycle === 'rollback'
  const command = `${rollback ? 'rollback command' : 'command'} ${h.commandId ?? '(id unknown)'}`
  const where = !h.commandSent
    ? `its ${rollback ? 'rollback' : 'cycle'} stopped at ${h.step}`
    : h.step === 'command'
      ? `its ${command} was in flight when the run stopped`
      : `its ${command} had ended but its health was not verified when the run stopped (step ${h.step})`
  if (rollback) {
    const before =
      h.state === 'failed' ? `; its deploy had failed${h.reason ? `: ${h.reason}` : ''}` : ''
    return `${where}${before}; check the host, then register it back`
  }
  // A deploy cycle cut short by the cancel (marked failed by the main step): say where it stood.
  if (h.state === 'failed' && h.cycle !== 'deploy')
    return `failed at ${h.step}: ${h.reason ?? 'see the main step'}`
  if (h.commandSent) return `${where}; check the host, then register it back`
  return `out of service at step ${h.step}`
}

export async function restoreAfterCancel(journal: Journal, deps: PostDeps): Promise<PostOutcome> {
  const out: PostOutcome = { restored: [], leftOut: [], releasedLocks: [] }
  const restore = journal.hosts.filter(canRestore)
  for (const h of journal.hosts.filter((x) => !canRestore(x)))
    out.leftOut.push({ host: h, why: whyLeftOut(h) })

  const byGroup = new Map<string, Array<{ instanceId: string; port: number }>>()
  for (const h of restore) {
    for (const r of h.memberships) {
      byGroup.set(r.poolId, [
        ...(byGroup.get(r.poolId) ?? []),
        { instanceId: h.instanceId, port: r.port }
      ])
    }
  }
  const failedGroups = new Map<string, string>()
  for (const [arn, targets] of byGroup) {
    try {
      await deps.lb.putBack(arn, targets)
    } catch (err) {
      failedGroups.set(arn, errorMessage(err))
    }
  }
  for (const h of restore) {
    const failure = h.memberships.map((r) => failedGroups.get(r.poolId)).find(Boolean)
    if (failure) out.leftOut.push({ host: h, why: `could not register it back: ${failure}` })
    else out.restored.push(h)
  }
  // The account keeps only what is still out, before the lock goes: the next run finds them.
  if (deps.accounts && journal.pools) {
    const writer = new AccountWriter(deps.accounts, journal.pools, journal.runUrl, Date.now)
    writer.hosts(out.leftOut.map(({ host }) => ({ ...asRecord(host), outOfService: true })))
    await writer
      .checkpoint()
      .catch((err) =>
        deps.log.warning(`could not update the durable account: ${errorMessage(err)}`)
      )
  }
  // The groups last: every host the run held is back (or reported) before replacement restarts.
  if (deps.groups && journal.groupChanges) {
    const g = await undoJournaled(journal.groupChanges, deps.groups, deps.log)
    out.groupsRestored = g.done
    out.groupsFailed = g.failed
  }
  if (journal.locks) out.releasedLocks = await releaseLocks(deps.locks, journal.locks, deps.log)
  for (const { host, why } of out.leftOut)
    deps.log.warning(`${host.instanceId} left out of service: ${why}`)
  return out
}

const asRecord = (h: JournalHost): HostRecord => ({
  batch: null,
  outOfService: true,
  ...h
})

/** Where a host in flight stood when the main step stopped. */
function stood(h: JournalHost): string {
  const command = h.commandId ? ` (command ${h.commandId})` : ''
  if (!h.commandSent) return `drained at step ${h.step}, no command sent`
  if (h.step === 'restore') return `deployed and verified${command}, being registered back`
  return `at step ${h.step}${command}`
}

export function renderPostSummary(journal: Journal, out: PostOutcome): string {
  const lines = [
    `## ⏹️ rolling-deploy: ${journal.result ?? 'cancelled'} — post step`,
    `Registered back **${out.restored.length}** host(s) whose cycle could go back in (no command reached them, or their deploy was verified); **${out.leftOut.length}** host(s) left out of service; released ${out.releasedLocks.length} lock(s).`
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
    lines.push(
      '### Registered back',
      '| instance | where it stood | what the post step did |',
      '| --- | --- | --- |',
      ...out.restored.map(
        (h) =>
          `| ${cell(h.instanceId)} | ${cell(stood(h))} | registered back in its target groups |`
      )
    )
  }
  if ((out.groupsRestored?.length ?? 0) + (out.groupsFailed?.length ?? 0) > 0) {
    lines.push(
      '### Auto Scaling groups',
      [
        ...(out.groupsRestored ?? []).map((c) => `- put back: ${c}`),
        ...(out.groupsFailed ?? []).map((c) => `- **could not** ${c}`)
      ].join('\n')
    )
  }
  return lines.join('\n\n') + '\n'
}

export async function post(): Promise<void> {
  const journal = readJournalFile(core.getState(State.Journal))
  if (!journal) {
    core.info(
      'rolling-deploy post: the main step changed nothing (no journal); nothing to restore.'
    )
    return
  }
  if (journal.finished && restorePlan(journal.groupChanges ?? []).length > 0) {
    // The main step ended but could not put every group back itself: try again here.
    core.warning(
      'rolling-deploy post: Auto Scaling groups left changed by the main step; putting them back.'
    )
    const clients = createClients(journal.region)
    await undoJournaled(journal.groupChanges ?? [], awsPorts(clients).groups!, coreLog)
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
    locks: new SsmParameterStore(clients.ssm),
    log: coreLog,
    groups: awsPorts(clients).groups,
    accounts: new SsmAccountStore(clients.ssm)
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
