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
}

/** The locks one run holds (the journal keeps them for the post step). */
export interface HeldLocks {
  names: string[]
  value: LockValue
}
