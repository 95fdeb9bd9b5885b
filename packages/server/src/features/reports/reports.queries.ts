import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'

/**
 * The currency a program's cost per point is counted in: that of the organisation's first
 * store (a program is one brand's, and its stores share a currency). Null before any store.
 */
export async function orgCurrency(db: Kysely<Database>, orgId: string): Promise<string | null> {
  const store = await db.selectFrom('stores').select('currency').where('org_id', '=', orgId).orderBy('created_at').orderBy('id').limit(1).executeTakeFirst()
  return store?.currency ?? null
}
