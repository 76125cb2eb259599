// The durable account port (src/ports/account-store.ts) in memory: a fake of the port, not of
// AWS. How Parameter Store keeps it (Standard tier, shards, PutParameter/GetParametersByPath) is
// modelled and tested in __tests__/aws/account-store.test.ts, on the documented store.
// Each write replaces the account whole and at once, as the port promises.

import type { Account, AccountStore } from '../../src/ports/account-store.js'

export class MemoryAccountStore implements AccountStore {
  readonly accounts = new Map<string, string>()
  readonly calls: string[] = []

  async write(key: string, account: Account): Promise<void> {
    this.calls.push(`write ${key} ${account.hosts.map((h) => h.instanceId).join(',')}`)
    this.accounts.set(key, JSON.stringify(account))
  }

  async read(key: string): Promise<Account | undefined> {
    this.calls.push(`read ${key}`)
    const raw = this.accounts.get(key)
    return raw === undefined ? undefined : (JSON.parse(raw) as Account)
  }

  async clear(key: string): Promise<void> {
    this.calls.push(`clear ${key}`)
    this.accounts.delete(key)
  }

  hostsOf(key: string): string[] {
    const raw = this.accounts.get(key)
    return raw ? (JSON.parse(raw) as Account).hosts.map((h) => h.instanceId) : []
  }
}
