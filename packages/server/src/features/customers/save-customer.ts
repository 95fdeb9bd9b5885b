import { PatronError } from '@patron/core'
import type { AppContext } from '../../context'
import type { Trx } from '../../db/writer'
import type { Row } from '../../db/schema'
import { newId, nowIso, randomCode } from '../../util'
import { normalisePhone } from './customers.queries'
import { checkReferral, recordReferral } from '../loyalty/claim-referral'
import { programVersionAt } from '../loyalty/loyalty.queries'
import { enrolmentTier, recordTierEvent, sameDateNextYear } from '../loyalty/tiers'

export interface CustomerInput {
  name?: string | null
  phone?: string | null
  email?: string | null
  cardCode?: string | null
  marketingConsent?: boolean
  birthDate?: string | null
  /** The referral code of the member who referred this one (enrolment only). */
  referralCode?: string | null
}

async function assertUnique(trx: Trx, orgId: string, c: { phone?: string | null; email?: string | null; card_code?: string }, selfId: string | null) {
  const checks: [keyof Row<'customers'>, string | null | undefined, string][] = [
    ['phone', c.phone, 'phone'],
    ['email', c.email, 'email'],
    ['card_code', c.card_code, 'cardCode'],
  ]
  for (const [column, value, field] of checks) {
    if (!value) continue
    let q = trx.selectFrom('customers').select('id').where('org_id', '=', orgId).where(column, '=', value)
    if (selfId) q = q.where('id', '!=', selfId)
    const other = await q.executeTakeFirst()
    if (other) throw new PatronError('DUPLICATE_CUSTOMER', `A member with this ${field} exists`, { field, customerId: other.id })
  }
}

/** A member just enrolled, with the tier they start in (see enrolmentTier). */
export type EnrolledCustomer = Row<'customers'> & { tier_id: string | null }

/**
 * Enrolment: one field (phone or email) is enough; a card code and referral code are made. A
 * program whose first tier has threshold 0 has the member in that tier from now (a tier event
 * like any other), so the register shows it and the first sale earns at it.
 */
export async function createCustomer(ctx: AppContext, orgId: string, input: CustomerInput, trx?: Trx): Promise<EnrolledCustomer> {
  if (!input.phone && !input.email && !input.name) {
    throw new PatronError('VALIDATION_FAILED', 'A member needs a phone, an email or a name', {
      fields: [{ field: 'phone', message: 'give a phone, an email or a name' }],
    })
  }
  const at = nowIso(ctx.now())
  const row: Row<'customers'> = {
    id: newId(),
    org_id: orgId,
    name: input.name?.trim() || null,
    name_lower: input.name?.trim().toLowerCase() || null,
    phone: input.phone ? normalisePhone(input.phone) : null,
    email: input.email ? input.email.trim().toLowerCase() : null,
    card_code: input.cardCode?.toUpperCase() || `P${randomCode(9)}`,
    referral_code: randomCode(8),
    referred_by: null,
    marketing_consent: input.marketingConsent ? 1 : 0,
    birth_date: input.birthDate ?? null,
    created_at: at,
    updated_at: at,
  }
  let tierId: string | null = null
  const write = async (t: Trx) => {
    const referrer = input.referralCode ? await checkReferral(ctx, t, row, input.referralCode, true) : null
    await assertUnique(t, orgId, row, null)
    await t.insertInto('customers').values(row).execute()
    const version = await programVersionAt(t, orgId, at)
    const tier = enrolmentTier(version?.rules)
    tierId = tier?.id ?? null
    await t
      .insertInto('loyalty_accounts')
      .values({
        customer_id: row.id,
        org_id: orgId,
        balance: 0,
        tier_id: tierId,
        tier_since: tier ? at : null,
        tier_keep_until: tier ? sameDateNextYear(at) : null,
        lifetime_earned: 0,
        sales_count: 0,
        last_sale_at: null,
        created_at: at,
        updated_at: at,
      })
      .execute()
    if (tier && version) {
      await recordTierEvent(t, orgId, row.id, { fromTierId: null, toTierId: tier.id, toTierName: tier.name, reason: 'qualified', metric: 0 }, at, null, version.id)
    }
    if (referrer) await recordReferral(ctx, t, row, referrer)
    await t.insertInto('outbox').values({ org_id: orgId, topic: 'member.enrolled', aggregate_id: row.id, payload: JSON.stringify({ customerId: row.id }), created_at: at, published_at: null }).execute()
  }
  if (trx) await write(trx)
  else await ctx.writer.run(write)
  return { ...row, tier_id: tierId }
}

export async function updateCustomer(ctx: AppContext, orgId: string, id: string, patch: CustomerInput) {
  return ctx.writer.run(async (trx) => {
    const existing = await trx.selectFrom('customers').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst()
    if (!existing) throw new PatronError('CUSTOMER_NOT_FOUND', 'Customer not found', { customerId: id })
    const set: Partial<Row<'customers'>> = { updated_at: nowIso(ctx.now()) }
    if (patch.name !== undefined) {
      set.name = patch.name?.trim() || null
      set.name_lower = set.name?.toLowerCase() ?? null
    }
    if (patch.phone !== undefined) set.phone = patch.phone ? normalisePhone(patch.phone) : null
    if (patch.email !== undefined) set.email = patch.email ? patch.email.trim().toLowerCase() : null
    if (patch.cardCode !== undefined && patch.cardCode) set.card_code = patch.cardCode.toUpperCase()
    if (patch.marketingConsent !== undefined) set.marketing_consent = patch.marketingConsent ? 1 : 0
    if (patch.birthDate !== undefined) set.birth_date = patch.birthDate
    await assertUnique(trx, orgId, set, id)
    await trx.updateTable('customers').set(set).where('id', '=', id).execute()
    return { ...existing, ...set } as Row<'customers'>
  })
}
