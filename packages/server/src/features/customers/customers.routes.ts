import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError } from '@patron/core'
import { ALL_STAFF, type AppContext } from '../../context'
import { requirePrincipal } from '../../http/auth'
import { RateLimit } from '../../http/rate-limit'
import { ZPagination } from '../catalog/catalog.routes'
import { searchCustomers, toCustomerView } from './customers.queries'
import { createCustomer, updateCustomer } from './save-customer'
import { claimReferral } from '../loyalty/claim-referral'

const ZCustomer = z.object({
  name: z.string().max(200).nullish(),
  phone: z.string().regex(/^\+?[\d\s\-()]{6,20}$/, 'a phone number').nullish(),
  email: z.string().email().max(200).nullish(),
  cardCode: z.string().regex(/^[A-Za-z0-9]{4,32}$/).nullish(),
  marketingConsent: z.boolean().optional(),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').nullish(),
})
const ZNewCustomer = ZCustomer.extend({ referralCode: z.string().regex(/^[A-Za-z0-9]{4,16}$/).nullish() })

// A till enrols a member every few seconds at most: far more from one sign-in is a script.
const enrolments = new RateLimit(300, 60_000, 'enrolments from this sign-in')

export async function customerRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = ctx.db.kysely

  r.get(
    '/customers',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['customers:read'] } },
      schema: { tags: ['customers'], summary: 'Find members by phone, email (prefix), name prefix or card code', querystring: z.object({ q: z.string().max(200).optional(), ...ZPagination }) },
    },
    async (req) => {
      const p = requirePrincipal(req)
      if (!req.query.q) {
        let q = db.selectFrom('customers').selectAll().where('org_id', '=', p.orgId)
        if (req.query.cursor) q = q.where('id', '>', req.query.cursor)
        const rows = await q.orderBy('id').limit(req.query.limit + 1).execute()
        const more = rows.length > req.query.limit
        const items = more ? rows.slice(0, req.query.limit) : rows
        return { items: items.map((c) => toCustomerView(c)), nextCursor: more ? items[items.length - 1].id : null }
      }
      const page = await searchCustomers(db, p.orgId, req.query.q, req.query.limit, req.query.cursor)
      return { items: page.items.map((c) => toCustomerView(c)), nextCursor: page.nextCursor }
    },
  )
  r.get(
    '/customers/:id',
    { config: { access: { roles: ALL_STAFF, scopes: ['customers:read'] } }, schema: { tags: ['customers'], summary: 'One member with balance and tier', params: z.object({ id: z.string() }) } },
    async (req) => {
      const p = requirePrincipal(req)
      const c = await db.selectFrom('customers').selectAll().where('id', '=', req.params.id).where('org_id', '=', p.orgId).executeTakeFirst()
      if (!c) throw new PatronError('CUSTOMER_NOT_FOUND', 'Customer not found', { customerId: req.params.id })
      const account = await db.selectFrom('loyalty_accounts').select(['balance', 'tier_id']).where('customer_id', '=', c.id).executeTakeFirst()
      return toCustomerView(c, account ?? null)
    },
  )
  r.post(
    '/customers',
    { config: { access: { roles: ALL_STAFF, scopes: ['customers:write'] } }, schema: { tags: ['customers'], summary: 'Enrol a member (a phone or an email is enough; optionally the referral code of who referred them)', body: ZNewCustomer } },
    async (req, reply) => {
      const p = requirePrincipal(req)
      enrolments.check(p.kind === 'staff' ? `staff:${p.staffId}` : `key:${p.keyId}`)
      const row = await createCustomer(ctx, p.orgId, req.body)
      return reply.status(201).send(toCustomerView(row, { balance: 0, tier_id: row.tier_id }))
    },
  )
  r.patch(
    '/customers/:id',
    { config: { access: { roles: ALL_STAFF, scopes: ['customers:write'] } }, schema: { tags: ['customers'], summary: 'Update a member', params: z.object({ id: z.string() }), body: ZCustomer } },
    async (req) => {
      const p = requirePrincipal(req)
      return toCustomerView(await updateCustomer(ctx, p.orgId, req.params.id, req.body))
    },
  )
  r.post(
    '/customers/:id/referral',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['customers:write'] } },
      schema: { tags: ['loyalty'], summary: 'Name the member who referred this one (a new member only: within a day of enrolment, before any purchase)', params: z.object({ id: z.string() }), body: z.object({ code: z.string().regex(/^[A-Za-z0-9]{4,16}$/) }) },
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      const result = await ctx.writer.run(async (trx) => {
        const c = await trx.selectFrom('customers').selectAll().where('id', '=', req.params.id).where('org_id', '=', p.orgId).executeTakeFirst()
        if (!c) throw new PatronError('CUSTOMER_NOT_FOUND', 'Customer not found', { customerId: req.params.id })
        return claimReferral(ctx, trx, c, req.body.code, false)
      })
      return reply.status(201).send({ customerId: req.params.id, referrerId: result.referrerId, status: 'pending' })
    },
  )
}
