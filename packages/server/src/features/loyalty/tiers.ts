import { sql } from 'kysely'
import { tierForMetric, type ProgramRules, type TierRule } from '@patron/core'
import type { Trx } from '../../db/writer'
import { newId } from '../../util'

const YEAR_MS = 365 * 86_400_000

/** The same instant one calendar year later (29 Feb → 1 Mar), for "kept until the same date next year". */
export function sameDateNextYear(at: string): string {
  const d = new Date(at)
  d.setUTCFullYear(d.getUTCFullYear() + 1)
  return d.toISOString()
}

/**
 * The member's tier metric over the rolling 365 days before `at`: qualifying points (earned
 * from sales before caps, less what refunds clawed back) or qualifying spend (eligible amount,
 * less what was refunded). `extra` adds the sale being recorded, not yet in the table.
 */
export async function tierMetric(trx: Trx, rules: ProgramRules, customerId: string, at: string, extra: { points: number; eligibleMinor: number }): Promise<number> {
  const since = new Date(Date.parse(at) - YEAR_MS).toISOString()
  // One round trip: what the window's sales count for, less what their refunds took back.
  const row =
    rules.tierMetric === 'spend'
      ? await sql<{ v: number }>`select
          (select coalesce(sum(eligible_minor), 0) from sales
             where customer_id = ${customerId} and status = 'completed' and sold_at > ${since} and sold_at <= ${at})
        - (select coalesce(sum(rl.eligible_minor), 0) from refund_lines rl
             join refunds r on r.id = rl.refund_id join sales s on s.id = r.sale_id
             where s.customer_id = ${customerId} and s.sold_at > ${since} and s.sold_at <= ${at}) as v`.execute(trx)
      : await sql<{ v: number }>`select
          (select coalesce(sum(qualifying_points), 0) from sales
             where customer_id = ${customerId} and status = 'completed' and sold_at > ${since} and sold_at <= ${at})
        - (select coalesce(sum(r.points_clawed_back), 0) from refunds r join sales s on s.id = r.sale_id
             where s.customer_id = ${customerId} and s.sold_at > ${since} and s.sold_at <= ${at}) as v`.execute(trx)
  const value = Number(row.rows[0].v) + (rules.tierMetric === 'spend' ? extra.eligibleMinor : extra.points)
  return rules.tierMetric === 'spend' ? value : Math.max(0, value)
}

function tierIndex(rules: ProgramRules, tierId: string | null): number {
  return tierId === null ? -1 : rules.tiers.findIndex((t) => t.id === tierId)
}

export interface TierChange {
  fromTierId: string | null
  toTierId: string | null
  toTierName: string | null
  reason: 'qualified' | 'review'
  metric: number
}

/**
 * After a sale: an upgrade as soon as the metric reaches a higher tier's threshold. The sale
 * that crosses it was already earned at the old tier (loyalty.md); the next one gets the new.
 */
export async function upgradeAfterSale(
  trx: Trx,
  a: { orgId: string; customerId: string; rules: ProgramRules; currentTierId: string | null; at: string; saleId: string; programVersionId: string; metric: number },
): Promise<TierChange | null> {
  if (a.rules.tiers.length === 0) return null
  const target: TierRule | null = tierForMetric(a.rules, a.metric)
  if (!target || tierIndex(a.rules, target.id) <= tierIndex(a.rules, a.currentTierId)) return null
  const change: TierChange = { fromTierId: a.currentTierId, toTierId: target.id, toTierName: target.name, reason: 'qualified', metric: a.metric }
  await recordTierChange(trx, a.orgId, a.customerId, change, a.at, a.saleId, a.programVersionId)
  return change
}

export async function recordTierChange(trx: Trx, orgId: string, customerId: string, change: TierChange, at: string, saleId: string | null, programVersionId: string | null) {
  await trx
    .updateTable('loyalty_accounts')
    .set({ tier_id: change.toTierId, tier_since: at, tier_keep_until: change.reason === 'qualified' ? sameDateNextYear(at) : null, updated_at: at })
    .where('customer_id', '=', customerId)
    .execute()
  await trx
    .insertInto('tier_events')
    .values({ id: newId(), org_id: orgId, customer_id: customerId, from_tier_id: change.fromTierId, to_tier_id: change.toTierId, reason: change.reason, metric: change.metric, sale_id: saleId, program_version_id: programVersionId, created_at: at })
    .execute()
  await trx
    .insertInto('outbox')
    .values({ org_id: orgId, topic: 'member.tier_changed', aggregate_id: customerId, payload: JSON.stringify({ customerId, ...change, at }), created_at: at, published_at: null })
    .execute()
}
