import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { addStaff, anonymous, apiKeyClient, Client, DIALECTS, loginPassword, loginPin, makeShop, type TestShop } from './harness'
import { expectError, expectErrorShape, sessionClient, sessionCookie, uuid } from './support'
import { SCOPES, type Access, type Role } from '../src/context'
import { createStaff } from '../src/features/staff/create-staff'

/**
 * Every /api/v1 route with the access it declares, collected from the real app: each Fastify
 * instance the app makes gets an onRoute collector before any route is added. A new route is
 * in the matrix below without touching this file.
 */
const declared = vi.hoisted(() => [] as { method: string; url: string; access: Access | undefined }[])
vi.mock('fastify', async (importOriginal) => {
  const mod: any = await importOriginal()
  const withCollector = (options: unknown) => {
    const app = mod.default(options)
    app.addHook('onRoute', (r: any) => {
      for (const method of [r.method].flat()) declared.push({ method, url: r.url, access: r.config?.access })
    })
    return app
  }
  return { ...mod, default: withCollector, fastify: withCollector }
})

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  url: string
  access: Access
}

function v1Routes(): Route[] {
  const seen = new Map<string, Route>()
  for (const r of declared) {
    // HEAD is Fastify's automatic twin of each GET: same access, no body to read a code from.
    if (!r.url.startsWith('/api/v1') || r.method === 'HEAD') continue
    seen.set(`${r.method} ${r.url}`, { method: r.method as Route['method'], url: r.url, access: r.access! })
  }
  return [...seen.values()].sort((a, b) => (a.url + a.method).localeCompare(b.url + b.method))
}

const ROLES: Role[] = ['cashier', 'manager', 'owner']
type Res = Awaited<ReturnType<Client['get']>>
type Expectation = 'allowed' | { status: number; code: string }

