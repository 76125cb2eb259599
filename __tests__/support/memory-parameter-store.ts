// SSM Parameter Store in memory, for the lock protocol and the account codec. It follows:
// - PutParameter (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html):
//   Overwrite=false on an existing name fails with ParameterAlreadyExists ("The parameter already
//   exists. You can't create duplicate parameters."), whoever created it; Overwrite=true creates or
//   replaces; the answer carries the new Version.
// - "Working with parameter versions in Parameter Store" (userguide/sysman-paramstore-versions.html):
//   a new parameter is version 1; each change of value adds one.
// - DeleteParameter: deletes the parameter (ParameterNotFound when absent). The docs are silent on
//   the version of a parameter created again after deletion: this model restarts it at 1, the
//   worst case for a protocol keyed on versions (a version number recurs).
// - GetParameter answers the latest version and its value, or ParameterNotFound.
// Each call takes effect at once and atomically (requests to one parameter are serialised by SSM;
// TooManyUpdates is a throttle, not a partial write).

import type { StoredEntry, VersionedLockStore as LockStore } from '../../src/ports/lock-store.js'

export class MemoryParameterStore implements LockStore {
  readonly entries = new Map<string, StoredEntry>()
  readonly calls: string[] = []

  async create(name: string, value: string): Promise<'created' | 'exists'> {
    this.calls.push(`create ${name}`)
    if (this.entries.has(name)) return 'exists'
    this.entries.set(name, { value, version: 1 })
    return 'created'
  }

  async read(name: string): Promise<StoredEntry | undefined> {
    this.calls.push(`read ${name}`)
    const e = this.entries.get(name)
    return e && { ...e }
  }

  async overwrite(name: string, value: string): Promise<number> {
    this.calls.push(`overwrite ${name}`)
    const version = (this.entries.get(name)?.version ?? 0) + 1
    this.entries.set(name, { value, version })
    return version
  }

  async delete(name: string): Promise<void> {
    this.calls.push(`delete ${name}`)
    this.entries.delete(name)
  }
}
