import { describe, expect, it } from '@jest/globals'
import { renderPostSummary, restoreAfterCancel, type PostDeps } from '../src/post.js'
import type { Journal, JournalHost } from '../src/journal/journal.js'
import {
  JournalWriter,
  journalFileSaver,
  readJournal,
  readJournalFile
} from '../src/journal/journal.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { MemoryParameterStore } from './support/memory-parameter-store.js'
import type { HostRecord } from '../src/rollout/outcome.js'

const TG_A = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/1'
const TG_B = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/b/2'

function host(id: string, patch: Partial<JournalHost>): JournalHost {
  return {
    instanceId: id,
    memberships: [
      { poolId: TG_A, port: 80 },
      { poolId: TG_B, port: 8080 }
    ],
    state: 'pending',
    step: 'drain',
    commandSent: false,
    ...patch
  }
}

function deps(failRegister = false) {
  const calls: string[] = []
  const warnings: string[] = []
  const store = new (class extends MemoryParameterStore {
    override async delete(n: string): Promise<void> {
      calls.push(`delete ${n}`)
      return super.delete(n)
    }
  })()
  const params = { set: (n: string, v: string) => store.entries.set(n, { value: v, version: 1 }) }
  const d: PostDeps = {
    lb: {
      resolvePools: async () => [],
      describeMembers: async () => [],
      takeOut: async (arn, t) => {
        calls.push(`deregister ${arn} ${t.map((x) => `${x.instanceId}:${x.port}`).join(',')}`)
      },
      putBack: async (arn, t) => {
        calls.push(`register ${arn} ${t.map((x) => `${x.instanceId}:${x.port}`).join(',')}`)
        if (failRegister) throw Object.assign(new Error('denied'), { name: 'AccessDenied' })
      }
    },
    locks: store,
    log: {
      info: () => {},
      warning: (m) => warnings.push(m),
      error: () => {},
      group: (_n, fn) => fn()
    }
  }
  return { d, calls, params, warnings }
}

const lockValue = {
  runUrl: 'run-1',
  startedAt: '2026-11-23T12:00:00.000Z',
  expiresAt: '2026-11-23T14:00:00.000Z',
  token: 'tok-1'
}

describe('post step after a cancel', () => {
  const journal: Journal = {
    version: 1,
    runUrl: 'run-1',
    finished: false,
    result: 'cancelled',
    locks: { names: ['/rolling-deploy/lock/a'], value: lockValue },
    hosts: [
      host('i-drained', { step: 'drain' }),
      host('i-running', { step: 'command', commandSent: true, commandId: 'cmd-7' }),
      host('i-failed', { state: 'failed', step: 'verify', commandSent: true, reason: 'HTTP 503' })
    ]
  }

  it('registers back drained hosts whose command never started, to every group and port', async () => {
    const { d, calls } = deps()
    const out = await restoreAfterCancel(journal, d)
    expect(out.restored.map((h) => h.instanceId)).toEqual(['i-drained'])
    expect(calls.filter((c) => c.startsWith('register'))).toEqual([
      `register ${TG_A} i-drained:80`,
      `register ${TG_B} i-drained:8080`
    ])
    expect(calls.some((c) => c.includes('i-running') || c.includes('i-failed'))).toBe(false)
  })

  it('reports every host left out with a warning naming it and its command', async () => {
    const { d, warnings } = deps()
    const out = await restoreAfterCancel(journal, d)
    expect(out.leftOut.map((l) => l.host.instanceId)).toEqual(['i-running', 'i-failed'])
    expect(warnings.find((w) => w.startsWith('i-running'))).toContain('cmd-7')
    expect(warnings.find((w) => w.startsWith('i-failed'))).toContain('failed at verify')
    const summary = renderPostSummary(journal, out)
    expect(summary).toContain('| i-running | command | cmd-7 |')
    expect(summary).toContain(
      '| i-drained | drained at step drain, no command sent | registered back in its target groups |'
    )
  })

  it('releases the run lock it still holds', async () => {
    const { d, calls, params } = deps()
    params.set('/rolling-deploy/lock/a', JSON.stringify(lockValue))
    const out = await restoreAfterCancel(journal, d)
    expect(out.releasedLocks).toEqual(['/rolling-deploy/lock/a'])
    expect(calls).toContain('delete /rolling-deploy/lock/a')
  })

  it('reports a host it could not register back instead of calling it restored', async () => {
    const { d, warnings } = deps(true)
    const out = await restoreAfterCancel(journal, d)
    expect(out.restored).toEqual([])
    expect(warnings.find((w) => w.startsWith('i-drained'))).toContain('could not register it back')
  })
})

describe('journal', () => {
  const record = (id: string, patch: Partial<HostRecord>): HostRecord => ({
    instanceId: id,
    memberships: [{ poolId: TG_A, port: 80 }],
    batch: 1,
    state: 'pending',
    step: 'plan',
    outOfService: false,
    commandSent: false,
    ...patch
  })

  it('keeps only hosts out of service and saves once per change, coalesced', async () => {
    const saved: string[] = []
    const w = new JournalWriter({ runUrl: 'run-1' }, (json) => saved.push(json))
    const hosts = [record('i-1', {}), record('i-2', { outOfService: true, step: 'drain' })]
    w.hosts(hosts)
    w.hosts(hosts)
    await Promise.resolve()
    w.hosts(hosts)
    await Promise.resolve()
    expect(saved).toHaveLength(1)
    const j = readJournal(saved[0]!)!
    expect(j.hosts.map((h) => h.instanceId)).toEqual(['i-2'])
    hosts[1]!.step = 'command'
    hosts[1]!.commandSent = true
    w.hosts(hosts)
    // Written before anything queued after the change runs (an AWS request, say).
    await Promise.resolve()
    expect(saved).toHaveLength(2)
    expect(readJournal(saved[1]!)!.hosts[0]).toMatchObject({ step: 'command', commandSent: true })
  })

  it('round-trips through its file, replaced whole on every save', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rd-journal-')), 'j.json')
    const w = new JournalWriter({ runUrl: 'run-1' }, journalFileSaver(file))
    w.set({ result: 'cancelled' })
    w.hosts([record('i-9', { outOfService: true, step: 'drain' })])
    w.flush()
    const j = readJournalFile(file)!
    expect(j.result).toBe('cancelled')
    expect(j.hosts.map((h) => h.instanceId)).toEqual(['i-9'])
    expect(readJournalFile(path.join(path.dirname(file), 'missing.json'))).toBeUndefined()
  })

  it('reads nothing from an empty or foreign state', () => {
    expect(readJournal('')).toBeUndefined()
    expect(readJournal('{"version":2}')).toBeUndefined()
    expect(readJournal('not json')).toBeUndefined()
  })
})
