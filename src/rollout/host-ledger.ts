// The rollout's ledger: one record per host, changed only through here so every change reaches
// the journal (onChange) that the post step reads after a cancel.

import type { Host } from './discover.js'
import type { Clock } from '../shared/clock.js'
import type { HostRecord, HostState } from './outcome.js'

export class HostLedger {
  readonly records: HostRecord[]
  private readonly byId = new Map<string, HostRecord>()

  constructor(
    hosts: Host[],
    private readonly clock: Clock,
    private readonly onChange?: (hosts: readonly HostRecord[]) => void
  ) {
    this.records = hosts.map(fresh)
    for (const r of this.records) this.byId.set(r.instanceId, r)
  }

  /** Hosts that joined the pools during the run: pending, marked `joined`. */
  add(hosts: Host[]): HostRecord[] {
    const added = hosts.filter((h) => !this.byId.has(h.instanceId)).map(fresh)
    for (const r of added) {
      r.joined = true
      this.records.push(r)
      this.byId.set(r.instanceId, r)
    }
    if (added.length > 0) this.onChange?.(this.records)
    return added
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  /** Takes in records made elsewhere (hosts a dead run left out: rollout/recover.ts). */
  adopt(records: HostRecord[]): void {
    const incoming = records.filter((r) => !this.byId.has(r.instanceId))
    if (incoming.length === 0) return
    for (const r of incoming) {
      this.records.push(r)
      this.byId.set(r.instanceId, r)
    }
    this.onChange?.(this.records)
  }

  get(id: string): HostRecord {
    const r = this.byId.get(id)
    if (!r) throw new Error(`unknown host ${id}`)
    return r
  }

  update(hosts: readonly HostRecord[] | HostRecord, patch: Partial<HostRecord>): void {
    const list = Array.isArray(hosts) ? hosts : [hosts as HostRecord]
    if (list.length === 0) return
    for (const h of list) Object.assign(h, patch)
    this.onChange?.(this.records)
  }

  /** Ends a host's run (and the cycle it was in) in a final state, with where and why. */
  finish(host: HostRecord, state: HostState, patch: Partial<HostRecord> = {}): void {
    this.update(host, { cycle: undefined, ...patch, state, finishedAt: this.clock.now() })
  }

  fail(
    host: HostRecord,
    step: HostRecord['step'],
    reason: string,
    patch: Partial<HostRecord> = {}
  ): void {
    this.finish(host, 'failed', { ...patch, step, reason })
  }

  inState(state: HostState): HostRecord[] {
    return this.records.filter((r) => r.state === state)
  }

  count(state: HostState): number {
    return this.inState(state).length
  }

  get size(): number {
    return this.records.length
  }
}

function fresh(h: Host): HostRecord {
  return {
    instanceId: h.instanceId,
    memberships: h.memberships,
    batch: null,
    state: 'pending',
    step: 'discover',
    outOfService: false,
    commandSent: false
  }
}
