import { PatronError } from '../errors'

/**
 * Splits `totalMinor` over parts in proportion to `weights` with the largest-remainder method
 * of sales.md: each part first gets the floor of its exact share, then the remaining minor
 * units go one each to the parts with the largest fractional remainders, ties to the earlier
 * part. The parts always sum exactly to the total. All-zero weights split evenly.
 * Works for negative totals too (the shares mirror those of the positive total).
 */
export function allocate(totalMinor: number, weights: readonly (number | bigint)[]): number[] {
  if (!Number.isSafeInteger(totalMinor)) throw new PatronError('INVALID_AMOUNT', 'Amount must be an integer', { totalMinor })
  if (weights.length === 0) {
    if (totalMinor === 0) return []
    throw new PatronError('INVALID_ALLOCATION', 'Cannot allocate an amount over no parts', { totalMinor })
  }
  if (totalMinor < 0) return allocate(-totalMinor, weights).map((v) => (v === 0 ? 0 : -v))
  let w = weights.map((x) => BigInt(x))
  if (w.some((x) => x < 0n)) throw new PatronError('INVALID_ALLOCATION', 'Weights must not be negative', {})
  let sum = w.reduce((a, b) => a + b, 0n)
  if (sum === 0n) {
    w = w.map(() => 1n)
    sum = BigInt(w.length)
  }
  const total = BigInt(totalMinor)
  const parts: bigint[] = []
  const remainders: { index: number; rem: bigint }[] = []
  let given = 0n
  w.forEach((weight, index) => {
    const exact = total * weight
    const part = exact / sum
    parts.push(part)
    given += part
    remainders.push({ index, rem: exact % sum })
  })
  let left = total - given
  // Stable sort: equal remainders keep their order, so ties go to the earlier part.
  remainders.sort((a, b) => (a.rem === b.rem ? a.index - b.index : a.rem > b.rem ? -1 : 1))
  for (let i = 0; left > 0n; i++, left--) parts[remainders[i].index] += 1n
  return parts.map((p) => Number(p))
}
