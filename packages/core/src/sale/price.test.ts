import { describe, expect, it } from 'vitest'
import { PatronError } from '../errors'
import { currency } from '../money/currency'
import { percent } from '../money/ratio'
import { priceSale } from './price'
import { line, rate, store } from './test-fixtures'
import type { CartInput, PricingStore } from './types'

function expectError(fn: () => unknown, code: string, details?: Record<string, unknown>) {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(PatronError)
    expect((e as PatronError).code).toBe(code)
    if (details) expect((e as PatronError).details).toMatchObject(details)
    return
  }
  expect.unreachable(`expected ${code}`)
}

describe('priceSale: worked examples of sales.md', () => {
  it('exclusive store, 19 %: one line 10.00 → tax 1.90, total 11.90', () => {
    const sale = priceSale(store(), { lines: [line(1000)] })
    expect(sale.lines[0]).toMatchObject({ netMinor: 1000, taxMinor: 190, totalMinor: 1190, eligibleMinor: 1000 })
    expect(sale).toMatchObject({ netMinor: 1000, taxMinor: 190, totalMinor: 1190 })
    expect(sale.taxSummary).toEqual([{ rateId: 'vat19', name: 'Tax 19 %', rate: percent('19'), baseMinor: 1000, taxMinor: 190 }])
  })

  it('inclusive store, 19 %: one line 11.90 → base 10.00, tax 1.90, total 11.90, eligible 10.00', () => {
    const sale = priceSale(store({ taxMode: 'inclusive' }), { lines: [line(1190)] })
    expect(sale.lines[0]).toMatchObject({ netMinor: 1190, taxMinor: 190, totalMinor: 1190, eligibleMinor: 1000 })
    expect(sale.lines[0].taxes).toEqual([{ rateId: 'vat19', name: 'Tax 19 %', rate: percent('19'), baseMinor: 1000, taxMinor: 190 }])
    expect(sale).toMatchObject({ totalMinor: 1190, taxMinor: 190, eligibleMinor: 1000 })
    expect(sale.taxSummary).toMatchObject([{ rateId: 'vat19', baseMinor: 1000, taxMinor: 190 }])
  })

  it('cart discount 10.00 over three lines of 10.00 → 3.34, 3.33, 3.33', () => {
    const sale = priceSale(store(), {
      lines: [line(1000), line(1000), line(1000)],
      cartDiscount: { kind: 'amount', amountMinor: 1000 },
    })
    expect(sale.lines.map((l) => l.cartDiscountMinor)).toEqual([334, 333, 333])
    expect(sale.lines.map((l) => l.netMinor)).toEqual([666, 667, 667])
    expect(sale.cartDiscountMinor).toBe(1000)
    expect(sale.netMinor).toBe(2000)
  })

  it('inclusive store, one line 10.70 with 5 % and 2 %: tax 0.70 split 0.50 and 0.20', () => {
    const s = store({ taxMode: 'inclusive', taxRatesByClass: { dual: [rate('a', '5'), rate('b', '2')] } })
    const sale = priceSale(s, { lines: [line(1070, { taxClassId: 'dual' })] })
    expect(sale.lines[0].taxMinor).toBe(70)
    expect(sale.lines[0].taxes.map((t) => [t.rateId, t.baseMinor, t.taxMinor])).toEqual([
      ['a', 1000, 50],
      ['b', 1000, 20],
    ])
    expect(sale.lines[0]).toMatchObject({ totalMinor: 1070, eligibleMinor: 1000 })
  })
})

