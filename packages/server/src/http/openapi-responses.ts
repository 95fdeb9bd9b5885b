import { z } from 'zod'
import type { SwaggerTransform } from '@fastify/swagger'
import { TRANSFER_KINDS } from '@patron/core'
import { ZProgramRules } from '../features/loyalty/program-rules.schema'
import { ADJUSTMENT_REASONS } from '../features/loyalty/adjust-points'
import { COMPONENT_CODES } from '../features/loyalty/simulate-program'

/**
 * The success answers of every /api/v1 route, for the OpenAPI document only: the routes declare
 * their requests with zod but no response schemas, so Fastify neither validates nor serialises
 * what the handlers return (the runtime stays as it is). `documentResponses` puts these into the
 * document; the server tests check every 2xx answer they receive against them
 * (test/harness.ts `Client.request`), so the document cannot drift from the handlers unseen.
 *
 * Keyed by `METHOD url` with the url as Fastify registers it (`/api/v1/customers/:id/loyalty`).
 * Written from what the handlers and the view builders they call return: a field that is
 * `T | null` there is `.nullable()` here, a key that may be absent is `.optional()`.
 */

// ---------------------------------------------------------------------------------------------
// Building blocks

/** Amounts (minor units of the currency), points, counts: always whole numbers. */
const Int = z.number().int()
const Id = z.string()
/** ISO 8601 UTC time, as stored. */
const Time = z.string().describe('ISO 8601 time (UTC)')
/** Exact decimal as text, e.g. "19" or "8.875". */
const Decimal = z.string().describe('Exact decimal as text, e.g. "19" or "1.5"')
const Role = z.enum(['owner', 'manager', 'cashier'])
const TaxMode = z.enum(['inclusive', 'exclusive'])
const NextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page')
const TenderKind = z.enum(['cash', 'card', 'gift_card', 'store_credit', 'points', 'other'])
const TransferKind = z.enum(Object.keys(TRANSFER_KINDS) as [keyof typeof TRANSFER_KINDS, ...(keyof typeof TRANSFER_KINDS)[]])
const ComponentCode = z.enum(COMPONENT_CODES)

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) })
const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: NextCursor })

// ---------------------------------------------------------------------------------------------
// Staff, stores, catalogue, customers

const Staff = z.object({
  id: Id,
  name: z.string(),
  email: z.string().nullable(),
  role: Role,
  storeIds: z.array(Id).nullable().describe('null = every store of the organisation'),
  maxDiscountPercent: Decimal,
  active: z.boolean(),
  hasPin: z.boolean(),
  dailyAdjustLimit: Int.nullable().describe('Points this person may adjust by hand per day; null = the default of the role'),
  createdAt: Time,
})

const Store = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  currency: z.string().describe('ISO 4217 code'),
  taxMode: TaxMode,
  timeZone: z.string(),
  locale: z.string(),
  cashRoundingMinor: Int,
  address: z.string().nullable(),
  createdAt: Time,
})

const Terminal = z.object({ id: Id, storeId: Id, code: z.string(), name: z.string() })
const TaxRate = z.object({ id: Id, storeId: Id, name: z.string(), ratePercent: Decimal })
const TaxClass = z.object({ id: Id, name: z.string(), rates: z.array(TaxRate) })
const Category = z.object({ id: Id, name: z.string(), parentId: Id.nullable() })

const Product = z.object({
  id: Id,
  sku: z.string(),
  barcode: z.string().nullable(),
  name: z.string(),
  categoryId: Id.nullable(),
  priceMinor: Int,
  taxClassId: Id,
  nonEarning: z.boolean(),
  trackStock: z.boolean(),
  weighed: z.boolean(),
  active: z.boolean(),
  createdAt: Time,
  updatedAt: Time,
})
const StockLevel = z.object({ storeId: Id, quantity: Int })
const ProductWithStock = Product.extend({ stock: z.array(StockLevel).describe('Stock per store (stores without a stock level are absent)') })

const Customer = z.object({
  id: Id,
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  cardCode: z.string(),
  referralCode: z.string(),
  marketingConsent: z.boolean(),
  birthDate: z.string().nullable().describe('YYYY-MM-DD'),
  createdAt: Time,
  updatedAt: Time,
})
const MemberLoyalty = z.object({ balance: Int, tierId: Id.nullable() })
const CustomerWithLoyalty = Customer.extend({ loyalty: MemberLoyalty })

