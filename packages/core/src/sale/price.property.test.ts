import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { currency } from '../money/currency'
import { fromParts } from '../money/ratio'
import { priceSale } from './price'
import { arbCart, arbStore } from './test-arbitraries'
import type { CartLineInput, PricedSale, PricingStore } from './types'

/** A cart with its lines in another order, and where each old line went. */
const arbPermutedCart = (withCartDiscount: boolean) =>
  arbCart(withCartDiscount).chain((cart) =>
    fc.shuffledSubarray([...cart.lines.keys()], { minLength: cart.lines.length, maxLength: cart.lines.length }).map((order) => ({
      cart,
      order,
      permuted: { ...cart, lines: order.map((i) => cart.lines[i]) },
    })),
  )

function totals(s: PricedSale) {
  const { grossMinor, lineDiscountMinor, cartDiscountMinor, rewardDiscountMinor, netMinor, taxMinor, totalMinor, eligibleMinor } = s
  const taxSummary = [...s.taxSummary].sort((x, y) => x.rateId.localeCompare(y.rateId))
  return { grossMinor, lineDiscountMinor, cartDiscountMinor, rewardDiscountMinor, netMinor, taxMinor, totalMinor, eligibleMinor, taxSummary }
}

const withoutIndex = ({ index: _index, ...rest }: PricedSale['lines'][number]) => rest

describe('priceSale properties', () => {
  it('without a cart discount, line order changes nothing: same lines, same totals and tax summary', () => {
    fc.assert(
      fc.property(arbStore, arbPermutedCart(false), (store, { cart, order, permuted }) => {
        const a = priceSale(store, cart)
        const b = priceSale(store, permuted)
        expect(totals(b)).toEqual(totals(a))
        order.forEach((from, to) => expect(withoutIndex(b.lines[to])).toEqual(withoutIndex(a.lines[from])))
      }),
    )
  })

  it('with a cart discount, discount and net totals never depend on line order', () => {
    fc.assert(
      fc.property(arbStore, arbPermutedCart(true), (store, { cart, permuted }) => {
        const a = totals(priceSale(store, cart))
        const b = totals(priceSale(store, permuted))
        for (const key of ['grossMinor', 'lineDiscountMinor', 'cartDiscountMinor', 'rewardDiscountMinor', 'netMinor'] as const) {
          expect(b[key]).toBe(a[key])
        }
      }),
    )
  })

  it('with a cart discount, order matters only through allocation ties: same per-line allocation → same everything', () => {
    fc.assert(
      fc.property(arbStore, arbPermutedCart(true), (store, { cart, order, permuted }) => {
        const a = priceSale(store, cart)
        const b = priceSale(store, permuted)
        // A tie moves at most one unit of cart discount between lines.
        order.forEach((from, to) => expect(Math.abs(b.lines[to].cartDiscountMinor - a.lines[from].cartDiscountMinor)).toBeLessThanOrEqual(1))
        const sameAllocation = order.every((from, to) => b.lines[to].cartDiscountMinor === a.lines[from].cartDiscountMinor)
        if (sameAllocation) expect(totals(b)).toEqual(totals(a))
      }),
    )
  })

  it('documented limit: a cart-discount tie (to the earlier line) can move a tax rounding between lines', () => {
    // Two lines of 10.05, one at 10 %, one zero-rated; a 0.01 cart discount is an exact tie.
    const store: PricingStore = {
      currency: currency('EUR'),
      taxMode: 'exclusive',
      cashRoundingMinor: 0,
      taxRatesByClass: { ten: [{ id: 't', name: '10 %', rate: fromParts(1, 10) }], zero: [] },
    }
    const taxed: CartLineInput = { productId: 'a', name: 'A', quantity: 1, unitPriceMinor: 1005, taxClassId: 'ten' }
    const untaxed: CartLineInput = { productId: 'b', name: 'B', quantity: 1, unitPriceMinor: 1005, taxClassId: 'zero' }
    const cartDiscount = { kind: 'amount' as const, amountMinor: 1 }
    // taxed first: its net is 10.04 → tax 1.004 → 1.00; untaxed first: 10.05 → 1.005 → 1.01
    expect(priceSale(store, { lines: [taxed, untaxed], cartDiscount }).taxMinor).toBe(100)
    expect(priceSale(store, { lines: [untaxed, taxed], cartDiscount }).taxMinor).toBe(101)
  })

  it('every line: gross − discounts = net ≥ 0, total and eligible consistent with the tax mode', () => {
    fc.assert(
      fc.property(arbStore, arbCart(true), (store, cart) => {
        const sale = priceSale(store, cart)
        for (const l of sale.lines) {
          expect(l.grossMinor - l.lineDiscountMinor - l.cartDiscountMinor - l.rewardDiscountMinor).toBe(l.netMinor)
          expect(l.netMinor).toBeGreaterThanOrEqual(0)
          expect(l.taxMinor).toBe(l.taxes.reduce((s, t) => s + t.taxMinor, 0))
          expect(l.taxMinor).toBeGreaterThanOrEqual(0)
          const exTax = store.taxMode === 'inclusive' ? l.netMinor - l.taxMinor : l.netMinor
          expect(exTax).toBeGreaterThanOrEqual(0)
          expect(l.totalMinor).toBe(store.taxMode === 'inclusive' ? l.netMinor : l.netMinor + l.taxMinor)
          expect(l.eligibleMinor).toBe(l.nonEarning ? 0 : exTax)
        }
        const sumTax = sale.taxSummary.reduce((s, r) => s + r.taxMinor, 0)
        expect(sumTax).toBe(sale.taxMinor)
      }),
    )
  })
})
