import { describe, expect, it } from 'vitest'
import { currency, percent, settleTenders, type PricingStore, type TenderInput } from '@patron/core'
import type { ProductView } from '../../api/types'
import { addProduct, approvalCover, approvalCovers, approvalNeeded, newCart, priceCart, quickCashAmounts, saleBody, tenderState, type Cart } from './cart'

const store: PricingStore = {
  currency: currency('EUR'),
  taxMode: 'inclusive',
  cashRoundingMinor: 5,
  taxRatesByClass: { std: [{ id: 'vat19', name: 'VAT 19 %', rate: percent('19') }] },
}

function product(id: string, priceMinor: number, extra: Partial<ProductView> = {}): ProductView {
  return { id, sku: id.toUpperCase(), barcode: null, name: id, categoryId: null, priceMinor, taxClassId: 'std', nonEarning: false, trackStock: false, weighed: false, active: true, updatedAt: '2026-01-01T00:00:00.000Z', ...extra }
}

function cartOf(...items: [ProductView, number][]): Cart {
  let c = newCart()
  for (const [p, q] of items) c = addProduct(c, p, q).cart
  return c
}

const cashier = { role: 'cashier' as const, maxDiscountPercent: '10' }

describe('the register cart', () => {
  it('adds a unit product again as one more on its line, a weighed one as a new line', () => {
    const tea = product('tea', 260)
    const apples = product('apples', 299, { weighed: true })
    let c = addProduct(newCart(), tea).cart
    c = addProduct(c, tea).cart
    c = addProduct(c, apples, 750).cart
    c = addProduct(c, apples, 250).cart
    expect(c.lines.map((l) => [l.productId, l.quantity])).toEqual([
      ['tea', 2],
      ['apples', 750],
      ['apples', 250],
    ])
    // 2 × 2.60 + round(2.99 × 0.750) + round(2.99 × 0.250)
    expect(priceCart(store, c)!.totalMinor).toBe(520 + 224 + 75)
  })

  it('asks for a manager exactly when the server would: over the limit per line, the cart discount on the cart, any price override', () => {
    const base = cartOf([product('a', 1000), 1], [product('b', 1000), 1], [product('c', 1000), 1])
    const withLine = (pct: string): Cart => ({ ...base, lines: base.lines.map((l, i) => (i === 0 ? { ...l, discount: { kind: 'percent', percent: pct } } : l)) })
    expect(approvalNeeded(withLine('10'), priceCart(store, withLine('10')), cashier)).toBeNull()
    expect(approvalNeeded(withLine('10.5'), priceCart(store, withLine('10.5')), cashier)).toBe('discount_above_limit')
    // 10 % on the cart is allocated 1.00/1.00/1.00: never judged per line.
    const cart10: Cart = { ...base, cartDiscount: { kind: 'percent', percent: '10' } }
    expect(approvalNeeded(cart10, priceCart(store, cart10), cashier)).toBeNull()
    const cartAmount: Cart = { ...base, cartDiscount: { kind: 'amount', amountMinor: 301 } }
    expect(approvalNeeded(cartAmount, priceCart(store, cartAmount), cashier)).toBe('discount_above_limit')
    const override: Cart = { ...base, lines: base.lines.map((l, i) => (i === 1 ? { ...l, priceOverrideMinor: 900 } : l)) }
    expect(approvalNeeded(override, priceCart(store, override), cashier)).toBe('price_override')
    expect(approvalNeeded(override, priceCart(store, override), { role: 'manager', maxDiscountPercent: '100' })).toBeNull()
  })

  it('keeps an approval for what the manager saw; a bigger discount or another price needs a new one', () => {
    const base = cartOf([product('a', 1000), 1], [product('b', 1000), 1])
    const at = (cart: Cart) => priceCart(store, cart)!
    const cart20: Cart = { ...base, cartDiscount: { kind: 'percent', percent: '20' } }
    const approval = { staffId: 'm', name: 'Max', pin: '2222', covers: approvalCover(cart20, at(cart20)) }
    expect(approval.covers).toEqual({ discountMinor: 400, prices: {} })
    expect(approvalCovers(approval, cart20, at(cart20))).toBe(true)
    const cart15: Cart = { ...cart20, cartDiscount: { kind: 'percent', percent: '15' } }
    expect(approvalCovers(approval, cart15, at(cart15))).toBe(true)
    const cart30: Cart = { ...cart20, cartDiscount: { kind: 'percent', percent: '30' } }
    expect(approvalCovers(approval, cart30, at(cart30))).toBe(false)
    const repriced: Cart = { ...cart20, lines: cart20.lines.map((l, i) => (i === 0 ? { ...l, priceOverrideMinor: 800 } : l)) }
    expect(approvalCovers(approval, repriced, at(repriced))).toBe(false)
    const withPrice = { ...approval, covers: approvalCover(repriced, at(repriced)) }
    expect(approvalCovers(withPrice, repriced, at(repriced))).toBe(true)
    const lower: Cart = { ...repriced, lines: repriced.lines.map((l, i) => (i === 0 ? { ...l, priceOverrideMinor: 700 } : l)) }
    expect(approvalCovers(withPrice, lower, at(lower))).toBe(false)
    expect(approvalCovers(null, cart20, at(cart20))).toBe(false)
  })

  it('sends a price only for an override, and discounts as the API takes them', () => {
    const c = cartOf([product('a', 450), 2], [product('b', 300), 1])
    const edited: Cart = { ...c, lines: [{ ...c.lines[0], discount: { kind: 'amount', amountMinor: 50 } }, { ...c.lines[1], priceOverrideMinor: 300 }], cartDiscount: { kind: 'percent', percent: '5' } }
    const body = saleBody(edited, 'till-1', [{ kind: 'cash', amountMinor: 2000 }], '2026-03-01T10:00:00.000Z')
    expect(body.lines).toEqual([
      { productId: 'a', quantity: 2, discount: { kind: 'amount', amountMinor: 50 } },
      { productId: 'b', quantity: 1 },
    ])
    expect(body).toMatchObject({ id: c.id, terminalId: 'till-1', cartDiscount: { kind: 'percent', percent: '5' }, customerId: null, approval: null })
  })

  it('shows the same rounding and change as settleTenders once the tenders cover the total', () => {
    const cases: [number, TenderInput[]][] = [
      [1237, [{ kind: 'cash', amountMinor: 1235 }]],
      [1238, [{ kind: 'cash', amountMinor: 2000 }]],
      [1238, [{ kind: 'card', amountMinor: 500 }, { kind: 'cash', amountMinor: 740 }]],
      [999, [{ kind: 'card', amountMinor: 999 }]],
    ]
    for (const [total, tenders] of cases) {
      const shown = tenderState(store, total, tenders)
      const settled = settleTenders(store, total, tenders)
      expect(shown.covered).toBe(true)
      expect([shown.roundingMinor, shown.amountDueMinor, shown.changeMinor]).toEqual([settled.roundingMinor, settled.amountDueMinor, settled.changeMinor])
    }
    // Before the cash: what is still to pay, and the exact cash rounded as cash is.
    expect(tenderState(store, 1238, [{ kind: 'card', amountMinor: 500 }])).toMatchObject({ covered: false, remainingMinor: 738, cashDueMinor: 740 })
  })

  it('offers quick cash amounts above what is due: the next unit, five, ten, then notes', () => {
    expect(quickCashAmounts(1270, 100, [500, 1000, 2000, 5000, 10000])).toEqual([1300, 1500, 2000, 5000])
    expect(quickCashAmounts(2000, 100, [500, 1000, 2000, 5000, 10000])).toEqual([5000, 10000])
    expect(quickCashAmounts(4370, 100, [500, 1000, 2000, 5000, 10000])).toEqual([4400, 4500, 5000, 10000])
    expect(quickCashAmounts(0, 100, [500])).toEqual([])
  })
})
