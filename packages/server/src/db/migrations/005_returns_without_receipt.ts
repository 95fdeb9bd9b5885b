import type { Kysely } from 'kysely'

// Frozen in time: typed Kysely<any>, never the app's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  // A return without the original receipt (sales.md): its own permission, priced at today's
  // price, no points either way. Kept apart from refunds, which always belong to a sale.
  await db.schema
    .createTable('open_returns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('terminal_id', 'text')
    .addColumn('cash_session_id', 'text')
    .addColumn('staff_id', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('total_minor', 'bigint', (c) => c.notNull())
    .addColumn('tax_minor', 'bigint', (c) => c.notNull())
    .addColumn('tender_kind', 'text', (c) => c.notNull())
    .addColumn('lines', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('open_returns_session').on('open_returns').columns(['cash_session_id']).execute()
}
