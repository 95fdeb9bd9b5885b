import type { Currency } from '../money/currency'
import type { Ratio } from '../money/ratio'

/** One tax rate of a store's tax class, e.g. "VAT 19 %". */
export interface TaxRate {
  readonly id: string
  readonly name: string
  /** Fraction, e.g. 19/100. */
  readonly rate: Ratio
}

/** What the pricing needs to know of a store. */
export interface PricingStore {
  readonly currency: Currency
  readonly taxMode: 'inclusive' | 'exclusive'
  /** Cash rounding increment in minor units (5 = to 0.05); 0 or 1 = no rounding. */
  readonly cashRoundingMinor: number
  /** Tax class id → the rates that apply to it in this store (in order, for compound rates). */
  readonly taxRatesByClass: Readonly<Record<string, readonly TaxRate[]>>
}

export type DiscountInput =
  | { readonly kind: 'amount'; readonly amountMinor: number }
  | { readonly kind: 'percent'; readonly percent: Ratio }

export interface CartLineInput {
  /** Caller's reference for the line (kept on the priced line). */
  readonly ref?: string
  readonly productId: string | null
  readonly categoryId?: string | null
  readonly name: string
  /** Units, or for weighed items grams / millilitres. Integer > 0. */
  readonly quantity: number
  /** Price per unit, or for weighed items per kg / l, in minor units. */
  readonly unitPriceMinor: number
  readonly weighed?: boolean
  readonly taxClassId: string
  readonly nonEarning?: boolean
  readonly discount?: DiscountInput | null
  /** Discount from a redeemed reward on this line, minor units. */
  readonly rewardDiscountMinor?: number
}

export interface CartInput {
  readonly lines: readonly CartLineInput[]
  readonly cartDiscount?: DiscountInput | null
}

export interface LineTax {
  readonly rateId: string
  readonly name: string
  readonly rate: Ratio
  /** Taxable base of this rate on this line. */
  readonly baseMinor: number
  readonly taxMinor: number
}

export interface PricedLine {
  readonly index: number
  readonly ref?: string
  readonly productId: string | null
  readonly categoryId: string | null
  readonly name: string
  readonly quantity: number
  readonly unitPriceMinor: number
  readonly weighed: boolean
  readonly taxClassId: string
  readonly nonEarning: boolean
  /** unit price × quantity (weighed: round(price per kg × g / 1000)). */
  readonly grossMinor: number
  readonly lineDiscountMinor: number
  readonly cartDiscountMinor: number
  readonly rewardDiscountMinor: number
  /** gross − all discounts, never below 0; includes tax in an inclusive store. */
  readonly netMinor: number
  readonly taxMinor: number
  readonly taxes: readonly LineTax[]
  /** What the customer pays for the line: net (inclusive) or net + tax (exclusive). */
  readonly totalMinor: number
  /** Net without tax, 0 for non-earning products: the loyalty eligible amount. */
  readonly eligibleMinor: number
}

export interface TaxSummaryRow {
  readonly rateId: string
  readonly name: string
  readonly rate: Ratio
  readonly baseMinor: number
  readonly taxMinor: number
}

export interface PricedSale {
  readonly currency: Currency
  readonly taxMode: 'inclusive' | 'exclusive'
  readonly lines: readonly PricedLine[]
  readonly grossMinor: number
  readonly lineDiscountMinor: number
  readonly cartDiscountMinor: number
  readonly rewardDiscountMinor: number
  readonly netMinor: number
  readonly taxMinor: number
  /** Amount due before cash rounding. */
  readonly totalMinor: number
  readonly eligibleMinor: number
  readonly taxSummary: readonly TaxSummaryRow[]
}

export type TenderKind = 'cash' | 'card' | 'gift_card' | 'store_credit' | 'points' | 'other'

export interface TenderInput {
  readonly kind: TenderKind
  readonly amountMinor: number
  readonly reference?: string | null
  /** For points tenders: the points spent. */
  readonly points?: number
}

export interface SettledTenders {
  readonly totalMinor: number
  /** Cash rounding (signed, minor units): shown as its own line. */
  readonly roundingMinor: number
  /** total + rounding. */
  readonly amountDueMinor: number
  readonly tenderedMinor: number
  readonly changeMinor: number
  /** The tenders as given (cash as handed over, before change). */
  readonly tenders: readonly TenderInput[]
  /**
   * The tenders as kept: change deducted from the cash tenders (last cash tender first).
   * Index-aligned with `tenders`; sums to amountDueMinor. Store these and pass them to
   * refundTenders as the original tenders.
   */
  readonly paidTenders: readonly TenderInput[]
}

/** One returned line of a refund request. */
export interface RefundLineInput {
  readonly lineIndex: number
  readonly quantity: number
}

export interface RefundedLine {
  readonly lineIndex: number
  readonly quantity: number
  /** What goes back to the customer for this part (net + tax in exclusive stores). */
  readonly totalMinor: number
  readonly netMinor: number
  readonly taxMinor: number
  readonly eligibleMinor: number
  readonly taxes: readonly LineTax[]
}
