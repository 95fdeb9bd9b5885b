import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError } from '@patron/core'
import { ALL_STAFF, type AppContext } from '../../context'
import { assertStoreAccess, requirePrincipal } from '../../http/auth'
import { ZPagination } from '../catalog/catalog.routes'
import { completeSale } from './complete-sale'
import { getRefundView, refundSale } from './refund-sale'
import { voidSale } from './void-sale'
import { ZRefundInput, ZSaleInput } from './sale-input'
import { getSaleView } from './sales.queries'
import { receiptHtml } from './receipt'
import { emailReceipt } from './email-receipt'
import { returnWithoutReceipt } from './return-without-receipt'

export async function salesRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = ctx.db.kysely
  const idParam = z.object({ id: z.string().min(1).max(100) })

  async function loadSale(orgId: string, id: string) {
    const view = await getSaleView(db, orgId, id)
    if (!view) throw new PatronError('SALE_NOT_FOUND', 'Sale not found', { saleId: id })
    return view
  }

  r.post(
    '/sales',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['sales:write'] } },
      schema: {
        tags: ['sales'],
        summary: 'Complete a sale (the client-generated id is the idempotency key); online orders with an API key earn points the same way',
        body: ZSaleInput,
      },
    },
    async (req, reply) => reply.status(201).send(await completeSale(ctx, requirePrincipal(req), req.body)),
  )
  r.get(
    '/sales',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['sales:read'] } },
      schema: {
        tags: ['sales'],
        summary: 'List sales, newest first',
        querystring: z.object({ storeId: z.string().optional(), customerId: z.string().optional(), receiptNo: z.string().optional(), cashSessionId: z.string().optional(), ...ZPagination }),
      },
    },
    async (req) => {
      const p = requirePrincipal(req)
      let q = db.selectFrom('sales').select(['id', 'receipt_no', 'status', 'channel', 'store_id', 'customer_id', 'currency', 'total_minor', 'points_earned', 'sold_at']).where('org_id', '=', p.orgId)
      if (req.query.storeId) q = q.where('store_id', '=', req.query.storeId)
      if (p.kind === 'staff' && p.storeIds) q = q.where('store_id', 'in', p.storeIds)
      if (req.query.customerId) q = q.where('customer_id', '=', req.query.customerId)
      if (req.query.receiptNo) q = q.where('receipt_no', '=', req.query.receiptNo.toUpperCase())
      if (req.query.cashSessionId) q = q.where('cash_session_id', '=', req.query.cashSessionId)
      if (req.query.cursor) q = q.where('id', '<', req.query.cursor)
      const rows = await q.orderBy('id', 'desc').limit(req.query.limit + 1).execute()
      const more = rows.length > req.query.limit
      const items = more ? rows.slice(0, req.query.limit) : rows
      return {
        items: items.map((s) => ({ id: s.id, receiptNo: s.receipt_no, status: s.status, channel: s.channel, storeId: s.store_id, customerId: s.customer_id, currency: s.currency, totalMinor: s.total_minor, pointsEarned: s.points_earned, soldAt: s.sold_at })),
        nextCursor: more ? items[items.length - 1].id : null,
      }
    },
  )
  r.get(
    '/sales/:id',
    { config: { access: { roles: ALL_STAFF, scopes: ['sales:read', 'sales:write'] } }, schema: { tags: ['sales'], summary: 'A sale with lines, taxes, tenders, points and their explanation', params: idParam } },
    async (req) => {
      const p = requirePrincipal(req)
      const view = await loadSale(p.orgId, req.params.id)
      assertStoreAccess(p, view.storeId)
      return view
    },
  )
  r.get(
    '/sales/:id/receipt',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['sales:read', 'sales:write'] } },
      schema: { tags: ['sales'], summary: 'The receipt: JSON by default, printable HTML with format=html (layout 80mm or a4)', params: idParam, querystring: z.object({ format: z.enum(['json', 'html']).default('json'), layout: z.enum(['80mm', 'a4']).default('80mm') }) },
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      const view = await loadSale(p.orgId, req.params.id)
      assertStoreAccess(p, view.storeId)
      if (req.query.format === 'html') return reply.type('text/html; charset=utf-8').send(receiptHtml(view, req.query.layout))
      return view
    },
  )
  r.post(
    '/sales/:id/receipt/email',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['sales:write'] } },
      schema: { tags: ['sales'], summary: "Email the receipt: to the address given, or to the sale's member", params: idParam, body: z.object({ to: z.string().email().nullish() }) },
    },
    async (req) => emailReceipt(ctx, requirePrincipal(req), req.params.id, req.body.to ?? null),
  )
  r.post(
    '/sales/:id/void',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['sales:write'] } },
      schema: { tags: ['sales'], summary: 'Void an open or parked cart by its id (a completed sale is refunded instead)', params: idParam, body: z.object({ terminalId: z.string().optional(), storeId: z.string().optional(), reason: z.string().max(300).nullish() }) },
    },
    async (req) => voidSale(ctx, requirePrincipal(req), req.params.id, req.body),
  )
  r.post(
    '/sales/:id/refunds',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['refunds:write'] } },
      schema: { tags: ['sales'], summary: 'Refund lines of a sale (partial or full): pro-rata amounts, original tenders, restock, points clawback', params: idParam, body: ZRefundInput },
    },
    async (req, reply) => reply.status(201).send(await refundSale(ctx, requirePrincipal(req), req.params.id, req.body)),
  )
  r.post(
    '/returns',
    {
      config: { access: { roles: ALL_STAFF } },
      schema: {
        tags: ['sales'],
        summary: "A return without the original receipt: its own permission (a manager, or a manager's PIN in place), today's price, no points",
        body: z.object({
          id: z.string().uuid(),
          lines: z.array(z.object({ productId: z.string(), quantity: z.number().int().min(1).max(100_000), unitPriceMinor: z.number().int().min(0).optional(), restock: z.boolean().default(true) })).min(1).max(100),
          tenderKind: z.enum(['cash', 'card', 'store_credit']),
          reason: z.string().trim().min(3).max(300),
          terminalId: z.string().optional(),
          approval: z.object({ staffId: z.string(), pin: z.string().regex(/^\d{4,6}$/) }).nullish(),
        }),
      },
    },
    async (req, reply) => reply.status(201).send(await returnWithoutReceipt(ctx, requirePrincipal(req), req.body)),
  )
  r.get(
    '/sales/:id/refunds',
    { config: { access: { roles: ALL_STAFF, scopes: ['sales:read', 'refunds:write'] } }, schema: { tags: ['sales'], summary: 'Refunds of a sale', params: idParam } },
    async (req) => {
      const p = requirePrincipal(req)
      const sale = await loadSale(p.orgId, req.params.id)
      assertStoreAccess(p, sale.storeId)
      const items = await Promise.all(sale.refunds.map((x) => getRefundView(ctx, p.orgId, x.id)))
      return { items }
    },
  )
}
