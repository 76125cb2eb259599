// The lock store port: a key-value store with create-if-absent. Type-only module: no test file.

/** A key-value store with create-if-absent, for the per-target-group run lock. */
export interface LockStore {
  /** Creates the entry; false when it already exists. */
  create(name: string, value: string): Promise<boolean>
  read(name: string): Promise<string | undefined>
  overwrite(name: string, value: string): Promise<void>
  delete(name: string): Promise<void>
}

/** What a lock entry holds: who holds it and until when. */
export interface LockValue {
  runUrl: string
  startedAt: string
  expiresAt: string
  /** Unique per acquisition (rollout/lock-protocol.ts): tells this run's lock from another's. */
  token?: string
}

/** The locks one run holds (the journal keeps them for the post step). */
export interface HeldLocks {
  names: string[]
  value: LockValue
}

/** One stored entry as GetParameter returns it: the value and its version (1 on creation). */
export interface StoredEntry {
  value: string
  version: number
}

/**
 * The versioned store the lock protocol (rollout/lock-protocol.ts) drives: create-if-absent is the
 * only conditional write Parameter Store has, so every change to an existing entry goes through a
 * claim created if absent. It replaces LockStore above once the rollout's lock moves onto the
 * protocol.
 */
export interface VersionedLockStore {
  /**
   * Creates the entry only if no entry of that name exists (PutParameter Overwrite=false).
   * 'exists' when one does, whoever wrote it: a retried call whose first attempt succeeded
   * answers 'exists' too, so the caller reads the value back to know whose it is.
   */
  create(name: string, value: string): Promise<'created' | 'exists'>
  read(name: string): Promise<StoredEntry | undefined>
  /** Unconditional write (Overwrite=true): creates or replaces; answers the new version. */
  overwrite(name: string, value: string): Promise<number>
  /** Deletes the entry and its history; an absent entry is not an error. */
  delete(name: string): Promise<void>
}
