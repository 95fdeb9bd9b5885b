import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { MANAGERS, type AppContext } from '../../context'
import { requirePrincipal } from '../../http/auth'
import { loyaltyLiability, MAX_MONTHS } from './loyalty-liability'
import { monthOf, ZMonthOrDay } from './period'

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
}
