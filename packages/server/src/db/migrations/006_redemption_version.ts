import type { Kysely } from 'kysely'

// Frozen in time: typed Kysely<any>, never the app's schema types.
export async function up(db: Kysely<any>): Promise<void> {
  // Every ledger entry records the program version that produced it (loyalty.md): a reward's
  // reservation, commit, release, voucher and restore entries take the version in force when
  // the member redeemed, kept on the redemption.
  await db.schema.alterTable('reward_redemptions').addColumn('program_version_id', 'text').execute()
}
