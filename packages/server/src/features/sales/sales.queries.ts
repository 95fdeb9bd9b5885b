import type { Kysely } from 'kysely'
import type { Database, Row } from '../../db/schema'
import type { SaleLoyaltyRecord } from './complete-sale'

export type SaleView = ReturnType<typeof assembleSaleView>

/** Everything a sale's view is made of: read back from the database, or the rows just written. */
export interface SaleParts {
  sale: Row<'sales'>
  lines: Row<'sale_lines'>[]
  taxes: Row<'sale_taxes'>[]
  tenders: Row<'sale_tenders'>[]
  refunds: { id: string; total_minor: number; points_clawed_back: number; created_at: string }[]
  store: { code: string; name: string; locale: string; time_zone: string; address: string | null }
  rewards: { id: string; reward_id: string; name: string; points: number; channel: string; voucher_code: string | null; applied: string | null; status: string }[]
}

export async function getSaleView(db: Kysely<Database>, orgId: string, saleId: string) {
  const sale = await db.selectFrom('sales').selectAll().where('id', '=', saleId).where('org_id', '=', orgId).executeTakeFirst()
  if (!sale) return null
  return buildSaleView(db, sale)
}

async function buildSaleView(db: Kysely<Database>, sale: Row<'sales'>) {
  const [lines, taxes, tenders, refunds, store] = await Promise.all([
    db.selectFrom('sale_lines').selectAll().where('sale_id', '=', sale.id).orderBy('line_no').execute(),
    db.selectFrom('sale_taxes').selectAll().where('sale_id', '=', sale.id).execute(),
    db.selectFrom('sale_tenders').selectAll().where('sale_id', '=', sale.id).orderBy('seq').execute(),
    db.selectFrom('refunds').select(['id', 'total_minor', 'points_clawed_back', 'created_at']).where('sale_id', '=', sale.id).orderBy('created_at').execute(),
    db.selectFrom('stores').select(['code', 'name', 'locale', 'time_zone', 'address']).where('id', '=', sale.store_id).executeTakeFirstOrThrow(),
  ])
  const rewards = sale.customer_id
    ? await db
        .selectFrom('reward_redemptions as r')
        .innerJoin('rewards as w', 'w.id', 'r.reward_id')
        .select(['r.id', 'r.reward_id', 'w.name', 'r.points', 'r.channel', 'r.voucher_code', 'r.applied', 'r.status'])
        .where('r.sale_id', '=', sale.id)
        .orderBy('r.created_at')
        .execute()
    : []
  return assembleSaleView({ sale, lines, taxes, tenders, refunds, store, rewards })
}

/** The API's view of a sale. Pure, so a completed sale answers from the rows it just wrote. */
export function assembleSaleView({ sale, lines, taxes, tenders, refunds, store, rewards }: SaleParts) {
  const loyalty = sale.loyalty ? (JSON.parse(sale.loyalty) as SaleLoyaltyRecord) : null
  return {
    id: sale.id,
    receiptNo: sale.receipt_no,
    status: sale.status,
    channel: sale.channel,
    storeId: sale.store_id,
    store: { code: store.code, name: store.name, locale: store.locale, timeZone: store.time_zone, address: store.address },
    terminalId: sale.terminal_id,
    cashSessionId: sale.cash_session_id,
    staffId: sale.staff_id,
    customerId: sale.customer_id,
    currency: sale.currency,
    taxMode: sale.tax_mode,
    soldAt: sale.sold_at,
    externalRef: sale.external_ref,
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      productId: l.product_id,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      weighed: l.weighed === 1,
      unitPriceMinor: l.unit_price_minor,
      grossMinor: l.gross_minor,
      lineDiscountMinor: l.line_discount_minor,
      cartDiscountMinor: l.cart_discount_minor,
      rewardDiscountMinor: l.reward_discount_minor,
      netMinor: l.net_minor,
      taxMinor: l.tax_minor,
      totalMinor: l.total_minor,
      eligibleMinor: l.eligible_minor,
      returnedQuantity: l.returned_quantity,
    })),
    totals: {
      grossMinor: sale.gross_minor,
      discountMinor: sale.discount_minor,
      taxMinor: sale.tax_minor,
      totalMinor: sale.total_minor,
      roundingMinor: sale.rounding_minor,
      amountDueMinor: sale.total_minor + sale.rounding_minor,
      tenderedMinor: sale.tendered_minor,
      changeMinor: sale.change_minor,
    },
    taxes: taxes.map((t) => ({ rateId: t.rate_id, name: t.name, ratePercent: t.rate_percent, baseMinor: t.base_minor, taxMinor: t.tax_minor })),
    tenders: tenders.map((t) => ({ kind: t.kind, amountMinor: t.amount_minor, points: t.points, reference: t.reference })),
    loyalty: loyalty
      ? {
          pointsName: loyalty.pointsName,
          pointsEarned: loyalty.earn.total,
          pointsRedeemed: loyalty.pointsTender?.points ?? 0,
          eligibleMinor: loyalty.earn.eligibleMinor,
          components: loyalty.earn.components,
          explanation: loyalty.earn.explanation,
          programVersion: loyalty.version,
          programVersionId: loyalty.programVersionId,
          balanceAfter: loyalty.balanceAfter,
          tierChange: loyalty.tierChange ?? null,
          referral: loyalty.referral ?? null,
          memberDiscount: loyalty.memberDiscount ?? null,
        }
      : null,
    rewards: rewards.map((r) => ({
      redemptionId: r.id,
      rewardId: r.reward_id,
      name: r.name,
      points: r.points,
      channel: r.channel,
      voucherCode: r.voucher_code,
      status: r.status,
      discountMinor: (JSON.parse(r.applied ?? '[]') as { discountMinor: number }[]).reduce((s, a) => s + a.discountMinor, 0),
    })),
    refunds: refunds.map((r) => ({ id: r.id, totalMinor: r.total_minor, pointsClawedBack: r.points_clawed_back, createdAt: r.created_at })),
  }
}
