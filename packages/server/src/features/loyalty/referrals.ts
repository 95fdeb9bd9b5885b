import { sql } from 'kysely'
import { localPeriodStart, PROGRAM_REFERRAL, type ReferralPolicy } from '@patron/core'
import type { AppContext } from '../../context'
import type { Trx } from '../../db/writer'
import { creditPoints, lockAccount, lotExpiry, type ProgramVersion } from './loyalty.queries'

export interface ReferralOutcome {
  referralId: string
  status: 'rewarded' | 'rejected'
  reason: string | null
  referrerId: string
  referrerPoints: number
  refereePoints: number
}

/**
 * The referee's first qualifying sale (eligible ≥ the policy minimum) rewards both members once.
 * Refused and recorded: a sale paid with a payment reference (card token reported by the payment
 * terminal) the referrer has paid with before — the same person under two memberships — and more
 * than K rewards for one referrer in a calendar month.
 */
export async function settleReferral(
  ctx: AppContext,
  trx: Trx,
  a: { orgId: string; refereeId: string; saleId: string; eligibleMinor: number; at: string; version: ProgramVersion; timeZone: string; refereeBalance: number; paymentReferences: readonly string[] },
): Promise<ReferralOutcome | null> {
  const policy: ReferralPolicy | null | undefined = a.version.rules.referral
  if (!policy) return null
  const pending = await trx.selectFrom('referrals').selectAll().where('referee_id', '=', a.refereeId).where('status', '=', 'pending').executeTakeFirst()
  if (!pending || a.eligibleMinor < policy.minEligibleMinor) return null
  const reject = async (reason: string): Promise<ReferralOutcome> => {
    await trx.updateTable('referrals').set({ status: 'rejected', reason, sale_id: a.saleId, decided_at: a.at }).where('id', '=', pending.id).execute()
    return { referralId: pending.id, status: 'rejected', reason, referrerId: pending.referrer_id, referrerPoints: 0, refereePoints: 0 }
  }
  if (a.paymentReferences.length > 0) {
    const shared = await trx
      .selectFrom('sale_tenders')
      .innerJoin('sales', 'sales.id', 'sale_tenders.sale_id')
      .select('sale_tenders.sale_id')
      .where('sales.customer_id', '=', pending.referrer_id)
      .where('sale_tenders.reference', 'in', [...a.paymentReferences])
      .executeTakeFirst()
    if (shared) return reject('self_referral_payment')
  }
  // The referrer's calendar month in the store's time zone, from its first instant to the next's.
  const monthStart = localPeriodStart('month', a.at, a.timeZone)
  const monthEnd = localPeriodStart('month', new Date(Date.parse(monthStart) + 32 * 86_400_000).toISOString(), a.timeZone)
  const thisMonth = await trx
    .selectFrom('referrals')
    .select(sql<number>`count(*)`.as('n'))
    .where('referrer_id', '=', pending.referrer_id)
    .where('status', '=', 'rewarded')
    .where('decided_at', '>=', monthStart)
    .where('decided_at', '<', monthEnd)
    .executeTakeFirstOrThrow()
  if (Number(thisMonth.n) >= policy.maxPerReferrerPerMonth) return reject('referrer_monthly_limit')
  const expires = lotExpiry(a.version.rules, a.at, a.timeZone)
  const common = { orgId: a.orgId, kind: 'referral', programAccount: PROGRAM_REFERRAL, saleId: a.saleId, programVersionId: a.version.id, at: a.at, lotExpiresAt: expires, countsAsEarning: false }
  if (policy.refereePoints > 0) {
    await creditPoints(trx, { ...common, id: `${pending.id}:referee`, customerId: a.refereeId, points: policy.refereePoints, reason: 'referral: welcome', balanceBefore: a.refereeBalance })
  }
  if (policy.referrerPoints > 0) {
    const referrer = await lockAccount(trx, ctx.db.dialect, pending.referrer_id)
    await creditPoints(trx, { ...common, id: `${pending.id}:referrer`, customerId: pending.referrer_id, points: policy.referrerPoints, reason: 'referral: friend joined', balanceBefore: referrer.balance })
  }
  await trx.updateTable('referrals').set({ status: 'rewarded', sale_id: a.saleId, decided_at: a.at }).where('id', '=', pending.id).execute()
  await trx
    .insertInto('outbox')
    .values({ org_id: a.orgId, topic: 'referral.rewarded', aggregate_id: pending.referrer_id, payload: JSON.stringify({ referralId: pending.id, referrerId: pending.referrer_id, refereeId: a.refereeId }), created_at: a.at, published_at: null })
    .execute()
  return { referralId: pending.id, status: 'rewarded', reason: null, referrerId: pending.referrer_id, referrerPoints: policy.referrerPoints, refereePoints: policy.refereePoints }
}
