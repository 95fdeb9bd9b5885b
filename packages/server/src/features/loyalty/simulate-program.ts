import type { Kysely } from 'kysely'
import {
  add,
  compileRules,
  currency,
  divRoundHalfAway,
  evaluateEarn,
  fromParts,
  mul,
  ratio,
  storeLocalDate,
  tierForMetric,
  ZERO,
  type CompiledRules,
  type EarnComponentCode,
  type EarnResult,
  type EarnSale,
  type ProgramRules,
  type Ratio,
} from '@patron/core'
import type { Database } from '../../db/schema'
import type { Period } from '../reports/period'
import { orgCurrency } from '../reports/reports.queries'
import { programVersionAt, programVersionById, type ProgramVersion } from './loyalty.queries'
import { getProgramDraft } from './program.queries'
import type { SaleLoyaltyRecord } from './sale-loyalty'

/** Sales read per query: enough to amortise the round trip, small enough to keep memory flat. */
const PAGE_SIZE = 500
const TOP_CHANGES = 10

export const COMPONENT_CODES = [
  'base',
  'multiplier',
  'tier',
  'promotion',
  'bonus_threshold',
  'bonus_visit',
  'bonus_first_purchase',
  'bonus_birthday',
  'cap',
] as const satisfies readonly EarnComponentCode[]

export type PointsByComponent = Record<EarnComponentCode, number>

export interface SimulationFigures {
  pointsByComponent: PointsByComponent
  totalPoints: number
  /** Points × the program's cost per point, in minor units, rounded half away from zero once. */
  costMinor: number
}

export interface SimulationReport {
  from: string
  to: string
  rulesSource: 'draft' | 'request'
  currency: string | null
  sales: number
  members: number
  /** Replayed under the version each sale used (what was actually issued). */
  published: SimulationFigures & { versions: { version: number; sales: number; points: number }[] }
  simulated: SimulationFigures & { costPerPointMinor: string }
  change: { totalPoints: number; costMinor: number }
  /**
   * Members per tier at the end of the period under the simulated rules: each member with a sale
   * in the 365 days before `to`, by the qualifying figure (points or spend, per the rules' tier
   * metric) those sales earn under the simulated rules.
   */
  tiers: TierCount[]
  /** The same under the version in force at the end of the period, with what the sales earned under their own versions. */
  publishedTiers: TierCount[]
  topChanges: { customerId: string; name: string | null; publishedPoints: number; simulatedPoints: number; delta: number }[]
  /** Sales whose replay under their own version differs from what they stored: should be 0. */
  replayMismatches: number
}

export interface TierCount {
  tierId: string | null
  name: string | null
  threshold: number | null
  members: number
}

const YEAR_MS = 365 * 86_400_000

interface MemberTally {
  /** Points of the period's sales. */
  published: number
  simulated: number
  /** In the period (the member counts among the period's members). */
  inPeriod: boolean
  /** Qualifying points or eligible spend over the 365 days before the end, per each side's tier metric. */
  metric: number
  publishedMetric: number
  /** For the simulated per-day cap: the member's last store-local day and the points of it. */
  day: string
  dayPoints: number
}

/**
 * Replays every completed sale with a member in [from, to) twice: under the version the sale
 * actually used and under `rules` (default: the draft), each with the member state the sale
 * stored (tier, first purchase, visit, birthday) and its stored lines. Pure reading: nothing is
 * written. Refunds are not simulated: the figures are what the sales earned when made.
 * For the tiers at the end, the sales of the 365 days before `to` are replayed too (only their
 * qualifying figures count; keep-until dates are not simulated).
 *
 * The per-day cap of the simulated rules counts what they would have given the member earlier
 * the same store-local day within the period (the stored figure is that of the old rules).
 */