// ---------------------------------------------------------------------------------------------
// Cash

const CashReport = z.object({
  sessionId: Id,
  terminalId: Id,
  storeId: Id,
  status: z.enum(['open', 'closed']),
  openedAt: Time,
  closedAt: Time.nullable(),
  openingFloatMinor: Int,
  sales: z.object({ count: Int, grossMinor: Int, discountMinor: Int, taxMinor: Int, totalMinor: Int, roundingMinor: Int }),
  refunds: z.object({ count: Int, totalMinor: Int }),
  returnsWithoutReceipt: z.object({ count: Int, totalMinor: Int }),
  taxes: z.array(z.object({ name: z.string(), ratePercent: Decimal, baseMinor: Int, taxMinor: Int })),
  tenders: z.array(z.object({ kind: TenderKind, count: Int, amountMinor: Int.describe('Cash net of change given') })),
  refundTenders: z.array(z.object({ kind: TenderKind, amountMinor: Int })),
  points: z.object({ issued: Int, redeemed: Int, clawedBack: Int }),
  cashMovements: z.array(z.object({ id: Id, kind: z.enum(['in', 'out']), amountMinor: Int, reason: z.string(), staffId: Id.nullable(), createdAt: Time })),
  cash: z.object({ inMinor: Int, outMinor: Int, expectedMinor: Int }),
  countedMinor: Int.nullable(),
  overShortMinor: Int.nullable(),
})
const ZReport = CashReport.extend({ status: z.literal('closed'), closedAt: Time, countedMinor: Int, overShortMinor: Int })
const CashSessionSummary = z.object({
  id: Id,
  terminalId: Id,
  storeId: Id,
  status: z.enum(['open', 'closed']),
  openedAt: Time,
  closedAt: Time.nullable(),
  openingFloatMinor: Int,
  countedMinor: Int.nullable(),
  overShortMinor: Int.nullable(),
})

// ---------------------------------------------------------------------------------------------
// Sales, refunds, returns

const EarnComponent = z.object({
  code: ComponentCode,
  ruleId: z.string().optional().describe('The rule that produced it, where there is one'),
  label: z.string(),
  points: Int.describe('Signed: a cap is negative'),
})

const Sale = z.object({
  id: Id,
  receiptNo: z.string(),
  status: z.enum(['completed', 'voided']),
  channel: z.enum(['pos', 'online']),
  storeId: Id,
  store: z.object({ code: z.string(), name: z.string(), locale: z.string(), timeZone: z.string(), address: z.string().nullable() }),
  terminalId: Id.nullable(),
  cashSessionId: Id.nullable(),
  staffId: Id.nullable(),
  customerId: Id.nullable(),
  currency: z.string(),
  taxMode: TaxMode,
  soldAt: Time,
  externalRef: z.string().nullable(),
  lines: z.array(
    z.object({
      lineNo: Int,
      productId: Id.nullable().describe('null for a custom item'),
      sku: z.string().nullable(),
      name: z.string(),
      quantity: Int,
      weighed: z.boolean(),
      unitPriceMinor: Int,
      grossMinor: Int,
      lineDiscountMinor: Int,
      cartDiscountMinor: Int,
      rewardDiscountMinor: Int,
      netMinor: Int,
      taxMinor: Int,
      totalMinor: Int,
      eligibleMinor: Int,
      returnedQuantity: Int,
    }),
  ),
  totals: z.object({
    grossMinor: Int,
    discountMinor: Int,
    taxMinor: Int,
    totalMinor: Int,
    roundingMinor: Int,
    amountDueMinor: Int,
    tenderedMinor: Int,
    changeMinor: Int,
  }),
  taxes: z.array(z.object({ rateId: Id, name: z.string(), ratePercent: Decimal, baseMinor: Int, taxMinor: Int })),
  tenders: z.array(z.object({ kind: TenderKind, amountMinor: Int, points: Int.nullable(), reference: z.string().nullable() })),
  loyalty: z
    .object({
      pointsName: z.string(),
      pointsEarned: Int,
      pointsRedeemed: Int,
      eligibleMinor: Int,
      components: z.array(EarnComponent),
      explanation: z.string(),
      programVersion: Int,
      programVersionId: Id,
      balanceAfter: Int,
      tierChange: z
        .object({ fromTierId: Id.nullable(), toTierId: Id.nullable(), toTierName: z.string().nullable(), reason: z.enum(['qualified', 'review']), metric: Int })
        .nullable(),
      referral: z
        .object({ referralId: Id, status: z.enum(['rewarded', 'rejected']), reason: z.string().nullable(), referrerId: Id, referrerPoints: Int, refereePoints: Int })
        .nullable(),
      memberDiscount: z.object({ name: z.string(), amountMinor: Int }).nullable(),
    })
    .nullable()
    .describe('null for a sale without a member'),
  rewards: z.array(
    z.object({
      redemptionId: Id,
      rewardId: Id,
      name: z.string(),
      points: Int,
      channel: z.enum(['reservation', 'voucher']),
      voucherCode: z.string().nullable(),
      status: z.enum(['pending', 'posted', 'released', 'issued', 'used', 'expired']),
      discountMinor: Int,
    }),
  ),
  refunds: z.array(z.object({ id: Id, totalMinor: Int, pointsClawedBack: Int, createdAt: Time })),
})

