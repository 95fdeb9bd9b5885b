import type { Kysely } from 'kysely'
import type { Database, Row } from '../../db/schema'

export function toProductView(p: Row<'products'>, stock?: { store_id: string; quantity: number }[]) {
  return {
    id: p.id,
    sku: p.sku,
    barcode: p.barcode,
    name: p.name,
    categoryId: p.category_id,
    priceMinor: p.price_minor,
    taxClassId: p.tax_class_id,
    nonEarning: p.non_earning === 1,
    trackStock: p.track_stock === 1,
    weighed: p.weighed === 1,
    active: p.active === 1,
    ...(stock ? { stock: stock.map((s) => ({ storeId: s.store_id, quantity: s.quantity })) } : {}),
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  }
}

export interface ProductQuery {
  q?: string
  categoryId?: string
  updatedSince?: string
  limit: number
  cursor?: string
}

/** Lists products, newest id last, with a cursor; `q` matches sku, barcode or a name prefix. */
export async function searchProducts(db: Kysely<Database>, orgId: string, query: ProductQuery) {
  let q = db.selectFrom('products').selectAll().where('org_id', '=', orgId)
  if (query.q) {
    const term = query.q.trim()
    const like = `${term.replace(/[%_\\]/g, (c) => `\\${c}`)}%`
    q = q.where((eb) => eb.or([eb('sku', '=', term), eb('barcode', '=', term), eb(eb.fn('lower', ['name']), 'like', like.toLowerCase())]))
  }
  if (query.categoryId) q = q.where('category_id', '=', query.categoryId)
  if (query.updatedSince) q = q.where('updated_at', '>', query.updatedSince)
  if (query.cursor) q = q.where('id', '>', query.cursor)
  const rows = await q.orderBy('id').limit(query.limit + 1).execute()
  const more = rows.length > query.limit
  const items = more ? rows.slice(0, query.limit) : rows
  return { items, nextCursor: more ? items[items.length - 1].id : null }
}

export function productsByIds(db: Kysely<Database>, orgId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('products').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).execute()
}
