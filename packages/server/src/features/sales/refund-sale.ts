import {
  computeClawback,
  PatronError,
  percent,
  PROGRAM_CLAWBACK,
  PROGRAM_REDEEMED,
  refundLines,
  refundTenders,
  roundRefundCash,
  settleTenders,
  summarizeRefund,
  type EarnSale,
  type PricedLine,
  type PricedSale,
  type TenderInput,
  type TenderKind,
} from '@patron/core'
import { sql } from 'kysely'
import type { AppContext, Principal } from '../../context'
import type { Row } from '../../db/schema'
import { assertStoreAccess } from '../../http/auth'
import { hashRequest, nowIso } from '../../util'
import { isUniqueViolation } from '../../db/errors'
import { applyStockDelta } from '../catalog/save-product'
import { clawbackPoints, lastTakes, lockAccount, programVersionById, returnToLots } from '../loyalty/loyalty.queries'
import { pricingStore } from '../stores/stores.queries'
import type { SaleLoyaltyRecord } from './complete-sale'
import type { TRefundInput } from './sale-input'
import { restoreRewardsForRefund, type RestoredReward } from '../rewards/sale-rewards'

export interface RefundView {
  id: string
  saleId: string
  receiptNo: string
  currency: string
  lines: { lineNo: number; quantity: number; netMinor: number; taxMinor: number; totalMinor: number; restock: boolean }[]
  totalMinor: number
  taxMinor: number
  roundingMinor: number
  tenders: { kind: string; amountMinor: number; points: number | null }[]
  pointsClawedBack: number
  pointsReturned: number
  /** Rewards whose discounted item this refund returned in full: their points went back to the member. */
  rewardsRestored: RestoredReward[]
  balanceAfter: number | null
  createdAt: string
}

/** Rebuilds the priced sale from its stored lines, for the refund math of @patron/core. */
function pricedFromRows(sale: Row<'sales'>, lines: Row<'sale_lines'>[]): PricedSale {
  const priced: PricedLine[] = lines.map((l) => ({
    index: l.line_no - 1,
    productId: l.product_id,
    categoryId: l.category_id,
    name: l.name,
    quantity: l.quantity,
    unitPriceMinor: l.unit_price_minor,
    weighed: l.weighed === 1,
    taxClassId: l.tax_class_id,
    nonEarning: l.non_earning === 1,
    grossMinor: l.gross_minor,
    lineDiscountMinor: l.line_discount_minor,
    cartDiscountMinor: l.cart_discount_minor,
    rewardDiscountMinor: l.reward_discount_minor,
    netMinor: l.net_minor,
    taxMinor: l.tax_minor,
    taxes: (JSON.parse(l.taxes) as { rateId: string; name: string; baseMinor: number; taxMinor: number; ratePercent?: string }[]).map((t) => ({ ...t, rate: percent(t.ratePercent ?? '0') })),
    totalMinor: l.total_minor,
    eligibleMinor: l.eligible_minor,
  }))
  return { taxMode: sale.tax_mode, lines: priced } as unknown as PricedSale
}

/**
 * Refunds part or all of a sale: per-line pro-rata amounts (all refunds together return exactly
 * what was paid), back to the original tenders, restock unless damaged, and the loyalty
 * clawback recomputed with the sale's own program version and member state.
 */
