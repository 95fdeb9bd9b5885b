import type { Kysely } from 'kysely'

// Frozen in time: typed Kysely<any>, never the app's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('loyalty_accounts').addColumn('tier_since', 'text').execute()
  // A reached tier is kept at least until this date (loyalty.md: "until the same date next year").
  await db.schema.alterTable('loyalty_accounts').addColumn('tier_keep_until', 'text').execute()
  // Points that count toward tiers (earned from sales before caps), summable over 365 days.
  await db.schema.alterTable('sales').addColumn('qualifying_points', 'bigint', (c) => c.notNull().defaultTo(0)).execute()
  await db.schema.alterTable('lots').addColumn('warned_at', 'text').execute()
  // Manual adjustments per staff member per day (in points, both directions); null = no limit.
  await db.schema.alterTable('staff').addColumn('daily_adjust_limit', 'bigint').execute()

  await db.schema
    .createTable('tier_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('from_tier_id', 'text')
    .addColumn('to_tier_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('metric', 'bigint', (c) => c.notNull())
    .addColumn('sale_id', 'text')
    .addColumn('program_version_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('tier_events_customer').on('tier_events').columns(['customer_id', 'created_at']).execute()

  await db.schema
    .createTable('referrals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('referrer_id', 'text', (c) => c.notNull())
    .addColumn('referee_id', 'text')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('sale_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .execute()
  await db.schema.createIndex('referrals_referrer').on('referrals').columns(['referrer_id', 'status', 'decided_at']).execute()
  await db.schema.createIndex('referrals_referee').on('referrals').columns(['referee_id']).execute()

  // Daily jobs run once across instances: the first to insert (name, run_key) runs it.
  await db.schema
    .createTable('job_runs')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('run_key', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('result', 'text')
    .addPrimaryKeyConstraint('job_runs_pk', ['name', 'run_key'])
    .execute()
}
