import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError } from '@patron/core'
import { ALL_STAFF, type AppContext, type Principal } from '../../context'
import { assertStoreAccess, requirePrincipal } from '../../http/auth'
import { newId, nowIso } from '../../util'
import { getTerminal } from '../stores/stores.queries'
import { cashReport } from './cash-report'

const ZDenominations = z.array(z.object({ valueMinor: z.number().int().min(1).max(100_000_00), count: z.number().int().min(0).max(100_000) })).max(40)
const ZCount = z
  .object({ amountMinor: z.number().int().min(0).max(1_000_000_000).optional(), denominations: ZDenominations.optional() })
  .refine((v) => v.amountMinor !== undefined || v.denominations !== undefined, { message: 'give amountMinor or denominations' })

function countOf(v: { amountMinor?: number; denominations?: { valueMinor: number; count: number }[] }): number {
  if (v.denominations) {
    const total = v.denominations.reduce((s, d) => s + d.valueMinor * d.count, 0)
    if (v.amountMinor !== undefined && v.amountMinor !== total) {
      throw new PatronError('VALIDATION_FAILED', 'The denominations do not add up to amountMinor', { fields: [{ field: 'amountMinor', message: `denominations sum to ${total}` }] })
    }
    return total
  }
  return v.amountMinor!
}