const SaleSummary = z.object({
  id: Id,
  receiptNo: z.string(),
  status: z.enum(['completed', 'voided']),
  channel: z.enum(['pos', 'online']),
  storeId: Id,
  customerId: Id.nullable(),
  currency: z.string(),
  totalMinor: Int,
  pointsEarned: Int,
  soldAt: Time,
})

const Refund = z.object({
  id: Id,
  saleId: Id,
  receiptNo: z.string(),
  currency: z.string(),
  lines: z.array(z.object({ lineNo: Int, quantity: Int, netMinor: Int, taxMinor: Int, totalMinor: Int, restock: z.boolean() })),
  totalMinor: Int,
  taxMinor: Int,
  roundingMinor: Int,
  tenders: z.array(z.object({ kind: TenderKind, amountMinor: Int, points: Int.nullable() })),
  pointsClawedBack: Int,
  pointsReturned: Int,
  rewardsRestored: z.array(z.object({ rewardId: Id, name: z.string(), points: Int })),
  balanceAfter: Int.nullable(),
  createdAt: Time,
})

const OpenReturn = z.object({
  id: Id,
  storeId: Id,
  totalMinor: Int,
  taxMinor: Int,
  tenderKind: z.enum(['cash', 'card', 'store_credit']),
  lines: z.array(
    z.object({
      lineNo: Int,
      productId: Id,
      name: z.string(),
      quantity: Int,
      unitPriceMinor: Int,
      totalMinor: Int,
      taxMinor: Int,
      taxes: z.array(z.object({ name: z.string(), ratePercent: Decimal, taxMinor: Int })),
      restock: z.boolean(),
    }),
  ),
  approvedBy: Id.nullable(),
  reason: z.string(),
  pointsClawedBack: z.literal(0).describe('A return without a receipt takes no points back'),
  createdAt: Time,
})

// ---------------------------------------------------------------------------------------------
// Loyalty, rewards, program

const Lot = z.object({ id: Id, points: Int, remaining: Int, earnedAt: Time, expiresAt: Time.nullable(), saleId: Id.nullable() })

const LoyaltyAccount = z.object({
  customerId: Id,
  pointsName: z.string(),
  balance: Int,
  tierId: Id.nullable(),
  tier: z
    .object({
      metric: z.enum(['points', 'spend']),
      value: Int.describe('Qualifying points, or spend in minor units, over the rolling year'),
      current: z.object({ id: Id, name: z.string(), multiplier: Decimal, perks: z.array(z.string()) }).nullable(),
      keepUntil: Time.nullable(),
      next: z.object({ id: Id, name: z.string(), threshold: Int, remaining: Int }).nullable(),
    })
    .nullable()
    .describe('null when the program has no tiers'),
  lifetimeEarned: Int,
  salesCount: Int,
  lastSaleAt: Time.nullable(),
  lastVisitAt: Time.nullable(),
  lots: z.array(Lot).describe('Open lots, soonest-expiring first'),
})

const LedgerEntry = z.object({
  id: Id,
  kind: TransferKind,
  points: Int.describe("Signed from the member's side: positive in, negative out"),
  debitAccount: z.string(),
  creditAccount: z.string(),
  saleId: Id.nullable(),
  refundId: Id.nullable(),
  programVersionId: Id.nullable(),
  staffId: Id.nullable(),
  terminalId: Id.nullable(),
  reason: z.string().nullable(),
  explanation: z.string().nullable().describe('For earned points: the explanation shown on the receipt'),
  components: z.array(EarnComponent).nullable().describe('For earned points: the points by rule'),
  details: z.record(z.string(), z.unknown()).nullable().describe('For other entries with a recorded explanation (adjustments, clawbacks, expiries): its fields'),
  createdAt: Time,
})

