import {
  divRoundHalfAway,
  PatronError,
  percent,
  settleTenders,
  toPercentString,
  unitMinor,
  type CartLineInput,
  type DiscountInput,
  type PricedSale,
  type TenderInput,
} from '@patron/core'
import type { AppContext, Principal } from '../../context'
import type { Trx } from '../../db/writer'
import type { Database, Row } from '../../db/schema'
import { assertStoreAccess } from '../../http/auth'
import { hashRequest, newId, nowIso } from '../../util'
import { isUniqueViolation } from '../../db/errors'
import { stockDeltaStatements } from '../catalog/save-product'
import { placeholders, rawQuery, rowInserter, writeAll } from '../../db/raw'
import { CompiledQuery, NoResultError, type Kysely } from 'kysely'
import { getStore, getTerminal, pricingStore } from '../stores/stores.queries'
import { verifySecret } from '../staff/passwords'
import { programVersionAt, type ProgramVersion } from '../loyalty/loyalty.queries'
import { applySaleLoyalty, type SaleLoyaltyRecord } from '../loyalty/sale-loyalty'
import type { TSaleInput } from './sale-input'
import { assembleSaleView, getSaleView, type SaleParts, type SaleView } from './sales.queries'
import { loadCartRewards, postCartRewards, priceWithRewards, tierDiscountFor, type CartRewards } from '../rewards/sale-rewards'

export type { SaleLoyaltyRecord }

export function toDiscount(d: TSaleInput['cartDiscount']): DiscountInput | null {
  if (!d) return null
  return d.kind === 'amount' ? { kind: 'amount', amountMinor: d.amountMinor } : { kind: 'percent', percent: percent(d.percent) }
}

/**
 * Completes a sale in one transaction: prices it with @patron/core, takes the tenders, books
 * stock, earns (and spends) points on the ledger, and writes an outbox event. The client's sale
 * id is the idempotency key: a replay with the same body returns the first result; the same id
 * with another body is IDEMPOTENCY_KEY_REUSED. Nothing is written when any check fails.
 */
