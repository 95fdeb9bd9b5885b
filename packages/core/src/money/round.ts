/**
 * Integer division with the rounding rules of sales.md, on bigint so that amount × rate never
 * loses precision. All results are returned as safe JavaScript integers.
 */

/** n / d rounded half away from zero. d > 0. */
export function divRoundHalfAway(n: bigint, d: bigint): bigint {
  const q = n / d
  const r = n % d
  if (r === 0n) return q
  const twice = (r < 0n ? -r : r) * 2n
  if (twice >= d) return n < 0n ? q - 1n : q + 1n
  return q
}

/** floor(n / d), d > 0 (toward −∞, unlike bigint division which truncates). */
export function divFloor(n: bigint, d: bigint): bigint {
  const q = n / d
  return n % d !== 0n && n < 0n ? q - 1n : q
}

export function toSafeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`Amount ${v} is outside the safe integer range`)
  }
  return Number(v)
}