export async function refundSale(ctx: AppContext, principal: Principal, saleId: string, input: TRefundInput): Promise<RefundView> {
  const db = ctx.db.kysely
  const requestHash = hashRequest({ saleId, ...input })
  const prior = await db.selectFrom('refunds').select(['id', 'request_hash', 'org_id']).where('id', '=', input.id).executeTakeFirst()
  if (prior) return replay(ctx, principal.orgId, prior, requestHash)

  const sale = await db.selectFrom('sales').selectAll().where('id', '=', saleId).where('org_id', '=', principal.orgId).executeTakeFirst()
  if (!sale) throw new PatronError('SALE_NOT_FOUND', 'Sale not found', { saleId })
  if (sale.status === 'voided') throw new PatronError('SALE_VOIDED', 'A voided sale has nothing to refund', { saleId })
  assertStoreAccess(principal, sale.store_id)
  const store = await db.selectFrom('stores').selectAll().where('id', '=', sale.store_id).executeTakeFirstOrThrow()
  const pricing = await pricingStore(db, store)
  const terminalId = (principal.kind === 'staff' && principal.terminalId) || input.terminalId || null
  const loyalty = sale.loyalty ? (JSON.parse(sale.loyalty) as SaleLoyaltyRecord) : null
  const version = loyalty ? await programVersionById(db, loyalty.programVersionId) : null
  const at = nowIso(ctx.now())

  const result = await ctx.writer.run(async (trx) => {
    const again = await trx.selectFrom('refunds').select(['id', 'request_hash', 'org_id']).where('id', '=', input.id).executeTakeFirst()
    if (again) return { replayOf: again }
    const lines = await trx.selectFrom('sale_lines').selectAll().where('sale_id', '=', saleId).orderBy('line_no').execute()
    const priced = pricedFromRows(sale, lines)
    const already = new Map(lines.map((l) => [l.line_no - 1, l.returned_quantity]))
    const refunded = withLineNumbers(() => refundLines(priced, already, input.lines.map((l) => ({ lineIndex: l.lineNo - 1, quantity: l.quantity }))))
    const summary = summarizeRefund(refunded)

    const saleTenders = await trx.selectFrom('sale_tenders').selectAll().where('sale_id', '=', saleId).orderBy('seq').execute()
    const tendered: TenderInput[] = saleTenders.map((t) => ({ kind: t.kind as TenderKind, amountMinor: t.amount_minor, reference: t.reference, ...(t.points !== null ? { points: t.points } : {}) }))
    const paid = settleTenders(pricing, sale.total_minor, tendered).paidTenders
    const before = await trx.selectFrom('refund_tenders as rt').innerJoin('refunds as r', 'r.id', 'rt.refund_id').select(['rt.kind', sql<number>`sum(rt.amount_minor)`.as('amount')]).where('r.sale_id', '=', saleId).groupBy('rt.kind').execute()
    const alreadyByKind: Partial<Record<TenderKind, number>> = {}
    for (const b of before) alreadyByKind[b.kind as TenderKind] = Number(b.amount)
    const rounded = roundRefundCash(pricing, refundTenders(paid, summary.totalMinor, alreadyByKind))

    let cashSessionId: string | null = null
    if (terminalId) {
      const session = await trx.selectFrom('cash_sessions').select('id').where('terminal_id', '=', terminalId).where('status', '=', 'open').executeTakeFirst()
      cashSessionId = session?.id ?? null
    }
    if (rounded.tenders.some((t) => t.kind === 'cash' && t.amountMinor > 0) && !cashSessionId) {
      throw new PatronError('CASH_SESSION_REQUIRED', 'Cash back needs an open cash session on this terminal', { terminalId })
    }

    let pointsClawedBack = 0
    let pointsReturned = 0
    let kept: { qualifyingPoints: number; eligibleMinor: number } | null = null
    let balanceAfter: number | null = null
    if (sale.customer_id && loyalty && version) {
      const account = await lockAccount(trx, ctx.db.dialect, sale.customer_id)
      balanceAfter = account.balance
      const refundedRows = await trx.selectFrom('refund_lines as rl').innerJoin('refunds as r', 'r.id', 'rl.refund_id').select(['rl.line_no', sql<number>`sum(rl.eligible_minor)`.as('eligible')]).where('r.sale_id', '=', saleId).groupBy('rl.line_no').execute()
      const refundedEligible = new Map(refundedRows.map((r) => [r.line_no, Number(r.eligible)]))
      for (const r of refunded) refundedEligible.set(r.lineIndex + 1, (refundedEligible.get(r.lineIndex + 1) ?? 0) + r.eligibleMinor)
      const pointsTenderMinor = loyalty.pointsTender?.amountMinor ?? 0
      const refundedTotal = (await trx.selectFrom('refunds').select(sql<number>`coalesce(sum(total_minor), 0)`.as('t')).where('sale_id', '=', saleId).executeTakeFirstOrThrow()).t
      const refundedPointsMinor = (alreadyByKind.points ?? 0) + rounded.tenders.filter((t) => t.kind === 'points').reduce((s, t) => s + t.amountMinor, 0)
      const base: EarnSale = {
        currencyExponent: pricing.currency.exponent,
        storeId: sale.store_id,
        channel: sale.channel,
        at: sale.sold_at,
        timeZone: store.time_zone,
        lines: lines.map((l) => ({ productId: l.product_id, categoryId: l.category_id, eligibleMinor: l.eligible_minor })),
        totalMinor: sale.total_minor,
        pointsTenderMinor,
      }
      const keptSale: EarnSale = {
        ...base,
        lines: lines.map((l) => ({ productId: l.product_id, categoryId: l.category_id, eligibleMinor: l.eligible_minor - (refundedEligible.get(l.line_no) ?? 0) })),
        totalMinor: Math.max(0, sale.total_minor - Number(refundedTotal) - summary.totalMinor),
        pointsTenderMinor: Math.max(0, pointsTenderMinor - refundedPointsMinor),
      }
      const alreadyClawed = (await trx.selectFrom('refunds').select(sql<number>`coalesce(sum(points_clawed_back), 0)`.as('p')).where('sale_id', '=', saleId).executeTakeFirstOrThrow()).p
      const { clawback, recomputed } = computeClawback(version.compiled, base, keptSale, loyalty.member, loyalty.earn.total, Number(alreadyClawed))
      // The tier metric reads these: what the sale counts for now, not the line amounts returned.
      kept = { qualifyingPoints: recomputed.qualifyingPoints, eligibleMinor: recomputed.eligibleMinor }
      const staffId = principal.kind === 'staff' ? principal.staffId : null
      if (clawback > 0) {
        const r = await clawbackPoints(trx, {
          id: `${input.id}:clawback`,
          orgId: sale.org_id,
          customerId: sale.customer_id,
          points: clawback,
          kind: 'clawback',
          programAccount: PROGRAM_CLAWBACK,
          saleId,
          refundId: input.id,
          programVersionId: version.id,
          staffId,
          terminalId,
          reason: 'refund',
          explanation: { originalEarned: loyalty.earn.total, alreadyClawedBack: Number(alreadyClawed), clawback },
          at,
          preferLotId: loyalty.lotId,
        })
        balanceAfter = r.balance
        pointsClawedBack = clawback
      }
      pointsReturned = rounded.tenders.filter((t) => t.kind === 'points').reduce((s, t) => s + (t.points ?? 0), 0)
      if (pointsReturned > 0) {
        // Points paid as tender go back into the lots they came from (keeping their expiry),
        // the last-spent first, after what earlier refunds of this sale already gave back.
        const before = await trx.selectFrom('refund_tenders as rt').innerJoin('refunds as r', 'r.id', 'rt.refund_id').select(sql<number>`coalesce(sum(rt.points), 0)`.as('p')).where('r.sale_id', '=', saleId).where('rt.kind', '=', 'points').executeTakeFirstOrThrow()
        balanceAfter = await returnToLots(
          trx,
          { id: `${input.id}:points_refund`, orgId: sale.org_id, customerId: sale.customer_id, points: pointsReturned, kind: 'reward_restore', programAccount: PROGRAM_REDEEMED, saleId, refundId: input.id, programVersionId: version.id, staffId, terminalId, reason: 'refund of points paid', at },
          lastTakes(loyalty.pointsTender?.lots ?? [], Number(before.p), pointsReturned),
          ctx.db.dialect,
        )
      }
    }

    await trx
      .insertInto('refunds')
      .values({
        id: input.id,
        org_id: sale.org_id,
        sale_id: saleId,
        store_id: sale.store_id,
        terminal_id: terminalId,
        cash_session_id: cashSessionId,
        staff_id: principal.kind === 'staff' ? principal.staffId : null,
        api_key_id: principal.kind === 'api_key' ? principal.keyId : null,
        total_minor: rounded.amountMinor,
        tax_minor: summary.taxMinor,
        points_clawed_back: pointsClawedBack,
        points_restored: pointsReturned,
        kept_qualifying_points: kept?.qualifyingPoints ?? null,
        kept_eligible_minor: kept?.eligibleMinor ?? null,
        with_receipt: 1,
        reason: input.reason ?? null,
        request_hash: requestHash,
        loyalty: JSON.stringify({ balanceAfter, roundingMinor: rounded.roundingMinor }),
        created_at: at,
      })
      .execute()
    const restockByLine = new Map(input.lines.map((l) => [l.lineNo, l.restock]))
    await trx
      .insertInto('refund_lines')
      .values(
        refunded.map((r) => ({
          refund_id: input.id,
          line_no: r.lineIndex + 1,
          quantity: r.quantity,
          net_minor: r.netMinor,
          tax_minor: r.taxMinor,
          total_minor: r.totalMinor,
          eligible_minor: r.eligibleMinor,
          restock: restockByLine.get(r.lineIndex + 1) === false ? (0 as const) : (1 as const),
        })),
      )
      .execute()
    if (rounded.tenders.length > 0) {
      await trx
        .insertInto('refund_tenders')
        .values(rounded.tenders.map((t, i) => ({ refund_id: input.id, seq: i + 1, kind: t.kind, amount_minor: t.amountMinor, points: t.points ?? null })))
        .execute()
    }
    for (const r of refunded) {
      const line = lines[r.lineIndex]
      await trx
        .updateTable('sale_lines')
        .set((eb) => ({ returned_quantity: eb('returned_quantity', '+', r.quantity) }))
        .where('sale_id', '=', saleId)
        .where('line_no', '=', r.lineIndex + 1)
        .execute()
      if (line.product_id && restockByLine.get(r.lineIndex + 1) !== false) {
        const p = await trx.selectFrom('products').select('track_stock').where('id', '=', line.product_id).executeTakeFirst()
        if (p?.track_stock === 1) await applyStockDelta(trx, line.product_id, sale.store_id, r.quantity, 'refund', at, saleId, input.id)
      }
    }
    // Rewards whose only discounted line is now fully returned give their points back.
    const fullyReturned = new Set(lines.filter((l) => l.returned_quantity + (refunded.find((r) => r.lineIndex === l.line_no - 1)?.quantity ?? 0) === l.quantity).map((l) => l.line_no))
    const restored = await restoreRewardsForRefund(trx, ctx.db.dialect, saleId, fullyReturned, input.id, at)
    const rewardsRestored = restored.points
    if (restored.balance !== null) balanceAfter = restored.balance
    if (rewardsRestored > 0) {
      await trx.updateTable('refunds').set({ points_restored: pointsReturned + rewardsRestored, loyalty: JSON.stringify({ balanceAfter, roundingMinor: rounded.roundingMinor, rewardsRestored, restoredRewards: restored.rewards }) }).where('id', '=', input.id).execute()
    }
    await trx
      .insertInto('outbox')
      .values({ org_id: sale.org_id, topic: 'refund.completed', aggregate_id: saleId, payload: JSON.stringify({ refundId: input.id, saleId, customerId: sale.customer_id, totalMinor: rounded.amountMinor, pointsClawedBack }), created_at: at, published_at: null })
      .execute()
    return { replayOf: null }
  }).catch(async (e) => {
    if (!isUniqueViolation(e)) throw e
    const winner = await db.selectFrom('refunds').select(['id', 'request_hash', 'org_id']).where('id', '=', input.id).executeTakeFirst()
    if (!winner) throw e
    return { replayOf: winner }
  })
  if (result.replayOf) return replay(ctx, principal.orgId, result.replayOf, requestHash)
  return (await getRefundView(ctx, principal.orgId, input.id))!
}

