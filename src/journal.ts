// What the main step leaves for the post step: which hosts are out of service and how far their
// cycle got, which locks it holds, which deployment it opened. Saved with core.saveState whenever
// it changes, so a cancelled or crashed run still leaves an up-to-date account.

import type { HeldLocks } from './rollout/lock.js'
import type { HostRecord } from './rollout/types.js'

export interface JournalHost {
  instanceId: string
  registrations: HostRecord['registrations']
  state: HostRecord['state']
  step: HostRecord['step']
  commandSent: boolean
  commandId?: string
  reason?: string
  /** The batch cycle the host was in (absent in journals of older versions). */
  cycle?: HostRecord['cycle']
}

export interface Journal {
  version: 1
  region?: string
  runUrl: string
  /** Set when the main step reached its end: the post step then has nothing to do. */
  finished: boolean
  result?: string
  locks?: HeldLocks
  deploymentId?: number
  /** Only hosts out of service: a 10,000-host fleet keeps a small journal. */
  hosts: JournalHost[]
}

export function outOfServiceHosts(records: readonly HostRecord[]): JournalHost[] {
  return records
    .filter((h) => h.outOfService)
    .map((h) => ({
      instanceId: h.instanceId,
      registrations: h.registrations,
      state: h.state,
      step: h.step,
      commandSent: h.commandSent,
      commandId: h.commandId,
      reason: h.reason,
      cycle: h.cycle
    }))
}

/** Writes the journal only when it changed: saveState appends to a file on every call. */
export class JournalWriter {
  private last = ''
  readonly journal: Journal

  constructor(
    base: Omit<Journal, 'version' | 'hosts' | 'finished'>,
    private readonly save: (json: string) => void
  ) {
    this.journal = { version: 1, finished: false, hosts: [], ...base }
  }

  hosts(records: readonly HostRecord[]): void {
    this.journal.hosts = outOfServiceHosts(records)
    this.flush()
  }

  set(patch: Partial<Journal>): void {
    Object.assign(this.journal, patch)
    this.flush()
  }

  flush(): void {
    const json = JSON.stringify(this.journal)
    if (json === this.last) return
    this.last = json
    this.save(json)
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
