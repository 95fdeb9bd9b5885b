import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError, percent } from '@patron/core'
import { ALL_STAFF, MANAGERS, type AppContext } from '../../context'
import { requirePrincipal } from '../../http/auth'
import type { Row } from '../../db/schema'
import { newId, nowIso } from '../../util'
import { issueVoucher, releaseReservation, reserveReward } from './redeem-reward'
import { toRedemptionView, toRewardView } from './rewards.queries'

const ZReward = z.object({
  name: z.string().min(1).max(120),
  description: z.string().max(500).nullish(),
  kind: z.enum(['free_product', 'amount_off', 'percent_off', 'free_delivery', 'experience']),
  costPoints: z.number().int().min(1).max(10_000_000),
  productId: z.string().nullish(),
  categoryId: z.string().nullish(),
  priceCeilingMinor: z.number().int().min(0).nullish(),
  amountOffMinor: z.number().int().min(1).nullish(),
  percentOff: z.string().regex(/^\d{1,3}(\.\d{1,2})?$/).nullish(),
  validFrom: z.string().datetime({ offset: true }).nullish(),
  validTo: z.string().datetime({ offset: true }).nullish(),
  tierIds: z.array(z.string()).nullish(),
  limitPerMember: z.number().int().min(1).nullish(),
  limitPeriod: z.enum(['day', 'week', 'month', 'year', 'ever']).nullish(),
  stock: z.number().int().min(0).nullish(),
  active: z.boolean().optional(),
})
type TReward = z.infer<typeof ZReward>

/** A reward must say what it gives: each kind needs its own fields. */
function checkReward(r: Partial<TReward>) {
  const bad = (field: string, message: string) => {
    throw new PatronError('VALIDATION_FAILED', `${field}: ${message}`, { fields: [{ field, message }] })
  }
  if (r.kind === 'free_product' && !r.productId && !r.categoryId) bad('productId', 'a free product needs a productId or a categoryId')
  if (r.kind === 'amount_off' && !r.amountOffMinor) bad('amountOffMinor', 'an amount-off reward needs amountOffMinor')
  if (r.kind === 'percent_off') {
    if (!r.percentOff) bad('percentOff', 'a percent-off reward needs percentOff')
    else if (percent(r.percentOff).num > percent(r.percentOff).den) bad('percentOff', 'at most 100')
  }
  if (r.validFrom && r.validTo && r.validFrom > r.validTo) bad('validTo', 'ends before it starts')
}

function toRow(orgId: string, r: TReward, at: string, id = newId()): Row<'rewards'> {
  return {
    id,
    org_id: orgId,
    name: r.name,
    description: r.description ?? null,
    kind: r.kind,
    cost_points: r.costPoints,
    product_id: r.productId ?? null,
    category_id: r.categoryId ?? null,
    price_ceiling_minor: r.priceCeilingMinor ?? null,
    amount_off_minor: r.amountOffMinor ?? null,
    percent_off: r.percentOff ?? null,
    valid_from: r.validFrom ? new Date(r.validFrom).toISOString() : null,
    valid_to: r.validTo ? new Date(r.validTo).toISOString() : null,
    tier_ids: r.tierIds ? JSON.stringify(r.tierIds) : null,
    limit_per_member: r.limitPerMember ?? null,
    limit_period: r.limitPeriod ?? (r.limitPerMember ? 'ever' : null),
    stock: r.stock ?? null,
    active: r.active === false ? 0 : 1,
    created_at: at,
    updated_at: at,
  }
}

