import { describe, expect, it } from 'vitest'
import { divFloor, divRoundHalfAway, toSafeNumber } from './round'

describe('divRoundHalfAway', () => {
  it.each([
    [10n, 4n, 3n], // 2.5 → 3
    [9n, 4n, 2n], // 2.25 → 2
    [11n, 4n, 3n], // 2.75 → 3
    [-10n, 4n, -3n], // −2.5 → −3 (away from zero, not toward +∞)
    [-9n, 4n, -2n],
    [-11n, 4n, -3n],
    [0n, 7n, 0n],
    [12n, 4n, 3n],
    [-12n, 4n, -3n],
    [1n, 2n, 1n],
    [-1n, 2n, -1n],
    [1n, 3n, 0n],
    [-1n, 3n, 0n],
  ])('%d / %d → %d', (n, d, expected) => {
    expect(divRoundHalfAway(n, d)).toBe(expected)
  })

  it('keeps precision beyond 2^53', () => {
    const big = 2n ** 60n + 1n
    expect(divRoundHalfAway(big * 2n + 1n, 2n)).toBe(big + 1n)
  })
})

describe('divFloor', () => {
  it('rounds toward −∞', () => {
    expect(divFloor(7n, 2n)).toBe(3n)
    expect(divFloor(-7n, 2n)).toBe(-4n)
    expect(divFloor(-8n, 2n)).toBe(-4n)
  })
})

describe('toSafeNumber', () => {
  it('refuses unsafe integers', () => {
    expect(toSafeNumber(42n)).toBe(42)
    expect(() => toSafeNumber(2n ** 53n)).toThrow(RangeError)
  })
})
