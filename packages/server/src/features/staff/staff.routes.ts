import { z } from 'zod'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError } from '@patron/core'
import { ALL_STAFF, MANAGERS, type AppContext } from '../../context'
import { assertStoreAccess, requirePrincipal, SESSION_COOKIE } from '../../http/auth'
import { RateLimit } from '../../http/rate-limit'
import { loginWithPassword, logout } from './login'
import { loginWithPin } from './pin-login'
import { createStaff } from './create-staff'
import { listStaff, toStaffView } from './staff.queries'

function setSessionCookie(reply: FastifyReply, token: string, expiresAt: string) {
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Expires=${new Date(expiresAt).toUTCString()}`,
  )
}

const logins = new RateLimit(60, 60_000, 'sign-in attempts from this address')

export async function staffRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.post(
    '/auth/login',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['staff'],
        summary: 'Staff login with email and password (back office); sets the session cookie',
        body: z.object({ email: z.string().email(), password: z.string().min(1).max(200) }),
      },
    },
    async (req, reply) => {
      // Per address on top of the per-account lockout: guessing across many accounts is slowed too.
      logins.check(req.ip)
      const s = await loginWithPassword(ctx, req.body.email, req.body.password)
      setSessionCookie(reply, s.token, s.expiresAt)
      return { staffId: s.staffId, expiresAt: s.expiresAt }
    },
  )
  r.post(
    '/auth/pin',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['staff'],
        summary: 'Cashier login at a registered terminal with a 4–6 digit PIN; sets the session cookie',
        body: z.object({ terminalId: z.string().min(1), pin: z.string().regex(/^\d{4,6}$/), staffId: z.string().optional() }),
      },
    },
    async (req, reply) => {
      const s = await loginWithPin(ctx, req.body.terminalId, req.body.pin, req.body.staffId)
      setSessionCookie(reply, s.token, s.expiresAt)
      return { staffId: s.staffId, terminalId: req.body.terminalId, expiresAt: s.expiresAt }
    },
  )
  r.post(
    '/auth/logout',
    { config: { access: { roles: ALL_STAFF } }, schema: { tags: ['staff'], summary: 'End the staff session' } },
    async (req, reply) => {
      const p = requirePrincipal(req)
      if (p.kind === 'staff') await logout(ctx, p.sessionId)
      reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
      return { ok: true }
    },
  )
  r.get(
    '/auth/me',
    { config: { access: { roles: ALL_STAFF, scopes: [] } }, schema: { tags: ['staff'], summary: 'Who is signed in' } },
    async (req) => {
      const p = requirePrincipal(req)
      if (p.kind !== 'staff') throw new PatronError('FORBIDDEN', 'Only for staff sessions')
      return { staffId: p.staffId, name: p.name, role: p.role, storeIds: p.storeIds, terminalId: p.terminalId, storeId: p.storeId }
    },
  )
  r.get(
    '/staff',
    { config: { access: { roles: MANAGERS } }, schema: { tags: ['staff'], summary: 'List staff' } },
    async (req) => {
      const p = requirePrincipal(req)
      return { items: (await listStaff(ctx.db.kysely, p.orgId)).map(toStaffView) }
    },
  )
  r.post(
    '/staff',
    {
      config: { access: { roles: MANAGERS } },
      schema: {
        tags: ['staff'],
        summary: 'Create a staff member (managers may create cashiers only)',
        body: z.object({
          name: z.string().min(1).max(120),
          email: z.string().email().nullish(),
          role: z.enum(['owner', 'manager', 'cashier']),
          password: z.string().min(8).max(200).nullish(),
          pin: z.string().regex(/^\d{4,6}$/).nullish(),
          storeIds: z.array(z.string()).nullish(),
          maxDiscountPercent: z.string().regex(/^\d{1,3}(\.\d{1,2})?$/).optional(),
        }),
      },
    },
    async (req, reply) => {
      const p = requirePrincipal(req)
      if (p.kind === 'staff' && p.role === 'manager' && req.body.role !== 'cashier') {
        throw new PatronError('FORBIDDEN', 'Managers may create cashiers only')
      }
      if (p.kind === 'staff' && p.storeIds) {
        // Staff bound to stores hand out access to those stores only, never to all of them (null).
        if (!req.body.storeIds) throw new PatronError('STAFF_NOT_IN_STORE', 'You may only create staff for your own stores', { field: 'storeIds' })
        for (const storeId of req.body.storeIds) assertStoreAccess(p, storeId)
      }
      const row = await createStaff(ctx, p.orgId, req.body)
      return reply.status(201).send(toStaffView(row))
    },
  )
}
