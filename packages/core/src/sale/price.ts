import { PatronError } from '../errors'
import { allocate } from '../money/allocate'
import type { Ratio } from '../money/ratio'
import { divRoundHalfAway } from '../money/round'
import type {
  CartInput,
  CartLineInput,
  DiscountInput,
  LineTax,
  PricedLine,
  PricedSale,
  PricingStore,
  TaxRate,
  TaxSummaryRow,
} from './types'

/**
 * Prices a cart by the rules of sales.md: gross → line discount → cart discount (largest
 * remainder over the nets after line discounts) → reward discount → net, then tax per line,
 * rounded per line. Pure: the register and the server get the same result for the same input.
 *
 * Every discount actually applied is recorded (clamped values, not the requested ones), so for
 * each line gross − lineDiscount − cartDiscount − rewardDiscount = net holds exactly.
 */
export function priceSale(store: PricingStore, cart: CartInput): PricedSale {
  if (!cart.lines || cart.lines.length === 0) {
    throw new PatronError('EMPTY_SALE', 'A sale needs at least one line', { field: 'lines' })
  }
  const rawLines = cart.lines.map((line, i) => validateLine(store, line, i))
  if (cart.cartDiscount) validateDiscount(cart.cartDiscount, 'cartDiscount')

  // Step 1: gross and line discount.
  const afterLine = rawLines.map(({ line }, i) => {
    const grossMinor = lineGrossMinor(line, `lines[${i}]`)
    const lineDiscountMinor = Math.min(discountMinor(line.discount, grossMinor), grossMinor)
    return { grossMinor, lineDiscountMinor, netAfterLineMinor: grossMinor - lineDiscountMinor }
  })

  // Step 2: the cart discount, on the sum of nets after line discounts, clamped to that sum.
  const baseForCartMinor = afterLine.reduce((s, l) => s + l.netAfterLineMinor, 0)
  const cartTotalMinor = Math.min(discountMinor(cart.cartDiscount, baseForCartMinor), baseForCartMinor)
  // With the total clamped to the sum of the weights, no line's part exceeds its weight
  // (largest remainder never gives the extra unit to a line whose share is already whole).
  const cartParts = allocate(cartTotalMinor, afterLine.map((l) => l.netAfterLineMinor))

  const lines: PricedLine[] = rawLines.map(({ line, rates }, index) => {
    const { grossMinor, lineDiscountMinor, netAfterLineMinor } = afterLine[index]
    const cartDiscountMinor = cartParts[index]
    const beforeRewardMinor = netAfterLineMinor - cartDiscountMinor
    // Step 3: the reward discount comes last and takes only what is left of the line.
    const rewardDiscountMinor = Math.min(line.rewardDiscountMinor ?? 0, beforeRewardMinor)
    const netMinor = beforeRewardMinor - rewardDiscountMinor
    const { taxMinor, taxes } = lineTax(store.taxMode, netMinor, rates)
    const exTaxMinor = store.taxMode === 'inclusive' ? netMinor - taxMinor : netMinor
    const nonEarning = line.nonEarning === true
    return {
      index,
      ...(line.ref !== undefined ? { ref: line.ref } : {}),
      productId: line.productId,
      categoryId: line.categoryId ?? null,
      name: line.name,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      weighed: line.weighed === true,
      taxClassId: line.taxClassId,
      nonEarning,
      grossMinor,
      lineDiscountMinor,
      cartDiscountMinor,
      rewardDiscountMinor,
      netMinor,
      taxMinor,
      taxes,
      totalMinor: store.taxMode === 'inclusive' ? netMinor : netMinor + taxMinor,
      eligibleMinor: nonEarning ? 0 : exTaxMinor,
    }
  })

  const sum = (pick: (l: PricedLine) => number) => lines.reduce((s, l) => s + pick(l), 0)
  return {
    currency: store.currency,
    taxMode: store.taxMode,
    lines,
    grossMinor: sum((l) => l.grossMinor),
    lineDiscountMinor: sum((l) => l.lineDiscountMinor),
    cartDiscountMinor: sum((l) => l.cartDiscountMinor),
    rewardDiscountMinor: sum((l) => l.rewardDiscountMinor),
    netMinor: sum((l) => l.netMinor),
    taxMinor: sum((l) => l.taxMinor),
    totalMinor: sum((l) => l.totalMinor),
    eligibleMinor: sum((l) => l.eligibleMinor),
    taxSummary: summarizeTaxes(lines.map((l) => l.taxes)),
  }
}

/** Tax summary per rate (base, tax) over lines, rows in first-seen order of the rate ids. */
export function summarizeTaxes(lineTaxes: readonly (readonly LineTax[])[]): TaxSummaryRow[] {
  const rows = new Map<string, { rateId: string; name: string; rate: Ratio; baseMinor: number; taxMinor: number }>()
  for (const taxes of lineTaxes) {
    for (const t of taxes) {
      const row = rows.get(t.rateId)
      if (row) {
        row.baseMinor += t.baseMinor
        row.taxMinor += t.taxMinor
      } else {
        rows.set(t.rateId, { rateId: t.rateId, name: t.name, rate: t.rate, baseMinor: t.baseMinor, taxMinor: t.taxMinor })
      }
    }
  }
  return [...rows.values()]
}

