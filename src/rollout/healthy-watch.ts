// Watches hosts put back into their pools until the load balancer calls each in service. Hosts
// of one batch come back one by one, yet the load balancer is asked once per pool per look for
// every host still awaited (never once per host): each host has its own deadline, a host that
// joins the watch is seen at the next look.

import type { RolloutContext } from './context.js'
import type { HostRecord } from './outcome.js'
import type { HealthSnapshot } from './load-balancer.js'
import { isInService, membersOf, membershipStates, poolsOf } from './load-balancer.js'

/** In service, or not by its deadline (with the load balancer's last word), or cancelled. */
export type HealthyVerdict = { ok: true } | { ok: false; why: string } | { cancelled: true }

interface Awaited {
  deadline: number
  resolve: (v: HealthyVerdict) => void
  reject: (err: unknown) => void
}

export class HealthyWatch {
  private readonly pending = new Map<HostRecord, Awaited>()
  private running = false
  private last?: HealthSnapshot

  constructor(
    private readonly ctx: RolloutContext,
    private readonly cadenceMs: number
  ) {}

  /** Resolves when the host is in service in every pool it is a member of, or timeoutMs passed. */
  watch(host: HostRecord, timeoutMs: number): Promise<HealthyVerdict> {
    const deadline = this.ctx.deps.clock.now() + timeoutMs
    const verdict = new Promise<HealthyVerdict>((resolve, reject) =>
      this.pending.set(host, { deadline, resolve, reject })
    )
    if (!this.running) {
      this.running = true
      void this.loop()
    }
    return verdict
  }

  private settle(h: HostRecord, v: HealthyVerdict): void {
    this.pending.get(h)?.resolve(v)
    this.pending.delete(h)
  }

  private async loop(): Promise<void> {
    const { clock } = this.ctx.deps
    try {
      while (this.pending.size > 0) {
        const until = Math.max(...[...this.pending.values()].map((a) => a.deadline))
        const result = await this.ctx.poller.until(() => this.look(), {
          timeoutMs: Math.max(0, until - clock.now()),
          minDelayMs: this.cadenceMs,
          maxDelayMs: this.cadenceMs
        })
        if (result.status === 'cancelled') {
          for (const h of [...this.pending.keys()]) this.settle(h, { cancelled: true })
        } else if (result.status === 'timeout') {
          // The last looks went unanswered (throttled): judge on the last answer there is.
          for (const [h, a] of [...this.pending]) {
            if (clock.now() >= a.deadline) this.settle(h, { ok: false, why: this.lastWord(h) })
          }
        }
      }
    } catch (err) {
      for (const a of this.pending.values()) a.reject(err)
      this.pending.clear()
    } finally {
      this.running = false
    }
  }

  /** One look: one describe per pool, naming only the hosts awaited. True when none is left. */
  private async look(): Promise<true | undefined> {
    const hosts = [...this.pending.keys()]
    if (hosts.length === 0) return true
    const pools = poolsOf(this.ctx, hosts)
    const snapshot: HealthSnapshot = new Map(
      await Promise.all(
        pools.map(
          async (g) =>
            [g.id, await this.ctx.deps.lb.describeMembers(g, membersOf(g.id, hosts))] as const
        )
      )
    )
    this.last = snapshot
    const now = this.ctx.deps.clock.now()
    for (const h of hosts) {
      if (isInService(h, snapshot)) this.settle(h, { ok: true })
      else if (now >= this.pending.get(h)!.deadline)
        this.settle(h, { ok: false, why: this.lastWord(h) })
    }
    return this.pending.size === 0 ? true : undefined
  }

  private lastWord(h: HostRecord): string {
    if (!this.last) return 'no answer from the load balancer'
    const states = membershipStates(h, this.last)
    const t = states.find((s) => s.state !== 'in-service') ?? states[0]
    return t ? `${t.label}${t.reason ? ` (${t.reason})` : ''}` : 'no answer from the load balancer'
  }
}
