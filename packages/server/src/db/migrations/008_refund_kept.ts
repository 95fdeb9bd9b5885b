import type { Kysely } from 'kysely'

// Frozen in time: typed Kysely<any>, never the app's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  // What a sale still counts toward tiers after a refund (the engine's recomputation on the kept
  // quantities, cumulative): its qualifying points and eligible spend. Null on refunds recorded
  // before this column, and on sales without a member.
  await db.schema.alterTable('refunds').addColumn('kept_qualifying_points', 'integer').execute()
  await db.schema.alterTable('refunds').addColumn('kept_eligible_minor', 'integer').execute()
}