/**
 * Tax of one line on its net, rounded per line.
 * Exclusive: each rate's tax = round(net × rate), each on the base net.
 * Inclusive: the line's tax = net − round(net / (1 + Σ rates)), split over the rates in
 * proportion to the rates (largest remainder); every rate's base is net − that tax.
 * Rates are never compounded (sales.md: compound rates are off by default, and the store
 * model has no switch for them yet).
 */
export function lineTax(
  taxMode: 'inclusive' | 'exclusive',
  netMinor: number,
  rates: readonly TaxRate[],
): { taxMinor: number; taxes: LineTax[] } {
  if (rates.length === 0) return { taxMinor: 0, taxes: [] }
  const net = BigInt(netMinor)
  if (taxMode === 'exclusive') {
    const taxes = rates.map((r) => ({
      rateId: r.id,
      name: r.name,
      rate: r.rate,
      baseMinor: netMinor,
      taxMinor: Number(divRoundHalfAway(net * r.rate.num, r.rate.den)),
    }))
    return { taxMinor: taxes.reduce((s, t) => s + t.taxMinor, 0), taxes }
  }
  // Σ rates over a common denominator, so the split weights are exact integers.
  const den = rates.reduce((d, r) => lcm(d, r.rate.den), 1n)
  const weights = rates.map((r) => r.rate.num * (den / r.rate.den))
  const sumNum = weights.reduce((a, b) => a + b, 0n)
  // net / (1 + num/den) = net × den / (den + num)
  const exTaxMinor = Number(divRoundHalfAway(net * den, den + sumNum))
  const taxMinor = netMinor - exTaxMinor
  const parts = allocate(taxMinor, weights)
  const taxes = rates.map((r, i) => ({ rateId: r.id, name: r.name, rate: r.rate, baseMinor: exTaxMinor, taxMinor: parts[i] }))
  return { taxMinor, taxes }
}

/** Line gross: unit price × quantity; weighed items: round(price per kg or l × g or ml / 1000). */
export function lineGrossMinor(line: Pick<CartLineInput, 'unitPriceMinor' | 'quantity' | 'weighed'>, field = 'line'): number {
  const exact = BigInt(line.unitPriceMinor) * BigInt(line.quantity)
  const gross = line.weighed ? divRoundHalfAway(exact, 1000n) : exact
  if (gross > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new PatronError('AMOUNT_TOO_LARGE', 'Price × quantity is too large', { field })
  }
  return Number(gross)
}

/** The discount a DiscountInput asks for on `baseMinor` (before clamping). */
function discountMinor(discount: DiscountInput | null | undefined, baseMinor: number): number {
  if (!discount) return 0
  if (discount.kind === 'amount') return discount.amountMinor
  return Number(divRoundHalfAway(BigInt(baseMinor) * discount.percent.num, discount.percent.den))
}

function validateLine(store: PricingStore, line: CartLineInput, i: number): { line: CartLineInput; rates: readonly TaxRate[] } {
  const at = `lines[${i}]`
  if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
    throw new PatronError('INVALID_QUANTITY', 'Quantity must be a whole number greater than 0 (grams or ml for weighed items)', {
      field: `${at}.quantity`,
      value: line.quantity,
    })
  }
  if (!Number.isSafeInteger(line.unitPriceMinor) || line.unitPriceMinor < 0) {
    throw new PatronError('INVALID_PRICE', 'Unit price must be a whole number of minor units, 0 or more', {
      field: `${at}.unitPriceMinor`,
      value: line.unitPriceMinor,
    })
  }
  if (line.discount) validateDiscount(line.discount, `${at}.discount`)
  const reward = line.rewardDiscountMinor
  if (reward !== undefined && (!Number.isSafeInteger(reward) || reward < 0)) {
    throw new PatronError('INVALID_DISCOUNT', 'A reward discount must be a whole number of minor units, 0 or more', {
      field: `${at}.rewardDiscountMinor`,
      value: reward,
    })
  }
  // hasOwn, not `in`: a class id like "constructor" must not find Object.prototype members.
  const rates = Object.hasOwn(store.taxRatesByClass, line.taxClassId) ? store.taxRatesByClass[line.taxClassId] : undefined
  if (!Array.isArray(rates)) {
    throw new PatronError('UNKNOWN_TAX_CLASS', `Tax class "${line.taxClassId}" has no rates in this store`, {
      field: `${at}.taxClassId`,
      taxClassId: line.taxClassId,
    })
  }
  return { line, rates }
}

function validateDiscount(discount: DiscountInput, field: string): void {
  if (discount.kind === 'amount') {
    if (!Number.isSafeInteger(discount.amountMinor) || discount.amountMinor < 0) {
      throw new PatronError('INVALID_DISCOUNT', 'A discount amount must be a whole number of minor units, 0 or more', {
        field: `${field}.amountMinor`,
        value: discount.amountMinor,
      })
    }
    return
  }
  if (discount.kind === 'percent') {
    const p = discount.percent
    const wellFormed = p && typeof p.num === 'bigint' && typeof p.den === 'bigint' && p.den > 0n && p.num >= 0n
    // percent is a fraction (percent("10") = 1/10): above 1 means more than 100 %.
    if (!wellFormed || p.num > p.den) {
      throw new PatronError('INVALID_DISCOUNT', 'A percent discount must be between 0 and 100 %', { field: `${field}.percent` })
    }
    return
  }
  throw new PatronError('INVALID_DISCOUNT', 'A discount is either an amount or a percent', { field: `${field}.kind` })
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b
}