describe.each(DIALECTS)('route × principal access on %s', (dialect) => {
  let shop: TestShop
  let staff: Awaited<ReturnType<typeof addStaff>>
  let owner: Client
  let storeB: string
  let terminalB: string
  const keys = new Map<string, Client>()

  async function keyWith(scopes: string[]): Promise<Client> {
    const name = [...scopes].sort().join(' ')
    if (!keys.has(name)) keys.set(name, await apiKeyClient(shop, scopes))
    return keys.get(name)!
  }

  /** A fresh session per request: some requests (logout) end the session they are sent with. */
  async function staffClient(role: Role): Promise<Client> {
    if (role === 'cashier') return sessionClient(shop, staff.cashier.id, { terminalId: shop.terminalId, storeId: shop.storeId })
    return sessionClient(shop, role === 'manager' ? staff.manager.id : shop.owner.id)
  }

  beforeAll(async () => {
    shop = await makeShop(dialect)
    staff = await addStaff(shop)
    owner = await loginPassword(shop.app, shop.owner.email, shop.owner.password)
    const store = await owner.post('/api/v1/stores', { code: 'B', name: 'Store B', currency: 'EUR', taxMode: 'exclusive', timeZone: 'Europe/Berlin' })
    expect(store.status, store.text).toBe(201)
    storeB = store.body.id
    const terminal = await owner.post('/api/v1/terminals', { storeId: storeB, code: '01', name: 'B till' })
    expect(terminal.status, terminal.text).toBe(201)
    terminalB = terminal.body.id
  })
  afterAll(async () => shop?.close())

  it('collects the same routes as the OpenAPI document lists, each with a declared access', () => {
    const routes = v1Routes()
    expect(routes.length).toBeGreaterThan(30)
    for (const r of routes) expect(r.access, `${r.method} ${r.url}`).toBeTypeOf('object')
    const doc = shop.app.swagger() as { paths: Record<string, Record<string, unknown>> }
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
      .filter((k) => !k.startsWith('HEAD '))
    expect(routes.map((r) => `${r.method} ${r.url}`).sort()).toEqual(documented.sort())
  })

  it('answers every route for every principal as the route declares: 401 without one, 403 for a wrong role or scope', async () => {
    const failures: string[] = []
    const check = (who: string, route: Route, res: Res, expected: Expectation) => {
      const where = `${route.method} ${route.url} as ${who}`
      if (res.status >= 500) failures.push(`${where}: ${res.status} ${res.text}`)
      const code = res.body?.error?.code
      if (expected === 'allowed') {
        if (res.status === 401 || (res.status === 403 && ['FORBIDDEN', 'CSRF_CHECK_FAILED'].includes(code))) failures.push(`${where}: expected to pass the access check, got ${res.status} ${code}`)
      } else if (res.status !== expected.status || code !== expected.code) {
        failures.push(`${where}: expected ${expected.status} ${expected.code}, got ${res.status} ${code ?? res.text.slice(0, 80)}`)
      }
      if (res.status >= 400) {
        try {
          expectErrorShape(res)
        } catch (e) {
          failures.push(`${where}: error body ${res.text.slice(0, 120)}: ${(e as Error).message.split('\n')[0]}`)
        }
      }
    }

    for (const route of v1Routes()) {
      const url = route.url.replace(/:(\w+)/g, 'no-such-$1')
      const send = (c: Client) => (route.method === 'GET' ? c.get(url) : c.request(route.method, url, {}))
      const { access } = route

      check('anonymous', route, await send(anonymous(shop)), access.public ? 'allowed' : { status: 401, code: 'UNAUTHENTICATED' })

      for (const role of ROLES) {
        const allowed = access.public || access.roles?.includes(role)
        check(role, route, await send(await staffClient(role)), allowed ? 'allowed' : { status: 403, code: 'FORBIDDEN' })
      }

      if (access.public) {
        check('an API key with every scope', route, await send(await keyWith([...SCOPES])), 'allowed')
      } else if (access.scopes?.length) {
        for (const scope of access.scopes) check(`an API key with only ${scope}`, route, await send(await keyWith([scope])), 'allowed')
        const others = SCOPES.filter((s) => !access.scopes!.includes(s))
        if (others.length > 0) check(`an API key with none of ${access.scopes.join(', ')}`, route, await send(await keyWith(others)), { status: 403, code: 'FORBIDDEN' })
      } else {
        check('an API key with every scope', route, await send(await keyWith([...SCOPES])), { status: 403, code: 'FORBIDDEN' })
      }
    }
    expect(failures).toEqual([])
  })

  it('refuses every cookie-session write without a JSON content type (CSRF), before reading the body', async () => {
    const failures: string[] = []
    const writes = v1Routes().filter((r) => r.method !== 'GET' && !r.access.public)
    expect(writes.length).toBeGreaterThan(10)
    for (const route of writes) {
      const url = route.url.replace(/:(\w+)/g, 'no-such-$1')
      for (const role of ROLES.filter((r) => route.access.roles?.includes(r))) {
        for (const [type, payload] of [
          ['application/x-www-form-urlencoded', 'name=Mallory'],
          ['text/plain', '{"name":"Mallory"}'],
          [null, undefined],
        ] as const) {
          const cookie = role === 'cashier' ? await sessionCookie(shop, staff.cashier.id, { terminalId: shop.terminalId, storeId: shop.storeId }) : await sessionCookie(shop, role === 'manager' ? staff.manager.id : shop.owner.id)
          const res = await shop.app.inject({ method: route.method, url, headers: { cookie, ...(type ? { 'content-type': type } : {}) }, payload })
          const code = res.json()?.error?.code
          if (res.statusCode !== 403 || code !== 'CSRF_CHECK_FAILED') failures.push(`${route.method} ${route.url} as ${role} with ${type ?? 'no content type'}: ${res.statusCode} ${code}`)
        }
      }
    }
    expect(failures).toEqual([])
  })

  it('a cookie form post writes nothing; the same with JSON does', async () => {
    const cashier = await loginPin(shop.app, shop.terminalId, '1234')
    const cookie = (await sessionCookie(shop, staff.cashier.id, { terminalId: shop.terminalId, storeId: shop.storeId }))
    const count = async () => Number((await shop.ctx.db.kysely.selectFrom('customers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    const before = await count()
    const form = await shop.app.inject({ method: 'POST', url: '/api/v1/customers', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=Mallory&email=m%40evil.test' })
    expect(form.statusCode).toBe(403)
    expect(form.json().error.code).toBe('CSRF_CHECK_FAILED')
    expect(await count()).toBe(before)
    const json = await cashier.post('/api/v1/customers', { name: 'Mallory', email: 'm@evil.test' })
    expect(json.status).toBe(201)
    expect(await count()).toBe(before + 1)
  })

  it('a cashier cannot create a product; a manager and the owner can', async () => {
    const product = (sku: string) => ({ sku, name: 'Tea', priceMinor: 450, taxClassId: shop.taxClassIds.reduced })
    const cashier = await loginPin(shop.app, shop.terminalId, '1234')
    expectError(await cashier.post('/api/v1/products', product('TEA-C')), 403, 'FORBIDDEN')
    const manager = await loginPassword(shop.app, 'manager@test.shop', 'manager-password')
    expect((await manager.post('/api/v1/products', product('TEA-M'))).status).toBe(201)
    expect((await owner.post('/api/v1/products', product('TEA-O'))).status).toBe(201)
    const list = await cashier.get('/api/v1/products?q=TEA')
    expect(list.body.items.map((p: any) => p.sku).sort()).toEqual(['TEA-M', 'TEA-O'])
  })

  it('an API key with only catalog:read cannot sell; one with sales:write can', async () => {
    const sale = () => ({ id: uuid(), storeId: shop.storeId, lines: [{ name: 'Gift wrap', unitPriceMinor: 200, taxClassId: shop.taxClassIds.zero, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 200 }] })
    const reader = await keyWith(['catalog:read'])
    const denied = await reader.post('/api/v1/sales', sale())
    expectError(denied, 403, 'FORBIDDEN')
    expect(denied.body.error.details).toEqual({ required: ['sales:write'] })
    expect((await reader.get('/api/v1/products')).status).toBe(200)
    const seller = await keyWith(['sales:write'])
    expect((await seller.post('/api/v1/sales', sale())).status).toBe(201)
    // Writing a sale does not grant listing them.
    expectError(await seller.get('/api/v1/sales'), 403, 'FORBIDDEN')
  })

  it('asks anonymous callers to sign in before looking at what they sent', async () => {
    const anon = anonymous(shop)
    expectError(await anon.get('/api/v1/sales'), 401, 'UNAUTHENTICATED')
    expectError(await anon.post('/api/v1/products', {}), 401, 'UNAUTHENTICATED')
    expectError(await anon.post('/api/v1/products', { sku: 'X', name: 'X', priceMinor: 1, taxClassId: shop.taxClassIds.zero }), 401, 'UNAUTHENTICATED')
    const malformed = await shop.app.inject({ method: 'POST', url: '/api/v1/customers', headers: { 'content-type': 'application/json' }, payload: '{"name":' })
    expect(malformed.statusCode).toBe(401)
    // Public routes stay open.
    expectError(await anon.post('/api/v1/auth/login', { email: 'owner@test.shop', password: 'wrong' }), 401, 'INVALID_CREDENTIALS')
  })

  it('refuses unknown API keys, expired sessions and ended sessions', async () => {
    expectError(await new Client(shop.app, { bearer: 'ptr_not-a-key' }).get('/api/v1/products'), 401, 'UNAUTHENTICATED')
    const revoked = await apiKeyClient(shop, ['catalog:read'])
    await shop.ctx.db.kysely.updateTable('api_keys').set({ revoked_at: new Date().toISOString() }).where('name', '=', 'test-catalog:read').execute()
    expectError(await revoked.get('/api/v1/products'), 401, 'UNAUTHENTICATED')
    keys.clear()

    const expiring = await sessionClient(shop, staff.manager.id)
    await shop.ctx.db.kysely.updateTable('staff_sessions').set({ expires_at: '2026-03-03T09:59:59.000Z' }).where('staff_id', '=', staff.manager.id).execute()
    expectError(await expiring.get('/api/v1/staff'), 401, 'UNAUTHENTICATED')

    const cashier = await loginPin(shop.app, shop.terminalId, '1234')
    expect((await cashier.get('/api/v1/auth/me')).body.role).toBe('cashier')
    expect((await cashier.post('/api/v1/auth/logout', {})).status).toBe(200)
    expectError(await cashier.get('/api/v1/auth/me'), 401, 'UNAUTHENTICATED')
  })

  it('holds the role rules inside routes: managers create cashiers only, only the owner creates stores and tax rates', async () => {
    const manager = await loginPassword(shop.app, 'manager@test.shop', 'manager-password')
    expectError(await manager.post('/api/v1/staff', { name: 'Another manager', role: 'manager' }), 403, 'FORBIDDEN')
    expect((await manager.post('/api/v1/staff', { name: 'New cashier', role: 'cashier', storeIds: [shop.storeId] })).status).toBe(201)
    expectError(await manager.post('/api/v1/stores', { code: 'C', name: 'C', currency: 'EUR', taxMode: 'exclusive', timeZone: 'Europe/Berlin' }), 403, 'FORBIDDEN')
    expectError(await manager.post(`/api/v1/tax-classes/${shop.taxClassIds.standard}/rates`, { storeId: shop.storeId, name: 'Extra', ratePercent: '1' }), 403, 'FORBIDDEN')
    const cashier = await loginPin(shop.app, shop.terminalId, '1234')
    expectError(await cashier.get('/api/v1/staff'), 403, 'FORBIDDEN')
    expectError(await cashier.get('/api/v1/loyalty/ledger/verify'), 403, 'FORBIDDEN')
    expectError(await (await keyWith(['loyalty:read'])).get('/api/v1/auth/me'), 403, 'FORBIDDEN')
  })

  it('keeps a cashier of store A out of store B', async () => {
    // The owner sells in store B.
    const session = await owner.post('/api/v1/cash-sessions', { terminalId: terminalB, amountMinor: 5000 })
    expect(session.status, session.text).toBe(201)
    const saleB = await owner.post('/api/v1/sales', { id: uuid(), terminalId: terminalB, lines: [{ name: 'Bag', unitPriceMinor: 500, taxClassId: shop.taxClassIds.zero, quantity: 1 }], tenders: [{ kind: 'cash', amountMinor: 500 }] })
    expect(saleB.status, saleB.text).toBe(201)
    expect(saleB.body.storeId).toBe(storeB)

    const pinAtB = await shop.app.inject({ method: 'POST', url: '/api/v1/auth/pin', payload: { terminalId: terminalB, pin: '1234' } })
    expect(pinAtB.statusCode).toBe(403)
    expect(pinAtB.json().error.code).toBe('STAFF_NOT_IN_STORE')

    const cashier = await loginPin(shop.app, shop.terminalId, '1234')
    const notHere = async (res: Res) => expectError(res, 403, 'STAFF_NOT_IN_STORE')
    await notHere(await cashier.get(`/api/v1/sales/${saleB.body.id}`))
    await notHere(await cashier.get(`/api/v1/sales/${saleB.body.id}/receipt`))
    await notHere(await cashier.get(`/api/v1/sales/${saleB.body.id}/refunds`))
    await notHere(await cashier.post(`/api/v1/sales/${saleB.body.id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] }))
    await notHere(await cashier.get(`/api/v1/cash-sessions/${session.body.sessionId}`))
    await notHere(await cashier.get(`/api/v1/cash-sessions/${session.body.sessionId}/x-report`))
    await notHere(await cashier.post(`/api/v1/cash-sessions/${session.body.sessionId}/movements`, { kind: 'out', amountMinor: 5000, reason: 'lunch' }))
    await notHere(await cashier.post(`/api/v1/cash-sessions/${session.body.sessionId}/close`, { amountMinor: 0 }))
    await notHere(await cashier.post('/api/v1/sales', { id: uuid(), channel: 'online', storeId: storeB, lines: [{ name: 'Bag', unitPriceMinor: 500, taxClassId: shop.taxClassIds.zero, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 500 }] }))
    const listed = await cashier.get(`/api/v1/sales?storeId=${storeB}`)
    expect(listed.status).toBe(200)
    expect(listed.body.items).toEqual([])
    expect((await cashier.get('/api/v1/cash-sessions')).body.items.map((s: any) => s.storeId)).not.toContain(storeB)

    // Nothing of store B changed.
    expect((await owner.get(`/api/v1/sales/${saleB.body.id}`)).body.refunds).toEqual([])
    const x = await owner.get(`/api/v1/cash-sessions/${session.body.sessionId}/x-report`)
    expect(x.body.status).toBe('open')
    expect(x.body.cash.expectedMinor).toBe(5500)
  })

  it('keeps a manager assigned to store A out of store B (stock, terminals, staff)', async () => {
    const scoped = await createStaff(shop.ctx, shop.orgId, { name: 'Scoped Manager', role: 'manager', storeIds: [shop.storeId] })
    const manager = await sessionClient(shop, scoped.id)
    const product = await owner.post('/api/v1/products', { sku: 'JAM', name: 'Jam', priceMinor: 399, taxClassId: shop.taxClassIds.reduced, stock: [{ storeId: shop.storeId, quantity: 5 }, { storeId: storeB, quantity: 5 }] })
    expect(product.status, product.text).toBe(201)

    expect((await manager.post(`/api/v1/products/${product.body.id}/stock-adjustments`, { storeId: shop.storeId, delta: -1, reason: 'damaged' })).status).toBe(201)
    expectError(await manager.post(`/api/v1/products/${product.body.id}/stock-adjustments`, { storeId: storeB, delta: -5, reason: 'count' }), 403, 'STAFF_NOT_IN_STORE')
    expectError(await manager.post('/api/v1/products', { sku: 'JAM2', name: 'Jam 2', priceMinor: 399, taxClassId: shop.taxClassIds.reduced, stock: [{ storeId: storeB, quantity: 99 }] }), 403, 'STAFF_NOT_IN_STORE')
    expectError(await manager.post('/api/v1/terminals', { storeId: storeB, code: '09', name: 'Rogue till' }), 403, 'STAFF_NOT_IN_STORE')
    // Nor may they hand out access to other stores through the people they create.
    expectError(await manager.post('/api/v1/staff', { name: 'B cashier', role: 'cashier', pin: '2468', storeIds: [storeB] }), 403, 'STAFF_NOT_IN_STORE')
    expectError(await manager.post('/api/v1/staff', { name: 'Everywhere cashier', role: 'cashier', pin: '1357' }), 403, 'STAFF_NOT_IN_STORE')
    expect((await manager.post('/api/v1/staff', { name: 'A cashier', role: 'cashier', pin: '2468', storeIds: [shop.storeId] })).status).toBe(201)

    const stock = (await owner.get(`/api/v1/products/${product.body.id}`)).body.stock
    expect(stock.sort((a: any, b: any) => a.storeId.localeCompare(b.storeId))).toEqual([
      { storeId: shop.storeId, quantity: 4 },
      { storeId: storeB, quantity: 5 },
    ].sort((a, b) => a.storeId.localeCompare(b.storeId)))
    expect((await owner.get('/api/v1/products?q=JAM2')).body.items).toEqual([])
  })
})
