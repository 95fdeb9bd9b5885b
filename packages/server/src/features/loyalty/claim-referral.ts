import { PatronError } from '@patron/core'
import type { AppContext } from '../../context'
import type { Row } from '../../db/schema'
import type { Trx } from '../../db/writer'
import { newId, nowIso } from '../../util'

const NEW_MEMBER_MS = 24 * 3600_000

/**
 * A member names who referred them: at enrolment, or within a day of it before any purchase
 * (completing a profile started at the till). Fraud rules: a code of the member themself, or of a
 * referrer sharing their phone or email, is SELF_REFERRAL; a member who was already a member
 * (bought before, or enrolled earlier) is REFERRAL_EXISTING_MEMBER. Rejections are recorded in
 * the referrals table, in their own transaction, so they survive the refused request.
 */
export async function claimReferral(ctx: AppContext, trx: Trx, referee: Row<'customers'>, code: string, isNewEnrolment: boolean) {
  const referrer = await checkReferral(ctx, trx, referee, code, isNewEnrolment)
  await recordReferral(ctx, trx, referee, referrer)
  return { referrerId: referrer.id }
}

/**
 * The fraud rules alone: the referrer of the code, or the refusal (recorded). Enrolment runs it
 * before its duplicate-member check, so that someone enrolling again with the referrer's own
 * phone or email is told (and recorded) as a self-referral, not merely a duplicate.
 */
export async function checkReferral(ctx: AppContext, trx: Trx, referee: Row<'customers'>, code: string, isNewEnrolment: boolean): Promise<Row<'customers'>> {
  const at = nowIso(ctx.now())
  const referrer = await trx.selectFrom('customers').selectAll().where('org_id', '=', referee.org_id).where('referral_code', '=', code.trim().toUpperCase()).executeTakeFirst()
  if (!referrer) throw new PatronError('UNKNOWN_REFERRAL_CODE', 'No member has this referral code', { field: 'referralCode', code })
  let reason: string | null = null
  if (referrer.id === referee.id || (referrer.phone && referrer.phone === referee.phone) || (referrer.email && referrer.email === referee.email)) reason = 'self_referral'
  else if (!isNewEnrolment) {
    const account = await trx.selectFrom('loyalty_accounts').select(['sales_count']).where('customer_id', '=', referee.id).executeTakeFirst()
    const age = Date.parse(at) - Date.parse(referee.created_at)
    const already = await trx.selectFrom('referrals').select('id').where('referee_id', '=', referee.id).executeTakeFirst()
    if ((account?.sales_count ?? 0) > 0 || age > NEW_MEMBER_MS || already) reason = 'existing_member'
  }
  if (reason) {
    const rejection = { id: newId(), org_id: referee.org_id, referrer_id: referrer.id, referee_id: isNewEnrolment ? null : referee.id, code: referrer.referral_code, status: 'rejected' as const, reason, sale_id: null, created_at: at, decided_at: at }
    // Recorded apart from the refused request, which writes nothing else.
    void ctx.writer.run((t) => t.insertInto('referrals').values(rejection).execute()).catch(() => undefined)
    throw new PatronError(reason === 'self_referral' ? 'SELF_REFERRAL' : 'REFERRAL_EXISTING_MEMBER', reason === 'self_referral' ? 'A member cannot refer themself' : 'Only new members can be referred', { field: 'referralCode', reason })
  }
  return referrer
}

/** The referee's pending referral, settled by their first qualifying sale; sets customers.referred_by. */
export async function recordReferral(ctx: AppContext, trx: Trx, referee: Row<'customers'>, referrer: Row<'customers'>): Promise<void> {
  const at = nowIso(ctx.now())
  await trx
    .insertInto('referrals')
    .values({ id: newId(), org_id: referee.org_id, referrer_id: referrer.id, referee_id: referee.id, code: referrer.referral_code, status: 'pending', reason: null, sale_id: null, created_at: at, decided_at: null })
    .execute()
  await trx.updateTable('customers').set({ referred_by: referrer.id }).where('id', '=', referee.id).execute()
  referee.referred_by = referrer.id
}