export async function cashRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = ctx.db.kysely
  const idParam = z.object({ id: z.string() })

  async function loadSession(p: Principal, id: string) {
    const s = await db.selectFrom('cash_sessions as c').innerJoin('stores as st', 'st.id', 'c.store_id').selectAll('c').where('c.id', '=', id).where('st.org_id', '=', p.orgId).executeTakeFirst()
    if (!s) throw new PatronError('CASH_SESSION_NOT_FOUND', 'Cash session not found', { sessionId: id })
    assertStoreAccess(p, s.store_id)
    return s
  }

  r.post(
    '/cash-sessions',
    {
      config: { access: { roles: ALL_STAFF } },
      schema: { tags: ['cash'], summary: 'Open the cash drawer with a float (one amount or by denomination)', body: z.object({ terminalId: z.string().optional() }).and(ZCount) },
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      const terminalId = (p.kind === 'staff' && p.terminalId) || req.body.terminalId
      if (!terminalId) throw new PatronError('VALIDATION_FAILED', 'Which terminal?', { fields: [{ field: 'terminalId', message: 'required' }] })
      const terminal = await getTerminal(db, p.orgId, terminalId)
      assertStoreAccess(p, terminal.store_id)
      const float = countOf(req.body)
      const id = newId()
      const at = nowIso(ctx.now())
      await ctx.writer.run(async (trx) => {
        const open = await trx.selectFrom('cash_sessions').select('id').where('terminal_id', '=', terminalId).where('status', '=', 'open').executeTakeFirst()
        if (open) throw new PatronError('CASH_SESSION_ALREADY_OPEN', 'This terminal already has an open cash session', { sessionId: open.id })
        await trx
          .insertInto('cash_sessions')
          .values({
            id,
            store_id: terminal.store_id,
            terminal_id: terminalId,
            status: 'open',
            opened_by: p.kind === 'staff' ? p.staffId : p.keyId,
            opened_at: at,
            opening_float_minor: float,
            opening_denominations: req.body.denominations ? JSON.stringify(req.body.denominations) : null,
            closed_by: null,
            closed_at: null,
            counted_minor: null,
            counted_denominations: null,
            expected_minor: null,
            over_short_minor: null,
            z_report: null,
          })
          .execute()
      })
      return reply.status(201).send(await cashReport(db, await loadSession(p, id)))
    },
  )
  r.get(
    '/cash-sessions',
    { config: { access: { roles: ALL_STAFF, scopes: ['cash:read'] } }, schema: { tags: ['cash'], summary: 'Cash sessions, newest first', querystring: z.object({ terminalId: z.string().optional(), status: z.enum(['open', 'closed']).optional() }) } },
    async (req) => {
      const p = requirePrincipal(req)
      let q = db.selectFrom('cash_sessions as c').innerJoin('stores as st', 'st.id', 'c.store_id').selectAll('c').where('st.org_id', '=', p.orgId)
      if (req.query.terminalId) q = q.where('c.terminal_id', '=', req.query.terminalId)
      if (req.query.status) q = q.where('c.status', '=', req.query.status)
      if (p.kind === 'staff' && p.storeIds) q = q.where('c.store_id', 'in', p.storeIds)
      const rows = await q.orderBy('c.opened_at', 'desc').limit(100).execute()
      return {
        items: rows.map((s) => ({ id: s.id, terminalId: s.terminal_id, storeId: s.store_id, status: s.status, openedAt: s.opened_at, closedAt: s.closed_at, openingFloatMinor: s.opening_float_minor, countedMinor: s.counted_minor, overShortMinor: s.over_short_minor })),
      }
    },
  )
  r.get(
    '/cash-sessions/:id',
    { config: { access: { roles: ALL_STAFF, scopes: ['cash:read'] } }, schema: { tags: ['cash'], summary: 'A cash session with its X report (open) or Z report (closed)', params: idParam } },
    async (req) => {
      const s = await loadSession(requirePrincipal(req), req.params.id)
      return s.z_report ? JSON.parse(s.z_report) : cashReport(db, s)
    },
  )
  r.get(
    '/cash-sessions/:id/x-report',
    { config: { access: { roles: ALL_STAFF, scopes: ['cash:read'] } }, schema: { tags: ['cash'], summary: 'X report: the figures of the session so far', params: idParam } },
    async (req) => cashReport(db, await loadSession(requirePrincipal(req), req.params.id)),
  )
  r.post(
    '/cash-sessions/:id/movements',
    {
      config: { access: { roles: ALL_STAFF } },
      schema: { tags: ['cash'], summary: 'Cash in or out of the drawer, with a reason', params: idParam, body: z.object({ kind: z.enum(['in', 'out']), amountMinor: z.number().int().min(1).max(1_000_000_000), reason: z.string().min(1).max(200) }) },
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      const s = await loadSession(p, req.params.id)
      const id = newId()
      await ctx.writer.run(async (trx) => {
        const current = await trx.selectFrom('cash_sessions').select('status').where('id', '=', s.id).executeTakeFirstOrThrow()
        if (current.status !== 'open') throw new PatronError('CASH_SESSION_CLOSED', 'This cash session is closed', { sessionId: s.id })
        await trx.insertInto('cash_movements').values({ id, session_id: s.id, kind: req.body.kind, amount_minor: req.body.amountMinor, reason: req.body.reason, staff_id: p.kind === 'staff' ? p.staffId : null, created_at: nowIso(ctx.now()) }).execute()
      })
      return reply.status(201).send({ id, sessionId: s.id, ...req.body })
    },
  )
  r.post(
    '/cash-sessions/:id/close',
    {
      config: { access: { roles: ALL_STAFF } },
      schema: { tags: ['cash'], summary: 'Close with a blind count: the system computes expected cash and over/short and freezes the Z report', params: idParam, body: ZCount },
    },
    async (req) => {
      const p = requirePrincipal(req)
      const s = await loadSession(p, req.params.id)
      if (s.status !== 'open') throw new PatronError('CASH_SESSION_CLOSED', 'This cash session is already closed', { sessionId: s.id })
      const counted = countOf(req.body)
      const at = nowIso(ctx.now())
      return ctx.writer.run(async (trx) => {
        const current = await trx.selectFrom('cash_sessions').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow()
        if (current.status !== 'open') throw new PatronError('CASH_SESSION_CLOSED', 'This cash session is already closed', { sessionId: s.id })
        const report = await cashReport(trx, current)
        const z = { ...report, status: 'closed' as const, closedAt: at, countedMinor: counted, overShortMinor: counted - report.cash.expectedMinor }
        await trx
          .updateTable('cash_sessions')
          .set({ status: 'closed', closed_at: at, closed_by: p.kind === 'staff' ? p.staffId : null, counted_minor: counted, counted_denominations: req.body.denominations ? JSON.stringify(req.body.denominations) : null, expected_minor: report.cash.expectedMinor, over_short_minor: z.overShortMinor, z_report: JSON.stringify(z) })
          .where('id', '=', s.id)
          .execute()
        return z
      })
    },
  )
}
