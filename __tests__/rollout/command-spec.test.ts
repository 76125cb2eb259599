// What SendCommand is given: the user's script through AWS-RunShellScript with its execution
// timeout from command-timeout, or the user's document with its parameters. The delivery timeout
// is kept inside SendCommand's documented TimeoutSeconds range, 30 to 2,592,000 seconds:
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html

import { describe, it, expect } from '@jest/globals'
import { settingsFor } from '../support/settings.js'
import { deploySpec, rollbackSpec } from '../../src/rollout/command-spec.js'

describe('deploySpec', () => {
  it('runs the script through AWS-RunShellScript, its timeout in whole seconds', () => {
    const spec = deploySpec(
      settingsFor({
        deploy: { kind: 'command', script: './deploy.sh v2' },
        commandTimeoutMs: 600_500,
        expectedVersion: 'v2'
      })
    )
    expect(spec).toEqual({
      documentName: 'AWS-RunShellScript',
      parameters: { commands: ['./deploy.sh v2'], executionTimeout: ['601'] },
      deliveryTimeoutSeconds: 601,
      comment: 'rolling-deploy v2'
    })
  })

  it("sends the user's document with its parameters as given", () => {
    const spec = deploySpec(
      settingsFor({
        deploy: { kind: 'document', name: 'Deploy-App', parameters: { version: ['v2'] } },
        commandTimeoutMs: 60_000,
        expectedVersion: undefined
      })
    )
    expect(spec).toEqual({
      documentName: 'Deploy-App',
      parameters: { version: ['v2'] },
      deliveryTimeoutSeconds: 60,
      comment: 'rolling-deploy'
    })
  })

  it('keeps the delivery timeout within 30 s to 30 days', () => {
    const at = (ms: number) =>
      deploySpec(settingsFor({ commandTimeoutMs: ms })).deliveryTimeoutSeconds
    expect(at(5_000)).toBe(30)
    expect(at(40 * 24 * 3_600_000)).toBe(2_592_000)
  })
})

describe('rollbackSpec', () => {
  it('runs rollback-command, or `true` when there is none', () => {
    const spec = rollbackSpec(settingsFor({ rollbackCommand: './rollback.sh' }))
    expect(spec).toMatchObject({
      documentName: 'AWS-RunShellScript',
      parameters: { commands: ['./rollback.sh'] },
      comment: 'rolling-deploy rollback'
    })
    expect(rollbackSpec(settingsFor({ rollbackCommand: undefined })).parameters).toMatchObject({
      commands: ['true']
    })
  })
})
