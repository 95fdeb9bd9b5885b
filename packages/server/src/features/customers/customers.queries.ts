import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'

/** Phones are compared in one form: digits with an optional leading +. */
export function normalisePhone(phone: string): string {
  const trimmed = phone.trim()
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '')
}

export function toCustomerView(c: Database['customers'], account?: { balance: number; tier_id: string | null } | null) {
  return {
    id: c.id,
    name: c.name,
    phone: c.phone,
    email: c.email,
    cardCode: c.card_code,
    referralCode: c.referral_code,
    marketingConsent: c.marketing_consent === 1,
    birthDate: c.birth_date,
    ...(account ? { loyalty: { balance: account.balance, tierId: account.tier_id } } : {}),
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  }
}

/**
 * Member lookup at the till: one box that takes a phone, an email (or its prefix), a card
 * code or a name prefix. Each branch uses its own index.
 */
export async function searchCustomers(db: Kysely<Database>, orgId: string, term: string, limit: number, cursor?: string) {
  const t = term.trim()
  let q = db.selectFrom('customers').selectAll().where('org_id', '=', orgId)
  const escaped = t.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)
  if (t.includes('@')) q = q.where('email', 'like', `${escaped}%`)
  else if (/^[+\d][\d\s\-()]{5,}$/.test(t)) {
    const phone = normalisePhone(t)
    q = q.where((eb) => eb.or([eb('phone', '=', phone), eb('phone', 'like', `%${phone.replace(/^\+/, '')}`), eb('card_code', '=', t.toUpperCase())]))
  } else {
    q = q.where((eb) => eb.or([eb('card_code', '=', t.toUpperCase()), eb('name_lower', 'like', `${escaped}%`), eb('email', 'like', `${escaped}%`)]))
  }
  if (cursor) q = q.where('id', '>', cursor)
  const rows = await q.orderBy('id').limit(limit + 1).execute()
  const more = rows.length > limit
  const items = more ? rows.slice(0, limit) : rows
  return { items, nextCursor: more ? items[items.length - 1].id : null }
}
