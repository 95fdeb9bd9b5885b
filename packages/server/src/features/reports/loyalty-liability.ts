import { sql, type Kysely } from 'kysely'
import { divRoundHalfAway, ratio, type ProgramRules, type Ratio, type TransferKind } from '@patron/core'
import type { Database } from '../../db/schema'
import { monthsBetween, monthStartIso, nextMonth } from './period'
import { orgCurrency } from './reports.queries'

/** Ten years of months: more is a data export, not a report. */
export const MAX_MONTHS = 120

type Bucket = 'issued' | 'redeemed' | 'expired' | 'clawedBack' | 'adjusted'

/**
 * Where a transfer kind's points count, seen from the members' side. Kinds not listed that
 * move points to a member (earn, referral, opening_balance, reward_restore, partner_award, and
 * any later kind) are issued; `merge` moves points between two members and nets to zero.
 * A reservation counts as redeemed while it holds the member's points; its release undoes it.
 */
const BUCKET: Partial<Record<TransferKind, Bucket>> = {
  redeem: 'redeemed',
  partner_convert: 'redeemed',
  reservation: 'redeemed',
  reservation_release: 'redeemed',
  expire: 'expired',
  clawback: 'clawedBack',
  adjust: 'adjusted',
}

export interface LiabilityFigures {
  /** Points to members: earn, referral, opening balance, restored rewards, partner awards. */
  issued: number
  /** Points members spent: rewards, points as tender, conversions to partners (net of releases). */
  redeemed: number
  expired: number
  /** Points taken back by refunds. */
  clawedBack: number
  /** Manual adjustments, net: in minus out (may be negative). */
  adjusted: number
  /** expired ÷ (redeemed + expired), 4 decimals, or null when nothing was redeemed or expired. */
  breakageRate: string | null
}

export interface LiabilityMonth extends LiabilityFigures {
  /** "YYYY-MM", a UTC calendar month. */
  month: string
  /** Σ member balances at the month's end: the previous month's + issued − redeemed − expired − clawedBack + adjusted. */
  outstanding: number
  /** The cost per point of the version in force at the month's end (or now, for the current month). */
  costPerPointMinor: string | null
  /** outstanding × costPerPointMinor, minor units, rounded half away from zero. */
  outstandingValueMinor: number | null
}

export interface LiabilityReport {
  currency: string | null
  timeZone: 'UTC'
  from: string
  to: string
  /** Σ member balances before the first month. */
  openingOutstanding: number
  months: LiabilityMonth[]
  totals: LiabilityFigures & { outstanding: number; outstandingValueMinor: number | null }
}

/**
 * The loyalty liability per UTC calendar month from `fromMonth` to `toMonth` ("YYYY-MM", both
 * included), from the ledger alone: one grouped query over the member side of every transfer
 * (month × kind → points in, points out); months before `fromMonth` make the opening figure.
 */
export async function loyaltyLiability(db: Kysely<Database>, orgId: string, fromMonth: string, toMonth: string, now: Date): Promise<LiabilityReport> {
  const months = monthsBetween(fromMonth, toMonth, MAX_MONTHS)
  const month = sql<string>`substr(created_at, 1, 7)`
  const rows = await db
    .selectFrom('ledger_transfers')
    .select([
      month.as('month'),
      'kind',
      sql<number>`sum(case when credit_account like 'member:%' then points else 0 end)`.as('points_in'),
      sql<number>`sum(case when debit_account like 'member:%' then points else 0 end)`.as('points_out'),
    ])
    .where('org_id', '=', orgId)
    .where('created_at', '<', monthStartIso(nextMonth(toMonth)))
    .where((eb) => eb.or([eb('credit_account', 'like', 'member:%'), eb('debit_account', 'like', 'member:%')]))
    .groupBy(month)
    .groupBy('kind')
    .execute()

  const byMonth = new Map<string, Omit<LiabilityFigures, 'breakageRate'>>()
  let openingOutstanding = 0
  for (const r of rows) {
    const pointsIn = Number(r.points_in)
    const pointsOut = Number(r.points_out)
    if (r.month < fromMonth) {
      openingOutstanding += pointsIn - pointsOut
      continue
    }
    let f = byMonth.get(r.month)
    if (!f) byMonth.set(r.month, (f = { issued: 0, redeemed: 0, expired: 0, clawedBack: 0, adjusted: 0 }))
    const bucket = BUCKET[r.kind as TransferKind] ?? 'issued'
    f[bucket] += bucket === 'issued' || bucket === 'adjusted' ? pointsIn - pointsOut : pointsOut - pointsIn
  }

  const costAt = await costPerPointAt(db, orgId)
  const nowMs = now.getTime()
  let outstanding = openingOutstanding
  const totals = { issued: 0, redeemed: 0, expired: 0, clawedBack: 0, adjusted: 0 }
  const out: LiabilityMonth[] = months.map((m) => {
    const f = byMonth.get(m) ?? { issued: 0, redeemed: 0, expired: 0, clawedBack: 0, adjusted: 0 }
    outstanding += f.issued - f.redeemed - f.expired - f.clawedBack + f.adjusted
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += f[k]
    const end = Math.min(Date.parse(monthStartIso(nextMonth(m))) - 1, nowMs)
    const cost = costAt(new Date(end).toISOString())
    return {
      month: m,
      ...f,
      breakageRate: fourDecimals(f.expired, f.redeemed + f.expired),
      outstanding,
      costPerPointMinor: cost?.text ?? null,
      outstandingValueMinor: cost ? valueMinor(outstanding, cost.value) : null,
    }
  })
  const last = out[out.length - 1]
  return {
    currency: await orgCurrency(db, orgId),
    timeZone: 'UTC',
    from: fromMonth,
    to: toMonth,
    openingOutstanding,
    months: out,
    totals: { ...totals, breakageRate: fourDecimals(totals.expired, totals.redeemed + totals.expired), outstanding, outstandingValueMinor: last.outstandingValueMinor },
  }
}

/**
 * The cost per point in force at an instant: that of the program version in force then (as
 * `programVersionAt` picks it), or of the first version for times before the program began.
 */
async function costPerPointAt(db: Kysely<Database>, orgId: string): Promise<(at: string) => { text: string; value: Ratio } | null> {
  const versions = (
    await db
      .selectFrom('program_versions as v')
      .innerJoin('loyalty_programs as p', 'p.id', 'v.program_id')
      .select(['v.version', 'v.effective_at', 'v.rules'])
      .where('p.org_id', '=', orgId)
      .orderBy('v.effective_at')
      .orderBy('v.version')
      .execute()
  ).map((v) => {
    const text = (JSON.parse(v.rules) as ProgramRules).costPerPointMinor
    return { effectiveAt: v.effective_at, text, value: ratio(text) }
  })
  return (at) => {
    let found = versions[0] ?? null
    for (const v of versions) if (v.effectiveAt <= at) found = v
    return found && { text: found.text, value: found.value }
  }
}

function valueMinor(points: number, cost: Ratio): number {
  return Number(divRoundHalfAway(BigInt(points) * cost.num, cost.den))
}

/** num ÷ den as a decimal string with 4 digits, rounded half away from zero; null if den ≤ 0. */
export function fourDecimals(num: number, den: number): string | null {
  if (den <= 0) return null
  const scaled = divRoundHalfAway(BigInt(num) * 10_000n, BigInt(den))
  const abs = scaled < 0n ? -scaled : scaled
  return `${scaled < 0n ? '-' : ''}${abs / 10_000n}.${String(abs % 10_000n).padStart(4, '0')}`
}
