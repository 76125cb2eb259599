// The log port: debug lines, plain lines, warnings, errors and collapsible groups. Type-only module: no test
// file.

export interface Log {
  /** Shown only when the run is debugged (RUNNER_DEBUG=1): retries, throttling. */
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}
