import type { ExpressionBuilder, Kysely } from 'kysely'
import type { Database, Row } from '../../db/schema'

/** Phones are compared in one form: digits with an optional leading +. */
export function normalisePhone(phone: string): string {
  const trimmed = phone.trim()
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '')
}

export function toCustomerView(c: Row<'customers'>, account?: { balance: number; tier_id: string | null } | null) {
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
 * Member lookup at the till: one box that takes a phone, an email (or its prefix), a card code
 * or a name prefix. Each kind walks its own index in its own order, (column, id), so the limit
 * stops the read early even when a short prefix matches a million members; the cursor is the
 * last (value, id). A card code matches exactly and comes first.
 */
export async function searchCustomers(db: Kysely<Database>, orgId: string, term: string, limit: number, cursor?: string) {
  const t = term.trim()
  const column: 'email' | 'phone' | 'name_lower' = t.includes('@') ? 'email' : /^[+\d][\d\s\-()]{2,}$/.test(t) ? 'phone' : 'name_lower'
  const value = column === 'phone' ? normalisePhone(t) : t.toLowerCase()
  const card = cursor ? undefined : await db.selectFrom('customers').selectAll().where('org_id', '=', orgId).where('card_code', '=', t.toUpperCase()).executeTakeFirst()
  let q = db.selectFrom('customers').selectAll().where('org_id', '=', orgId).where((eb) => prefix(eb, column, value))
  if (cursor) {
    const cut = cursor.lastIndexOf('|')
    const [after, afterId] = [cursor.slice(0, cut), cursor.slice(cut + 1)]
    q = q.where((eb) => eb.or([eb(column, '>', after), eb.and([eb(column, '=', after), eb('id', '>', afterId)])]))
  }
  const rows = await q.orderBy(column).orderBy('id').limit(limit + 1).execute()
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  const last = page[page.length - 1]
  const items = card ? [card, ...page.filter((r) => r.id !== card.id)].slice(0, limit) : page
  return { items, nextCursor: more && last ? `${last[column]}|${last.id}` : null }
}

/**
 * "Starts with", written as a range so both SQLite and PostgreSQL walk the (org_id, column)
 * index instead of scanning (a plain LIKE 'x%' uses no index on either by default). Under a
 * binary collation the range alone is exactly "starts with"; the LIKE trims what a linguistic
 * collation (PostgreSQL's default) puts in the range. It is left unescaped on purpose: SQLite
 * has no default escape character, and a wildcard in the input stays inside the range anyway.
 */
function prefix(eb: ExpressionBuilder<Database, 'customers'>, column: 'email' | 'phone' | 'name_lower', value: string) {
  return eb.and([eb(column, '>=', value), eb(column, '<', `${value}\uffff`), eb(column, 'like', `${value}%`)])
}
