import { describe, expect, it } from 'vitest'
import { currency, percent, type PricingStore, type ProgramRules } from '@patron/core'
import type { ProductView } from '../../api/types'
import { addProduct, minorForPoints, newCart, pointsFor, priceCartDetailed, type Cart } from './cart'

const store: PricingStore = {
  currency: currency('EUR'),
  taxMode: 'inclusive',
  cashRoundingMinor: 1,
  taxRatesByClass: { std: [{ id: 'vat19', name: 'VAT 19 %', rate: percent('19') }] },
}
const product = (id: string, priceMinor: number, categoryId: string | null): ProductView => ({ id, sku: id, barcode: null, name: id, categoryId, priceMinor, taxClassId: 'std', nonEarning: false, trackStock: false, weighed: false, active: true, updatedAt: '2026-01-01T00:00:00.000Z' })
const coffee = product('cappuccino', 350, 'coffee')
const beans = product('beans', 2990, 'beans')
const freeCoffee = { id: 'r1', name: 'Free coffee', kind: 'free_product' as const, costPoints: 150, categoryId: 'coffee', priceCeilingMinor: 450 }
const fiveOff = { id: 'r2', name: '5.00 off', kind: 'amount_off' as const, costPoints: 400, amountOffMinor: 500 }

function cart(...rewards: (typeof freeCoffee | typeof fiveOff)[]): Cart {
  let c = addProduct(newCart(), coffee, 2).cart
  c = addProduct(c, beans).cart
  return { ...c, rewards: rewards.map((r, i) => ({ reservationId: `res${i}`, points: r.costPoints, reward: r })) }
}

describe('rewards in the register’s price (as the server’s priceWithRewards)', () => {
  it('takes one coffee off, then 5.00 off what is left, in the order applied', () => {
    const d = priceCartDetailed(store, cart(freeCoffee, fiveOff))!
    expect(d.applications.map((a) => a.totalMinor)).toEqual([350, 500])
    expect(d.priced.rewardDiscountMinor).toBe(850)
    expect(d.priced.totalMinor).toBe(2 * 350 + 2990 - 850)
  })

  it('a reward that fits nothing is REWARD_NOT_APPLICABLE', () => {
    const c = { ...cart(freeCoffee), lines: cart().lines.filter((l) => l.productId === 'beans') }
    expect(() => priceCartDetailed(store, c)).toThrow(/does not apply/)
  })

  it('a tier with a standing discount takes it on eligible lines after the rewards', () => {
    const rules = { tiers: [{ id: 'gold', name: 'Gold', threshold: 0, multiplier: '1', discountPercent: '10' }], nonEarningProductIds: ['beans'], nonEarningCategoryIds: [] } as unknown as ProgramRules
    const c: Cart = { ...cart(freeCoffee), member: { customer: { id: 'm' } as never, loyalty: { customerId: 'm', pointsName: 'beans', balance: 500, tierId: 'gold', lifetimeEarned: 0, salesCount: 1, lastSaleAt: null } } }
    const d = priceCartDetailed(store, c, rules)!
    // 10 % of the coffee line still open (700 − 350); the beans are not eligible.
    expect(d.memberDiscountMinor).toBe(35)
    expect(d.priced.totalMinor).toBe(700 + 2990 - 350 - 35)
  })

  it('points as tender are whole points and whole cents', () => {
    expect(minorForPoints(250, 100, 100)).toBe(250)
    expect(pointsFor(250, 100, 100)).toBe(250)
    expect(minorForPoints(5, 1000, 100)).toBeNull()
    expect(minorForPoints(10, 1000, 100)).toBe(1)
  })
})
