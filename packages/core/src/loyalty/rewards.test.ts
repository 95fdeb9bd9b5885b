import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyReward, applyRewards, type RewardDefinition, type RewardLine } from './rewards'

const line = (over: Partial<RewardLine>): RewardLine => ({ productId: 'p', categoryId: 'c', quantity: 1, unitPriceMinor: 500, weighed: false, openMinor: 500, ...over })
const reward = (over: Partial<RewardDefinition>): RewardDefinition => ({ id: 'r', name: 'Reward', kind: 'amount_off', costPoints: 100, ...over })

describe('applyReward', () => {
  it('gives one unit of the product free, the most valuable one up to the ceiling', () => {
    const lines = [line({ productId: 'latte', unitPriceMinor: 380, quantity: 2, openMinor: 760 }), line({ productId: 'mocha', unitPriceMinor: 420, openMinor: 420 })]
    const r = applyReward(reward({ kind: 'free_product', categoryId: 'c', priceCeilingMinor: 400 }), lines)
    expect([...r.discounts]).toEqual([[1, 400]])
    expect(r.totalMinor).toBe(400)
  })

  it('never gives more than what the line still costs after discounts', () => {
    const r = applyReward(reward({ kind: 'free_product', productId: 'p' }), [line({ unitPriceMinor: 500, openMinor: 300 })])
    expect(r.totalMinor).toBe(300)
  })

  it('splits an amount off over the lines with the largest remainder, capped at the cart', () => {
    const r = applyReward(reward({ kind: 'amount_off', amountOffMinor: 100 }), [line({ openMinor: 1000 }), line({ openMinor: 1000 }), line({ openMinor: 1000 })])
    expect([...r.discounts.values()]).toEqual([34, 33, 33])
    expect(applyReward(reward({ kind: 'amount_off', amountOffMinor: 5000 }), [line({ openMinor: 700 })]).totalMinor).toBe(700)
  })

  it('takes a percent off the lines of a category only', () => {
    const r = applyReward(reward({ kind: 'percent_off', percentOff: '10', categoryId: 'beans' }), [line({ categoryId: 'beans', openMinor: 1299 }), line({ categoryId: 'mugs', openMinor: 850 })])
    expect([...r.discounts]).toEqual([[0, 130]])
  })

  it('refuses a reward that fits nothing in the cart, and experiences at the till', () => {
    expect(() => applyReward(reward({ kind: 'free_product', productId: 'tote' }), [line({})])).toThrow(expect.objectContaining({ code: 'REWARD_NOT_APPLICABLE' }))
    expect(() => applyReward(reward({ kind: 'experience' }), [line({})])).toThrow(expect.objectContaining({ code: 'REWARD_NOT_APPLICABLE' }))
  })

  it('applies several rewards each to what the earlier ones left, never below zero', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 3 }), (opens, amounts) => {
        const lines = opens.map((o) => line({ openMinor: o, unitPriceMinor: o }))
        const rewards = amounts.map((a, i) => reward({ id: `r${i}`, kind: 'amount_off', amountOffMinor: a }))
        let result
        try {
          result = applyRewards(rewards, lines)
        } catch (e) {
          // A later reward may find nothing left to discount.
          expect((e as { code: string }).code).toBe('REWARD_NOT_APPLICABLE')
          return
        }
        result.perLine.forEach((d, i) => expect(d).toBeLessThanOrEqual(opens[i]))
        const total = result.perLine.reduce((s, d) => s + d, 0)
        expect(total).toBe(Math.min(amounts.reduce((s, a) => s + a, 0), opens.reduce((s, o) => s + o, 0)))
      }),
    )
  })
})