export async function rewardRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = ctx.db.kysely
  const idParam = z.object({ id: z.string() })

  r.get(
    '/rewards',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['loyalty:read'] } },
      schema: { tags: ['rewards'], summary: 'The rewards catalogue; with customerId, what that member can use now and why not', querystring: z.object({ customerId: z.string().optional(), includeInactive: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional() }) },
    },
    async (req) => {
      const p = requirePrincipal(req)
      let q = db.selectFrom('rewards').selectAll().where('org_id', '=', p.orgId)
      if (!req.query.includeInactive) q = q.where('active', '=', 1)
      const rows = await q.orderBy('cost_points').execute()
      if (!req.query.customerId) return { items: rows.map(toRewardView) }
      const account = await db.selectFrom('loyalty_accounts').select(['balance', 'tier_id']).where('customer_id', '=', req.query.customerId).where('org_id', '=', p.orgId).executeTakeFirst()
      if (!account) throw new PatronError('CUSTOMER_NOT_FOUND', 'Customer not found', { customerId: req.query.customerId })
      const at = nowIso(ctx.now())
      // Asked by a register (a staff session at a terminal): free delivery cannot be used there.
      const atTill = p.kind === 'staff' && p.terminalId !== null
      return {
        balance: account.balance,
        items: rows.map((w) => {
          const why =
            w.active !== 1
              ? 'inactive'
              : w.kind === 'free_delivery' && atTill
              ? 'online_only'
              : (w.valid_from && at < w.valid_from) || (w.valid_to && at > w.valid_to)
              ? 'not_in_dates'
              : w.tier_ids && !(JSON.parse(w.tier_ids) as string[]).includes(account.tier_id ?? '')
                ? 'not_entitled'
                : w.stock !== null && w.stock <= 0
                  ? 'out_of_stock'
                  : account.balance < w.cost_points
                    ? 'not_enough_points'
                    : null
          return { ...toRewardView(w), available: why === null, unavailableReason: why }
        }),
      }
    },
  )
  r.post(
    '/rewards',
    { config: { access: { roles: MANAGERS, scopes: ['loyalty:write'] } }, schema: { tags: ['rewards'], summary: 'Add a reward to the catalogue', body: ZReward } },
    async (req, reply) => {
      const p = requirePrincipal(req)
      checkReward(req.body)
      const row = toRow(p.orgId, req.body, nowIso(ctx.now()))
      await ctx.writer.run((trx) => trx.insertInto('rewards').values(row).execute())
      return reply.status(201).send(toRewardView(row))
    },
  )
  r.patch(
    '/rewards/:id',
    { config: { access: { roles: MANAGERS, scopes: ['loyalty:write'] } }, schema: { tags: ['rewards'], summary: 'Change a reward (redemptions already made keep their cost)', params: idParam, body: ZReward } },
    async (req) => {
      const p = requirePrincipal(req)
      checkReward(req.body)
      return ctx.writer.run(async (trx) => {
        const existing = await trx.selectFrom('rewards').selectAll().where('id', '=', req.params.id).where('org_id', '=', p.orgId).executeTakeFirst()
        if (!existing) throw new PatronError('REWARD_NOT_FOUND', 'Reward not found', { rewardId: req.params.id })
        const row = { ...toRow(p.orgId, req.body, nowIso(ctx.now()), existing.id), created_at: existing.created_at }
        await trx.updateTable('rewards').set(row).where('id', '=', existing.id).execute()
        return toRewardView(row)
      })
    },
  )
  r.post(
    '/rewards/:id/reservations',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['loyalty:write'] } },
      schema: { tags: ['rewards'], summary: "Apply a reward to an open cart: its cost is reserved at once (cartId is the sale's client id)", params: idParam, body: z.object({ cartId: z.string().uuid(), customerId: z.string() }) },
    },
    async (req, reply) => reply.status(201).send(await reserveReward(ctx, requirePrincipal(req), { rewardId: req.params.id, ...req.body })),
  )
  r.post(
    '/reward-reservations/:id/release',
    { config: { access: { roles: ALL_STAFF, scopes: ['loyalty:write'] } }, schema: { tags: ['rewards'], summary: 'Remove a reward from an open cart: the reserved points go back', params: idParam, body: z.object({}).optional() } },
    async (req) => releaseReservation(ctx, requirePrincipal(req), req.params.id),
  )
  r.post(
    '/customers/:id/vouchers',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['loyalty:write'] } },
      schema: { tags: ['rewards'], summary: 'Turn a reward into a voucher code (points deducted now, given back if it expires unused)', params: idParam, body: z.object({ id: z.string().uuid(), rewardId: z.string() }) },
    },
    async (req, reply) => reply.status(201).send(await issueVoucher(ctx, requirePrincipal(req), { customerId: req.params.id, rewardId: req.body.rewardId, idempotencyId: req.body.id })),
  )
  r.get(
    '/customers/:id/vouchers',
    { config: { access: { roles: ALL_STAFF, scopes: ['loyalty:read'] } }, schema: { tags: ['rewards'], summary: "A member's vouchers and reward redemptions", params: idParam } },
    async (req) => {
      const p = requirePrincipal(req)
      const member = await db.selectFrom('customers').select('id').where('id', '=', req.params.id).where('org_id', '=', p.orgId).executeTakeFirst()
      if (!member) throw new PatronError('CUSTOMER_NOT_FOUND', 'Customer not found', { customerId: req.params.id })
      const rows = await db.selectFrom('reward_redemptions').selectAll().where('customer_id', '=', req.params.id).where('org_id', '=', p.orgId).orderBy('created_at', 'desc').limit(200).execute()
      return { items: rows.map(toRedemptionView) }
    },
  )
}
