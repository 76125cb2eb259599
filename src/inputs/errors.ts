// How an invalid input is recorded and shown: one line naming the input, the value and the fix.

/** One invalid input. `message` names the input and the value and says how to fix it. */
export interface InputError {
  input: string
  value: string
  message: string
}

/** Records one invalid input; every parser takes one so all problems are reported together. */
export type Fail = (input: string, value: string, message: string) => void

const MAX_SHOWN_VALUE = 200

/** Cuts a value to at most 200 characters (code points, so no half surrogate pair). */
export function truncate(value: string): string {
  const chars = Array.from(value)
  return chars.length <= MAX_SHOWN_VALUE
    ? value
    : chars.slice(0, MAX_SHOWN_VALUE - 1).join('') + '…'
}

/** A value quoted for a message: truncated, and every invisible or line-breaking character escaped
 *  so the annotation stays on one line and shows what was really given. */
export function show(value: string): string {
  return JSON.stringify(truncate(value)).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')
  )
}

/**
 * Formats an error as the one line of a `::error` annotation. Messages already name the input,
 * the value and the fix; this keeps the line single even for a hand-built error.
 */
export function formatInputError(e: InputError): string {
  const text = e.message.includes(e.input) ? e.message : `${e.input}: ${e.message}`
  return text.replace(/[\r\n]+/g, ' ')
}
