// The error for a problem with what the user asked for: every layer may throw it, the entry
// reports its message as it is.

/** A problem with what the user asked for (unknown target group, empty fleet, ...). */
export class ConfigError extends Error {
  override name = 'ConfigError'
}