/** Core counts lines from 0; the API names them by their 1-based lineNo, so errors must too. */
function withLineNumbers<T>(fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    if (e instanceof PatronError && typeof e.details.lineIndex === 'number') {
      const { lineIndex, field, ...rest } = e.details as { lineIndex: number; field?: string }
      const message = e.message.replace(`line ${lineIndex}`, `line ${lineIndex + 1}`)
      throw new PatronError(e.code, message, { ...rest, lineNo: lineIndex + 1, ...(typeof field === 'string' ? { field: field.replace(/\.lineIndex$/, '.lineNo') } : {}) })
    }
    throw e
  }
}

async function replay(ctx: AppContext, orgId: string, prior: { id: string; request_hash: string; org_id: string }, requestHash: string) {
  if (prior.org_id !== orgId || prior.request_hash !== requestHash) {
    throw new PatronError('IDEMPOTENCY_KEY_REUSED', 'A different refund was already recorded with this id', { refundId: prior.id })
  }
  return (await getRefundView(ctx, orgId, prior.id))!
}

export async function getRefundView(ctx: AppContext, orgId: string, refundId: string): Promise<RefundView | null> {
  const db = ctx.db.kysely
  const r = await db.selectFrom('refunds as r').innerJoin('sales as s', 's.id', 'r.sale_id').selectAll('r').select(['s.receipt_no', 's.currency']).where('r.id', '=', refundId).where('r.org_id', '=', orgId).executeTakeFirst()
  if (!r) return null
  const [lines, tenders] = await Promise.all([
    db.selectFrom('refund_lines').selectAll().where('refund_id', '=', refundId).orderBy('line_no').execute(),
    db.selectFrom('refund_tenders').selectAll().where('refund_id', '=', refundId).orderBy('seq').execute(),
  ])
  const extra = r.loyalty ? (JSON.parse(r.loyalty) as { balanceAfter: number | null; roundingMinor: number; restoredRewards?: RestoredReward[] }) : { balanceAfter: null, roundingMinor: 0 }
  return {
    id: r.id,
    saleId: r.sale_id,
    receiptNo: r.receipt_no,
    currency: r.currency,
    lines: lines.map((l) => ({ lineNo: l.line_no, quantity: l.quantity, netMinor: l.net_minor, taxMinor: l.tax_minor, totalMinor: l.total_minor, restock: l.restock === 1 })),
    totalMinor: r.total_minor,
    taxMinor: r.tax_minor,
    roundingMinor: extra.roundingMinor,
    tenders: tenders.map((t) => ({ kind: t.kind, amountMinor: t.amount_minor, points: t.points })),
    pointsClawedBack: r.points_clawed_back,
    pointsReturned: r.points_restored,
    rewardsRestored: extra.restoredRewards ?? [],
    balanceAfter: extra.balanceAfter,
    createdAt: r.created_at,
  }
}
