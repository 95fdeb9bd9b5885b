import {
  evaluateEarn,
  PatronError,
  PROGRAM_ISSUED,
  PROGRAM_REDEEMED,
  storeLocalDate,
  type EarnMember,
  type EarnResult,
  type LotTake,
  type PricedSale,
} from '@patron/core'
import type { AppContext, Principal } from '../../context'
import type { Trx } from '../../db/writer'
import type { Row } from '../../db/schema'
import { creditPoints, lotExpiry, pointsEarnedOnLocalDay, recordSaleVisit, spendPoints, type ProgramVersion } from './loyalty.queries'
import { forUpdate, rawQuery } from '../../db/raw'
import { settleReferral, type ReferralOutcome } from './referrals'
import { tierMetric, upgradeAfterSale, type TierChange } from './tiers'

/** What a sale stores about its loyalty evaluation, so refunds recompute with the same inputs. */
export interface SaleLoyaltyRecord {
  programVersionId: string
  version: number
  pointsName: string
  member: EarnMember
  earn: EarnResult
  pointsTender: { points: number; amountMinor: number; lots?: LotTake[] } | null
  balanceAfter: number
  lotId: string | null
  /** Set when this sale lifted the member into a higher tier (it was earned at the old one). */
  tierChange?: TierChange | null
  referral?: ReferralOutcome | null
  /** The tier's standing discount taken off eligible lines (part of the lines' reward discounts). */
  memberDiscount?: { name: string; amountMinor: number } | null
}

export interface LoyaltyArgs {
  saleId: string
  orgId: string
  customer: Row<'customers'>
  store: Row<'stores'>
  version: ProgramVersion
  priced: PricedSale
  soldAt: string
  channel: 'pos' | 'online'
  pointsTender: { points: number; amountMinor: number } | null
  settledTotalMinor: number
  principal: Principal
  terminalId: string | null
  /** References of the sale's non-cash tenders (card tokens), for the referral fraud rule. */
  paymentReferences: readonly string[]
}