const Adjustment = z.object({
  id: Id,
  customerId: Id,
  points: Int,
  reasonCode: z.enum(ADJUSTMENT_REASONS),
  note: z.string(),
  balance: Int.describe('The balance after the adjustment'),
  createdAt: Time,
})

const TierEvent = z.object({ id: Id, fromTierId: Id.nullable(), toTierId: Id.nullable(), reason: z.string(), metric: Int, saleId: Id.nullable(), createdAt: Time })
const Referral = z.object({
  id: Id,
  referrerId: Id,
  refereeId: Id.nullable(),
  status: z.enum(['pending', 'rewarded', 'rejected']),
  reason: z.string().nullable(),
  saleId: Id.nullable(),
  createdAt: Time,
  decidedAt: Time.nullable(),
})

const Reward = z.object({
  id: Id,
  name: z.string(),
  description: z.string().nullable(),
  kind: z.enum(['free_product', 'amount_off', 'percent_off', 'free_delivery', 'experience']),
  costPoints: Int,
  productId: Id.nullable(),
  categoryId: Id.nullable(),
  priceCeilingMinor: Int.nullable(),
  amountOffMinor: Int.nullable(),
  percentOff: Decimal.nullable(),
  validFrom: Time.nullable(),
  validTo: Time.nullable(),
  tierIds: z.array(Id).nullable(),
  limitPerMember: Int.nullable(),
  limitPeriod: z.enum(['day', 'week', 'month', 'year', 'ever']).nullable(),
  stock: Int.nullable(),
  active: z.boolean(),
  createdAt: Time,
  updatedAt: Time,
})
const RewardForMember = Reward.extend({
  available: z.boolean(),
  unavailableReason: z.enum(['inactive', 'online_only', 'not_in_dates', 'not_entitled', 'out_of_stock', 'not_enough_points']).nullable(),
})

const Redemption = z.object({
  id: Id,
  rewardId: Id,
  customerId: Id,
  channel: z.enum(['reservation', 'voucher']),
  cartId: Id.nullable(),
  voucherCode: z.string().nullable(),
  points: Int,
  status: z.enum(['pending', 'posted', 'released', 'issued', 'used', 'expired']),
  saleId: Id.nullable(),
  expiresAt: Time,
  createdAt: Time,
  decidedAt: Time.nullable(),
})

const ProgramVersionSummary = z.object({
  programId: Id,
  versionId: Id,
  version: Int,
  effectiveAt: Time,
  publishedAt: Time,
  publishedBy: Id.nullable().describe('Staff id or API key id; null for the version made with the shop'),
})
const ProgramVersion = ProgramVersionSummary.extend({ rules: ZProgramRules })
const ProgramDraft = z.object({ programId: Id, name: z.string(), rules: ZProgramRules, updatedAt: Time })

const PointsByComponent = z.object(Object.fromEntries(COMPONENT_CODES.map((c) => [c, Int])) as Record<(typeof COMPONENT_CODES)[number], typeof Int>)
const TierCount = z.object({ tierId: Id.nullable(), name: z.string().nullable(), threshold: Int.nullable(), members: Int })
const Simulation = z.object({
  from: Time,
  to: Time,
  rulesSource: z.enum(['draft', 'request']),
  currency: z.string().nullable(),
  sales: Int,
  members: Int,
  published: z.object({
    pointsByComponent: PointsByComponent,
    totalPoints: Int,
    costMinor: Int,
    versions: z.array(z.object({ version: Int, sales: Int, points: Int })),
  }),
  simulated: z.object({ pointsByComponent: PointsByComponent, totalPoints: Int, costMinor: Int, costPerPointMinor: Decimal }),
  change: z.object({ totalPoints: Int, costMinor: Int }),
  tiers: z.array(TierCount),
  publishedTiers: z.array(TierCount),
  topChanges: z.array(z.object({ customerId: Id, name: z.string().nullable(), publishedPoints: Int, simulatedPoints: Int, delta: Int })),
  replayMismatches: Int,
})

// ---------------------------------------------------------------------------------------------
// Reports

