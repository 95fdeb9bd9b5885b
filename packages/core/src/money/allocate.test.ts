import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { allocate } from './allocate'

describe('allocate (largest remainder)', () => {
  it('worked example: 1.00 over three equal lines → 0.34, 0.33, 0.33 (tie to the first)', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33])
  })

  it('worked example: cart discount 10.00 over three lines of 10.00 → 3.34, 3.33, 3.33', () => {
    expect(allocate(1000, [1000, 1000, 1000])).toEqual([334, 333, 333])
  })

  it('gives the extra units to the largest remainders, not to the largest weights', () => {
    // exact shares 0.5, 1.5, 3.0 … of 5 over 1,3,6 → 0.5, 1.5, 3 → floors 0,1,3, one unit left, tie → first
    expect(allocate(5, [1, 3, 6])).toEqual([1, 1, 3])
    // exact shares 2.1, 2.9 → 2, 3
    expect(allocate(5, [21, 29])).toEqual([2, 3])
  })

  it('splits evenly over all-zero weights and allows bigint weights', () => {
    expect(allocate(5, [0, 0])).toEqual([3, 2])
    expect(allocate(7, [5n, 2n])).toEqual([5, 2])
  })

  it('mirrors negative totals', () => {
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33])
  })

  it('rejects non-integer totals, negative weights and no parts', () => {
    expect(() => allocate(1.5, [1])).toThrow(expect.objectContaining({ code: 'INVALID_AMOUNT' }))
    expect(() => allocate(1, [-1, 2])).toThrow(expect.objectContaining({ code: 'INVALID_ALLOCATION' }))
    expect(() => allocate(1, [])).toThrow(expect.objectContaining({ code: 'INVALID_ALLOCATION' }))
    expect(allocate(0, [])).toEqual([])
  })

  it('property: parts sum exactly and each is within 1 of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const parts = allocate(total, weights)
          expect(parts).toHaveLength(weights.length)
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total)
          const sum = weights.reduce((a, b) => a + b, 0)
          const w = sum === 0 ? weights.map(() => 1) : weights
          const s = BigInt(sum === 0 ? weights.length : sum)
          parts.forEach((p, i) => {
            // |p − total·w/s| < 1  ⇔  |p·s − total·w| < s
            const diff = BigInt(p) * s - BigInt(total) * BigInt(w[i])
            expect(diff < s && diff > -s).toBe(true)
          })
        },
      ),
    )
  })

  it('property: a part never exceeds its weight when the total is at most the sum of the weights', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 20 }), fc.nat(), (weights, n) => {
        const sum = weights.reduce((a, b) => a + b, 0)
        const total = n % (sum + 1)
        allocate(total, weights).forEach((p, i) => expect(p).toBeLessThanOrEqual(weights[i]))
      }),
    )
  })
})
