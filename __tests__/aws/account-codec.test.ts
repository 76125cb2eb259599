// The account as Standard-tier parameter values: every value within 4,096 characters whatever the
// fleet, a round trip that loses nothing, and a torn write that leaves the previous account readable.

import fc from 'fast-check'
import { MAX_VALUE_CHARS, decodeShards, encodeShards } from '../../src/aws/account-codec.js'
import type { Account, HostOut } from '../../src/ports/account-store.js'

const TG = (n: number) =>
  `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-${n}/0123456789abcdef`
// Instance IDs as random as real ones (17 hex digits): they are what deflate cannot shrink.
const id = (i: number) =>
  `i-0${((BigInt(i + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn).toString(16).padStart(16, '0')}`

function batchOut(n: number): Account {
  const hosts: HostOut[] = Array.from({ length: n }, (_, i) => ({
    instanceId: id(i),
    memberships: [
      { pool: TG(1), port: 8080 },
      { pool: TG(2), port: 8081 + (i % 3) }
    ],
    step: i % 2 ? 'deploy' : 'drain',
    ...(i % 2
      ? { commandId: `0b1c2d3e-4f50-6172-8394-a5b6c7d8e9${(i % 20).toString().padStart(2, '0')}` }
      : {}),
    deployStarted: i % 2 === 1
  }))
  return {
    runUrl: 'https://github.com/o/r/actions/runs/123456789',
    updatedAt: '2026-11-28T06:00:00.000Z',
    hosts,
    scaling: { suspended: [{ group: 'web-asg', processes: ['AZRebalance', 'Terminate'] }] }
  }
}

describe('account codec', () => {
  it('puts a 1,000-host batch out at once into a few Standard values and reads it back whole', () => {
    const account = batchOut(1000)
    const values = encodeShards(account, 1)
    for (const v of values) expect(v.length).toBeLessThanOrEqual(MAX_VALUE_CHARS)
    expect(values.length).toBeLessThanOrEqual(6)
    expect(decodeShards([...values].reverse())).toEqual({ generation: 1, account })
  })

  it('keeps a small account in one value', () => {
    const values = encodeShards(batchOut(10), 3)
    expect(values).toHaveLength(1)
    expect(decodeShards(values)?.account).toEqual(batchOut(10))
  })

  it('an empty account (nothing out) still round-trips', () => {
    const empty: Account = { runUrl: 'u', updatedAt: 't', hosts: [] }
    expect(decodeShards(encodeShards(empty, 1))?.account).toEqual(empty)
  })

  it('reads the previous generation when the newest was torn (a shard missing or old)', () => {
    const before = batchOut(600)
    const after = batchOut(900)
    const g1 = encodeShards(before, 1)
    const g2 = encodeShards(after, 2)
    expect(g2.length).toBeGreaterThan(1)
    // The run died after writing only the first shard of generation 2.
    expect(decodeShards([...g1, g2[0]!])).toEqual({ generation: 1, account: before })
    expect(decodeShards([...g1, ...g2])).toEqual({ generation: 2, account: after })
  })

  it('skips values that are not shards, and answers undefined when nothing is complete', () => {
    expect(decodeShards(['hello', 'rd1 1 1 2 AAAA'])).toBeUndefined()
    expect(decodeShards([])).toBeUndefined()
  })

  it('round-trips any account, each value within the Standard limit', () => {
    const host = fc.record(
      {
        instanceId: fc.stringMatching(/^i-[0-9a-f]{17}$/),
        memberships: fc.array(
          fc.record(
            {
              pool: fc.constantFrom(TG(1), TG(2), 'haproxy/web'),
              port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })
            },
            { requiredKeys: ['pool'] }
          ),
          { maxLength: 3 }
        ),
        step: fc.constantFrom('drain', 'deploy', 'health', 'restore'),
        commandId: fc.option(fc.uuid(), { nil: undefined }),
        deployStarted: fc.boolean()
      },
      { requiredKeys: ['instanceId', 'memberships', 'step', 'deployStarted'] }
    )
    fc.assert(
      fc.property(fc.array(host, { maxLength: 300 }), fc.nat(), (hosts, gen) => {
        const account: Account = { runUrl: 'u', updatedAt: 't', hosts: hosts as HostOut[] }
        const values = encodeShards(account, gen)
        expect(values.every((v) => v.length <= MAX_VALUE_CHARS)).toBe(true)
        expect(decodeShards(values)?.account).toEqual(JSON.parse(JSON.stringify(account)))
      }),
      { numRuns: 50 }
    )
  })
})
