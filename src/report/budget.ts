// The byte budget of the job summary: GitHub drops a step's whole summary above 1 MiB, so each
// growing part (batch rows, host rows, output blocks) takes items only while they fit.

/** GitHub drops a step's whole summary above 1 MiB: stay well below, whatever the fleet. */
export const SUMMARY_LIMIT_BYTES = 1_000_000

/** Room kept free after the last item taken, for the "left out" note that may follow it. */
const NOTE_ROOM_BYTES = 200

export const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

export interface Fitted {
  /** The rendered items that fit, in order. */
  texts: string[]
  /** How many items did not fit (0 when all did). */
  leftOut: number
}

/**
 * Renders `items` in order while they fit in `budgetBytes`, counting `usedBytes` already taken and
 * `separatorBytes` between items; stops at the first item that does not fit, so what is shown is
 * always a prefix of the list.
 */
export function fitToBudget<T>(
  items: readonly T[],
  render: (item: T) => string,
  budget: { usedBytes: number; budgetBytes: number; separatorBytes: number }
): Fitted {
  const texts: string[] = []
  let used = budget.usedBytes
  for (const [i, item] of items.entries()) {
    const text = render(item)
    if (used + bytes(text) + NOTE_ROOM_BYTES > budget.budgetBytes) {
      return { texts, leftOut: items.length - i }
    }
    texts.push(text)
    used += bytes(text) + budget.separatorBytes
  }
  return { texts, leftOut: 0 }
}