export async function completeSale(ctx: AppContext, principal: Principal, input: TSaleInput): Promise<SaleView> {
  const db = ctx.db.kysely
  const orgId = principal.orgId
  const requestHash = hashRequest(input)
  const [check] = await rawQuery<{ [K in keyof PriorSale]: PriorSale[K] | null } & { reserved: number }>(db, PRIOR_SALE_AND_RESERVATION, [input.id, orgId, input.id])
  if (check.id !== null) return replay(ctx, orgId, check as PriorSale, requestHash)

  const channel = input.channel ?? (principal.kind === 'api_key' ? 'online' : 'pos')
  let terminal: Row<'terminals'> | null = null
  let store: Row<'stores'>
  if (channel === 'pos') {
    const terminalId = (principal.kind === 'staff' && principal.terminalId) || input.terminalId
    if (!terminalId) {
      throw new PatronError('VALIDATION_FAILED', 'A register sale needs a terminal: sign in at a terminal or send terminalId', {
        fields: [{ field: 'terminalId', message: 'required for channel pos' }],
      })
    }
    terminal = await getTerminal(db, orgId, terminalId)
    store = await getStore(db, orgId, terminal.store_id)
    if (input.storeId && input.storeId !== store.id) throw new PatronError('STORE_MISMATCH', 'The terminal belongs to another store', { field: 'storeId' })
  } else {
    const storeId = input.storeId ?? (principal.kind === 'staff' ? principal.storeId : null)
    if (!storeId) {
      throw new PatronError('VALIDATION_FAILED', 'An online sale needs a storeId', { fields: [{ field: 'storeId', message: 'required for channel online' }] })
    }
    store = await getStore(db, orgId, storeId)
  }
  assertStoreAccess(principal, store.id)
  const pricing = await pricingStore(db, store)

  const productIds = [...new Set(input.lines.flatMap((l) => (l.productId ? [l.productId] : [])))]
  const products = new Map((await cartProducts(db, orgId, productIds)).map((p) => [p.id, p]))
  let priceOverride = false
  const cartLines: CartLineInput[] = input.lines.map((l, i) => {
    if (!l.productId) {
      return { ref: String(i + 1), productId: null, name: l.name!, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor!, taxClassId: l.taxClassId!, discount: toDiscount(l.discount) }
    }
    const p = products.get(l.productId)
    if (!p || p.active !== 1) {
      throw new PatronError('UNKNOWN_PRODUCT', `Unknown product ${l.productId}`, { field: `lines[${i}].productId`, productId: l.productId })
    }
    if (l.unitPriceMinor !== undefined && l.unitPriceMinor !== p.price_minor) priceOverride = true
    return {
      ref: String(i + 1),
      productId: p.id,
      categoryId: p.category_id,
      name: p.name,
      quantity: l.quantity,
      unitPriceMinor: l.unitPriceMinor ?? p.price_minor,
      weighed: p.weighed === 1,
      taxClassId: p.tax_class_id,
      nonEarning: p.non_earning === 1,
      discount: toDiscount(l.discount),
    }
  })
  const customerId = input.customerId ?? null
  let customer: Row<'customers'> | undefined
  if (customerId) {
    ;[customer] = await rawQuery<Row<'customers'>>(db, CUSTOMER, [customerId, orgId])
    if (!customer) throw new PatronError('UNKNOWN_CUSTOMER', 'Unknown customer', { field: 'customerId', customerId })
  }
  const soldAt = input.soldAt ? new Date(input.soldAt).toISOString() : nowIso(ctx.now())
  const version = customer ? await programVersionAt(db, orgId, soldAt) : null
  // The member's tier is read only when some tier of the program gives a standing discount.
  const memberDiscount = customer && version && hasTierDiscount(version) ? await tierDiscountFor(db, version, customer.id) : null

  // Rewards reserved for this cart (by its id), vouchers named at checkout and the tier's
  // standing discount take their part of the lines after the cashier's discounts.
  // Most carts have no reservation (the check above tells) and no voucher: nothing to load then.
  const cartRewards = Number(check.reserved) === 1 || (input.vouchers ?? []).length > 0 ? await loadCartRewards(db, orgId, input.id, customerId, input.vouchers ?? []) : NO_CART_REWARDS
  // Free delivery is a benefit of an online order: at a till it would spend points for nothing.
  if (channel === 'pos') {
    for (const r of cartRewards.redemptions) {
      const reward = cartRewards.rewards.get(r.reward_id)
      if (reward?.kind === 'free_delivery') throw new PatronError('REWARD_NOT_APPLICABLE', `"${reward.name}" is for online orders, not a sale at the till`, { rewardId: reward.id })
    }
  }
  const { priced, applications, memberDiscountMinor } = priceWithRewards(pricing, { lines: cartLines, cartDiscount: toDiscount(input.cartDiscount) }, cartRewards, memberDiscount)
  const approvedBy = await checkAuthority(ctx, principal, input, priced, priceOverride)

  const pointsTenders = input.tenders.filter((t) => t.kind === 'points')
  let pointsTender: { points: number; amountMinor: number } | null = null
  if (pointsTenders.length > 0) {
    const perUnit = version?.rules.pointsTender?.pointsPerUnit
    if (!customer || !perUnit) {
      throw new PatronError('POINTS_TENDER_NOT_ALLOWED', customer ? 'This program does not take points as payment' : 'Paying with points needs a member on the sale', { field: 'tenders' })
    }
    const amountMinor = pointsTenders.reduce((s, t) => s + t.amountMinor, 0)
    const exact = BigInt(amountMinor) * BigInt(perUnit)
    const unit = BigInt(unitMinor(pricing.currency))
    if (exact % unit !== 0n) {
      throw new PatronError('INVALID_TENDER', `Points pay in whole points: ${perUnit} points = 1.00`, { field: 'tenders', amountMinor })
    }
    pointsTender = { points: Number(exact / unit), amountMinor }
  }
  const tenders: TenderInput[] = input.tenders.map((t) => ({ kind: t.kind, amountMinor: t.amountMinor, reference: t.reference ?? null }))
  const settled = settleTenders(pricing, priced.totalMinor, tenders)

  const saleId = input.id
  const at = nowIso(ctx.now())
  const written = await ctx.writer
    .run(async (trx) => {
    // A copy of this sale committed since the check above makes the insert below fail on the
    // primary key; the catch at the end answers it as a replay.
    const { receiptNo, cashSessionId } = await nextReceiptNo(trx, store, terminal, at)

    let loyalty: SaleLoyaltyRecord | null = null
    if (customer && version) {
      loyalty = await applySaleLoyalty(ctx, trx, { saleId, orgId, customer, store, version, priced, soldAt, channel, pointsTender, settledTotalMinor: priced.totalMinor, principal, terminalId: terminal?.id ?? null, paymentReferences: paymentReferences(tenders) })
      if (memberDiscount && memberDiscountMinor > 0) loyalty.memberDiscount = { name: memberDiscount.name, amountMinor: memberDiscountMinor }
    }

    const saleRow: Row<'sales'> = {
        id: saleId,
        org_id: orgId,
        store_id: store.id,
        terminal_id: terminal?.id ?? null,
        cash_session_id: cashSessionId,
        staff_id: principal.kind === 'staff' ? principal.staffId : null,
        api_key_id: principal.kind === 'api_key' ? principal.keyId : null,
        customer_id: customerId,
        receipt_no: receiptNo,
        status: 'completed',
        channel,
        currency: pricing.currency.code,
        tax_mode: store.tax_mode,
        gross_minor: priced.grossMinor,
        discount_minor: priced.lineDiscountMinor + priced.cartDiscountMinor + priced.rewardDiscountMinor,
        tax_minor: priced.taxMinor,
        total_minor: priced.totalMinor,
        rounding_minor: settled.roundingMinor,
        tendered_minor: settled.tenderedMinor,
        change_minor: settled.changeMinor,
        eligible_minor: loyalty?.earn.eligibleMinor ?? priced.eligibleMinor,
        points_earned: loyalty?.earn.total ?? 0,
        points_redeemed: pointsTender?.points ?? 0,
        qualifying_points: loyalty?.earn.qualifyingPoints ?? 0,
        program_version_id: loyalty?.programVersionId ?? null,
        tier_id: loyalty?.member.tierId ?? null,
        loyalty: loyalty ? JSON.stringify(loyalty) : null,
        cart_discount: input.cartDiscount ? JSON.stringify(input.cartDiscount) : null,
        request_hash: requestHash,
        external_ref: input.externalRef ?? null,
        sold_at: soldAt,
        created_at: at,
        voided_at: null,
      }
    const lineRows: Row<'sale_lines'>[] = priced.lines.map((l) => ({
          sale_id: saleId,
          line_no: l.index + 1,
          product_id: l.productId,
          sku: l.productId ? products.get(l.productId)!.sku : null,
          name: l.name,
          category_id: l.categoryId,
          quantity: l.quantity,
          unit_price_minor: l.unitPriceMinor,
          weighed: l.weighed ? (1 as const) : (0 as const),
          tax_class_id: l.taxClassId,
          non_earning: l.nonEarning ? (1 as const) : (0 as const),
          gross_minor: l.grossMinor,
          line_discount_minor: l.lineDiscountMinor,
          cart_discount_minor: l.cartDiscountMinor,
          reward_discount_minor: l.rewardDiscountMinor,
          net_minor: l.netMinor,
          tax_minor: l.taxMinor,
          total_minor: l.totalMinor,
          eligible_minor: l.eligibleMinor,
          taxes: JSON.stringify(l.taxes.map((t) => ({ rateId: t.rateId, name: t.name, ratePercent: toPercentString(t.rate), baseMinor: t.baseMinor, taxMinor: t.taxMinor }))),
          returned_quantity: 0,
        }))
    const taxRows: Row<'sale_taxes'>[] = priced.taxSummary.map((t) => ({
      sale_id: saleId,
      rate_id: t.rateId,
      name: t.name,
      rate_percent: toPercentString(t.rate),
      base_minor: t.baseMinor,
      tax_minor: t.taxMinor,
    }))
    const tenderRows: Row<'sale_tenders'>[] = input.tenders.map((t, i) => ({
      sale_id: saleId,
      seq: i + 1,
      kind: t.kind,
      amount_minor: t.amountMinor,
      points: t.kind === 'points' && pointsTender ? Number((BigInt(t.amountMinor) * BigInt(pointsTender.points)) / BigInt(Math.max(pointsTender.amountMinor, 1))) : null,
      reference: t.reference ?? null,
    }))
    const stockDeltas = new Map<string, number>()
    for (const l of priced.lines) {
      if (l.productId && products.get(l.productId)!.track_stock === 1) stockDeltas.set(l.productId, (stockDeltas.get(l.productId) ?? 0) - l.quantity)
    }
    // The sale's rows in one go (one round trip on PostgreSQL, see writeAll). A copy of this
    // sale committed meanwhile fails the sales insert on its primary key: replayed below.
    await writeAll(trx, [
      salesInserter.statement([saleRow]),
      linesInserter.statement(lineRows),
      ...(taxRows.length > 0 ? [taxesInserter.statement(taxRows)] : []),
      tendersInserter.statement(tenderRows),
      ...stockDeltaStatements(store.id, [...stockDeltas].map(([productId, delta]) => ({ productId, delta })), 'sale', at, saleId, null),
      outboxInserter.statement([{
        org_id: orgId,
        topic: 'sale.completed',
        aggregate_id: saleId,
        payload: JSON.stringify({ saleId, receiptNo, storeId: store.id, customerId, totalMinor: priced.totalMinor, currency: pricing.currency.code, pointsEarned: loyalty?.earn.total ?? 0 }),
        created_at: at,
        published_at: null,
      }]),
    ])
    await postCartRewards(trx, cartRewards, applications, saleId, at)
    if (approvedBy) {
      await trx
        .insertInto('audit_log')
        .values({ org_id: orgId, actor_type: 'staff', actor_id: approvedBy, action: 'sale.approval', target_type: 'sale', target_id: saleId, details: JSON.stringify({ cashierId: principal.kind === 'staff' ? principal.staffId : null, priceOverride, discountMinor: priced.lineDiscountMinor + priced.cartDiscountMinor }), created_at: at })
        .execute()
    }
    const rewardRows = cartRewards.redemptions
      .map((r, i) => ({
      id: r.id,
      reward_id: r.reward_id,
      name: cartRewards.rewards.get(r.reward_id)!.name,
      points: r.points,
      channel: r.channel,
      voucher_code: r.voucher_code,
      applied: JSON.stringify([...applications[i].discounts].map(([lineIndex, minor]) => ({ lineNo: lineIndex + 1, discountMinor: minor }))),
      status: r.channel === 'reservation' ? 'posted' : 'used',
      created_at: r.created_at,
    }))
      .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0))
    const parts: SaleParts = { sale: saleRow, lines: lineRows, taxes: taxRows, tenders: tenderRows, refunds: [], store, rewards: rewardRows }
    return { replayOf: null, parts }
  })
    .catch(async (e) => {
      if (!isUniqueViolation(e)) throw e
      const [winner] = await rawQuery<PriorSale>(db, PRIOR_SALE, [saleId])
      if (!winner) throw e
      return { replayOf: winner }
    })
  if (written.replayOf) return replay(ctx, orgId, written.replayOf, requestHash)
  // Answered from the rows just written: the same view a replay reads back (tests hold them equal).
  return assembleSaleView(written.parts!)
}

