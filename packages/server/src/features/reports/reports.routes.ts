import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError } from '@patron/core'
import { MANAGERS, type AppContext } from '../../context'
import { requirePrincipal } from '../../http/auth'
import { loyaltyLiability, MAX_MONTHS } from './loyalty-liability'
import { monthOf, ZMonthOrDay } from './period'
import { ZPagination } from '../catalog/catalog.routes'

export async function reportRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>()

  r.get(
    '/reports/loyalty-liability',
    {
      config: { access: { roles: MANAGERS, scopes: ['reports:read'] } },
      schema: {
        tags: ['reports'],
        summary: 'Loyalty liability per calendar month (UTC): points issued, redeemed, expired, clawed back, adjusted, outstanding and its value at cost, breakage',
        description:
          `Months are UTC calendar months from \`from\` to \`to\` (a month "YYYY-MM", or a date or instant meaning its month; at most ${MAX_MONTHS}). ` +
          'Defaults: the twelve months up to the current one. Computed from the ledger: outstanding = Σ member balances at the month end; ' +
          'its value uses the cost per point of the program version in force then, rounded half away from zero to minor units; ' +
          'breakageRate = expired ÷ (redeemed + expired) with 4 decimals, null when both are 0.',
        querystring: z.object({ from: ZMonthOrDay.optional(), to: ZMonthOrDay.optional() }),
      },
    },
    async (req) => {
      const p = requirePrincipal(req)
      const now = ctx.now()
      const to = req.query.to ? monthOf(req.query.to) : monthOf(now.toISOString())
      const from = req.query.from ? monthOf(req.query.from) : monthOf(new Date(Date.UTC(Number(to.slice(0, 4)), Number(to.slice(5, 7)) - 12, 1)).toISOString())
      return loyaltyLiability(ctx.db.kysely, p.orgId, from, to, now)
    },
  )

  r.get(
    '/audit-log',
    {
      config: { access: { roles: MANAGERS, scopes: ['audit:read'] } },
      schema: {
        tags: ['reports'],
        summary: 'The audit log, newest first: approvals, voids, adjustments, returns without a receipt, program changes, API keys',
        description: 'Filter by `action` (e.g. `sale.approval`) and by the target (`targetType`, `targetId`). `cursor` is the `nextCursor` of the previous page.',
        querystring: z.object({ ...ZPagination, action: z.string().max(64).optional(), targetType: z.string().max(64).optional(), targetId: z.string().max(200).optional() }),
      },
    },
    async (req) => {
      const p = requirePrincipal(req)
      const q = req.query
      const cursor = q.cursor === undefined ? null : Number(q.cursor)
      if (cursor !== null && !(Number.isSafeInteger(cursor) && cursor > 0)) throw new PatronError('VALIDATION_FAILED', 'cursor is not one this list gave', { fields: [{ field: 'cursor', message: 'unknown cursor' }] })
      let query = ctx.db.kysely
        .selectFrom('audit_log as a')
        .leftJoin('staff as s', (j) => j.onRef('s.id', '=', 'a.actor_id').on('a.actor_type', '=', 'staff'))
        .select(['a.id', 'a.actor_type', 'a.actor_id', 's.name as actor_name', 'a.action', 'a.target_type', 'a.target_id', 'a.details', 'a.created_at'])
        .where('a.org_id', '=', p.orgId)
      if (q.action) query = query.where('a.action', '=', q.action)
      if (q.targetType) query = query.where('a.target_type', '=', q.targetType)
      if (q.targetId) query = query.where('a.target_id', '=', q.targetId)
      if (cursor !== null) query = query.where('a.id', '<', cursor)
      const rows = await query.orderBy('a.id', 'desc').limit(q.limit + 1).execute()
      const page = rows.slice(0, q.limit)
      return {
        items: page.map((a) => ({
          // Ids are opaque strings in the API (api.md), whatever the column is.
          id: String(a.id),
          actorType: a.actor_type,
          actorId: a.actor_id,
          actorName: a.actor_name,
          action: a.action,
          targetType: a.target_type,
          targetId: a.target_id,
          details: a.details === null ? null : (JSON.parse(a.details) as unknown),
          createdAt: a.created_at,
        })),
        nextCursor: rows.length > q.limit ? String(page[page.length - 1].id) : null,
      }
    },
  )
}
