// fast-check generators for the sale property tests (not exported from the package).
import fc from 'fast-check'
import { currency } from '../money/currency'
import { fromParts } from '../money/ratio'
import type { CartInput, CartLineInput, DiscountInput, PricingStore, TaxRate } from './types'

// Rates in basis points (0 to 30 %), percents in hundredths of a percent: exact, never floats.
const arbRate = (id: string): fc.Arbitrary<TaxRate> =>
  fc.integer({ min: 0, max: 3000 }).map((bp) => ({ id, name: id, rate: fromParts(bp, 10_000) }))

export const arbStore: fc.Arbitrary<PricingStore> = fc.record({
  taxMode: fc.constantFrom('inclusive' as const, 'exclusive' as const),
  a: arbRate('a'),
  b: arbRate('b'),
  c: arbRate('c'),
}).map(({ taxMode, a, b, c }) => ({
  currency: currency('EUR'),
  taxMode,
  cashRoundingMinor: 5,
  taxRatesByClass: { one: [a], two: [b, c], zero: [] },
}))

const arbDiscount = (maxAmountMinor: number): fc.Arbitrary<DiscountInput> =>
  fc.oneof(
    fc.integer({ min: 0, max: maxAmountMinor }).map((amountMinor) => ({ kind: 'amount' as const, amountMinor })),
    fc.integer({ min: 0, max: 10_000 }).map((hundredths) => ({ kind: 'percent' as const, percent: fromParts(hundredths, 10_000) })),
  )

export const arbLine: fc.Arbitrary<CartLineInput> = fc.record({
  weighed: fc.boolean(),
  units: fc.integer({ min: 1, max: 12 }),
  grams: fc.integer({ min: 1, max: 5000 }),
  unitPriceMinor: fc.integer({ min: 0, max: 50_000 }),
  taxClassId: fc.constantFrom('one', 'two', 'zero'),
  nonEarning: fc.boolean(),
  discount: fc.option(arbDiscount(20_000), { nil: undefined }),
  rewardDiscountMinor: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: undefined }),
}).map(({ weighed, units, grams, ...rest }) => ({
  productId: 'p',
  name: 'Item',
  quantity: weighed ? grams : units,
  weighed,
  ...rest,
}))

export const arbCart = (withCartDiscount: boolean): fc.Arbitrary<CartInput> =>
  fc.record({
    lines: fc.array(arbLine, { minLength: 1, maxLength: 8 }),
    cartDiscount: withCartDiscount ? arbDiscount(100_000) : fc.constant(undefined),
  })
