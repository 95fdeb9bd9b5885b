import { sql } from 'kysely'
import { tierForMetric, type ProgramRules, type TierRule } from '@patron/core'
import type { Trx } from '../../db/writer'
import { newId } from '../../util'
import { programVersionById } from './loyalty.queries'

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
  if (rules.tierMetric === 'spend') return Math.max(0, await qualifyingSpend(trx, customerId, since, at)) + extra.eligibleMinor
  // One round trip: what each of the window's sales counts for after its refunds — the engine's
  // recomputation on what was kept (the smallest, i.e. latest, of its refunds) — or, for refunds
  // recorded before that was kept, the sale's figure less the points they clawed back.
  const row = await sql<{ v: number }>`select coalesce(sum(coalesce(
          (select min(r.kept_qualifying_points) from refunds r where r.sale_id = s.id),
          s.qualifying_points - (select coalesce(sum(r.points_clawed_back), 0) from refunds r where r.sale_id = s.id)
        )), 0) as v
        from sales s where s.customer_id = ${customerId} and s.status = 'completed' and s.sold_at > ${since} and s.sold_at <= ${at}`.execute(trx)
  return Math.max(0, Number(row.rows[0].v) + extra.points)
}

/**
 * Eligible spend of the window's sales after their refunds: the engine's recomputation on what
 * was kept, as the latest refund recorded it. For refunds recorded before that was kept: the
 * sale's eligible amount less what the refunded lines counted for — a refund line's amount is
 * the priced one, so a line the sale's own program version made non-earning takes nothing back.
 * One round trip.
 */
async function qualifyingSpend(trx: Trx, customerId: string, since: string, at: string): Promise<number> {
  const rows = await sql<{ kind: string; version_id: string | null; product_id: string | null; category_id: string | null; v: number | string }>`
      select 'sold' as kind, null as version_id, null as product_id, null as category_id,
             coalesce(sum(coalesce((select min(r.kept_eligible_minor) from refunds r where r.sale_id = s.id), s.eligible_minor)), 0) as v from sales s
         where s.customer_id = ${customerId} and s.status = 'completed' and s.sold_at > ${since} and s.sold_at <= ${at}
      union all
      select 'refunded' as kind, s.program_version_id, sl.product_id, sl.category_id, sum(rl.eligible_minor)
        from refund_lines rl join refunds r on r.id = rl.refund_id join sales s on s.id = r.sale_id
        join sale_lines sl on sl.sale_id = s.id and sl.line_no = rl.line_no
        where s.customer_id = ${customerId} and s.sold_at > ${since} and s.sold_at <= ${at} and rl.eligible_minor > 0
          and not exists (select 1 from refunds k where k.sale_id = s.id and k.kept_eligible_minor is not null)
        group by s.program_version_id, sl.product_id, sl.category_id`.execute(trx)
  let value = 0
  for (const r of rows.rows) {
    if (r.kind === 'sold') {
      value += Number(r.v)
      continue
    }
    const compiled = r.version_id ? (await programVersionById(trx, r.version_id))?.compiled : undefined
    const nonEarning = compiled && ((r.product_id !== null && compiled.nonEarningProducts.has(r.product_id)) || (r.category_id !== null && compiled.nonEarningCategories.has(r.category_id)))
    if (!nonEarning) value -= Number(r.v)
  }
  return value
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
  await recordTierEvent(trx, orgId, customerId, change, at, saleId, programVersionId)
}

/**
 * The tier a new member is in from enrolment: the highest tier whose threshold a metric of 0
 * reaches (a first tier at threshold 0), or null. loyalty.md: a member is in a tier as soon as
 * the metric reaches its threshold, so they earn at it and see it from their first sale on.
 */
export function enrolmentTier(rules: ProgramRules | null | undefined): TierRule | null {
  return rules && rules.tiers.length > 0 ? tierForMetric(rules, 0) : null
}

/** The tier change's event and its notification (the account row is written by the caller). */
export async function recordTierEvent(trx: Trx, orgId: string, customerId: string, change: TierChange, at: string, saleId: string | null, programVersionId: string | null) {
  await trx
    .insertInto('tier_events')
    .values({ id: newId(), org_id: orgId, customer_id: customerId, from_tier_id: change.fromTierId, to_tier_id: change.toTierId, reason: change.reason, metric: change.metric, sale_id: saleId, program_version_id: programVersionId, created_at: at })
    .execute()
  await trx
    .insertInto('outbox')
    .values({ org_id: orgId, topic: 'member.tier_changed', aggregate_id: customerId, payload: JSON.stringify({ customerId, ...change, at }), created_at: at, published_at: null })
    .execute()
}