const LiabilityFigures = {
  issued: Int,
  redeemed: Int,
  expired: Int,
  clawedBack: Int,
  adjusted: Int,
  breakageRate: z.string().nullable().describe('expired ÷ (redeemed + expired), 4 decimals; null when both are 0'),
}
const Liability = z.object({
  currency: z.string().nullable(),
  timeZone: z.literal('UTC'),
  from: z.string().describe('YYYY-MM'),
  to: z.string().describe('YYYY-MM'),
  openingOutstanding: Int,
  months: z.array(
    z.object({
      month: z.string().describe('YYYY-MM'),
      ...LiabilityFigures,
      outstanding: Int,
      costPerPointMinor: Decimal.nullable(),
      outstandingValueMinor: Int.nullable(),
    }),
  ),
  totals: z.object({ ...LiabilityFigures, outstanding: Int, outstandingValueMinor: Int.nullable() }),
})

const AuditEntry = z.object({
  id: Id,
  actorType: z.enum(['staff', 'api_key', 'system', 'member']),
  actorId: Id.nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.unknown().describe('JSON recorded with the action, or null'),
  createdAt: Time,
})

// ---------------------------------------------------------------------------------------------
// The routes

export interface ResponseDoc {
  status: 200 | 201 | 204
  description: string
  /** The JSON body; absent for a 204. */
  schema?: z.ZodType
  /** Further media types the route answers with (e.g. printable HTML), besides the JSON. */
  alternatives?: Record<string, z.ZodType>
}

const ok = (schema: z.ZodType, description: string): ResponseDoc => ({ status: 200, schema, description })
const created = (schema: z.ZodType, description: string): ResponseDoc => ({ status: 201, schema, description })

