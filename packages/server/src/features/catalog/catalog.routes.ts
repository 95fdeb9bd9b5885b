import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError } from '@patron/core'
import { ALL_STAFF, MANAGERS, type AppContext } from '../../context'
import { assertStoreAccess, requirePrincipal } from '../../http/auth'
import { newId, nowIso } from '../../util'
import { searchProducts, toProductView } from './catalog.queries'
import { adjustStock, createProduct, updateProduct } from './save-product'
import { snapshotsOf } from './snapshot'

export const ZPagination = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
}

const ZProduct = z.object({
  sku: z.string().min(1).max(64),
  barcode: z.string().min(1).max(64).nullish(),
  name: z.string().min(1).max(200),
  categoryId: z.string().nullish(),
  priceMinor: z.number().int().min(0).max(1_000_000_000),
  taxClassId: z.string().min(1),
  nonEarning: z.boolean().optional(),
  trackStock: z.boolean().optional(),
  weighed: z.boolean().optional(),
  active: z.boolean().optional(),
})

export async function catalogRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = ctx.db.kysely

  r.get('/categories', { config: { access: { roles: ALL_STAFF, scopes: ['catalog:read'] } }, schema: { tags: ['catalog'], summary: 'List categories' } }, async (req) => {
    const p = requirePrincipal(req)
    const rows = await db.selectFrom('categories').selectAll().where('org_id', '=', p.orgId).orderBy('name').execute()
    return { items: rows.map((c) => ({ id: c.id, name: c.name, parentId: c.parent_id })) }
  })
  r.post(
    '/categories',
    { config: { access: { roles: MANAGERS, scopes: ['catalog:write'] } }, schema: { tags: ['catalog'], summary: 'Create a category', body: z.object({ name: z.string().min(1).max(80), parentId: z.string().nullish() }) } },
    async (req, reply) => {
      const p = requirePrincipal(req)
      const id = newId()
      await ctx.writer.run(async (trx) => {
        if (req.body.parentId) {
          const parent = await trx.selectFrom('categories').select('id').where('id', '=', req.body.parentId).where('org_id', '=', p.orgId).executeTakeFirst()
          if (!parent) throw new PatronError('UNKNOWN_CATEGORY', 'Unknown parent category', { field: 'parentId' })
        }
        await trx.insertInto('categories').values({ id, org_id: p.orgId, name: req.body.name, parent_id: req.body.parentId ?? null, created_at: nowIso(ctx.now()) }).execute()
      })
      return reply.status(201).send({ id, name: req.body.name, parentId: req.body.parentId ?? null })
    },
  )
  r.get(
    '/products',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['catalog:read'] } },
      schema: {
        tags: ['catalog'],
        summary: 'List or search products (q = sku, barcode or name prefix; updatedSince for incremental refresh)',
        querystring: z.object({ q: z.string().max(100).optional(), categoryId: z.string().optional(), updatedSince: z.string().optional(), ...ZPagination }),
      },
    },
    async (req) => {
      const p = requirePrincipal(req)
      const page = await searchProducts(db, p.orgId, req.query)
      return { items: page.items.map((x) => toProductView(x)), nextCursor: page.nextCursor }
    },
  )
  const snapshots = snapshotsOf(ctx)
  // Built ahead for the organisations with terminals: a register's first download does not wait.
  app.addHook('onReady', async () => {
    snapshots.warm().catch((e) => app.log.warn({ err: e }, 'catalogue snapshots not built ahead'))
  })
  app.addHook('onClose', async () => snapshots.close())
  r.get(
    '/products/snapshot',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['catalog:read'] } },
      schema: {
        tags: ['catalog'],
        summary: "Every active product at once, in name order, as rows under one list of columns (a register's first download; gzip when accepted; ETag / If-None-Match)",
      },
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      const snap = await snapshots.get(p.orgId)
      reply.header('etag', snap.etag).header('server-timing', `build;dur=${snap.buildMs.toFixed(1)};desc="snapshot built"`).header('cache-control', 'private, no-cache').header('vary', 'Accept-Encoding')
      const ifNoneMatch = req.headers['if-none-match']
      if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === snap.etag)) return reply.status(304).send()
      reply.type('application/json; charset=utf-8')
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(snap.gzip)
      return reply.send(snap.json)
    },
  )
  r.get(
    '/products/:id',
    { config: { access: { roles: ALL_STAFF, scopes: ['catalog:read'] } }, schema: { tags: ['catalog'], summary: 'One product with its stock per store', params: z.object({ id: z.string() }) } },
    async (req) => {
      const p = requirePrincipal(req)
      const row = await db.selectFrom('products').selectAll().where('id', '=', req.params.id).where('org_id', '=', p.orgId).executeTakeFirst()
      if (!row) throw new PatronError('PRODUCT_NOT_FOUND', 'Product not found', { productId: req.params.id })
      const stock = await db.selectFrom('stock_levels').select(['store_id', 'quantity']).where('product_id', '=', row.id).execute()
      return toProductView(row, stock)
    },
  )
  r.post(
    '/products',
    {
      config: { access: { roles: MANAGERS, scopes: ['catalog:write'] } },
      schema: {
        tags: ['catalog'],
        summary: 'Create a product',
        body: ZProduct.extend({ stock: z.array(z.object({ storeId: z.string(), quantity: z.number().int().min(-1_000_000).max(1_000_000_000) })).optional() }),
      },
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      // Opening stock is a stock movement in each store: a store-scoped manager books only their own.
      for (const s of req.body.stock ?? []) assertStoreAccess(p, s.storeId)
      const row = await createProduct(ctx, p.orgId, req.body)
      return reply.status(201).send(toProductView(row))
    },
  )
  r.patch(
    '/products/:id',
    { config: { access: { roles: MANAGERS, scopes: ['catalog:write'] } }, schema: { tags: ['catalog'], summary: 'Update a product', params: z.object({ id: z.string() }), body: ZProduct.partial() } },
    async (req) => {
      const p = requirePrincipal(req)
      return toProductView(await updateProduct(ctx, p.orgId, req.params.id, req.body))
    },
  )
  r.post(
    '/products/:id/stock-adjustments',
    {
      config: { access: { roles: MANAGERS, scopes: ['catalog:write'] } },
      schema: {
        tags: ['catalog'],
        summary: 'Adjust stock in a store (count, damage, delivery…) with a reason',
        params: z.object({ id: z.string() }),
        body: z.object({ storeId: z.string(), delta: z.number().int().min(-1_000_000_000).max(1_000_000_000).refine((v) => v !== 0, 'must not be 0'), reason: z.string().min(1).max(200) }),
      },
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      assertStoreAccess(p, req.body.storeId)
      return reply.status(201).send(await adjustStock(ctx, p.orgId, req.params.id, req.body.storeId, req.body.delta, req.body.reason))
    },
  )
}
