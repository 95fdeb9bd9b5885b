import { sql, type Kysely } from 'kysely'

// Frozen in time: typed Kysely<any>, never the app's schema types.
export async function up(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  // Recording order of ledger entries, to list entries of the same instant in the order they
  // happened. SQLite tables already have it (rowid: the ledger never deletes, so it only grows).
  if (dialect === 'postgres') await sql`alter table ledger_transfers add column seq bigserial`.execute(db)

  await db.schema
    .createTable('rewards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('cost_points', 'bigint', (c) => c.notNull())
    .addColumn('product_id', 'text')
    .addColumn('category_id', 'text')
    .addColumn('price_ceiling_minor', 'bigint')
    .addColumn('amount_off_minor', 'bigint')
    .addColumn('percent_off', 'text')
    .addColumn('valid_from', 'text')
    .addColumn('valid_to', 'text')
    /** JSON array of tier ids; null = every member. */
    .addColumn('tier_ids', 'text')
    .addColumn('limit_per_member', 'integer')
    .addColumn('limit_period', 'text')
    /** Units left; null = unlimited. Taken at reservation / voucher issue, given back on release. */
    .addColumn('stock', 'bigint')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('rewards_org').on('rewards').columns(['org_id', 'active']).execute()

  await db.schema
    .createTable('reward_redemptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('reward_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    /** reservation (at the till, for a cart) or voucher (from the portal, with a code). */
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('cart_id', 'text')
    .addColumn('voucher_code', 'text')
    .addColumn('points', 'bigint', (c) => c.notNull())
    /** pending → posted (sale completed) or released (void, timeout); issued → used or expired (vouchers). */
    .addColumn('status', 'text', (c) => c.notNull())
    /** JSON: the lots the points came from, to give back exactly on release. */
    .addColumn('lots', 'text', (c) => c.notNull())
    .addColumn('sale_id', 'text')
    /** JSON: line numbers this reward discounted, and by how much. */
    .addColumn('applied', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .execute()
  await db.schema.createIndex('redemptions_customer').on('reward_redemptions').columns(['customer_id', 'reward_id', 'created_at']).execute()
  await db.schema.createIndex('redemptions_cart').on('reward_redemptions').columns(['cart_id']).execute()
  await db.schema.createIndex('redemptions_status').on('reward_redemptions').columns(['status', 'expires_at']).execute()
  await sql`create unique index redemptions_voucher on reward_redemptions (org_id, voucher_code) where voucher_code is not null`.execute(db)
}