/** Earns (and spends, for points as tender) inside the sale's transaction. */
export async function applySaleLoyalty(ctx: AppContext, trx: Trx, a: LoyaltyArgs): Promise<SaleLoyaltyRecord> {
  const account = await lockSaleAccount(trx, a.customer.id)
  const tz = a.store.time_zone
  const rules = a.version.rules
  const today = storeLocalDate(a.soldAt, tz)
  const sameDay = account.last_sale_at !== null && storeLocalDate(account.last_sale_at, tz) === today
  const pointsEarnedToday = rules.caps?.perDay && sameDay ? await pointsEarnedOnLocalDay(trx, a.customer.id, a.soldAt, tz) : 0
  const member: EarnMember = {
    tierId: account.tier_id,
    firstPurchase: account.sales_count === 0,
    visitCountedToday: account.last_visit_at !== null && storeLocalDate(account.last_visit_at, tz) === today,
    birthMonth: a.customer.birth_date ? Number(a.customer.birth_date.slice(5, 7)) : null,
    pointsEarnedToday,
  }
  const earn = evaluateEarn(a.version.compiled, {
    currencyExponent: a.priced.currency.exponent,
    storeId: a.store.id,
    channel: a.channel,
    at: a.soldAt,
    timeZone: tz,
    lines: a.priced.lines.map((l) => ({ productId: l.productId, categoryId: l.categoryId, eligibleMinor: l.eligibleMinor })),
    totalMinor: a.settledTotalMinor,
    pointsTenderMinor: a.pointsTender?.amountMinor ?? 0,
  }, member)
  const staffId = a.principal.kind === 'staff' ? a.principal.staffId : null
  let balance = account.balance
  let pointsTenderLots: LotTake[] = []
  if (a.pointsTender && a.pointsTender.points > 0) {
    if (balance < a.pointsTender.points) {
      throw new PatronError('INSUFFICIENT_POINTS', `The member has ${Math.max(balance, 0)} ${rules.pointsName}, ${a.pointsTender.points} needed`, { needed: a.pointsTender.points, available: Math.max(balance, 0) })
    }
    const spent = await spendPoints(trx, {
      id: `${a.saleId}:redeem`,
      orgId: a.orgId,
      customerId: a.customer.id,
      points: a.pointsTender.points,
      kind: 'redeem',
      programAccount: PROGRAM_REDEEMED,
      saleId: a.saleId,
      programVersionId: a.version.id,
      staffId,
      terminalId: a.terminalId,
      reason: 'points as tender',
      at: a.soldAt,
      now: a.soldAt,
    })
    balance = spent.balance
    pointsTenderLots = spent.takes
  }
  let lotId: string | null = null
  if (earn.total > 0) {
    lotId = `${a.saleId}:earn`
    balance = await creditPoints(trx, {
      id: lotId,
      orgId: a.orgId,
      customerId: a.customer.id,
      points: earn.total,
      kind: 'earn',
      programAccount: PROGRAM_ISSUED,
      saleId: a.saleId,
      programVersionId: a.version.id,
      staffId,
      terminalId: a.terminalId,
      explanation: { components: earn.components, explanation: earn.explanation },
      at: a.soldAt,
      balanceBefore: balance,
      lotExpiresAt: lotExpiry(rules, a.soldAt, tz),
      countsAsEarning: true,
      // The same update counts the sale on the account (one update of the row per sale).
      saleVisit: { visit: earn.eligibleMinor > 0 },
    })
  } else {
    await recordSaleVisit(trx, a.customer.id, a.soldAt, earn.eligibleMinor > 0)
  }
  // A pending referral exists only for a member who named a referrer (claimReferral sets
  // customers.referred_by in the same transaction), so the others skip the lookup. referred_by
  // is read with the account, inside this transaction, not from the customer row read earlier.
  const referral = rules.referral && account.referred_by !== null
    ? await settleReferral(ctx, trx, { orgId: a.orgId, refereeId: a.customer.id, saleId: a.saleId, eligibleMinor: earn.eligibleMinor, at: a.soldAt, version: a.version, timeZone: tz, refereeBalance: balance, paymentReferences: a.paymentReferences })
    : null
  if (referral?.status === 'rewarded') balance += referral.refereePoints
  let tierChange: TierChange | null = null
  // A member already on the highest tier cannot be upgraded (upgradeAfterSale only moves up),
  // so the metric (two sums over the year's sales and refunds) is not computed for them.
  if (rules.tiers.length > 0 && account.tier_id !== rules.tiers[rules.tiers.length - 1].id) {
    const metric = await tierMetric(trx, rules, a.customer.id, a.soldAt, { points: earn.qualifyingPoints, eligibleMinor: earn.eligibleMinor })
    tierChange = await upgradeAfterSale(trx, { orgId: a.orgId, customerId: a.customer.id, rules, currentTierId: account.tier_id, at: a.soldAt, saleId: a.saleId, programVersionId: a.version.id, metric })
  }
  return {
    tierChange,
    referral,
    programVersionId: a.version.id,
    version: a.version.version,
    pointsName: rules.pointsName,
    member,
    earn,
    pointsTender: a.pointsTender ? { ...a.pointsTender, lots: pointsTenderLots } : null,
    balanceAfter: balance,
    lotId: earn.total > 0 ? lotId : null,
  }
}

interface SaleAccount {
  balance: number
  tier_id: string | null
  sales_count: number
  last_sale_at: string | null
  last_visit_at: string | null
  referred_by: string | null
}

/**
 * The member's account for a sale, locked for the rest of the transaction on PostgreSQL so that
 * two sales of one member cannot both spend the same points (SQLite has a single writer), with
 * the member's referrer in the same statement. What lockAccount does, in hand-written SQL.
 */
const LOCK_SALE_ACCOUNT =
  'select "balance", "tier_id", "sales_count", "last_sale_at", "last_visit_at", (select "referred_by" from "customers" where "id" = ?) as "referred_by" from "loyalty_accounts" where "customer_id" = ?'
const LOCK_SALE_ACCOUNT_PG = `${LOCK_SALE_ACCOUNT} for update`

async function lockSaleAccount(trx: Trx, customerId: string): Promise<SaleAccount> {
  const [row] = await rawQuery<SaleAccount>(trx, forUpdate(trx) ? LOCK_SALE_ACCOUNT_PG : LOCK_SALE_ACCOUNT, [customerId, customerId])
  if (!row) throw new PatronError('CUSTOMER_NOT_FOUND', 'The customer has no loyalty account', { customerId })
  return { ...row, balance: Number(row.balance), sales_count: Number(row.sales_count) }
}
