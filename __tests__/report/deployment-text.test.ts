import { describe, it, expect } from '@jest/globals'
import { deploymentState, describeOutcome } from '../../src/report/deployment-text.js'
import type { HostRecord } from '../../src/rollout/outcome.js'

const host = (state: HostRecord['state']): HostRecord => ({
  instanceId: 'i-1',
  memberships: [],
  batch: 1,
  state,
  step: 'done',
  outOfService: false,
  commandSent: true
})

describe('deploymentState', () => {
  it.each([
    ['success', 'success'],
    ['failed', 'failure'],
    ['rolled-back', 'failure'],
    ['cancelled', 'failure'],
    ['dry-run', 'inactive']
  ] as const)('a %s run ends the deployment %s', (result, state) => {
    expect(deploymentState(result)).toBe(state)
  })
})

describe('describeOutcome', () => {
  it('counts deployed and failed always, the other states only when there are some', () => {
    expect(
      describeOutcome({
        result: 'failed',
        reason: 'x'.repeat(300),
        hosts: [host('deployed'), host('failed'), host('pending')]
      })
    ).toBe(`rolling-deploy failed: 1 deployed, 1 failed, 1 pending (${'x'.repeat(300)})`)
    expect(
      describeOutcome({ result: 'success', hosts: [host('deployed'), host('deployed')] })
    ).toBe('rolling-deploy success: 2 deployed, 0 failed')
  })

  it('names rolled-back and skipped hosts', () => {
    expect(
      describeOutcome({
        result: 'rolled-back',
        reason: 'canary failed',
        hosts: [host('rolled-back'), host('skipped'), host('failed')]
      })
    ).toBe(
      'rolling-deploy rolled-back: 0 deployed, 1 failed, 1 rolled back, 1 skipped (canary failed)'
    )
  })
})
