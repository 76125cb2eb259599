// The log port: plain lines, warnings, errors and collapsible groups. Type-only module: no test
// file.

export interface Log {
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}
