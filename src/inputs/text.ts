// The lexical pieces several inputs share: lists, counts, decimals and percents.

/** Splits a list input on commas and newlines; empty entries are dropped. */
export function splitList(raw: string): string[] {
  return raw
    .split(/[,\r\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

export const unique = (items: string[]): string[] => [...new Set(items)]

/** A plain decimal (no sign, exponent or hex): Number() alone would take ' 1e2 ' or '0x10'. */
export function parseDecimal(text: string): number | undefined {
  return /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : undefined
}

export function parseCount(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : undefined
}

/** `N%` (spaces before % allowed) → N, else undefined. */
export function parsePercent(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text)
  return m?.[1] === undefined ? undefined : Number(m[1])
}