async function replay(ctx: AppContext, orgId: string, prior: PriorSale, requestHash: string): Promise<SaleView> {
  if (prior.org_id !== orgId) throw new PatronError('IDEMPOTENCY_KEY_REUSED', 'A different sale was already recorded with this id', { saleId: prior.id })
  // Checked before the hash: a voided cart's row holds the void's hash, never the cart's, so a
  // late submission of a voided cart would otherwise be reported as a key reuse.
  if (prior.status === 'voided') throw new PatronError('SALE_VOIDED', 'This sale was voided', { saleId: prior.id })
  if (prior.request_hash !== requestHash) {
    throw new PatronError('IDEMPOTENCY_KEY_REUSED', 'A different sale was already recorded with this id', { saleId: prior.id })
  }
  return (await getSaleView(ctx.db.kysely, orgId, prior.id))!
}

/**
 * Receipt numbers are gap-free and increasing per terminal: store code + terminal code + number.
 * A register sale also needs the terminal's open cash session: read in the same statement as
 * the counter is taken (a subquery in RETURNING), one round trip instead of two. When there is
 * none the sale fails and its savepoint rolls the counter back.
 */
async function nextReceiptNo(trx: Trx, store: Row<'stores'>, terminal: Row<'terminals'> | null, at: string): Promise<{ receiptNo: string; cashSessionId: string | null }> {
  if (terminal) {
    const [row] = await rawQuery<{ last_receipt_no: number; cash_session_id: string | null }>(trx, NEXT_RECEIPT_POS, [terminal.id, terminal.id])
    // No terminal row: the error the query builder's executeTakeFirstOrThrow gave before.
    if (!row) throw new NoResultError(CompiledQuery.raw(NEXT_RECEIPT_POS, []).query as never)
    if (!row.cash_session_id) throw new PatronError('CASH_SESSION_REQUIRED', 'Open the cash drawer (a cash session) on this terminal before selling', { terminalId: terminal.id })
    return { receiptNo: receiptNo(store, terminal.code, row.last_receipt_no), cashSessionId: row.cash_session_id }
  }
  // Online sales number on a per-store "WEB" terminal, made on first use (then one statement).
  let [row] = await rawQuery<{ code: string; last_receipt_no: number }>(trx, NEXT_RECEIPT_WEB, [store.id])
  if (!row) {
    await trx
      .insertInto('terminals')
      .values({ id: newId(), store_id: store.id, code: 'WEB', name: 'Online orders', last_receipt_no: 0, failed_pins: 0, locked_until: null, created_at: at })
      .onConflict((oc) => oc.columns(['store_id', 'code']).doNothing())
      .execute()
    ;[row] = await rawQuery<{ code: string; last_receipt_no: number }>(trx, NEXT_RECEIPT_WEB, [store.id])
    if (!row) throw new NoResultError(CompiledQuery.raw(NEXT_RECEIPT_WEB, []).query as never)
  }
  return { receiptNo: receiptNo(store, row.code, row.last_receipt_no), cashSessionId: null }
}

