// How a value reaches a shell on a host without ever being parsed by it: as a base64 literal
// (only [A-Za-z0-9+/=], safe inside single quotes) that the script decodes with `base64 -d`.
// Shared by the health script and the HAProxy node scripts, so both quote the same way.

export const b64 = (value: string): string => Buffer.from(value, 'utf8').toString('base64')

/** A shell assignment of `value` to `name`, decoded on the host: `name=$(printf … | base64 -d)`. */
export const decodedAssignment = (name: string, value: string): string =>
  `${name}=$(printf '%s' '${b64(value)}' | base64 -d)`
