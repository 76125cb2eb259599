// One server across HAProxy nodes as one member state, on states captured from the real HAProxy
// 2.6 of this machine (fixtures/capture.sh).
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { memberState } from '../../src/haproxy/member-state.js'
import {
  type ServerOnNode,
  parseServersState,
  parseStat,
  serversOfBackend
} from '../../src/haproxy/runtime-output.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')
const captured = (state: string, server: string): ServerOnNode => {
  const read = (f: string) => readFileSync(join(fixtures, f), 'utf8')
  const all = serversOfBackend(
    'web',
    parseServersState(read(`${state}.servers-state.txt`)),
    parseStat(read(`${state}.stat.csv`))
  ).servers
  return all.find((s) => s.server === server)!
}
const on = (node: string, server: ServerOnNode | undefined) => ({ node, server })

describe('memberState', () => {
  it('in service only while ready and UP on every node', () => {
    const up = captured('ready', 's1')
    expect(memberState('web/s1', [on('mi-1', up), on('mi-2', up)])).toEqual({
      state: 'in-service',
      reason: 'web/s1 ready and UP on every node'
    })
  })

  it('draining while one node still has it ready, or any node still has a session', () => {
    const drained = captured('drain-and-maint-with-sessions', 's1')
    expect(
      memberState('web/s1', [on('mi-1', drained), on('mi-2', captured('ready', 's1'))])
    ).toEqual({
      state: 'draining',
      reason: 'web/s1: still ready on mi-2; 1 sessions, 0 queued on mi-1'
    })
    const idle = captured('drain-and-maint-idle', 's1')
    expect(memberState('web/s1', [on('mi-1', idle), on('mi-2', drained)]).state).toBe('draining')
  })

  it('out once drain or maint with no session and no queued request on every node', () => {
    const drain = captured('drain-and-maint-idle', 's1')
    const maint = captured('drain-and-maint-idle', 'i-0123456789abcdef0')
    expect(memberState('web/x', [on('mi-1', drain), on('mi-2', maint)])).toEqual({
      state: 'out',
      reason: 'web/x in drain/maint with no session on every node'
    })
    // A drained server whose health is down (show stat: DOWN) is still drained, and out.
    expect(memberState('web/s1', [on('mi-1', captured('drain-health-down', 's1'))]).state).toBe(
      'out'
    )
  })

  it('maint with a session left is still draining (shutdown sessions has not run)', () => {
    const maint = captured('drain-and-maint-with-sessions', 'i-0123456789abcdef0')
    expect(memberState('web/i', [on('mi-1', maint)])).toEqual({
      state: 'draining',
      reason: 'web/i: 1 sessions, 0 queued on mi-1'
    })
  })

  it('entering after health down + ready, until fresh checks bring it UP on every node', () => {
    const waiting = captured('ready-after-health-down', 's1')
    const up = captured('ready-after-fresh-checks', 's1')
    expect(memberState('web/s1', [on('mi-1', up), on('mi-2', waiting)])).toEqual({
      state: 'entering',
      reason: 'web/s1: waiting for fresh checks on mi-2'
    })
    expect(memberState('web/s1', [on('mi-1', up), on('mi-2', up)]).state).toBe('in-service')
  })

  it('unhealthy when ready but DOWN from failed checks', () => {
    expect(memberState('web/s3', [on('mi-1', captured('sessions', 's3'))])).toEqual({
      state: 'unhealthy',
      reason: 'web/s3: DOWN on mi-1 (last check L4CON)'
    })
  })

  it('unhealthy when soft-stopping, and when it has no check to come UP from', () => {
    const base = captured('ready', 's1')
    expect(
      memberState('web/s1', [
        on('mi-1', { ...base, operational: 'stopping', checkStatus: 'L7OKC' })
      ])
    ).toEqual({
      state: 'unhealthy',
      reason: 'web/s1: soft-stopping on mi-1 (check L7OKC)'
    })
    const unchecked = { ...base, operational: 'down' as const, status: 'no check', checkStatus: '' }
    expect(memberState('web/s1', [on('mi-1', unchecked)]).reason).toMatch(
      /has no health check on mi-1/
    )
  })

  it('unavailable when a node does not have the server', () => {
    expect(
      memberState('web/s1', [on('mi-1', captured('ready', 's1')), on('mi-2', undefined)])
    ).toEqual({
      state: 'unavailable',
      reason: 'web/s1 is not on node mi-2'
    })
  })
})