export const RESPONSES: Record<string, ResponseDoc> = {
  // staff
  'POST /api/v1/auth/login': ok(z.object({ staffId: Id, expiresAt: Time }), 'Signed in; the session cookie is set'),
  'POST /api/v1/auth/pin': ok(z.object({ staffId: Id, terminalId: Id, expiresAt: Time }), 'Signed in at the terminal; the session cookie is set'),
  'POST /api/v1/auth/logout': ok(z.object({ ok: z.literal(true) }), 'Signed out; the session cookie is cleared'),
  'GET /api/v1/auth/me': ok(
    z.object({ staffId: Id, name: z.string(), role: Role, storeIds: z.array(Id).nullable(), terminalId: Id.nullable(), storeId: Id.nullable() }),
    'The signed-in staff member',
  ),
  'GET /api/v1/staff': ok(list(Staff), 'Staff, by name'),
  'POST /api/v1/staff': created(Staff, 'The staff member created'),

  // stores
  'GET /api/v1/stores': ok(list(Store), 'Stores, by code'),
  'POST /api/v1/stores': created(Store, 'The store created'),
  'GET /api/v1/terminals': ok(list(Terminal.extend({ storeCode: z.string() })), 'Terminals, by store and code'),
  'POST /api/v1/terminals': created(Terminal, 'The terminal registered'),
  'GET /api/v1/tax-classes': ok(list(TaxClass), 'Tax classes with their rates in every store'),
  'POST /api/v1/tax-classes': created(TaxClass, 'The tax class created (no rates yet)'),
  'POST /api/v1/tax-classes/:id/rates': created(TaxRate, 'The rate added'),

  // catalogue
  'GET /api/v1/categories': ok(list(Category), 'Categories, by name'),
  'POST /api/v1/categories': created(Category, 'The category created'),
  'GET /api/v1/products': ok(page(Product), 'A page of products'),
  'POST /api/v1/products': created(Product, 'The product created'),
  'GET /api/v1/products/snapshot': ok(
    z.object({
      asOf: Time.nullable().describe('The newest updatedAt of any product when taken: continue with GET /products?updatedSince='),
      count: Int,
      columns: z.array(z.string()).describe('id, sku, barcode, name, categoryId, priceMinor, taxClassId, nonEarning, trackStock, weighed, updatedAt'),
      values: z.record(z.string(), z.array(z.string())).describe('For the columns named here (categoryId, taxClassId): the ids; a row holds the position of its id in this list'),
      rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))).describe('One per active product, in name order, values in the order of columns'),
    }),
    'Every active product (304 when If-None-Match names the current ETag)',
  ),
  'GET /api/v1/products/:id': ok(ProductWithStock, 'The product with its stock per store'),
  'PATCH /api/v1/products/:id': ok(Product, 'The product as changed'),
  'POST /api/v1/products/:id/stock-adjustments': created(z.object({ productId: Id, storeId: Id, quantity: Int.describe('The new stock level') }), 'The stock level after the adjustment'),

  // customers
  'GET /api/v1/customers': ok(page(Customer), 'A page of members'),
  'POST /api/v1/customers': created(CustomerWithLoyalty, 'The member enrolled'),
  'GET /api/v1/customers/:id': ok(
    Customer.extend({ loyalty: MemberLoyalty.optional().describe('Absent when the member has no loyalty account') }),
    'The member with balance and tier',
  ),
  'PATCH /api/v1/customers/:id': ok(Customer, 'The member as changed'),
  'POST /api/v1/customers/:id/referral': created(z.object({ customerId: Id, referrerId: Id, status: z.literal('pending') }), 'The referral, pending until the first qualifying sale'),

  // cash
  'POST /api/v1/cash-sessions': created(CashReport, 'The session opened, with its X report'),
  'GET /api/v1/cash-sessions': ok(list(CashSessionSummary), 'Up to 100 cash sessions, newest first'),
  'GET /api/v1/cash-sessions/:id': ok(CashReport, 'The X report of an open session, or the Z report frozen when it was closed'),
  'GET /api/v1/cash-sessions/:id/x-report': ok(CashReport, 'The figures of the session so far'),
  'POST /api/v1/cash-sessions/:id/movements': created(
    z.object({ id: Id, sessionId: Id, kind: z.enum(['in', 'out']), amountMinor: Int, reason: z.string() }),
    'The cash movement recorded',
  ),
  'POST /api/v1/cash-sessions/:id/close': ok(ZReport, 'The Z report, frozen'),

  // sales
  'POST /api/v1/sales': created(Sale, 'The sale completed (or, for a replay of its id with the same body, as first completed)'),
  'GET /api/v1/sales': ok(page(SaleSummary), 'A page of sales, newest first'),
  'GET /api/v1/sales/:id': ok(Sale, 'The sale'),
  'GET /api/v1/sales/:id/receipt': {
    status: 200,
    schema: Sale,
    alternatives: { 'text/html': z.string().describe('The printable receipt (format=html)') },
    description: 'The receipt: the sale as JSON, or printable HTML with format=html',
  },
  'POST /api/v1/sales/:id/receipt/email': ok(z.object({ saleId: Id, sentTo: z.string(), messageId: z.string() }), 'The receipt was sent'),
  'POST /api/v1/sales/:id/void': ok(z.object({ id: Id, status: z.literal('voided'), voidedAt: Time }), 'The cart voided'),
  'POST /api/v1/sales/:id/refunds': created(Refund, 'The refund (or, for a replay of its id with the same body, as first recorded)'),
  'GET /api/v1/sales/:id/refunds': ok(list(Refund), 'Refunds of the sale, oldest first'),
  'POST /api/v1/returns': created(OpenReturn, 'The return recorded'),

  // loyalty
  'GET /api/v1/customers/:id/loyalty': ok(LoyaltyAccount, "The member's balance, tier and open lots"),
  'GET /api/v1/customers/:id/ledger': ok(page(LedgerEntry), 'A page of ledger entries, newest first'),
  'POST /api/v1/customers/:id/adjustments': created(Adjustment, 'The adjustment (or, for a replay of its id, as first recorded)'),
  'GET /api/v1/customers/:id/tier-events': ok(list(TierEvent), 'Up to 100 tier changes, newest first'),
  'GET /api/v1/customers/:id/referrals': ok(list(Referral), 'Up to 200 referrals, newest first'),
  'GET /api/v1/loyalty/program': ok(z.object({ programId: Id, versionId: Id, version: Int, effectiveAt: Time, rules: ZProgramRules }), 'The version in force'),
  'GET /api/v1/loyalty/ledger/verify': ok(
    z.object({
      ok: z.boolean(),
      transfers: Int,
      accounts: Int,
      violations: z.array(z.object({ code: z.string(), message: z.string(), account: z.string().optional(), transferId: Id.optional() })),
    }),
    'The result of the check',
  ),

  // rewards
  'GET /api/v1/rewards': ok(
    z.union([
      z.object({ balance: Int.describe("The member's balance"), items: z.array(RewardForMember) }).describe('With customerId: what that member can use now, and why not'),
      list(Reward).describe('Without customerId: the catalogue'),
    ]),
    'The rewards catalogue, by cost',
  ),
  'POST /api/v1/rewards': created(Reward, 'The reward created'),
  'PATCH /api/v1/rewards/:id': ok(Reward, 'The reward as changed'),
  'POST /api/v1/rewards/:id/reservations': created(Redemption, 'The reservation: its points are held until the sale completes or it is released'),
  'POST /api/v1/reward-reservations/:id/release': ok(Redemption, 'The reservation released'),
  'POST /api/v1/customers/:id/vouchers': created(Redemption, 'The voucher issued (or, for a replay of its id, as first issued)'),
  'GET /api/v1/customers/:id/vouchers': ok(list(Redemption), "Up to 200 of the member's vouchers and reservations, newest first"),

  // program
  'GET /api/v1/loyalty/program/draft': ok(ProgramDraft, 'The draft'),
  'PUT /api/v1/loyalty/program/draft': ok(ProgramDraft, 'The draft as saved'),
  'POST /api/v1/loyalty/program/publish': created(ProgramVersion, 'The version published'),
  'GET /api/v1/loyalty/program/versions': ok(page(ProgramVersionSummary.extend({ inForce: z.boolean() })), 'A page of versions, newest number first'),
  'GET /api/v1/loyalty/program/versions/:version': ok(ProgramVersion, 'The version with its rules'),
  'POST /api/v1/loyalty/simulations': ok(Simulation, 'The simulation (nothing is written)'),

  // reports
  'GET /api/v1/reports/loyalty-liability': ok(Liability, 'The liability per month'),
  'GET /api/v1/audit-log': ok(page(AuditEntry), 'A page of the audit log, newest first'),

  // register
  'GET /api/v1/register/context': ok(
    z.object({
      staff: z.object({ id: Id, name: z.string(), role: Role, maxDiscountPercent: Decimal.describe('"100" for managers and owners'), storeIds: z.array(Id).nullable() }),
      terminal: z.object({ id: Id, code: z.string(), name: z.string(), storeId: Id }).nullable(),
      storeId: Id.nullable(),
    }),
    'The signed-in staff member at this register',
  ),
  'POST /api/v1/register/approvals': ok(z.object({ staffId: Id, name: z.string(), role: Role }), 'The manager whose PIN it is'),
}

