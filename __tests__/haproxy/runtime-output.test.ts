// Parsers on answers captured from the real HAProxy 2.6.12 of this machine (fixtures/capture.sh).
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  adminState,
  parseServersState,
  parseStat,
  serversOfBackend
} from '../../src/haproxy/runtime-output.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8')

const servers = (state: string) =>
  serversOfBackend(
    'web',
    parseServersState(fixture(`${state}.servers-state.txt`)),
    parseStat(fixture(`${state}.stat.csv`))
  )

const summary = (state: string) =>
  servers(state).servers.map((s) => [
    s.server,
    s.admin,
    s.operational,
    s.sessions,
    s.queued,
    s.status,
    s.checkStatus
  ])

describe('show servers state and show stat, as HAProxy 2.6 prints them', () => {
  it('reads every server of the backend with its address and ports, and only the servers', () => {
    const { servers: all, problems } = servers('ready')
    expect(problems).toEqual([])
    expect(all.map((s) => [s.server, s.address, s.port])).toEqual([
      ['s1', '127.0.0.1', 18081],
      ['i-0123456789abcdef0', '127.0.0.1', 18082],
      ['s3', '127.0.0.1', 18083]
    ])
  })

  it('ready: UP from checks; a server never checked yet is UP too (HAProxy starts servers UP)', () => {
    expect(summary('ready')).toEqual([
      ['s1', 'ready', 'up', 0, 0, 'UP', 'L7OK'],
      ['i-0123456789abcdef0', 'ready', 'up', 0, 0, 'UP', 'L7OK'],
      ['s3', 'ready', 'up', 0, 0, 'UP 1/2', 'INI']
    ])
  })

  it('sessions: a slow request counts as a current session (scur) of its server', () => {
    expect(summary('sessions')).toEqual([
      ['s1', 'ready', 'up', 1, 0, 'UP', 'L7OK'],
      ['i-0123456789abcdef0', 'ready', 'up', 1, 0, 'UP', 'L7OK'],
      ['s3', 'ready', 'down', 0, 0, 'DOWN', 'L4CON']
    ])
  })

  it('drain and maint keep their sessions until they end or are shut down', () => {
    expect(summary('drain-and-maint-with-sessions')).toEqual([
      ['s1', 'drain', 'up', 1, 0, 'DRAIN', 'L7OK'],
      ['i-0123456789abcdef0', 'maint', 'down', 1, 0, 'MAINT', ''],
      ['s3', 'ready', 'down', 0, 0, 'DOWN', 'L4CON']
    ])
    expect(summary('drain-and-maint-idle').slice(0, 2)).toEqual([
      ['s1', 'drain', 'up', 0, 0, 'DRAIN', 'L7OK'],
      ['i-0123456789abcdef0', 'maint', 'down', 0, 0, 'MAINT', '']
    ])
  })

  it('a drained server whose health is down reads DOWN in show stat: the admin state says drain', () => {
    expect(summary('drain-health-down')[0]).toEqual(['s1', 'drain', 'down', 0, 0, 'DOWN', 'L7OK'])
  })

  it('ready after health down stays DOWN until fresh checks, then UP', () => {
    expect(summary('ready-after-health-down')[0]).toEqual([
      's1',
      'ready',
      'down',
      0,
      0,
      'DOWN',
      'L7OK'
    ])
    expect(summary('ready-after-fresh-checks')[0]).toEqual([
      's1',
      'ready',
      'up',
      0,
      0,
      'UP',
      'L7OK'
    ])
  })

  it('a missing backend is an error carrying HAProxy’s words', () => {
    expect(parseServersState(fixture('missing-backend.servers-state.txt'))).toEqual({
      rows: [],
      error: "Can't find backend."
    })
  })

  it('reads the admin bits as HAProxy does: any maint bit wins over drain', () => {
    // enum srv_admin: FMAINT 0x01, IMAINT 0x02, CMAINT 0x04, FDRAIN 0x08, IDRAIN 0x10, RMAINT 0x20
    expect([0, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x09, 0x40].map(adminState)).toEqual([
      'ready',
      'maint',
      'maint',
      'maint',
      'drain',
      'drain',
      'maint',
      'maint',
      'ready'
    ])
  })

  it('names a server the two answers disagree on instead of guessing its counters', () => {
    const state = parseServersState(fixture('ready.servers-state.txt'))
    const stat = parseStat(fixture('ready.stat.csv').replace(/\nweb,s3,[^\n]*/, ''))
    expect(serversOfBackend('web', state, stat).problems).toEqual([
      'web/s3: incomplete state (show servers state and show stat disagree)'
    ])
  })
})
