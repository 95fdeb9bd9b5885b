import { z } from 'zod'
import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError } from '@patron/core'
import { ALL_STAFF, MANAGERS, type AppContext, type Principal } from '../../context'
import { requirePrincipal } from '../../http/auth'
import { nowIso } from '../../util'
import { ZPagination } from '../catalog/catalog.routes'
import { programVersionAt } from './loyalty.queries'
import { verifyLedger } from './verify-ledger'
import { adjustPoints, ADJUSTMENT_REASONS } from './adjust-points'
import { tierMetric } from './tiers'
import type { Trx } from '../../db/writer'

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
      const at = nowIso(ctx.now())
      const version = await programVersionAt(db, p.orgId, at)
      const tiers = version?.rules.tiers ?? []
      let tier = null
      if (tiers.length > 0 && version) {
        const metric = await tierMetric(db as unknown as Trx, version.rules, c.id, at, { points: 0, eligibleMinor: 0 })
        const index = tiers.findIndex((t) => t.id === account.tier_id)
        // The next tier still to reach: a first tier at threshold 0 is no goal for a new member.
        const next = tiers.find((t, i) => i > index && t.threshold > metric) ?? null
        tier = {
          metric: version.rules.tierMetric,
          value: metric,
          current: index >= 0 ? { id: tiers[index].id, name: tiers[index].name, multiplier: tiers[index].multiplier, perks: tiers[index].perks ?? [] } : null,
          keepUntil: account.tier_keep_until,
          next: next ? { id: next.id, name: next.name, threshold: next.threshold, remaining: Math.max(0, next.threshold - metric) } : null,
        }
      }
      return {
        customerId: c.id,
        pointsName: version?.rules.pointsName ?? 'points',
        balance: account.balance,
        tierId: account.tier_id,
        tier,
        lifetimeEarned: account.lifetime_earned,
        salesCount: account.sales_count,
        lastSaleAt: account.last_sale_at,
        lastVisitAt: account.last_visit_at,
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
      // Entries of the same instant in recording order: rowid on SQLite, seq on PostgreSQL.
      const seq = sql<number>`${sql.raw(ctx.db.dialect === 'sqlite' ? 'rowid' : 'seq')}`
      let q = db
        .selectFrom('ledger_transfers')
        .selectAll()
        .select(seq.as('seq'))
        .where('customer_id', '=', c.id)
        .where((eb) => eb.or([eb('debit_account', '=', account), eb('credit_account', '=', account)]))
      if (req.query.cursor) {
        const [at, n] = req.query.cursor.split('|')
        q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb(seq, '<', Number(n))])]))
      }
      const rows = await q.orderBy('created_at', 'desc').orderBy(seq, 'desc').limit(req.query.limit + 1).execute()
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
            details: explanation && !explanation.components ? publicDetails(explanation) : null,
            createdAt: t.created_at,
          }
        }),
        nextCursor: more ? `${items[items.length - 1].created_at}|${items[items.length - 1].seq}` : null,
      }
    },
  )
  r.post(
    '/customers/:id/adjustments',
    {
      config: { access: { roles: MANAGERS, scopes: ['loyalty:write'] } },
      schema: {
        tags: ['loyalty'],
        summary: 'Adjust a balance by hand: a reason code and a note, within the daily limit of the staff member, never below zero; audited',
        params: idParam,
        body: z.object({
          id: z.string().uuid(),
          points: z.number().int().min(-1_000_000).max(1_000_000).refine((v) => v !== 0, 'must not be 0'),
          reasonCode: z.enum(ADJUSTMENT_REASONS),
          note: z.string().trim().min(3).max(500),
        }),
      },
    },
    async (req, reply) => {
      const { replayed, ...result } = await adjustPoints(ctx, requirePrincipal(req), req.params.id, req.body)
      // A replay (the same id and body) answers as the first request did (api.md).
      if (replayed) reply.header('idempotent-replayed', 'true')
      return reply.status(201).send(result)
    },
  )
  r.get(
    '/customers/:id/tier-events',
    { config: { access: { roles: ALL_STAFF, scopes: ['loyalty:read'] } }, schema: { tags: ['loyalty'], summary: "A member's tier changes, newest first, with their reasons", params: idParam } },
    async (req) => {
      const p = requirePrincipal(req)
      const c = await member(p, req.params.id)
      const rows = await db.selectFrom('tier_events').selectAll().where('customer_id', '=', c.id).orderBy('created_at', 'desc').limit(100).execute()
      return { items: rows.map((e) => ({ id: e.id, fromTierId: e.from_tier_id, toTierId: e.to_tier_id, reason: e.reason, metric: e.metric, saleId: e.sale_id, createdAt: e.created_at })) }
    },
  )
  r.get(
    '/customers/:id/referrals',
    { config: { access: { roles: ALL_STAFF, scopes: ['loyalty:read'] } }, schema: { tags: ['loyalty'], summary: 'Referrals made by this member (and theirs as referee), with status and rejection reasons', params: idParam } },
    async (req) => {
      const p = requirePrincipal(req)
      const c = await member(p, req.params.id)
      const rows = await db.selectFrom('referrals').selectAll().where((eb) => eb.or([eb('referrer_id', '=', c.id), eb('referee_id', '=', c.id)])).orderBy('created_at', 'desc').limit(200).execute()
      return { items: rows.map((r) => ({ id: r.id, referrerId: r.referrer_id, refereeId: r.referee_id, status: r.status, reason: r.reason, saleId: r.sale_id, createdAt: r.created_at, decidedAt: r.decided_at })) }
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
    async (req) => {
      const result = await verifyLedger(db, requirePrincipal(req).orgId)
      return { ok: result.violations.length === 0, transfers: result.transfers, accounts: result.accounts, violations: result.violations }
    },
  )
}

/** What an entry's stored details show the API: not the internal bookkeeping of idempotency. */
function publicDetails(details: Record<string, unknown>): Record<string, unknown> {
  const { requestHash: _hash, balanceAfter: _after, ...shown } = details
  return shown
}
