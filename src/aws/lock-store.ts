// SSM Parameter Store behind the LockStore port: create-if-absent is PutParameter with
// Overwrite=false, which fails with ParameterAlreadyExists when another run holds the lock.

import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient
} from '@aws-sdk/client-ssm'
import type { LockStore } from '../ports/lock-store.js'
import { errorName } from '../shared/errors.js'

export class SsmLockStore implements LockStore {
  constructor(private readonly client: SSMClient) {}

  async create(name: string, value: string): Promise<boolean> {
    try {
      await this.put(name, value, false)
      return true
    } catch (err) {
      if (errorName(err) === 'ParameterAlreadyExists') return false
      throw err
    }
  }

  async read(name: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetParameterCommand({ Name: name }))
      return out.Parameter?.Value
    } catch (err) {
      if (errorName(err) === 'ParameterNotFound') return undefined
      throw err
    }
  }

  async overwrite(name: string, value: string): Promise<void> {
    await this.put(name, value, true)
  }

  async delete(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteParameterCommand({ Name: name }))
    } catch (err) {
      if (errorName(err) !== 'ParameterNotFound') throw err
    }
  }

  private async put(name: string, value: string, overwrite: boolean): Promise<void> {
    await this.client.send(
      new PutParameterCommand({
        Name: name,
        Value: value,
        Type: 'String',
        Overwrite: overwrite,
        Description: 'rolling-deploy: a run holds this target group; deleted when it ends'
      })
    )
  }
}
