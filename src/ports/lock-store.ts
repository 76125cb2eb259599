// The store the run lock lives in (SSM Parameter Store in production): versioned entries with
// create-if-absent, the only conditional write Parameter Store has. Replaces LockStore in
// src/rollout/ports.ts once the orchestration moves onto src/ports/.

/** One stored entry as GetParameter returns it: the value and its version (1 on creation). */
export interface StoredEntry {
  value: string
  version: number
}

export interface LockStore {
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
