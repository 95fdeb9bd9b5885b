import { sql, type Kysely } from 'kysely'
import type { Database, Row } from '../../db/schema'

/**
 * The figures of a cash session: sales, refunds, tax by rate, tenders, discounts, points
 * issued and redeemed, cash movements and the expected cash in the drawer. An X report is
 * these figures for an open session; the Z report is the same, frozen at close with the count.
 */
export async function cashReport(db: Kysely<Database>, session: Row<'cash_sessions'>) {
  const sid = session.id
  const sales = await db
    .selectFrom('sales')
    .select([
      sql<number>`count(*)`.as('count'),
      sql<number>`coalesce(sum(gross_minor), 0)`.as('gross'),
      sql<number>`coalesce(sum(discount_minor), 0)`.as('discounts'),
      sql<number>`coalesce(sum(tax_minor), 0)`.as('tax'),
      sql<number>`coalesce(sum(total_minor), 0)`.as('total'),
      sql<number>`coalesce(sum(rounding_minor), 0)`.as('rounding'),
      sql<number>`coalesce(sum(change_minor), 0)`.as('change'),
      sql<number>`coalesce(sum(points_earned), 0)`.as('pointsIssued'),
      sql<number>`coalesce(sum(points_redeemed), 0)`.as('pointsRedeemed'),
    ])
    .where('cash_session_id', '=', sid)
    .where('status', '=', 'completed')
    .executeTakeFirstOrThrow()
  // sales.points_redeemed is the points tendered. A reward applied at the till had its points
  // reserved when applied and committed (reserved → redeemed) with the sale: those count too.
  // Vouchers are not here: their points were redeemed when issued, outside any drawer.
  const rewardsPosted = await db
    .selectFrom('ledger_transfers as l')
    .innerJoin('sales as s', 's.id', 'l.sale_id')
    .select(sql<number>`coalesce(sum(l.points), 0)`.as('points'))
    .where('s.cash_session_id', '=', sid)
    .where('s.status', '=', 'completed')
    .where('l.kind', '=', 'reservation_commit')
    .executeTakeFirstOrThrow()
  const tenders = await db
    .selectFrom('sale_tenders as t')
    .innerJoin('sales as s', 's.id', 't.sale_id')
    .select(['t.kind', sql<number>`sum(t.amount_minor)`.as('amount'), sql<number>`count(*)`.as('count')])
    .where('s.cash_session_id', '=', sid)
    .where('s.status', '=', 'completed')
    .groupBy('t.kind')
    .orderBy('t.kind')
    .execute()
  const taxes = await db
    .selectFrom('sale_taxes as t')
    .innerJoin('sales as s', 's.id', 't.sale_id')
    .select(['t.name', 't.rate_percent', sql<number>`sum(t.base_minor)`.as('base'), sql<number>`sum(t.tax_minor)`.as('tax')])
    .where('s.cash_session_id', '=', sid)
    .where('s.status', '=', 'completed')
    .groupBy(['t.name', 't.rate_percent'])
    .orderBy('t.name')
    .execute()
  const refunds = await db
    .selectFrom('refunds')
    .select([sql<number>`count(*)`.as('count'), sql<number>`coalesce(sum(total_minor), 0)`.as('total'), sql<number>`coalesce(sum(points_clawed_back), 0)`.as('pointsClawedBack')])
    .where('cash_session_id', '=', sid)
    .executeTakeFirstOrThrow()
  const refundTenders = await db
    .selectFrom('refund_tenders as t')
    .innerJoin('refunds as r', 'r.id', 't.refund_id')
    .select(['t.kind', sql<number>`sum(t.amount_minor)`.as('amount')])
    .where('r.cash_session_id', '=', sid)
    .groupBy('t.kind')
    .execute()
  const openReturns = await db
    .selectFrom('open_returns')
    .select(['tender_kind', sql<number>`count(*)`.as('count'), sql<number>`sum(total_minor)`.as('amount')])
    .where('cash_session_id', '=', sid)
    .groupBy('tender_kind')
    .execute()
  const movements = await db.selectFrom('cash_movements').selectAll().where('session_id', '=', sid).orderBy('created_at').execute()

  const cashIn = movements.filter((m) => m.kind === 'in').reduce((s, m) => s + m.amount_minor, 0)
  const cashOut = movements.filter((m) => m.kind === 'out').reduce((s, m) => s + m.amount_minor, 0)
  const cashTendered = Number(tenders.find((t) => t.kind === 'cash')?.amount ?? 0)
  const cashRefunded = Number(refundTenders.find((t) => t.kind === 'cash')?.amount ?? 0) + Number(openReturns.find((r) => r.tender_kind === 'cash')?.amount ?? 0)
  const expectedCashMinor = session.opening_float_minor + cashTendered - Number(sales.change) - cashRefunded + cashIn - cashOut
  return {
    sessionId: sid,
    terminalId: session.terminal_id,
    storeId: session.store_id,
    status: session.status,
    openedAt: session.opened_at,
    closedAt: session.closed_at,
    openingFloatMinor: session.opening_float_minor,
    sales: {
      count: Number(sales.count),
      grossMinor: Number(sales.gross),
      discountMinor: Number(sales.discounts),
      taxMinor: Number(sales.tax),
      totalMinor: Number(sales.total),
      roundingMinor: Number(sales.rounding),
    },
    refunds: { count: Number(refunds.count), totalMinor: Number(refunds.total) },
    returnsWithoutReceipt: { count: openReturns.reduce((s, r) => s + Number(r.count), 0), totalMinor: openReturns.reduce((s, r) => s + Number(r.amount), 0) },
    taxes: taxes.map((t) => ({ name: t.name, ratePercent: t.rate_percent, baseMinor: Number(t.base), taxMinor: Number(t.tax) })),
    tenders: tenders.map((t) => ({ kind: t.kind, count: Number(t.count), amountMinor: Number(t.amount) - (t.kind === 'cash' ? Number(sales.change) : 0) })),
    refundTenders: [...new Set([...refundTenders.map((t) => t.kind), ...openReturns.map((r) => r.tender_kind)])].map((kind) => ({
      kind,
      amountMinor: Number(refundTenders.find((t) => t.kind === kind)?.amount ?? 0) + Number(openReturns.find((r) => r.tender_kind === kind)?.amount ?? 0),
    })),
    // Like the points issued, the points redeemed are what the session's sales did; what refunds
    // took back (clawedBack) is beside them, and nothing is netted.
    points: { issued: Number(sales.pointsIssued), redeemed: Number(sales.pointsRedeemed) + Number(rewardsPosted.points), clawedBack: Number(refunds.pointsClawedBack) },
    cashMovements: movements.map((m) => ({ id: m.id, kind: m.kind, amountMinor: m.amount_minor, reason: m.reason, staffId: m.staff_id, createdAt: m.created_at })),
    cash: { inMinor: cashIn, outMinor: cashOut, expectedMinor: expectedCashMinor },
    countedMinor: session.counted_minor,
    overShortMinor: session.over_short_minor,
  }
}
