import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError } from '@patron/core'
import { ALL_STAFF, MANAGERS, type AppContext, type Principal } from '../../context'
import { requirePrincipal } from '../../http/auth'
import { nowIso } from '../../util'
import { ZPagination } from '../catalog/catalog.routes'
import { programVersionAt } from './loyalty.queries'
import { verifyLedger } from './verify-ledger'

export async function loyaltyRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = ctx.db.kysely
  const idParam = z.object({ id: z.string() })

  async function member(p: Principal, id: string) {
    const c = await db.selectFrom('customers').select(['id', 'name']).where('id', '=', id).where('org_id', '=', p.orgId).executeTakeFirst()
    if (!c) throw new PatronError('CUSTOMER_NOT_FOUND', 'Customer not found', { customerId: id })
    return c
  }

  r.get(
    '/customers/:id/loyalty',
    { config: { access: { roles: ALL_STAFF, scopes: ['loyalty:read'] } }, schema: { tags: ['loyalty'], summary: "A member's balance, tier and open lots (soonest-expiring first)", params: idParam } },
    async (req) => {
      const p = requirePrincipal(req)
      const c = await member(p, req.params.id)
      const account = await db.selectFrom('loyalty_accounts').selectAll().where('customer_id', '=', c.id).executeTakeFirstOrThrow()
      const lots = await db.selectFrom('lots').selectAll().where('customer_id', '=', c.id).where('remaining', '>', 0).execute()
      lots.sort((a, b) => (a.expires_at ?? '9999') < (b.expires_at ?? '9999') ? -1 : (a.expires_at ?? '9999') > (b.expires_at ?? '9999') ? 1 : a.earned_at < b.earned_at ? -1 : 1)
      const version = await programVersionAt(db, p.orgId, nowIso(ctx.now()))
      return {
        customerId: c.id,
        pointsName: version?.rules.pointsName ?? 'points',
        balance: account.balance,
        tierId: account.tier_id,
        lifetimeEarned: account.lifetime_earned,
        salesCount: account.sales_count,
        lastSaleAt: account.last_sale_at,
        lots: lots.map((l) => ({ id: l.id, points: l.points, remaining: l.remaining, earnedAt: l.earned_at, expiresAt: l.expires_at, saleId: l.sale_id })),
      }
    },
  )
  r.get(
    '/customers/:id/ledger',
    {
      config: { access: { roles: ALL_STAFF, scopes: ['loyalty:read'] } },
      schema: { tags: ['loyalty'], summary: "A member's ledger entries, newest first, each with its reason and explanation", params: idParam, querystring: z.object(ZPagination) },
    },
    async (req) => {
      const p = requirePrincipal(req)
      const c = await member(p, req.params.id)
      const account = `member:${c.id}`
      let q = db.selectFrom('ledger_transfers').selectAll().where('customer_id', '=', c.id)
      if (req.query.cursor) {
        const [at, id] = req.query.cursor.split('|')
        q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id ?? '')])]))
      }
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(req.query.limit + 1).execute()
      const more = rows.length > req.query.limit
      const items = more ? rows.slice(0, req.query.limit) : rows
      return {
        items: items.map((t) => {
          const incoming = t.credit_account === account
          const explanation = t.explanation ? JSON.parse(t.explanation) : null
          return {
            id: t.id,
            kind: t.kind,
            points: incoming ? t.points : -t.points,
            debitAccount: t.debit_account,
            creditAccount: t.credit_account,
            saleId: t.sale_id,
            refundId: t.refund_id,
            programVersionId: t.program_version_id,
            staffId: t.staff_id,
            terminalId: t.terminal_id,
            reason: t.reason,
            explanation: explanation?.explanation ?? null,
            components: explanation?.components ?? null,
            details: explanation && !explanation.components ? explanation : null,
            createdAt: t.created_at,
          }
        }),
        nextCursor: more ? `${items[items.length - 1].created_at}|${items[items.length - 1].id}` : null,
      }
    },
  )
  r.get(
    '/loyalty/program',
    { config: { access: { roles: ALL_STAFF, scopes: ['loyalty:read'] } }, schema: { tags: ['loyalty'], summary: 'The program version in force now, with its rules' } },
    async (req) => {
      const p = requirePrincipal(req)
      const v = await programVersionAt(db, p.orgId, nowIso(ctx.now()))
      if (!v) throw new PatronError('NOT_FOUND', 'No published program')
      return { programId: v.programId, versionId: v.id, version: v.version, effectiveAt: v.effectiveAt, rules: v.rules }
    },
  )
  r.get(
    '/loyalty/ledger/verify',
    { config: { access: { roles: MANAGERS, scopes: ['loyalty:read'] } }, schema: { tags: ['loyalty'], summary: "Verify the ledger's invariants (same check as `patron verify-ledger`)" } },
    async () => {
      const result = await verifyLedger(db)
      return { ok: result.violations.length === 0, transfers: result.transfers, accounts: result.accounts, violations: result.violations }
    },
  )
}
