// The journal the main step leaves for the post step: only hosts out of service, written once
// per change and before any AWS call queued after it, replaced whole in its file, and read back
// only when it is this version's.

import { describe, expect, it } from '@jest/globals'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  JournalWriter,
  journalFileSaver,
  journalPath,
  readJournal,
  readJournalFile
} from '../../src/journal/journal.js'
import type { HostRecord } from '../../src/rollout/outcome.js'

const TG_A = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/1'

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

describe('journalPath', () => {
  it("lives in the runner's temp folder, one file per run and step", () => {
    const env = { RUNNER_TEMP: '/runner/tmp', GITHUB_RUN_ID: '42', GITHUB_ACTION: 'deploy' }
    expect(journalPath(env)).toBe('/runner/tmp/rolling-deploy-journal-42-deploy.json')
    // Two steps of one job using the action keep two journals.
    expect(journalPath({ ...env, GITHUB_ACTION: 'deploy2' })).not.toBe(journalPath(env))
  })

  it('falls back to the system temp folder and the process id outside a runner', () => {
    expect(journalPath({})).toBe(
      path.join(tmpdir(), `rolling-deploy-journal-${process.pid}-step.json`)
    )
  })
})
