import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError, ratio } from '@patron/core'
import { ALL_STAFF, MANAGERS, type AppContext } from '../../context'
import { assertStoreAccess, requirePrincipal } from '../../http/auth'
import { newId, nowIso } from '../../util'
import { forgetStores, getStore, toStoreView } from './stores.queries'
import { insertStore, validateStore } from '../setup/create-organisation'

const decimalPercent = z.string().regex(/^\d{1,3}(\.\d{1,6})?$/, 'a percent like "19" or "8.875"')

export async function storeRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = ctx.db.kysely

  r.get('/stores', { config: { access: { roles: ALL_STAFF, scopes: ['catalog:read', 'sales:write'] } }, schema: { tags: ['stores'], summary: 'List stores' } }, async (req) => {
    const p = requirePrincipal(req)
    const rows = await db.selectFrom('stores').selectAll().where('org_id', '=', p.orgId).orderBy('code').execute()
    return { items: rows.map(toStoreView) }
  })
  r.post(
    '/stores',
    {
      config: { access: { roles: ['owner'] } },
      schema: {
        tags: ['stores'],
        summary: 'Create a store',
        body: z.object({
          code: z.string().min(1).max(10),
          name: z.string().min(1).max(120),
          currency: z.string().length(3),
          taxMode: z.enum(['inclusive', 'exclusive']),
          timeZone: z.string().min(1),
          locale: z.string().min(2).default('en'),
          cashRoundingMinor: z.number().int().min(0).max(100).optional(),
          address: z.string().max(300).nullish(),
        }),
      },
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      validateStore(req.body)
      const existing = await db.selectFrom('stores').select('currency').where('org_id', '=', p.orgId).executeTakeFirst()
      if (existing && existing.currency !== req.body.currency.toUpperCase()) {
        // Product prices are kept once per organisation, so every store sells in one currency.
        throw new PatronError('UNKNOWN_CURRENCY', `All stores of this organisation sell in ${existing.currency}`, { field: 'currency' })
      }
      const id = await ctx.writer.run((trx) => insertStore(trx, p.orgId, req.body, nowIso(ctx.now())))
      forgetStores()
      return reply.status(201).send(toStoreView(await getStore(db, p.orgId, id)))
    },
  )
  r.get(
    '/terminals',
    { config: { access: { roles: ALL_STAFF } }, schema: { tags: ['stores'], summary: 'List terminals', querystring: z.object({ storeId: z.string().optional() }) } },
    async (req) => {
      const p = requirePrincipal(req)
      let q = db.selectFrom('terminals as t').innerJoin('stores as s', 's.id', 't.store_id').select(['t.id', 't.code', 't.name', 't.store_id', 's.code as store_code']).where('s.org_id', '=', p.orgId)
      if (req.query.storeId) q = q.where('t.store_id', '=', req.query.storeId)
      if (p.kind === 'staff' && p.storeIds) q = q.where('t.store_id', 'in', p.storeIds)
      const rows = await q.orderBy('s.code').orderBy('t.code').execute()
      return { items: rows.map((t) => ({ id: t.id, code: t.code, name: t.name, storeId: t.store_id, storeCode: t.store_code })) }
    },
  )
  r.post(
    '/terminals',
    {
      config: { access: { roles: MANAGERS } },
      schema: { tags: ['stores'], summary: 'Register a terminal (a browser register) in a store', body: z.object({ storeId: z.string(), code: z.string().min(1).max(10), name: z.string().min(1).max(60) }) },
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      await getStore(db, p.orgId, req.body.storeId)
      assertStoreAccess(p, req.body.storeId)
      const id = newId()
      await ctx.writer.run(async (trx) => {
        const dup = await trx.selectFrom('terminals').select('id').where('store_id', '=', req.body.storeId).where('code', '=', req.body.code).executeTakeFirst()
        if (dup) throw new PatronError('CONFLICT', 'A terminal with this code exists in the store', { field: 'code' })
        await trx.insertInto('terminals').values({ id, store_id: req.body.storeId, code: req.body.code, name: req.body.name, last_receipt_no: 0, failed_pins: 0, locked_until: null, created_at: nowIso(ctx.now()) }).execute()
      })
      return reply.status(201).send({ id, storeId: req.body.storeId, code: req.body.code, name: req.body.name })
    },
  )
  r.get('/tax-classes', { config: { access: { roles: ALL_STAFF, scopes: ['catalog:read'] } }, schema: { tags: ['catalog'], summary: 'Tax classes with their rates per store' } }, async (req) => {
    const p = requirePrincipal(req)
    const classes = await db.selectFrom('tax_classes').selectAll().where('org_id', '=', p.orgId).orderBy('name').execute()
    const rates = await db.selectFrom('tax_rates as r').innerJoin('stores as s', 's.id', 'r.store_id').selectAll('r').where('s.org_id', '=', p.orgId).orderBy('r.position').execute()
    return {
      items: classes.map((c) => ({
        id: c.id,
        name: c.name,
        rates: rates.filter((r) => r.tax_class_id === c.id).map((r) => ({ id: r.id, storeId: r.store_id, name: r.name, ratePercent: r.rate_percent })),
      })),
    }
  })
  r.post(
    '/tax-classes',
    { config: { access: { roles: ['owner'] } }, schema: { tags: ['catalog'], summary: 'Create a tax class', body: z.object({ name: z.string().min(1).max(60) }) } },
    async (req, reply) => {
      const p = requirePrincipal(req)
      const id = newId()
      await ctx.writer.run((trx) => trx.insertInto('tax_classes').values({ id, org_id: p.orgId, name: req.body.name, created_at: nowIso(ctx.now()) }).execute())
      forgetStores()
      return reply.status(201).send({ id, name: req.body.name, rates: [] })
    },
  )
  r.post(
    '/tax-classes/:id/rates',
    {
      config: { access: { roles: ['owner'] } },
      schema: {
        tags: ['catalog'],
        summary: 'Add a rate to a tax class in a store (several rates per class are summed, e.g. federal + state)',
        params: z.object({ id: z.string() }),
        body: z.object({ storeId: z.string(), name: z.string().min(1).max(60), ratePercent: decimalPercent }),
      },
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      await getStore(db, p.orgId, req.body.storeId)
      ratio(req.body.ratePercent)
      const cls = await db.selectFrom('tax_classes').select('id').where('id', '=', req.params.id).where('org_id', '=', p.orgId).executeTakeFirst()
      if (!cls) throw new PatronError('UNKNOWN_TAX_CLASS', 'Unknown tax class', { taxClassId: req.params.id })
      const id = newId()
      await ctx.writer.run(async (trx) => {
        const count = await trx.selectFrom('tax_rates').select(trx.fn.countAll<number>().as('n')).where('store_id', '=', req.body.storeId).where('tax_class_id', '=', req.params.id).executeTakeFirstOrThrow()
        await trx.insertInto('tax_rates').values({ id, store_id: req.body.storeId, tax_class_id: req.params.id, name: req.body.name, rate_percent: req.body.ratePercent, position: Number(count.n) }).execute()
      })
      forgetStores()
      return reply.status(201).send({ id, storeId: req.body.storeId, name: req.body.name, ratePercent: req.body.ratePercent })
    },
  )
}
