import { PatronError } from '@patron/core'
import type { AppContext } from '../../context'
import type { Trx } from '../../db/writer'
import type { Row } from '../../db/schema'
import { newId, nowIso } from '../../util'
import { rowInserter, writeAll, type Statement } from '../../db/raw'
import { snapshotsOf } from './snapshot'

export interface ProductInput {
  sku: string
  barcode?: string | null
  name: string
  categoryId?: string | null
  priceMinor: number
  taxClassId: string
  nonEarning?: boolean
  trackStock?: boolean
  weighed?: boolean
  active?: boolean
  /** Opening stock per store, for a new product. */
  stock?: { storeId: string; quantity: number }[]
}

async function checkReferences(trx: Trx, orgId: string, input: Partial<ProductInput>, productId: string | null) {
  if (input.taxClassId !== undefined) {
    const c = await trx.selectFrom('tax_classes').select('id').where('id', '=', input.taxClassId).where('org_id', '=', orgId).executeTakeFirst()
    if (!c) throw new PatronError('UNKNOWN_TAX_CLASS', 'Unknown tax class', { field: 'taxClassId', value: input.taxClassId })
  }
  if (input.categoryId) {
    const c = await trx.selectFrom('categories').select('id').where('id', '=', input.categoryId).where('org_id', '=', orgId).executeTakeFirst()
    if (!c) throw new PatronError('UNKNOWN_CATEGORY', 'Unknown category', { field: 'categoryId', value: input.categoryId })
  }
  if (input.sku !== undefined) {
    let q = trx.selectFrom('products').select('id').where('org_id', '=', orgId).where('sku', '=', input.sku)
    if (productId) q = q.where('id', '!=', productId)
    if (await q.executeTakeFirst()) throw new PatronError('DUPLICATE_SKU', `SKU ${input.sku} is taken`, { field: 'sku' })
  }
  if (input.barcode) {
    let q = trx.selectFrom('products').select('id').where('org_id', '=', orgId).where('barcode', '=', input.barcode)
    if (productId) q = q.where('id', '!=', productId)
    if (await q.executeTakeFirst()) throw new PatronError('DUPLICATE_BARCODE', `Barcode ${input.barcode} is taken`, { field: 'barcode' })
  }
}

export async function createProduct(ctx: AppContext, orgId: string, input: ProductInput, trx?: Trx) {
  const at = nowIso(ctx.now())
  const row: Row<'products'> = {
    id: newId(),
    org_id: orgId,
    sku: input.sku,
    barcode: input.barcode ?? null,
    name: input.name,
    category_id: input.categoryId ?? null,
    price_minor: input.priceMinor,
    tax_class_id: input.taxClassId,
    non_earning: input.nonEarning ? 1 : 0,
    track_stock: input.trackStock === false ? 0 : 1,
    weighed: input.weighed ? 1 : 0,
    active: input.active === false ? 0 : 1,
    created_at: at,
    updated_at: at,
  }
  const write = async (t: Trx) => {
    await checkReferences(t, orgId, input, null)
    await t.insertInto('products').values(row).execute()
    for (const s of input.stock ?? []) {
      const store = await t.selectFrom('stores').select('id').where('id', '=', s.storeId).where('org_id', '=', orgId).executeTakeFirst()
      if (!store) throw new PatronError('STORE_NOT_FOUND', 'Unknown store in stock', { field: 'stock.storeId', value: s.storeId })
      await t.insertInto('stock_levels').values({ product_id: row.id, store_id: s.storeId, quantity: s.quantity, updated_at: at }).execute()
      await t.insertInto('stock_movements').values({ product_id: row.id, store_id: s.storeId, delta: s.quantity, reason: 'opening', sale_id: null, refund_id: null, created_at: at }).execute()
    }
  }
  if (trx) await write(trx)
  else await ctx.writer.run(write)
  snapshotsOf(ctx).changed(orgId)
  return row
}

