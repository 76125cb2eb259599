// SSM Parameter Store behind the lock's store ports. Create-if-absent is PutParameter with
// Overwrite=false, which fails with ParameterAlreadyExists when the name exists -- including when
// the SDK retried a call whose first attempt had succeeded; the protocol (src/rollout/lock-protocol.ts)
// reads the value back to tell its own lock from another run's. GetParameter answers the Version
// the protocol's claims are named after (API reference: PutParameter, GetParameter; user guide:
// "Working with parameter versions in Parameter Store").

import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient
} from '@aws-sdk/client-ssm'
import type {
  LockStore as LegacyLockStore,
  StoredEntry,
  VersionedLockStore as LockStore
} from '../ports/lock-store.js'
import { errorName } from '../shared/errors.js'

const DESCRIPTION = 'rolling-deploy: a run holds this target group; deleted when it ends'

/** The versioned store of src/ports/lock-store.ts. */
export class SsmParameterStore implements LockStore {
  constructor(
    private readonly client: SSMClient,
    private readonly description = DESCRIPTION
  ) {}

  async create(name: string, value: string): Promise<'created' | 'exists'> {
    try {
      await this.put(name, value, false)
      return 'created'
    } catch (err) {
      if (errorName(err) === 'ParameterAlreadyExists') return 'exists'
      throw err
    }
  }

  async read(name: string): Promise<StoredEntry | undefined> {
    try {
      const out = await this.client.send(new GetParameterCommand({ Name: name }))
      const p = out.Parameter
      if (p?.Value === undefined || p.Version === undefined) return undefined
      return { value: p.Value, version: p.Version }
    } catch (err) {
      if (errorName(err) === 'ParameterNotFound') return undefined
      throw err
    }
  }

  async overwrite(name: string, value: string): Promise<number> {
    return this.put(name, value, true)
  }

  async delete(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteParameterCommand({ Name: name }))
    } catch (err) {
      if (errorName(err) !== 'ParameterNotFound') throw err
    }
  }

  private async put(name: string, value: string, overwrite: boolean): Promise<number> {
    const out = await this.client.send(
      new PutParameterCommand({
        Name: name,
        Value: value,
        Type: 'String',
        // Standard tier: free, 4 KB values; never let SSM pick Advanced (which is billed).
        Tier: 'Standard',
        Overwrite: overwrite,
        Description: this.description
      })
    )
    return out.Version ?? 0
  }
}

/**
 * The old LockStore of src/rollout/ports.ts, still used by src/rollout/lock.ts, main and post until
 * the orchestration moves onto lock-protocol.ts; it keeps its behaviour, on the store above.
 */
export class SsmLockStore implements LegacyLockStore {
  private readonly store: SsmParameterStore
  constructor(client: SSMClient) {
    this.store = new SsmParameterStore(client)
  }

  async create(name: string, value: string): Promise<boolean> {
    return (await this.store.create(name, value)) === 'created'
  }

  async read(name: string): Promise<string | undefined> {
    return (await this.store.read(name))?.value
  }

  async overwrite(name: string, value: string): Promise<void> {
    await this.store.overwrite(name, value)
  }

  async delete(name: string): Promise<void> {
    await this.store.delete(name)
  }
}
