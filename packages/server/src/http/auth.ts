import crypto from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { PatronError } from '@patron/core'
import type { Access, AppContext, Principal } from '../context'
import { nowIso, sha256 } from '../util'
import { TtlCache } from '../cache'
import type { Row } from '../db/schema'

export const SESSION_COOKIE = 'patron_session'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
    /** True when the principal came from a cookie (so the CSRF rule applies). */
    viaCookie: boolean
  }
  interface FastifyContextConfig {
    access?: Access
  }
}

export function newSessionToken(): string {
  return crypto.randomBytes(32).toString('base64url')
}

// Every request looks its caller up: kept a few seconds. Logging out forgets at once; a
// deactivated staff member or revoked key is refused within the TTL on every instance.
const sessions = new TtlCache<SessionRow | undefined>(5_000)
const apiKeys = new TtlCache<Row<'api_keys'> | undefined>(10_000)

export function forgetSession(sessionId: string): void {
  sessions.delete(sessionId)
}

export function forgetApiKeys(): void {
  apiKeys.clear()
}

type SessionRow = Awaited<ReturnType<typeof loadSession>>

function loadSession(ctx: AppContext, sessionId: string) {
  return ctx.db.kysely
    .selectFrom('staff_sessions as s')
    .innerJoin('staff as st', 'st.id', 's.staff_id')
    .select([
      's.id as session_id',
      's.terminal_id',
      's.store_id',
      's.expires_at',
      'st.id as staff_id',
      'st.org_id',
      'st.name',
      'st.role',
      'st.store_ids',
      'st.max_discount_percent',
      'st.active',
    ])
    .where('s.id', '=', sessionId)
    .executeTakeFirst()
}

export async function principalFromSession(ctx: AppContext, token: string): Promise<Principal | null> {
  const sessionId = sha256(token)
  const row = await sessions.get(sessionId, () => loadSession(ctx, sessionId))
  if (!row || row.active !== 1 || row.expires_at <= nowIso(ctx.now())) return null
  return {
    kind: 'staff',
    sessionId: row.session_id,
    staffId: row.staff_id,
    orgId: row.org_id,
    name: row.name,
    role: row.role,
    storeIds: row.store_ids ? JSON.parse(row.store_ids) : null,
    terminalId: row.terminal_id,
    storeId: row.store_id,
    maxDiscountPercent: row.max_discount_percent,
  }
}

export async function principalFromApiKey(ctx: AppContext, key: string): Promise<Principal | null> {
  const hash = sha256(key)
  const row = await apiKeys.get(hash, () => ctx.db.kysely.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst())
  if (!row) return null
  return { kind: 'api_key', keyId: row.id, orgId: row.org_id, name: row.name, scopes: JSON.parse(row.scopes) }
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return null
}

/**
 * Identifies the caller on every request and enforces each route's declared access.
 * A route under /api/v1 without an `access` declaration makes the app refuse to start.
 */
export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('principal', null)
  app.decorateRequest('viaCookie', false)

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1') && !route.config?.access) {
      throw new Error(`Route ${route.method} ${route.url} declares no access rule`)
    }
  })

  app.addHook('onRequest', async (req) => {
    const auth = req.headers.authorization
    if (auth?.startsWith('Bearer ')) {
      req.principal = await principalFromApiKey(ctx, auth.slice(7).trim())
      if (!req.principal) throw new PatronError('UNAUTHENTICATED', 'The API key is unknown or revoked')
      return
    }
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE)
    if (token) {
      req.principal = await principalFromSession(ctx, token)
      req.viaCookie = req.principal !== null
    }
  })

  // onRequest (right after the caller is identified), not preHandler: Fastify parses and
  // validates the body between the two, so a later check answered anonymous callers with
  // VALIDATION_FAILED (leaking the schema) and never reached the CSRF rule for form posts.
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access
    if (!access || access.public) return
    const p = req.principal
    if (!p) throw new PatronError('UNAUTHENTICATED', 'Sign in or send an API key')
    if (req.viaCookie && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      // Cross-site forms cannot send a JSON content type without a preflight: with
      // SameSite=Strict cookies this closes CSRF for cookie-authenticated writes.
      const type = req.headers['content-type'] ?? ''
      if (!type.startsWith('application/json')) {
        throw new PatronError('CSRF_CHECK_FAILED', 'Writes with a session cookie must send Content-Type: application/json')
      }
    }
    if (p.kind === 'staff') {
      if (!access.roles?.includes(p.role)) {
        throw new PatronError('FORBIDDEN', `The ${p.role} role may not do this`, { role: p.role, allowed: access.roles ?? [] })
      }
    } else if (!access.scopes || !access.scopes.some((s) => p.scopes.includes(s))) {
      throw new PatronError('FORBIDDEN', 'The API key lacks the scope for this', { required: access.scopes ?? [] })
    }
  })
}

export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw new PatronError('UNAUTHENTICATED', 'Sign in or send an API key')
  return req.principal
}

/** Staff bound to stores may only act in those stores. */
export function assertStoreAccess(p: Principal, storeId: string): void {
  if (p.kind === 'staff' && p.storeIds && !p.storeIds.includes(storeId)) {
    throw new PatronError('STAFF_NOT_IN_STORE', 'You are not assigned to this store', { storeId })
  }
}