function receiptNo(store: Row<'stores'>, terminalCode: string, n: number | string): string {
  return `${store.code}-${terminalCode}-${String(n).padStart(6, '0')}`
}

// The checkout's hot statements as hand-written SQL (see db/raw.ts for why). `status = 'open'`
// is a literal so that SQLite can use the partial unique index cash_sessions_one_open.
const NEXT_RECEIPT_POS =
  'update "terminals" set "last_receipt_no" = "last_receipt_no" + 1 where "id" = ? returning "last_receipt_no", ' +
  '(select "id" from "cash_sessions" where "terminal_id" = ? and "status" = \'open\') as "cash_session_id"'
const NEXT_RECEIPT_WEB = 'update "terminals" set "last_receipt_no" = "last_receipt_no" + 1 where "store_id" = ? and "code" = \'WEB\' returning "code", "last_receipt_no"'

type PriorSale = { id: string; request_hash: string; status: string; org_id: string }
const PRIOR_SALE = 'select "id", "request_hash", "status", "org_id" from "sales" where "id" = ?'
// The replay check and "is a reward reserved for this cart?" in one round trip: always one row,
// the sale's columns null when there is no such sale. (`as "one"`: PostgreSQL < 16 wants an alias.)
const PRIOR_SALE_AND_RESERVATION =
  'select "s"."id", "s"."request_hash", "s"."status", "s"."org_id", ' +
  'case when exists (select 1 from "reward_redemptions" where "cart_id" = ? and "org_id" = ? and "status" = \'pending\') then 1 else 0 end as "reserved" ' +
  'from (select 1 as "x") as "one" left join "sales" as "s" on "s"."id" = ?'
