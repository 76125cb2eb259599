// Batches and the capacity guard. Pure arithmetic: no AWS, no clock.

import { resolveAmount, type Amount } from './settings.js'

/** Hosts that must stay healthy and in service during every batch: ceil(percent × fleet / 100). */
export function minInService(minHealthyPercent: number, fleetSize: number): number {
  return Math.ceil((minHealthyPercent * fleetSize) / 100)
}

/** The planned size of batch `index` (0-based): the list's last entry repeats. */
export function batchSizeAt(sizes: Amount[], index: number, fleetSize: number): number {
  const entry = sizes[Math.min(index, sizes.length - 1)] ?? { kind: 'count', value: 1 }
  return Math.max(1, resolveAmount(entry, fleetSize))
}

/** How many hosts may be out at once given how many are in service now. */
export function capacityAllowance(inService: number, minimum: number): number {
  return inService - minimum
}

export interface Plan {
  batches: string[][]
  fleetSize: number
  minInService: number
  /** Batches the capacity guard made smaller than asked, for the log. */
  notes: string[]
}

/**
 * The batches as they will run if nothing fails: the eligible hosts in order, each batch as big
 * as batch-size asks but never so big that fewer than minInService hosts stay in service.
 */
export function planBatches(
  sizes: Amount[],
  eligible: string[],
  fleetSize: number,
  minHealthyPercent: number,
  inService = eligible.length
): Plan {
  const minimum = minInService(minHealthyPercent, fleetSize)
  const allowance = capacityAllowance(inService, minimum)
  const batches: string[][] = []
  const notes: string[] = []
  let next = 0
  while (next < eligible.length) {
    const asked = batchSizeAt(sizes, batches.length, fleetSize)
    const size = Math.max(1, Math.min(asked, allowance, eligible.length - next))
    if (size < Math.min(asked, eligible.length - next)) {
      notes.push(
        `batch ${batches.length + 1}: ${size} instead of ${asked} host(s), so that ${minimum} of ${fleetSize} stay in service (min-healthy-percent)`
      )
    }
    batches.push(eligible.slice(next, next + size))
    next += size
  }
  if (allowance < 1 && eligible.length > 0) {
    notes.push(
      `only ${inService} host(s) are in service and ${minimum} must stay in service: no host can be taken out until more recover (min-healthy-percent)`
    )
  }
  return { batches, fleetSize, minInService: minimum, notes }
}