describe('priceSale: lines', () => {
  it('gross is unit price × quantity', () => {
    const sale = priceSale(store(), { lines: [line(250, { quantity: 4 })] })
    expect(sale.lines[0].grossMinor).toBe(1000)
  })

  it('weighed item: gross = round(price per kg × grams / 1000)', () => {
    // 12.99/kg × 1.234 kg = 16.02966 → 16.03
    const sale = priceSale(store(), { lines: [line(1299, { quantity: 1234, weighed: true })] })
    expect(sale.lines[0]).toMatchObject({ grossMinor: 1603, weighed: true, quantity: 1234 })
  })

  it('weighed item: an exact half cent rounds away from zero', () => {
    // 2.50/kg × 1.002 kg = 2.505 → 2.51
    expect(priceSale(store(), { lines: [line(250, { quantity: 1002, weighed: true })] }).lines[0].grossMinor).toBe(251)
  })

  it('keeps the caller reference, ids and flags on the priced line', () => {
    const sale = priceSale(store(), { lines: [line(100, { ref: 'r1', productId: null, categoryId: 'c1', name: 'Custom' })] })
    expect(sale.lines[0]).toMatchObject({ index: 0, ref: 'r1', productId: null, categoryId: 'c1', name: 'Custom', weighed: false, nonEarning: false })
  })

  it('a non-earning line has eligible amount 0 but is taxed and paid normally', () => {
    const sale = priceSale(store(), { lines: [line(1000, { nonEarning: true }), line(500)] })
    expect(sale.lines[0]).toMatchObject({ eligibleMinor: 0, totalMinor: 1190 })
    expect(sale.eligibleMinor).toBe(500)
  })

  it('an explicit empty rate list is zero-rated', () => {
    const sale = priceSale(store(), { lines: [line(1000, { taxClassId: 'zero' })] })
    expect(sale.lines[0]).toMatchObject({ taxMinor: 0, taxes: [], totalMinor: 1000, eligibleMinor: 1000 })
    expect(sale.taxSummary).toEqual([])
  })

  it('a unit price of 0 is allowed', () => {
    expect(priceSale(store(), { lines: [line(0)] }).totalMinor).toBe(0)
  })
})

describe('priceSale: discounts', () => {
  it('amount line discount', () => {
    const sale = priceSale(store(), { lines: [line(1000, { discount: { kind: 'amount', amountMinor: 150 } })] })
    expect(sale.lines[0]).toMatchObject({ lineDiscountMinor: 150, netMinor: 850, taxMinor: 162, totalMinor: 1012 })
  })

  it('percent line discount = round(gross × pct), halves away from zero', () => {
    const price = (unit: number, pct: string) =>
      priceSale(store(), { lines: [line(unit, { discount: { kind: 'percent', percent: percent(pct) } })] }).lines[0].lineDiscountMinor
    expect(price(1000, '15')).toBe(150)
    expect(price(999, '10')).toBe(100) // 99.9
    expect(price(1010, '2.5')).toBe(25) // 25.25
    expect(price(1010, '5')).toBe(51) // 50.5
    expect(price(1000, '100')).toBe(1000)
  })

  it('percent cart discount = round(Σ nets after line discounts × pct), allocated over those nets', () => {
    const sale = priceSale(store(), {
      lines: [line(1000, { discount: { kind: 'percent', percent: percent('10') } }), line(500)],
      cartDiscount: { kind: 'percent', percent: percent('10') },
    })
    // nets after line discounts 900 + 500 = 1400; 10 % = 140 → 90, 50
    expect(sale.lines.map((l) => l.cartDiscountMinor)).toEqual([90, 50])
    expect(sale.lines.map((l) => l.netMinor)).toEqual([810, 450])
    expect(sale).toMatchObject({ lineDiscountMinor: 100, cartDiscountMinor: 140, netMinor: 1260 })
  })

  it('reward discount applies per line after the cart discount', () => {
    const sale = priceSale(store(), {
      lines: [line(1000, { rewardDiscountMinor: 300 }), line(1000)],
      cartDiscount: { kind: 'amount', amountMinor: 200 },
    })
    expect(sale.lines[0]).toMatchObject({ cartDiscountMinor: 100, rewardDiscountMinor: 300, netMinor: 600 })
    expect(sale.lines[1]).toMatchObject({ cartDiscountMinor: 100, rewardDiscountMinor: 0, netMinor: 900 })
    expect(sale.rewardDiscountMinor).toBe(300)
  })

  it('a line discount larger than the line is clamped: net 0, never negative', () => {
    const sale = priceSale(store(), { lines: [line(500, { discount: { kind: 'amount', amountMinor: 800 } })] })
    expect(sale.lines[0]).toMatchObject({ lineDiscountMinor: 500, netMinor: 0, taxMinor: 0, totalMinor: 0 })
  })

  it('a cart discount larger than the sum of the lines is clamped to that sum', () => {
    const sale = priceSale(store(), { lines: [line(300), line(200)], cartDiscount: { kind: 'amount', amountMinor: 10_000 } })
    expect(sale.lines.map((l) => l.cartDiscountMinor)).toEqual([300, 200])
    expect(sale).toMatchObject({ cartDiscountMinor: 500, netMinor: 0, totalMinor: 0 })
  })

  it('a reward larger than what is left of the line is clamped', () => {
    const sale = priceSale(store(), {
      lines: [line(1000, { discount: { kind: 'amount', amountMinor: 400 }, rewardDiscountMinor: 5000 })],
    })
    expect(sale.lines[0]).toMatchObject({ lineDiscountMinor: 400, rewardDiscountMinor: 600, netMinor: 0 })
  })

  it('gross − all discounts = net on every line', () => {
    const sale = priceSale(store(), {
      lines: [
        line(999, { quantity: 3, discount: { kind: 'percent', percent: percent('12.5') }, rewardDiscountMinor: 77 }),
        line(1, { discount: { kind: 'amount', amountMinor: 5 } }),
        line(4321, { quantity: 777, weighed: true }),
      ],
      cartDiscount: { kind: 'percent', percent: percent('33.3') },
    })
    for (const l of sale.lines) {
      expect(l.grossMinor - l.lineDiscountMinor - l.cartDiscountMinor - l.rewardDiscountMinor).toBe(l.netMinor)
      expect(l.netMinor).toBeGreaterThanOrEqual(0)
    }
  })
})

