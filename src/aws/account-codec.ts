// The account as SSM Parameter Store values. A Standard parameter holds 4 KB (4,096 characters;
// "Changing Parameter Store throughput" in the Systems Manager user guide,
// https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-throughput.html:
// Standard up to 4 KB and no storage charge, Advanced up to 8 KB and billed; SSM's own refusal
// reads "Standard tier parameters support a maximum parameter value of 4096 characters"), so the account is compacted (pools and command IDs named
// once, each host a short row), deflated, base64-encoded and cut into shards of at most
// SHARD_CHARS. 1,000 hosts out at once take a handful of Standard parameters.
//
// Shards are written in generations, alternating between two slots (a, b): the newest generation
// whose shards are all present wins, so a run that dies half-way through a write leaves the
// previous complete generation readable.

import { deflateRawSync, inflateRawSync } from 'node:zlib'
import type { Account, HostOut, Membership } from '../ports/account-store.js'

/** Standard tier limit on a value, with room for the shard header. */
export const MAX_VALUE_CHARS = 4096
const HEADER = 'rd1'
export const SHARD_CHARS = MAX_VALUE_CHARS - 64

interface Compact {
  r: string
  u: string
  /** distinct memberships as [pool index, port or null] */
  m: Array<[number, number | null]>
  p: string[]
  c: string[]
  /** hosts: [instanceId, membership indexes, step, command index or -1, deploy started 0/1] */
  h: Array<[string, number[], string, number, 0 | 1]>
  s?: unknown
}

function indexer<T>(key: (t: T) => string) {
  const at = new Map<string, number>()
  const list: T[] = []
  return {
    list,
    of(t: T): number {
      const k = key(t)
      let i = at.get(k)
      if (i === undefined) {
        i = list.length
        list.push(t)
        at.set(k, i)
      }
      return i
    }
  }
}

function compact(a: Account): Compact {
  const pools = indexer<string>((p) => p)
  const cmds = indexer<string>((c) => c)
  const members = indexer<[number, number | null]>((m) => `${m[0]}:${m[1]}`)
  const h = a.hosts.map((host): Compact['h'][number] => [
    host.instanceId,
    host.memberships.map((m) => members.of([pools.of(m.pool), m.port ?? null])),
    host.step,
    host.commandId === undefined ? -1 : cmds.of(host.commandId),
    host.deployStarted ? 1 : 0
  ])
  const out: Compact = {
    r: a.runUrl,
    u: a.updatedAt,
    m: members.list,
    p: pools.list,
    c: cmds.list,
    h
  }
  if (a.scaling !== undefined) out.s = a.scaling
  return out
}

function expand(c: Compact): Account {
  const membership = (i: number): Membership => {
    const [pool, port] = c.m[i] ?? [-1, null]
    const m: Membership = { pool: c.p[pool] ?? '' }
    if (port !== null) m.port = port
    return m
  }
  const hosts = c.h.map(([instanceId, ms, step, cmd, started]): HostOut => {
    const host: HostOut = {
      instanceId,
      memberships: ms.map(membership),
      step,
      deployStarted: started === 1
    }
    if (cmd >= 0 && c.c[cmd] !== undefined) host.commandId = c.c[cmd]
    return host
  })
  const account: Account = { runUrl: c.r, updatedAt: c.u, hosts }
  if (c.s !== undefined) account.scaling = c.s
  return account
}

/** The values of generation `generation`, each at most MAX_VALUE_CHARS characters. */
export function encodeShards(account: Account, generation: number): string[] {
  const payload = deflateRawSync(Buffer.from(JSON.stringify(compact(account)))).toString('base64')
  const parts: string[] = []
  for (let i = 0; i < payload.length || i === 0; i += SHARD_CHARS)
    parts.push(payload.slice(i, i + SHARD_CHARS))
  return parts.map((p, i) => `${HEADER} ${generation} ${i} ${parts.length} ${p}`)
}

interface Shard {
  generation: number
  index: number
  count: number
  payload: string
}

function parseShard(value: string): Shard | undefined {
  const m = /^rd1 (\d+) (\d+) (\d+) ([A-Za-z0-9+/=]*)$/.exec(value)
  if (!m) return undefined
  return { generation: Number(m[1]), index: Number(m[2]), count: Number(m[3]), payload: m[4] ?? '' }
}

/** The newest complete generation among the values found (any order, any slot). */
export function decodeShards(
  values: string[]
): { generation: number; account: Account } | undefined {
  const byGen = new Map<number, Shard[]>()
  for (const v of values) {
    const s = parseShard(v)
    if (s) byGen.set(s.generation, [...(byGen.get(s.generation) ?? []), s])
  }
  for (const generation of [...byGen.keys()].sort((a, b) => b - a)) {
    const shards = byGen.get(generation) ?? []
    const count = shards[0]?.count ?? 0
    const found = new Map<number, string>()
    for (const s of shards) if (s.count === count && s.index < count) found.set(s.index, s.payload)
    if (count === 0 || found.size !== count) continue
    const ordered = Array.from({ length: count }, (_, i) => found.get(i) ?? '')
    try {
      const json = inflateRawSync(Buffer.from(ordered.join(''), 'base64')).toString()
      return { generation, account: expand(JSON.parse(json) as Compact) }
    } catch {
      continue // a generation that does not decode is skipped for the previous one
    }
  }
  return undefined
}

/** Slot of a generation: generations alternate so the previous one survives a torn write. */
export const slotOf = (generation: number): 'a' | 'b' => (generation % 2 === 0 ? 'a' : 'b')
