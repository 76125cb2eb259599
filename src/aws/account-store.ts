// The durable account in SSM Parameter Store, Standard tier, next to the lock:
// /rolling-deploy/account/<lock suffix>/<slot><shard> (slot a or b, see account-codec.ts), under
// the same IAM resource pattern as the lock, arn:aws:ssm:*:*:parameter/rolling-deploy/*.
// Calls: PutParameter (Overwrite=true) per shard, GetParametersByPath on the account's path,
// DeleteParameter for shards no longer used.

import {
  DeleteParameterCommand,
  PutParameterCommand,
  SSMClient,
  paginateGetParametersByPath
} from '@aws-sdk/client-ssm'
import type { Account, AccountStore } from '../ports/account-store.js'
import { decodeShards, encodeShards, slotOf } from './account-codec.js'
import { errorName } from '../shared/errors.js'

export const ACCOUNT_PREFIX = '/rolling-deploy/account/'

interface Known {
  generation: number
  names: Set<string>
}

export class SsmAccountStore implements AccountStore {
  /** What this run last saw or wrote per key: spares a read before every write. */
  private readonly known = new Map<string, Known>()

  constructor(private readonly client: SSMClient) {}

  path(key: string): string {
    return `${ACCOUNT_PREFIX}${key}`
  }

  async read(key: string): Promise<Account | undefined> {
    const found = await this.list(key)
    const decoded = decodeShards([...found.values()])
    this.known.set(key, { generation: decoded?.generation ?? 0, names: new Set(found.keys()) })
    return decoded?.account
  }

  async write(key: string, account: Account): Promise<void> {
    const known = this.known.get(key) ?? (await this.read(key), this.known.get(key)!)
    const generation = known.generation + 1
    const slot = `${this.path(key)}/${slotOf(generation)}`
    const values = encodeShards(account, generation)
    const written = values.map((_, i) => `${slot}${i}`)
    for (const [i, value] of values.entries()) {
      await this.client.send(
        new PutParameterCommand({
          Name: written[i],
          Value: value,
          Type: 'String',
          Tier: 'Standard',
          Overwrite: true,
          Description: 'rolling-deploy: hosts a run took out of service (deleted when it ends)'
        })
      )
    }
    // Leftover shards of an older, longer generation in this slot would only confuse a person.
    const left = [...known.names].filter((n) => n.startsWith(slot) && !written.includes(n))
    for (const name of left) await this.remove(name)
    const names = new Set([...known.names].filter((n) => !left.includes(n)))
    for (const n of written) names.add(n)
    this.known.set(key, { generation, names })
  }

  async clear(key: string): Promise<void> {
    const found = await this.list(key)
    for (const name of found.keys()) await this.remove(name)
    this.known.set(key, { generation: 0, names: new Set() })
  }

  private async list(key: string): Promise<Map<string, string>> {
    const found = new Map<string, string>()
    const pages = paginateGetParametersByPath(
      { client: this.client },
      { Path: this.path(key), Recursive: false, MaxResults: 10 }
    )
    for await (const page of pages) {
      for (const p of page.Parameters ?? [])
        if (p.Name && p.Value !== undefined) found.set(p.Name, p.Value)
    }
    return found
  }

  private async remove(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteParameterCommand({ Name: name }))
    } catch (err) {
      if (errorName(err) !== 'ParameterNotFound') throw err
    }
  }
}