export async function updateProduct(ctx: AppContext, orgId: string, id: string, patch: Partial<Omit<ProductInput, 'stock'>>) {
  const row = await ctx.writer.run(async (trx) => {
    const existing = await trx.selectFrom('products').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst()
    if (!existing) throw new PatronError('PRODUCT_NOT_FOUND', 'Product not found', { productId: id })
    await checkReferences(trx, orgId, patch, id)
    const set: Partial<Row<'products'>> = { updated_at: nowIso(ctx.now()) }
    if (patch.sku !== undefined) set.sku = patch.sku
    if (patch.barcode !== undefined) set.barcode = patch.barcode
    if (patch.name !== undefined) set.name = patch.name
    if (patch.categoryId !== undefined) set.category_id = patch.categoryId
    if (patch.priceMinor !== undefined) set.price_minor = patch.priceMinor
    if (patch.taxClassId !== undefined) set.tax_class_id = patch.taxClassId
    if (patch.nonEarning !== undefined) set.non_earning = patch.nonEarning ? 1 : 0
    if (patch.trackStock !== undefined) set.track_stock = patch.trackStock ? 1 : 0
    if (patch.weighed !== undefined) set.weighed = patch.weighed ? 1 : 0
    if (patch.active !== undefined) set.active = patch.active ? 1 : 0
    await trx.updateTable('products').set(set).where('id', '=', id).execute()
    return { ...existing, ...set } as Row<'products'>
  })
  snapshotsOf(ctx).changed(orgId)
  return row
}

/** Stock adjustments and counts always carry a reason; stock may go negative (never blocks a sale). */
export async function adjustStock(ctx: AppContext, orgId: string, productId: string, storeId: string, delta: number, reason: string) {
  return ctx.writer.run(async (trx) => {
    const p = await trx.selectFrom('products').select('id').where('id', '=', productId).where('org_id', '=', orgId).executeTakeFirst()
    if (!p) throw new PatronError('PRODUCT_NOT_FOUND', 'Product not found', { productId })
    const s = await trx.selectFrom('stores').select('id').where('id', '=', storeId).where('org_id', '=', orgId).executeTakeFirst()
    if (!s) throw new PatronError('STORE_NOT_FOUND', 'Store not found', { storeId })
    return applyStockDelta(trx, productId, storeId, delta, reason, nowIso(ctx.now()), null, null)
  })
}

export async function applyStockDelta(trx: Trx, productId: string, storeId: string, delta: number, reason: string, at: string, saleId: string | null, refundId: string | null) {
  const [level] = await applyStockDeltas(trx, storeId, [{ productId, delta }], reason, at, saleId, refundId)
  return level
}

// One upsert per row: correct under concurrent writers on PostgreSQL (the row is locked by
// the update), and stock may go negative, so no read is needed first.
const upsertLevels = rowInserter('stock_levels', ['product_id', 'store_id', 'quantity', 'updated_at'], ' on conflict ("product_id", "store_id") do update set "quantity" = "stock_levels"."quantity" + excluded."quantity", "updated_at" = excluded."updated_at" returning "product_id", "quantity"')
const insertMovements = rowInserter('stock_movements', ['product_id', 'store_id', 'delta', 'reason', 'sale_id', 'refund_id', 'created_at'])

/**
 * Several products' stock changes in one store (a sale's lines): one multi-row upsert of the
 * levels and one multi-row insert of the movements, instead of two statements per product.
 * Product ids must be distinct (a statement may not update one row twice). The levels are
 * upserted in product-id order, so that concurrent batches on PostgreSQL lock stock rows in the
 * same order and do not deadlock each other; the movements keep the caller's order.
 * The statements only (for writeAll, which may send them with others); the levels' upsert is
 * the last one, so writeAll returns its rows (product_id, quantity).
 */
export function stockDeltaStatements(
  storeId: string,
  deltas: readonly { productId: string; delta: number }[],
  reason: string,
  at: string,
  saleId: string | null,
  refundId: string | null,
): Statement[] {
  if (deltas.length === 0) return []
  const ordered = [...deltas].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
  return [
    insertMovements.statement(deltas.map((d) => ({ product_id: d.productId, store_id: storeId, delta: d.delta, reason, sale_id: saleId, refund_id: refundId, created_at: at }))),
    upsertLevels.statement(ordered.map((d) => ({ product_id: d.productId, store_id: storeId, quantity: d.delta, updated_at: at }))),
  ]
}

/** stockDeltaStatements, run; the new quantities in the caller's order. */
export async function applyStockDeltas(
  trx: Trx,
  storeId: string,
  deltas: readonly { productId: string; delta: number }[],
  reason: string,
  at: string,
  saleId: string | null,
  refundId: string | null,
): Promise<{ productId: string; storeId: string; quantity: number }[]> {
  const levels = await writeAll<{ product_id: string; quantity: number | string }>(trx, stockDeltaStatements(storeId, deltas, reason, at, saleId, refundId))
  // RETURNING's row order is not guaranteed: answer in the caller's order.
  const quantities = new Map(levels.map((l) => [l.product_id, Number(l.quantity)]))
  return deltas.map((d) => ({ productId: d.productId, storeId, quantity: quantities.get(d.productId)! }))
}