const NO_CART_REWARDS: CartRewards = { redemptions: [], rewards: new Map() }
const CUSTOMER = 'select * from "customers" where "id" = ? and "org_id" = ?'
const productTexts: string[] = []

/** The cart's products (what productsByIds reads), with the SQL text kept per number of ids. */
function cartProducts(db: Kysely<Database>, orgId: string, ids: string[]): Promise<Row<'products'>[]> {
  if (ids.length === 0) return Promise.resolve([])
  const text = (productTexts[ids.length] ??= `select * from "products" where "org_id" = ? and "id" in (${placeholders(ids.length)})`)
  return rawQuery<Row<'products'>>(db, text, [orgId, ...ids])
}

/** Whether any tier of the version gives a standing discount (what tierDiscountFor can return). */
function hasTierDiscount(version: ProgramVersion): boolean {
  return version.rules.tiers.some((t) => t.discountPercent && percent(t.discountPercent).num !== 0n)
}

const salesInserter = rowInserter('sales', [
  'id', 'org_id', 'store_id', 'terminal_id', 'cash_session_id', 'staff_id', 'api_key_id', 'customer_id', 'receipt_no', 'status',
  'channel', 'currency', 'tax_mode', 'gross_minor', 'discount_minor', 'tax_minor', 'total_minor', 'rounding_minor', 'tendered_minor',
  'change_minor', 'eligible_minor', 'points_earned', 'points_redeemed', 'qualifying_points', 'program_version_id', 'tier_id', 'loyalty',
  'cart_discount', 'request_hash', 'external_ref', 'sold_at', 'created_at', 'voided_at',
] as const satisfies readonly (keyof Row<'sales'>)[])
const linesInserter = rowInserter('sale_lines', [
  'sale_id', 'line_no', 'product_id', 'sku', 'name', 'category_id', 'quantity', 'unit_price_minor', 'weighed', 'tax_class_id',
  'non_earning', 'gross_minor', 'line_discount_minor', 'cart_discount_minor', 'reward_discount_minor', 'net_minor', 'tax_minor',
  'total_minor', 'eligible_minor', 'taxes', 'returned_quantity',
] as const satisfies readonly (keyof Row<'sale_lines'>)[])
const taxesInserter = rowInserter('sale_taxes', ['sale_id', 'rate_id', 'name', 'rate_percent', 'base_minor', 'tax_minor'] as const satisfies readonly (keyof Row<'sale_taxes'>)[])
/** Card (and other non-cash) references long enough to identify a payment method. */
function paymentReferences(tenders: readonly TenderInput[]): string[] {
  return [...new Set(tenders.filter((t) => t.kind !== 'cash' && t.reference && t.reference.trim().length >= 4).map((t) => t.reference!))]
}

