// The progress lines of one batch (issue 16 item 1), in order, on the virtual clock.

import { describe, it, expect } from '@jest/globals'
import { FakeWorld, SEC, settingsFor } from '../support/fake-ports.js'
import { consoleLink } from '../../src/rollout/batch-progress.js'

describe('batch progress lines', () => {
  it('say when draining starts and ends, the command sent with its console link, the count done, each verdict and each host back', async () => {
    const world = new FakeWorld({
      groups: [{ name: 'tg-a', deregistrationDelaySeconds: 5, targets: ['i-1', 'i-2'] }],
      hosts: {
        'i-1': { deploy: { durationMs: 5 * SEC } },
        'i-2': { deploy: { durationMs: 90 * SEC } }
      }
    })
    const out = await world.run(
      settingsFor({
        targetGroups: ['tg-a'],
        minHealthyPercent: 0,
        batchSize: [{ kind: 'count', value: 2 }],
        region: 'eu-west-1'
      })
    )
    expect(out.result).toBe('success')
    const lines = world.logLines.filter((l) => l.startsWith('info: batch 1: '))
    // The plan's own `batch 1: i-1, i-2` line comes first; the progress starts at the drain.
    const all = lines.map((l) => l.slice('info: batch 1: '.length))
    expect(all).toContain('draining i-1, i-2')
    const text = all.slice(all.indexOf('draining i-1, i-2'))
    expect(text[0]).toBe('draining i-1, i-2')
    expect(text[1]).toBe('drained in 30s (min-drain 30s)')
    expect(text[2]).toBe(
      'command deploy-2 sent to i-1, i-2 (https://eu-west-1.console.aws.amazon.com/systems-manager/run-command/deploy-2?region=eu-west-1)'
    )
    const order = (re: RegExp) => {
      const i = text.findIndex((t) => re.test(t))
      expect(i).toBeGreaterThan(2)
      return i
    }
    const oneDone = order(/^1\/2 done$/)
    expect(order(/^i-1 passed its health check \(version v2\)$/)).toBeGreaterThan(oneDone)
    expect(order(/^i-1 back in service$/)).toBeGreaterThan(order(/^i-1 passed/))
    const slow = order(/^still running after 1m\d*s?: i-2$/)
    const twoDone = order(/^2\/2 done$/)
    expect(twoDone).toBeGreaterThan(slow)
    expect(order(/^i-2 back in service$/)).toBeGreaterThan(twoDone)
    // While nothing changes, the count is repeated at most every ~10 s.
    const repeats = text.filter((t) => t === '1/2 done').length
    expect(repeats).toBeGreaterThanOrEqual(5)
    expect(repeats).toBeLessThanOrEqual(10)
  })

  it('links a command to the console of its region, and to nothing without a region', () => {
    expect(consoleLink('us-west-2', 'abc-123')).toBe(
      'https://us-west-2.console.aws.amazon.com/systems-manager/run-command/abc-123?region=us-west-2'
    )
    expect(consoleLink(undefined, 'abc-123')).toBeUndefined()
  })
})
