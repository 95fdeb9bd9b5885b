import { sql, type Kysely } from 'kysely'

// Frozen in time: typed Kysely<any>, never the app's schema types.
export async function up(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  // Published program versions are immutable (loyalty.md: every ledger entry records the version
  // that produced it, and refunds recompute with it): the database refuses UPDATE and DELETE.
  if (dialect === 'sqlite') {
    await sql`create trigger program_versions_no_update before update on program_versions begin select raise(abort, 'program_versions is append-only'); end`.execute(db)
    await sql`create trigger program_versions_no_delete before delete on program_versions begin select raise(abort, 'program_versions is append-only'); end`.execute(db)
  } else {
    // patron_append_only() is 001's.
    await sql`create trigger program_versions_append_only before update or delete on program_versions for each row execute function patron_append_only()`.execute(db)
    await sql`create trigger program_versions_no_truncate before truncate on program_versions for each statement execute function patron_append_only()`.execute(db)
  }
  // Simulations and reports read an organisation's sales in time order, page by page.
  await db.schema.createIndex('sales_org_time').on('sales').columns(['org_id', 'sold_at', 'id']).execute()
}
