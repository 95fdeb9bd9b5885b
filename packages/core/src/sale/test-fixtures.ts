// Shared builders for the sale tests (not exported from the package).
import { currency } from '../money/currency'
import { percent } from '../money/ratio'
import type { CartLineInput, PricingStore, TaxRate } from './types'

export function rate(id: string, pct: string, name = `Tax ${pct} %`): TaxRate {
  return { id, name, rate: percent(pct) }
}

export function store(overrides: Partial<PricingStore> = {}): PricingStore {
  return {
    currency: currency('EUR'),
    taxMode: 'exclusive',
    cashRoundingMinor: 0,
    taxRatesByClass: {
      standard: [rate('vat19', '19')],
      reduced: [rate('vat7', '7')],
      zero: [],
    },
    ...overrides,
  }
}

export function line(unitPriceMinor: number, overrides: Partial<CartLineInput> = {}): CartLineInput {
  return { productId: 'p1', name: 'Item', quantity: 1, unitPriceMinor, taxClassId: 'standard', ...overrides }
}