describe('priceSale: tax', () => {
  it('taxes each line on its net and rounds per line; the sale tax is the sum', () => {
    // 0.03 × 19 % = 0.0057 → 0.01 per line, three lines 0.03 (on the sum, 0.09 × 19 % would give 0.02)
    const sale = priceSale(store(), { lines: [line(3), line(3), line(3)] })
    expect(sale.lines.map((l) => l.taxMinor)).toEqual([1, 1, 1])
    expect(sale.taxMinor).toBe(3)
  })

  it('exclusive with two rates: each rate on the net', () => {
    const s = store({ taxRatesByClass: { dual: [rate('a', '5'), rate('b', '2')] } })
    const sale = priceSale(s, { lines: [line(1010, { taxClassId: 'dual' })] })
    // 50.5 → 51, 20.2 → 20
    expect(sale.lines[0].taxes.map((t) => [t.baseMinor, t.taxMinor])).toEqual([
      [1010, 51],
      [1010, 20],
    ])
    expect(sale.lines[0]).toMatchObject({ taxMinor: 71, totalMinor: 1081, eligibleMinor: 1010 })
  })

  it('inclusive with rates of different denominators (7.7 % and 2.5 %)', () => {
    const s = store({ taxMode: 'inclusive', taxRatesByClass: { ch: [rate('a', '7.7'), rate('b', '2.5')] } })
    const sale = priceSale(s, { lines: [line(10_000, { taxClassId: 'ch' })] })
    // 100.00 / 1.102 = 90.744… → 90.74, tax 9.26; split 77:25 → 6.9904…, 2.2696… → 6.99 + 2.27
    expect(sale.lines[0].taxMinor).toBe(926)
    expect(sale.lines[0].taxes.map((t) => [t.baseMinor, t.taxMinor])).toEqual([
      [9074, 699],
      [9074, 227],
    ])
  })

  it('tax summary sums per rate over lines, in first-seen order', () => {
    const sale = priceSale(store(), { lines: [line(1000, { taxClassId: 'reduced' }), line(1000), line(500, { taxClassId: 'reduced' })] })
    expect(sale.taxSummary.map((r) => [r.rateId, r.baseMinor, r.taxMinor])).toEqual([
      ['vat7', 1500, 105],
      ['vat19', 1000, 190],
    ])
    expect(sale).toMatchObject({ taxMinor: 295, totalMinor: 2795 })
  })
})

