import { PatronError } from '@patron/core'
import type { AppContext, Principal } from '../../context'
import { hashRequest, nowIso } from '../../util'
import { releaseInTrx } from '../rewards/redeem-reward'

/**
 * Voids an open or parked cart by its client id. A completed sale is never voided (corrections
 * are refunds). The void is recorded so that the same id can never complete later (a late
 * retry of a voided cart must not become a sale), and it leaves no stock or loyalty trace.
 */
export async function voidSale(ctx: AppContext, principal: Principal, saleId: string, input: { terminalId?: string; storeId?: string; reason?: string | null }) {
  const at = nowIso(ctx.now())
  return ctx.writer.run(async (trx) => {
    const existing = await trx.selectFrom('sales').select(['id', 'status', 'org_id']).where('id', '=', saleId).executeTakeFirst()
    if (existing) {
      if (existing.org_id !== principal.orgId) throw new PatronError('IDEMPOTENCY_KEY_REUSED', 'This id belongs to another sale', { saleId })
      if (existing.status === 'completed') throw new PatronError('SALE_ALREADY_COMPLETED', 'A completed sale cannot be voided; refund it instead', { saleId })
      return { id: saleId, status: 'voided' as const, voidedAt: at }
    }
    const terminalId = (principal.kind === 'staff' && principal.terminalId) || input.terminalId || null
    let storeId = input.storeId ?? (principal.kind === 'staff' ? principal.storeId : null)
    if (terminalId) {
      const t = await trx.selectFrom('terminals as t').innerJoin('stores as s', 's.id', 't.store_id').select(['t.store_id', 's.org_id', 's.currency', 's.tax_mode']).where('t.id', '=', terminalId).executeTakeFirst()
      if (!t || t.org_id !== principal.orgId) throw new PatronError('TERMINAL_NOT_FOUND', 'Terminal not found', { terminalId })
      storeId = t.store_id
    }
    if (!storeId) throw new PatronError('VALIDATION_FAILED', 'A void needs a terminal or a store', { fields: [{ field: 'terminalId', message: 'required (or storeId for an online cart)' }] })
    const store = await trx.selectFrom('stores').select(['currency', 'tax_mode']).where('id', '=', storeId).where('org_id', '=', principal.orgId).executeTakeFirst()
    if (!store) throw new PatronError('STORE_NOT_FOUND', 'Store not found', { storeId })
    await trx
      .insertInto('sales')
      .values({
        id: saleId,
        org_id: principal.orgId,
        store_id: storeId,
        terminal_id: terminalId,
        cash_session_id: null,
        staff_id: principal.kind === 'staff' ? principal.staffId : null,
        api_key_id: principal.kind === 'api_key' ? principal.keyId : null,
        customer_id: null,
        receipt_no: `VOID-${saleId}`,
        status: 'voided',
        channel: 'pos',
        currency: store.currency,
        tax_mode: store.tax_mode,
        gross_minor: 0,
        discount_minor: 0,
        tax_minor: 0,
        total_minor: 0,
        rounding_minor: 0,
        tendered_minor: 0,
        change_minor: 0,
        eligible_minor: 0,
        points_earned: 0,
        points_redeemed: 0,
        program_version_id: null,
        tier_id: null,
        loyalty: null,
        cart_discount: null,
        request_hash: hashRequest({ void: saleId }),
        external_ref: null,
        sold_at: at,
        created_at: at,
        voided_at: at,
      })
      .execute()
    // A voided cart leaves no loyalty trace other than released reservations.
    const reserved = await trx.selectFrom('reward_redemptions').selectAll().where('cart_id', '=', saleId).where('status', '=', 'pending').execute()
    for (const r of reserved) await releaseInTrx(trx, ctx, r, at, 'cart voided')
    await trx
      .insertInto('audit_log')
      .values({ org_id: principal.orgId, actor_type: principal.kind === 'staff' ? 'staff' : 'api_key', actor_id: principal.kind === 'staff' ? principal.staffId : principal.keyId, action: 'sale.voided', target_type: 'sale', target_id: saleId, details: JSON.stringify({ reason: input.reason ?? null }), created_at: at })
      .execute()
    return { id: saleId, status: 'voided' as const, voidedAt: at }
  })
}