export async function simulateProgram(db: Kysely<Database>, orgId: string, period: Period, rules?: ProgramRules, pageSize = PAGE_SIZE): Promise<SimulationReport> {
  const simulatedRules = rules ?? (await getProgramDraft(db, orgId)).rules
  const draft: CompiledRules = compileRules(simulatedRules)
  const endRules = (await programVersionAt(db, orgId, new Date(Date.parse(period.toIso) - 1).toISOString()))?.rules ?? null
  const yearStart = new Date(Date.parse(period.toIso) - YEAR_MS).toISOString()
  const readFrom = yearStart < period.fromIso ? yearStart : period.fromIso
  const stores = new Map((await db.selectFrom('stores').select(['id', 'time_zone']).where('org_id', '=', orgId).execute()).map((s) => [s.id, s.time_zone]))

  const published = newFigures()
  const simulated = newFigures()
  const versions = new Map<string, { version: ProgramVersion; sales: number; points: number }>()
  const members = new Map<string, MemberTally>()
  let sales = 0
  let replayMismatches = 0

  let cursor: { soldAt: string; id: string } | null = null
  for (;;) {
    let q = db
      .selectFrom('sales')
      .select(['id', 'customer_id', 'store_id', 'channel', 'currency', 'total_minor', 'sold_at', 'loyalty'])
      .where('org_id', '=', orgId)
      .where('status', '=', 'completed')
      .where('customer_id', 'is not', null)
      .where('loyalty', 'is not', null)
      .where('sold_at', '>=', readFrom)
      .where('sold_at', '<', period.toIso)
    if (cursor) {
      const { soldAt, id } = cursor
      q = q.where((eb) => eb.or([eb('sold_at', '>', soldAt), eb.and([eb('sold_at', '=', soldAt), eb('id', '>', id)])]))
    }
    const page = await q.orderBy('sold_at').orderBy('id').limit(pageSize).execute()
    if (page.length === 0) break
    const lineRows = await db
      .selectFrom('sale_lines')
      .select(['sale_id', 'product_id', 'category_id', 'eligible_minor'])
      .where('sale_id', 'in', page.map((s) => s.id))
      .orderBy('sale_id')
      .orderBy('line_no')
      .execute()
    const linesBySale = new Map<string, EarnSale['lines'][number][]>()
    for (const l of lineRows) {
      let list = linesBySale.get(l.sale_id)
      if (!list) linesBySale.set(l.sale_id, (list = []))
      list.push({ productId: l.product_id, categoryId: l.category_id, eligibleMinor: Number(l.eligible_minor) })
    }

    for (const s of page) {
      const record = JSON.parse(s.loyalty!) as SaleLoyaltyRecord
      const version = await programVersionById(db, record.programVersionId)
      if (!version) continue
      const timeZone = stores.get(s.store_id) ?? 'UTC'
      const sale: EarnSale = {
        currencyExponent: currency(s.currency).exponent,
        storeId: s.store_id,
        channel: s.channel,
        at: s.sold_at,
        timeZone,
        lines: linesBySale.get(s.id) ?? [],
        totalMinor: Number(s.total_minor),
        pointsTenderMinor: record.pointsTender?.amountMinor ?? 0,
      }
      const customerId = s.customer_id!
      let tally = members.get(customerId)
      if (!tally) members.set(customerId, (tally = { published: 0, simulated: 0, inPeriod: false, metric: 0, publishedMetric: 0, day: '', dayPoints: 0 }))
      const day = draft.perDayCap !== null ? storeLocalDate(s.sold_at, timeZone) : ''
      if (day !== tally.day) {
        tally.day = day
        tally.dayPoints = 0
      }

      const publishedEarn = evaluateEarn(version.compiled, sale, record.member)
      const simulatedEarn = evaluateEarn(draft, sale, { ...record.member, pointsEarnedToday: tally.dayPoints })
      tally.dayPoints += simulatedEarn.total
      if (s.sold_at >= yearStart) {
        tally.metric += simulatedRules.tierMetric === 'spend' ? simulatedEarn.eligibleMinor : simulatedEarn.qualifyingPoints
        tally.publishedMetric += endRules?.tierMetric === 'spend' ? publishedEarn.eligibleMinor : publishedEarn.qualifyingPoints
      }
      // Before the period: only the tier figures above.
      if (s.sold_at < period.fromIso) continue
      tally.inPeriod = true
      if (publishedEarn.total !== record.earn.total) replayMismatches++

      addUp(published, publishedEarn)
      addUp(simulated, simulatedEarn)
      let v = versions.get(version.id)
      if (!v) versions.set(version.id, (v = { version, sales: 0, points: 0 }))
      v.sales++
      v.points += publishedEarn.total
      tally.published += publishedEarn.total
      tally.simulated += simulatedEarn.total
      sales++
    }
    const last = page[page.length - 1]
    cursor = { soldAt: last.sold_at, id: last.id }
    if (page.length < pageSize) break
  }

  // Each version's points at that version's cost, summed exactly, rounded once.
  let publishedCost: Ratio = ZERO
  for (const v of versions.values()) publishedCost = add(publishedCost, mul(fromParts(v.points, 1), ratio(v.version.rules.costPerPointMinor)))
  const simulatedCost = mul(fromParts(simulated.totalPoints, 1), ratio(simulatedRules.costPerPointMinor))
  const publishedCostMinor = roundRatio(publishedCost)
  const simulatedCostMinor = roundRatio(simulatedCost)

  const tiersAtEnd = (r: ProgramRules | null, metric: (m: MemberTally) => number): TierCount[] => {
    const counts = new Map<string | null, number>()
    for (const m of members.values()) {
      const tier = r ? (tierForMetric(r, metric(m))?.id ?? null) : null
      counts.set(tier, (counts.get(tier) ?? 0) + 1)
    }
    return [
      { tierId: null, name: null, threshold: null, members: counts.get(null) ?? 0 },
      ...(r?.tiers ?? []).map((t) => ({ tierId: t.id, name: t.name, threshold: t.threshold, members: counts.get(t.id) ?? 0 })),
    ]
  }
  const tiers = tiersAtEnd(simulatedRules, (m) => m.metric)
  const publishedTiers = tiersAtEnd(endRules, (m) => m.publishedMetric)
  const periodMembers = [...members.entries()].filter(([, m]) => m.inPeriod)

  const top = periodMembers
    .map(([customerId, m]) => ({ customerId, publishedPoints: m.published, simulatedPoints: m.simulated, delta: m.simulated - m.published }))
    .filter((m) => m.delta !== 0)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.customerId < b.customerId ? -1 : 1))
    .slice(0, TOP_CHANGES)
  const names =
    top.length === 0
      ? new Map<string, string | null>()
      : new Map((await db.selectFrom('customers').select(['id', 'name']).where('id', 'in', top.map((t) => t.customerId)).execute()).map((c) => [c.id, c.name]))

  return {
    from: period.fromIso,
    to: period.toIso,
    rulesSource: rules ? 'request' : 'draft',
    currency: await orgCurrency(db, orgId),
    sales,
    members: periodMembers.length,
    published: {
      ...published,
      costMinor: publishedCostMinor,
      versions: [...versions.values()].map((v) => ({ version: v.version.version, sales: v.sales, points: v.points })).sort((a, b) => a.version - b.version),
    },
    simulated: { ...simulated, costMinor: simulatedCostMinor, costPerPointMinor: simulatedRules.costPerPointMinor },
    change: { totalPoints: simulated.totalPoints - published.totalPoints, costMinor: simulatedCostMinor - publishedCostMinor },
    tiers,
    publishedTiers,
    topChanges: top.map((t) => ({ ...t, name: names.get(t.customerId) ?? null })),
    replayMismatches,
  }
}

function newFigures(): Omit<SimulationFigures, 'costMinor'> {
  return { pointsByComponent: Object.fromEntries(COMPONENT_CODES.map((c) => [c, 0])) as PointsByComponent, totalPoints: 0 }
}

function addUp(f: Omit<SimulationFigures, 'costMinor'>, earn: EarnResult) {
  for (const c of earn.components) f.pointsByComponent[c.code] += c.points
  f.totalPoints += earn.total
}

function roundRatio(r: Ratio): number {
  return Number(divRoundHalfAway(r.num, r.den))
}