const tendersInserter = rowInserter('sale_tenders', ['sale_id', 'seq', 'kind', 'amount_minor', 'points', 'reference'] as const satisfies readonly (keyof Row<'sale_tenders'>)[])
const outboxInserter = rowInserter('outbox', ['org_id', 'topic', 'aggregate_id', 'payload', 'created_at', 'published_at'] as const)

/**
 * Discounts above the cashier's limit and price overrides need a manager: either the signed-in
 * staff is one, or a manager's PIN was entered in place (recorded as an approval in the audit log).
 * API keys (online orders price on their side) are not limited.
 */
async function checkAuthority(ctx: AppContext, principal: Principal, input: TSaleInput, priced: PricedSale, priceOverride: boolean): Promise<string | null> {
  if (principal.kind !== 'staff' || principal.role !== 'cashier') return null
  const limit = percent(principal.maxDiscountPercent)
  // Line discounts against each line, the cart discount against the cart: an allocated cent of
  // rounding must not push an allowed 10 % cart discount over the limit on one line.
  // The limit is compared after the same rounding the discount itself got (half away from zero).
  const over = (discountMinor: number, baseMinor: number) => BigInt(discountMinor) > divRoundHalfAway(BigInt(baseMinor) * limit.num, limit.den)
  const cartBaseMinor = priced.lines.reduce((s, l) => s + l.grossMinor - l.lineDiscountMinor, 0)
  const overLimit = priced.lines.some((l) => over(l.lineDiscountMinor, l.grossMinor)) || over(priced.cartDiscountMinor, cartBaseMinor)
  if (!overLimit && !priceOverride) return null
  const why = priceOverride ? 'a price override' : `a discount above ${principal.maxDiscountPercent} %`
  if (!input.approval) {
    throw new PatronError('PERMISSION_REQUIRED', `${why} needs a manager's approval`, { permission: priceOverride ? 'price_override' : 'discount_above_limit', limitPercent: principal.maxDiscountPercent })
  }
  const manager = await ctx.db.kysely
    .selectFrom('staff')
    .select(['id', 'pin_hash', 'role', 'active'])
    .where('id', '=', input.approval.staffId)
    .where('org_id', '=', principal.orgId)
    .executeTakeFirst()
  if (!manager || manager.active !== 1 || manager.role === 'cashier' || !(await verifySecret(manager.pin_hash, input.approval.pin))) {
    throw new PatronError('PERMISSION_REQUIRED', `${why} needs a manager's approval; that approval was not valid`, { permission: 'manager_approval' })
  }
  return manager.id
}
