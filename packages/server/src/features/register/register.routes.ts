import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError } from '@patron/core'
import { ALL_STAFF, type AppContext } from '../../context'
import { requirePrincipal } from '../../http/auth'
import { nowIso } from '../../util'
import { verifySecret } from '../staff/passwords'
import { getTerminal } from '../stores/stores.queries'

const MAX_FAILURES = 5
const LOCK_SECONDS = 60

/**
 * What the register web app needs beyond the general API: the signed-in cashier's discount
 * limit (so the screen asks for a manager before the server would refuse), and a check of a
 * manager's PIN entered in place at the till (so the register learns whose approval to send
 * with the sale; the sale itself verifies the PIN again).
 */
export async function registerRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = ctx.db.kysely

  r.get(
    '/register/context',
    {
      config: { access: { roles: ALL_STAFF } },
      schema: { tags: ['register'], summary: "The signed-in staff member at this register: role, discount limit, terminal and store" },
    },
    async (req) => {
      const p = requirePrincipal(req)
      if (p.kind !== 'staff') throw new PatronError('FORBIDDEN', 'Only for staff sessions')
      const terminal = p.terminalId ? await getTerminal(db, p.orgId, p.terminalId) : null
      return {
        staff: {
          id: p.staffId,
          name: p.name,
          role: p.role,
          // Only cashiers are limited (complete-sale.ts checkAuthority); "100" says so to the screen.
          maxDiscountPercent: p.role === 'cashier' ? p.maxDiscountPercent : '100',
          storeIds: p.storeIds,
        },
        terminal: terminal ? { id: terminal.id, code: terminal.code, name: terminal.name, storeId: terminal.store_id } : null,
        storeId: p.storeId,
      }
    },
  )

  r.post(
    '/register/approvals',
    {
      config: { access: { roles: ALL_STAFF } },
      schema: {
        tags: ['register'],
        summary: "Check a manager's PIN entered at the till for a discount above the cashier's limit or a price override (5 wrong PINs lock the terminal's PIN pad for a minute)",
        body: z.object({ pin: z.string().regex(/^\d{4,6}$/), permission: z.enum(['discount_above_limit', 'price_override']).optional() }),
      },
    },
    async (req) => {
      const p = requirePrincipal(req)
      if (p.kind !== 'staff' || !p.terminalId) {
        throw new PatronError('VALIDATION_FAILED', 'An approval is given at a terminal', { fields: [{ field: 'terminalId', message: 'sign in at a terminal' }] })
      }
      const terminal = await getTerminal(db, p.orgId, p.terminalId)
      const now = ctx.now()
      if (terminal.locked_until && terminal.locked_until > nowIso(now)) {
        throw new PatronError('PIN_LOCKED', 'Too many wrong PINs; the PIN pad is locked for a minute', { retryAfter: terminal.locked_until })
      }
      const managers = await db
        .selectFrom('staff')
        .select(['id', 'name', 'role', 'pin_hash', 'store_ids'])
        .where('org_id', '=', p.orgId)
        .where('active', '=', 1)
        .where('role', 'in', ['owner', 'manager'])
        .where('pin_hash', 'is not', null)
        .execute()
      let match: (typeof managers)[number] | undefined
      for (const m of managers) {
        if (await verifySecret(m.pin_hash, req.body.pin)) {
          match = m
          break
        }
      }
      if (!match) {
        const failures = terminal.failed_pins + 1
        const lock = failures >= MAX_FAILURES
        await ctx.writer.run((trx) =>
          trx
            .updateTable('terminals')
            .set({ failed_pins: lock ? 0 : failures, locked_until: lock ? nowIso(new Date(now.getTime() + LOCK_SECONDS * 1000)) : null })
            .where('id', '=', terminal.id)
            .execute(),
        )
        throw new PatronError('INVALID_PIN', 'That is not a manager PIN', { attemptsLeft: lock ? 0 : MAX_FAILURES - failures })
      }
      const storeIds: string[] | null = match.store_ids ? JSON.parse(match.store_ids) : null
      if (storeIds && !storeIds.includes(terminal.store_id)) {
        throw new PatronError('STAFF_NOT_IN_STORE', `${match.name} is not a manager of this store`, { storeId: terminal.store_id })
      }
      if (terminal.failed_pins > 0) {
        await ctx.writer.run((trx) => trx.updateTable('terminals').set({ failed_pins: 0, locked_until: null }).where('id', '=', terminal.id).execute())
      }
      return { staffId: match.id, name: match.name, role: match.role }
    },
  )
}
