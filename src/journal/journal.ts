// What the main step leaves for the post step: which hosts are out of service and how far their
// cycle got, which locks it holds, which deployment it opened. Saved with core.saveState whenever
// it changes, so a cancelled or crashed run still leaves an up-to-date account.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { HeldLocks } from '../ports/lock-store.js'
import type { HostRecord } from '../rollout/outcome.js'
import type { GroupChange } from '../ports/group-controller.js'

/**
 * A host as the post step needs it: a view of the rollout's HostRecord (`cycle` is absent in
 * journals of older versions).
 */
export type JournalHost = Pick<
  HostRecord,
  'instanceId' | 'memberships' | 'state' | 'step' | 'commandSent' | 'commandId' | 'reason' | 'cycle'
>

export interface Journal {
  version: 1
  region?: string
  runUrl: string
  /** Set when the main step reached its end: the post step then has nothing to do. */
  finished: boolean
  result?: string
  locks?: HeldLocks
  deploymentId?: number
  /** The pools locked (id and name): the durable account's keys, for the post step. */
  pools?: Array<{ id: string; name: string }>
  /** Only hosts out of service: a 10,000-host fleet keeps a small journal. */
  hosts: JournalHost[]
  /**
   * Every change the run made to its scaling groups, in order, each written before it was made
   * (undo included): what is still held is scaling-plan's `outstanding` of this list.
   */
  groupChanges?: GroupChange[]
}

export function outOfServiceHosts(records: readonly HostRecord[]): JournalHost[] {
  return records
    .filter((h) => h.outOfService)
    .map((h) => ({
      instanceId: h.instanceId,
      memberships: h.memberships,
      state: h.state,
      step: h.step,
      commandSent: h.commandSent,
      commandId: h.commandId,
      reason: h.reason,
      cycle: h.cycle
    }))
}

/**
 * Writes the journal when it changed, at most once per turn of the event loop: a batch of 1,000
 * hosts changes records thousands of times, and each write carries every host out of service.
 * The write is queued as a microtask, so it lands before any AWS request made after the change
 * (an SDK call goes through many later microtasks before its socket write): a host marked
 * `commandSent` is on disk before its SendCommand leaves. flush() writes at once (cancel, exit).
 */
export class JournalWriter {
  private last = ''
  private records: readonly HostRecord[] | undefined
  private queued = false
  readonly journal: Journal

  constructor(
    base: Omit<Journal, 'version' | 'hosts' | 'finished'>,
    private readonly save: (json: string) => void
  ) {
    this.journal = { version: 1, finished: false, hosts: [], ...base }
  }

  hosts(records: readonly HostRecord[]): void {
    this.records = records
    if (this.queued) return
    this.queued = true
    queueMicrotask(() => this.flush())
  }

  /** The run's group changes so far; written at once, before the last of them is made. */
  groupChanges(applied: readonly GroupChange[]): void {
    this.set({ groupChanges: [...applied] })
  }

  set(patch: Partial<Journal>): void {
    Object.assign(this.journal, patch)
    this.flush()
  }

  flush(): void {
    this.queued = false
    if (this.records) this.journal.hosts = outOfServiceHosts(this.records)
    const json = JSON.stringify(this.journal)
    if (json === this.last) return
    this.last = json
    this.save(json)
  }
}

/**
 * Where the main step keeps its journal: the runner's temp folder (cleaned after the job), one
 * file per run and step, so two steps of one job using the action never share a journal.
 */
export function journalPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(
    env.RUNNER_TEMP || tmpdir(),
    `rolling-deploy-journal-${env.GITHUB_RUN_ID ?? process.pid}-${env.GITHUB_ACTION ?? 'step'}.json`
  )
}

/**
 * Saves each journal to one file, replaced atomically (write, then rename): GITHUB_STATE only
 * grows, so the state carries the file's path once and the file carries the journal.
 */
export function journalFileSaver(file: string): (json: string) => void {
  mkdirSync(dirname(file), { recursive: true })
  return (json) => {
    const tmp = `${file}.tmp`
    writeFileSync(tmp, json)
    renameSync(tmp, file)
  }
}

export function readJournalFile(file: string): Journal | undefined {
  if (!file) return undefined
  try {
    return readJournal(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

export function readJournal(raw: string): Journal | undefined {
  if (!raw) return undefined
  try {
    const j = JSON.parse(raw) as Journal
    return j.version === 1 ? j : undefined
  } catch {
    return undefined
  }
}