describe('priceSale: currencies', () => {
  it('JPY (exponent 0): amounts are whole yen', () => {
    const s: PricingStore = store({
      currency: currency('JPY'),
      taxMode: 'inclusive',
      taxRatesByClass: { standard: [rate('jct10', '10')], food: [rate('jct8', '8')] },
    })
    const sale = priceSale(s, { lines: [line(1080, { taxClassId: 'food' }), line(333, { quantity: 3 })] })
    expect(sale.currency).toEqual({ code: 'JPY', exponent: 0 })
    // 1080 / 1.08 = 1000 → tax 80; 999 / 1.1 = 908.18 → 908, tax 91
    expect(sale.lines.map((l) => [l.taxMinor, l.eligibleMinor])).toEqual([
      [80, 1000],
      [91, 908],
    ])
    expect(sale.totalMinor).toBe(2079)
  })

  it('KWD (exponent 3): amounts are fils', () => {
    const s = store({ currency: currency('KWD'), taxRatesByClass: { standard: [rate('vat5', '5')] } })
    // 1.250 KWD × 3 = 3.750, 12.5 % off = 0.46875 → 0.469, net 3.281, 5 % tax = 0.16405 → 0.164
    const sale = priceSale(s, {
      lines: [line(1250, { quantity: 3, discount: { kind: 'percent', percent: percent('12.5') } })],
    })
    expect(sale.currency.exponent).toBe(3)
    expect(sale.lines[0]).toMatchObject({ grossMinor: 3750, lineDiscountMinor: 469, netMinor: 3281, taxMinor: 164, totalMinor: 3445 })
  })
})

describe('priceSale: validation errors', () => {
  const s = store()
  const price = (cart: CartInput) => () => priceSale(s, cart)

  it('EMPTY_SALE', () => expectError(price({ lines: [] }), 'EMPTY_SALE', { field: 'lines' }))

  it.each([0, -1, 1.5, Number.NaN])('INVALID_QUANTITY for quantity %s', (quantity) =>
    expectError(price({ lines: [line(100), line(100), line(100, { quantity })] }), 'INVALID_QUANTITY', { field: 'lines[2].quantity' }),
  )

  it.each([-1, 0.5, Number.POSITIVE_INFINITY])('INVALID_PRICE for unit price %s', (unitPriceMinor) =>
    expectError(price({ lines: [line(unitPriceMinor)] }), 'INVALID_PRICE', { field: 'lines[0].unitPriceMinor' }),
  )

  it('INVALID_DISCOUNT: negative or fractional amount, percent above 100, unknown kind, negative reward', () => {
    expectError(price({ lines: [line(100, { discount: { kind: 'amount', amountMinor: -1 } })] }), 'INVALID_DISCOUNT', {
      field: 'lines[0].discount.amountMinor',
    })
    expectError(price({ lines: [line(100, { discount: { kind: 'amount', amountMinor: 1.5 } })] }), 'INVALID_DISCOUNT', {
      field: 'lines[0].discount.amountMinor',
    })
    expectError(price({ lines: [line(100, { discount: { kind: 'percent', percent: percent('100.01') } })] }), 'INVALID_DISCOUNT', {
      field: 'lines[0].discount.percent',
    })
    expectError(price({ lines: [line(100, { discount: { kind: 'bogus' } as never })] }), 'INVALID_DISCOUNT', { field: 'lines[0].discount.kind' })
    expectError(price({ lines: [line(100, { rewardDiscountMinor: -5 })] }), 'INVALID_DISCOUNT', { field: 'lines[0].rewardDiscountMinor' })
    expectError(price({ lines: [line(100)], cartDiscount: { kind: 'amount', amountMinor: -1 } }), 'INVALID_DISCOUNT', {
      field: 'cartDiscount.amountMinor',
    })
    expectError(price({ lines: [line(100)], cartDiscount: { kind: 'percent', percent: percent('101') } }), 'INVALID_DISCOUNT', {
      field: 'cartDiscount.percent',
    })
  })

  it('UNKNOWN_TAX_CLASS, also for names of Object.prototype members', () => {
    expectError(price({ lines: [line(100), line(100, { taxClassId: 'luxury' })] }), 'UNKNOWN_TAX_CLASS', {
      field: 'lines[1].taxClassId',
      taxClassId: 'luxury',
    })
    expectError(price({ lines: [line(100, { taxClassId: 'constructor' })] }), 'UNKNOWN_TAX_CLASS')
  })

  it('AMOUNT_TOO_LARGE when price × quantity leaves the safe integer range', () => {
    expectError(price({ lines: [line(2 ** 40, { quantity: 2 ** 20 })] }), 'AMOUNT_TOO_LARGE', { field: 'lines[0]' })
  })
})
