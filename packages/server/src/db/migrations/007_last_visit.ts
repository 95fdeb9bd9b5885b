import { sql, type Kysely } from 'kysely'

// Frozen in time: typed Kysely<any>, never the app's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  // The per-visit bonus counts a sale with eligible amount > 0 once per store-local day
  // (loyalty.md): a sale that earns nothing (a gift card, a deposit) is no visit. last_sale_at
  // keeps meaning the latest sale of any kind (inactivity expiry).
  await db.schema.alterTable('loyalty_accounts').addColumn('last_visit_at', 'text').execute()
  await sql`update loyalty_accounts set last_visit_at = last_sale_at`.execute(db)
}
