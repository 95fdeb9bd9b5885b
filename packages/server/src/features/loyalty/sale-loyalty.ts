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
import type { Database, Row } from '../../db/schema'
import { creditPoints, lockAccount, lotExpiry, pointsEarnedOnLocalDay, spendPoints, type ProgramVersion } from './loyalty.queries'
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
}

/** Earns (and spends, for points as tender) inside the sale's transaction. */
export async function applySaleLoyalty(ctx: AppContext, trx: Trx, a: LoyaltyArgs): Promise<SaleLoyaltyRecord> {
  const account = await lockAccount(trx, ctx.db.dialect, a.customer.id)
  const tz = a.store.time_zone
  const rules = a.version.rules
  const sameDay = account.last_sale_at !== null && storeLocalDate(account.last_sale_at, tz) === storeLocalDate(a.soldAt, tz)
  const pointsEarnedToday = rules.caps?.perDay && sameDay ? await pointsEarnedOnLocalDay(trx, a.customer.id, a.soldAt, tz) : 0
  const member: EarnMember = {
    tierId: account.tier_id,
    firstPurchase: account.sales_count === 0,
    visitCountedToday: sameDay,
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
    })
  }
  await trx
    .updateTable('loyalty_accounts')
    .set((eb) => ({ sales_count: eb('sales_count', '+', 1), last_sale_at: a.soldAt, updated_at: a.soldAt }))
    .where('customer_id', '=', a.customer.id)
    .execute()
  const referral = await settleReferral(ctx, trx, { orgId: a.orgId, refereeId: a.customer.id, saleId: a.saleId, eligibleMinor: earn.eligibleMinor, at: a.soldAt, version: a.version, timeZone: tz, refereeBalance: balance })
  if (referral?.status === 'rewarded') balance += referral.refereePoints
  let tierChange: TierChange | null = null
  if (rules.tiers.length > 0) {
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
