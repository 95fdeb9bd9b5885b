// The API's views as the register reads them (see packages/server/src/features/*/*.routes.ts).
import type { EarnComponent, ProgramRules } from '@patron/core'

export interface Page<T> {
  items: T[]
  nextCursor?: string | null
}

export type Role = 'owner' | 'manager' | 'cashier'

export interface RegisterContext {
  staff: { id: string; name: string; role: Role; maxDiscountPercent: string; storeIds: string[] | null }
  terminal: { id: string; code: string; name: string; storeId: string } | null
  storeId: string | null
}

export interface TerminalView {
  id: string
  code: string
  name: string
  storeId: string
  storeCode: string
}

export interface StoreView {
  id: string
  code: string
  name: string
  currency: string
  taxMode: 'inclusive' | 'exclusive'
  timeZone: string
  locale: string
  cashRoundingMinor: number
  address: string | null
}

export interface TaxClassView {
  id: string
  name: string
  rates: { id: string; storeId: string; name: string; ratePercent: string }[]
}

export interface CategoryView {
  id: string
  name: string
  parentId: string | null
}

export interface ProductView {
  id: string
  sku: string
  barcode: string | null
  name: string
  categoryId: string | null
  priceMinor: number
  taxClassId: string
  nonEarning: boolean
  trackStock: boolean
  weighed: boolean
  active: boolean
  updatedAt: string
}

export interface CustomerView {
  id: string
  name: string | null
  phone: string | null
  email: string | null
  cardCode: string | null
  referralCode?: string | null
  marketingConsent: boolean
  birthDate: string | null
  loyalty?: { balance: number; tierId: string | null }
}

export interface LoyaltyView {
  customerId: string
  pointsName: string
  balance: number
  tierId: string | null
  lifetimeEarned: number
  salesCount: number
  lastSaleAt: string | null
  /** The latest sale with eligible amount > 0 (the per-visit bonus counts once per store-local day). */
  lastVisitAt?: string | null
  /** Where the member stands in the tiers (absent when the program has none). */
  tier?: TierProgress | null
}

export interface TierProgress {
  metric: 'points' | 'spend'
  value: number
  current: { id: string; name: string } | null
  keepUntil: string | null
  next: { id: string; name: string; threshold: number; remaining: number } | null
}

export interface ProgramView {
  programId: string
  versionId: string
  version: number
  effectiveAt: string
  rules: ProgramRules
}

export interface CashSessionListItem {
  id: string
  terminalId: string
  storeId: string
  status: 'open' | 'closed'
  openedAt: string
  closedAt: string | null
  openingFloatMinor: number
  countedMinor: number | null
  overShortMinor: number | null
}

export interface CashReport {
  sessionId: string
  terminalId: string
  storeId: string
  status: 'open' | 'closed'
  openedAt: string
  closedAt: string | null
  openingFloatMinor: number
  sales: { count: number; grossMinor: number; discountMinor: number; taxMinor: number; totalMinor: number; roundingMinor: number }
  refunds: { count: number; totalMinor: number }
  taxes: { name: string; ratePercent: string; baseMinor: number; taxMinor: number }[]
  tenders: { kind: string; count: number; amountMinor: number }[]
  refundTenders: { kind: string; amountMinor: number }[]
  points: { issued: number; redeemed: number; clawedBack: number }
  cashMovements: { id: string; kind: 'in' | 'out'; amountMinor: number; reason: string; staffId: string | null; createdAt: string }[]
  cash: { inMinor: number; outMinor: number; expectedMinor: number }
  countedMinor: number | null
  overShortMinor: number | null
}

export interface SaleLineView {
  lineNo: number
  productId: string | null
  sku: string | null
  name: string
  quantity: number
  weighed: boolean
  unitPriceMinor: number
  grossMinor: number
  lineDiscountMinor: number
  cartDiscountMinor: number
  rewardDiscountMinor: number
  netMinor: number
  taxMinor: number
  totalMinor: number
  eligibleMinor: number
  returnedQuantity: number
}

export interface SaleView {
  id: string
  receiptNo: string
  status: 'completed' | 'voided'
  storeId: string
  terminalId: string | null
  customerId: string | null
  currency: string
  taxMode: 'inclusive' | 'exclusive'
  soldAt: string
  lines: SaleLineView[]
  totals: { grossMinor: number; discountMinor: number; taxMinor: number; totalMinor: number; roundingMinor: number; amountDueMinor: number; tenderedMinor: number; changeMinor: number }
  taxes: { rateId: string; name: string; ratePercent: string; baseMinor: number; taxMinor: number }[]
  tenders: { kind: string; amountMinor: number; points: number | null; reference: string | null }[]
  loyalty: { pointsName: string; pointsEarned: number; pointsRedeemed: number; eligibleMinor: number; components: EarnComponent[]; explanation: string; balanceAfter: number } | null
  refunds: { id: string; totalMinor: number; pointsClawedBack: number; createdAt: string }[]
}

export interface RefundView {
  id: string
  saleId: string
  receiptNo: string
  currency: string
  lines: { lineNo: number; quantity: number; netMinor: number; taxMinor: number; totalMinor: number; restock: boolean }[]
  totalMinor: number
  taxMinor: number
  roundingMinor: number
  tenders: { kind: string; amountMinor: number; points: number | null }[]
  pointsClawedBack: number
  pointsReturned: number
  rewardsRestored: { rewardId: string; name: string; points: number }[]
  balanceAfter: number | null
  createdAt: string
}
