import { PatronError, priceSale, roundToIncrementMinor, toPercentString, type CartLineInput } from '@patron/core'
import type { AppContext, Principal } from '../../context'
import { assertStoreAccess } from '../../http/auth'
import { hashRequest, nowIso } from '../../util'
import { isUniqueViolation } from '../../db/errors'
import { productsByIds } from '../catalog/catalog.queries'
import { applyStockDelta } from '../catalog/save-product'
import { getStore, getTerminal, pricingStore } from '../stores/stores.queries'
import { verifySecret } from '../staff/passwords'

export interface ReturnWithoutReceiptInput {
  id: string
  lines: { productId: string; quantity: number; unitPriceMinor?: number; restock: boolean }[]
  tenderKind: 'cash' | 'card' | 'store_credit'
  reason: string
  terminalId?: string
  approval?: { staffId: string; pin: string } | null
}

/**
 * A return without the original receipt (sales.md): a separate permission — a manager or the
 * owner, or a cashier with a manager's PIN entered in place — priced at today's price, with no
 * points earned or clawed back, restocked unless damaged, and in the audit log.
 */
export async function returnWithoutReceipt(ctx: AppContext, principal: Principal, input: ReturnWithoutReceiptInput) {
  if (principal.kind !== 'staff') throw new PatronError('FORBIDDEN', 'Returns without a receipt are made at a register')
  const db = ctx.db.kysely
  const requestHash = hashRequest(input)
  const prior = await db.selectFrom('open_returns').selectAll().where('id', '=', input.id).executeTakeFirst()
  if (prior) return replay(prior, principal.orgId, requestHash)

  let approvedBy: string | null = null
  if (principal.role === 'cashier') {
    if (!input.approval) throw new PatronError('PERMISSION_REQUIRED', "A return without a receipt needs a manager's approval", { permission: 'return_without_receipt' })
    const m = await db.selectFrom('staff').select(['id', 'pin_hash', 'role', 'active']).where('id', '=', input.approval.staffId).where('org_id', '=', principal.orgId).executeTakeFirst()
    if (!m || m.active !== 1 || m.role === 'cashier' || !(await verifySecret(m.pin_hash, input.approval.pin))) {
      throw new PatronError('PERMISSION_REQUIRED', "A return without a receipt needs a manager's approval; that approval was not valid", { permission: 'manager_approval' })
    }
    approvedBy = m.id
  }
  const terminalId = principal.terminalId ?? input.terminalId
  if (!terminalId) throw new PatronError('VALIDATION_FAILED', 'A return is made at a terminal', { fields: [{ field: 'terminalId', message: 'required' }] })
  const terminal = await getTerminal(db, principal.orgId, terminalId)
  assertStoreAccess(principal, terminal.store_id)
  const store = await getStore(db, principal.orgId, terminal.store_id)
  const pricing = await pricingStore(db, store)
  const products = new Map((await productsByIds(db, principal.orgId, input.lines.map((l) => l.productId))).map((p) => [p.id, p]))
  const cartLines: CartLineInput[] = input.lines.map((l, i) => {
    const p = products.get(l.productId)
    if (!p) throw new PatronError('UNKNOWN_PRODUCT', `Unknown product ${l.productId}`, { field: `lines[${i}].productId`, productId: l.productId })
    return { productId: p.id, categoryId: p.category_id, name: p.name, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor ?? p.price_minor, weighed: p.weighed === 1, taxClassId: p.tax_class_id }
  })
  const priced = priceSale(pricing, { lines: cartLines })
  const totalMinor = input.tenderKind === 'cash' ? roundToIncrementMinor(priced.totalMinor, pricing.cashRoundingMinor) : priced.totalMinor
  const at = nowIso(ctx.now())
  const lines = priced.lines.map((l, i) => ({ lineNo: i + 1, productId: l.productId, name: l.name, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor, totalMinor: l.totalMinor, taxMinor: l.taxMinor, taxes: l.taxes.map((t) => ({ name: t.name, ratePercent: toPercentString(t.rate), taxMinor: t.taxMinor })), restock: input.lines[i].restock }))

  const row = await ctx.writer
    .run(async (trx) => {
      let cashSessionId: string | null = null
      const session = await trx.selectFrom('cash_sessions').select('id').where('terminal_id', '=', terminal.id).where('status', '=', 'open').executeTakeFirst()
      if (input.tenderKind === 'cash' && !session) throw new PatronError('CASH_SESSION_REQUIRED', 'Cash back needs an open cash session on this terminal', { terminalId })
      cashSessionId = session?.id ?? null
      const r = {
        id: input.id,
        org_id: principal.orgId,
        store_id: store.id,
        terminal_id: terminal.id,
        cash_session_id: cashSessionId,
        staff_id: principal.staffId,
        approved_by: approvedBy,
        reason: input.reason,
        total_minor: totalMinor,
        tax_minor: priced.taxMinor,
        tender_kind: input.tenderKind,
        lines: JSON.stringify(lines),
        request_hash: requestHash,
        created_at: at,
      }
      await trx.insertInto('open_returns').values(r).execute()
      for (const l of lines) {
        const p = products.get(l.productId!)!
        if (l.restock && p.track_stock === 1) await applyStockDelta(trx, p.id, store.id, l.quantity, 'return without receipt', at, null, null)
      }
      await trx
        .insertInto('audit_log')
        .values({ org_id: principal.orgId, actor_type: 'staff', actor_id: principal.staffId, action: 'return.without_receipt', target_type: 'open_return', target_id: input.id, details: JSON.stringify({ approvedBy, reason: input.reason, totalMinor }), created_at: at })
        .execute()
      return r
    })
    .catch(async (e) => {
      if (!isUniqueViolation(e)) throw e
      const winner = await db.selectFrom('open_returns').selectAll().where('id', '=', input.id).executeTakeFirstOrThrow()
      return winner
    })
  return replay(row, principal.orgId, requestHash)
}

function replay(r: { id: string; org_id: string; request_hash: string; store_id: string; total_minor: number; tax_minor: number; tender_kind: string; lines: string; approved_by: string | null; reason: string; created_at: string }, orgId: string, requestHash: string) {
  if (r.org_id !== orgId || r.request_hash !== requestHash) throw new PatronError('IDEMPOTENCY_KEY_REUSED', 'A different return was recorded with this id', { id: r.id })
  return { id: r.id, storeId: r.store_id, totalMinor: r.total_minor, taxMinor: r.tax_minor, tenderKind: r.tender_kind, lines: JSON.parse(r.lines), approvedBy: r.approved_by, reason: r.reason, pointsClawedBack: 0, createdAt: r.created_at }
}