/** The documented success answer of a route, by method and Fastify url pattern. */
export function responseDoc(method: string, url: string): ResponseDoc | undefined {
  return RESPONSES[`${method.toUpperCase()} ${url}`]
}

const ERROR_RESPONSE = {
  description: 'An error: `{ "error": { "code", "message", "details" } }`; the codes and their statuses are listed above',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
}

/**
 * Wraps the document's transform (fastify-type-provider-zod's `jsonSchemaTransform`) so that each
 * documented route gets its success answer and the shared `Error` for 4XX. The zod schemas are
 * converted by the wrapped transform, like the request schemas, and go into the document only:
 * the route's own schema (what Fastify validates and serialises with) is left untouched.
 */
export function documentResponses(transform: SwaggerTransform): SwaggerTransform {
  return (input) => {
    const methods = ([] as string[]).concat(input.route.method)
    const doc = methods.map((m) => responseDoc(m, input.url)).find((d) => d !== undefined)
    if (!doc || !input.schema || input.schema.hide) return transform(input)
    const content: Record<string, { schema: z.ZodType }> = {}
    if (doc.schema) content['application/json'] = { schema: doc.schema }
    for (const [type, schema] of Object.entries(doc.alternatives ?? {})) content[type] = { schema }
    const withBody = Object.keys(content).length > 0
    const out = withBody ? transform({ ...input, schema: { ...input.schema, response: { [doc.status]: { description: doc.description, content } } } }) : transform(input)
    const schema = (out.schema ?? {}) as { response?: Record<string, unknown> }
    // v1 grows by adding fields (api.md): the document must not tell clients to refuse them.
    if (schema.response) schema.response = openObjects(schema.response) as Record<string, unknown>
    // No body (204): swagger's `type: 'null'` form documents a response without content.
    const noBody = withBody ? {} : { [doc.status]: { description: doc.description, type: 'null' } }
    return { ...out, schema: { ...schema, response: { ...schema.response, ...noBody, '4XX': ERROR_RESPONSE } } }
  }
}

/** The JSON schema without `additionalProperties: false` (zod writes it for every output object). */
function openObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openObjects)
  if (node === null || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'additionalProperties' && value === false) continue
    out[key] = openObjects(value)
  }
  return out
}
