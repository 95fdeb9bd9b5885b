import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { addStaff, anonymous, checkDocumentedResponse, CHECK_RESPONSES, Client, DIALECTS, loginPin, makeShop, type TestShop } from './harness'
import { documentResponses, RESPONSES } from '../src/http/openapi-responses'

/**
 * Every route the app registers, collected as access.test.ts does (an onRoute hook on each
 * Fastify instance): a route hidden from the document still needs its answer documented.
 */
const declared = vi.hoisted(() => [] as { method: string; url: string }[])
vi.mock('fastify', async (importOriginal) => {
  const mod: any = await importOriginal()
  const withCollector = (options: unknown) => {
    const app = mod.default(options)
    app.addHook('onRoute', (r: any) => {
      for (const method of [r.method].flat()) declared.push({ method, url: r.url })
    })
    return app
  }
  return { ...mod, default: withCollector, fastify: withCollector }
})

type Operation = { responses?: Record<string, { description?: string; content?: Record<string, { schema?: any }> }> }

/** The document's operations under /api/v1, as `METHOD /api/v1/path/{param}`. */
function operations(doc: any): Map<string, Operation> {
  const out = new Map<string, Operation>()
  for (const [path, ops] of Object.entries<Record<string, Operation>>(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue
    for (const [method, op] of Object.entries(ops)) out.set(`${method.toUpperCase()} ${path}`, op)
  }
  return out
}

/** `GET /api/v1/customers/:id` (Fastify) → `GET /api/v1/customers/{id}` (OpenAPI). */
const openApiKey = (key: string) => key.replace(/:(\w+)/g, '{$1}')

describe.each(DIALECTS)('the OpenAPI document describes every answer on %s', (dialect) => {
  let shop: TestShop
  let doc: any

  beforeAll(async () => {
    shop = await makeShop(dialect)
    const res = await anonymous(shop).get('/api/openapi.json')
    expect(res.status).toBe(200)
    doc = res.body
  })
  afterAll(async () => shop?.close())

  it('gives every /api/v1 route a 2xx answer with its body, and the shared Error for 4XX', () => {
    const ops = operations(doc)
    expect(ops.size).toBeGreaterThan(50)
    const missing: string[] = []
    for (const [key, op] of ops) {
      const success = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status))
      // @fastify/swagger's placeholder for a route without a response schema is a 200 "Default Response" without content.
      const documented = success.filter(([status, r]) => r.content || (status === '204' && r.description !== 'Default Response'))
      if (documented.length !== 1) missing.push(key)
      else {
        const [, r] = documented[0]
        for (const media of Object.values(r.content ?? {})) expect(media.schema, key).toBeTypeOf('object')
        expect(r.description, key).not.toBe('Default Response')
      }
      expect(op.responses?.['4XX']?.content?.['application/json']?.schema, key).toEqual({ $ref: '#/components/schemas/Error' })
    }
    expect(missing, 'routes without a documented answer: add them to src/http/openapi-responses.ts').toEqual([])
    // v1 grows by adding fields (api.md): no answer tells a client to refuse unknown ones.
    const closed = [...ops].filter(([, op]) => JSON.stringify(op.responses).includes('"additionalProperties":false')).map(([key]) => key)
    expect(closed).toEqual([])
  })

  it('documents the answer of every /api/v1 route Fastify registers, hidden or not', () => {
    const routes = [...new Set(declared.filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`))]
    expect(routes.length).toBe(operations(doc).size)
    expect(routes.filter((key) => !RESPONSES[key])).toEqual([])
  })

  it('documents no route that does not exist', () => {
    const ops = operations(doc)
    const stale = Object.keys(RESPONSES).filter((key) => !ops.has(openApiKey(key)))
    expect(stale).toEqual([])
  })

  it('shows the shapes the handlers answer with', () => {
    const loyalty = doc.paths['/api/v1/customers/{id}/loyalty'].get.responses['200'].content['application/json'].schema
    expect(loyalty.type).toBe('object')
    expect(loyalty.properties.balance.type).toBe('integer')
    expect(loyalty.required).toContain('lots')
    expect(loyalty.properties.lots.items.properties.expiresAt.anyOf.map((s: any) => s.type)).toEqual(['string', 'null'])

    const sale = doc.paths['/api/v1/sales'].post.responses
    expect(Object.keys(sale).sort()).toEqual(['201', '4XX'])
    expect(sale['201'].content['application/json'].schema.properties.totals.properties.amountDueMinor.type).toBe('integer')

    const receipt = doc.paths['/api/v1/sales/{id}/receipt'].get.responses['200'].content
    expect(Object.keys(receipt).sort()).toEqual(['application/json', 'text/html'])
    expect(receipt['text/html'].schema.type).toBe('string')

    const draft = doc.paths['/api/v1/loyalty/program/draft'].put.responses['200'].content['application/json'].schema
    expect(draft.properties.rules.properties.tiers.type).toBe('array')
  })

  it('leaves the runtime alone: the route schema Fastify validates and serialises with gets no response', () => {
    const schema = { tags: ['staff'], body: z.object({ name: z.string() }) }
    const seen: any[] = []
    const transform = documentResponses((input: any) => (seen.push(input), { schema: { ...input.schema, converted: true }, url: input.url }))
    const out: any = transform({ schema, url: '/api/v1/staff', route: { method: 'POST', url: '/api/v1/staff' }, openapiObject: {} } as any)
    expect(Object.keys(schema)).toEqual(['tags', 'body'])
    expect(seen[0].schema).not.toBe(schema)
    expect(seen[0].schema.response['201'].content['application/json'].schema).toBe(RESPONSES['POST /api/v1/staff'].schema)
    expect(out.schema.converted).toBe(true)
    expect(Object.keys(out.schema.response)).toEqual(['201', '4XX'])
    // A route the map does not know (or a hidden one) is passed through untouched.
    const hidden = { hide: true }
    expect(transform({ schema: hidden, url: '/api/health', route: { method: 'GET', url: '/api/health' }, openapiObject: {} } as any).schema).toEqual({ hide: true, converted: true })
  })

  it('answers as documented on the routes other suites reach only through app.inject', async () => {
    // The harness checks every Client answer; these are checked here whatever PATRON_CHECK_RESPONSES says.
    const checked = async (c: Client, method: 'POST' | 'PATCH', url: string, body: unknown, status: number) => {
      const res = await c.request(method, url, body)
      expect(res.status, res.text).toBe(status)
      checkDocumentedResponse(shop.app, method, url, { status: res.status, contentType: String(res.headers['content-type']), text: res.text })
      return res
    }
    const staff = await addStaff(shop)
    const owner = new Client(shop.app, { cookie: String((await checked(anonymous(shop), 'POST', '/api/v1/auth/login', { email: shop.owner.email, password: shop.owner.password }, 200)).headers['set-cookie']).split(';')[0] })
    await checked(anonymous(shop), 'POST', '/api/v1/auth/pin', { terminalId: shop.terminalId, pin: '1234' }, 200)
    const cashier = await loginPin(shop.app, shop.terminalId, '1234')
    const approval = await checked(cashier, 'POST', '/api/v1/register/approvals', { pin: '5678', permission: 'discount_above_limit' }, 200)
    expect(approval.body.staffId).toBe(staff.manager.id)
    const product = (await checked(owner, 'POST', '/api/v1/products', { sku: 'OA-1', name: 'Tea', priceMinor: 250, taxClassId: shop.taxClassIds.standard }, 201)).body
    await checked(owner, 'PATCH', `/api/v1/products/${product.id}`, { priceMinor: 300, barcode: '4000000000001' }, 200)
    const member = (await checked(owner, 'POST', '/api/v1/customers', { email: 'oa@example.com' }, 201)).body
    const patched = await checked(owner, 'PATCH', `/api/v1/customers/${member.id}`, { name: 'Ada', birthDate: '1990-05-01' }, 200)
    expect(patched.body.loyalty).toBeUndefined()
  })

  it('the harness check catches an answer the document does not describe', async () => {
    expect(CHECK_RESPONSES, 'PATRON_CHECK_RESPONSES=0 turns the check off').toBe(process.env.PATRON_CHECK_RESPONSES !== '0')
    const staff = { id: 's1', name: 'A', email: null, role: 'cashier', storeIds: null, maxDiscountPercent: '10', active: true, hasPin: true, dailyAdjustLimit: null, createdAt: '2026-03-03T10:00:00.000Z' }
    const check = (status: number, body: unknown, contentType = 'application/json; charset=utf-8') =>
      () => checkDocumentedResponse(shop.app, 'POST', '/api/v1/staff', { status, contentType, text: typeof body === 'string' ? body : JSON.stringify(body) })
    expect(check(201, staff)).not.toThrow()
    expect(check(201, { ...staff, secret: 'x' })).toThrow(/fields not in the document: \.secret/)
    expect(check(201, { ...staff, dailyAdjustLimit: 1.5 })).toThrow(/dailyAdjustLimit/)
    expect(check(201, { ...staff, storeIds: undefined })).toThrow(/storeIds/)
    expect(check(200, staff)).toThrow(/status 200, documented 201/)
    expect(check(201, '<p>hi</p>', 'text/html')).toThrow(/content type text\/html is not documented/)
    expect(check(400, { whatever: true })).not.toThrow()
    // Routes are matched by their pattern: a path param never makes a route look undocumented.
    expect(() => checkDocumentedResponse(shop.app, 'GET', '/api/v1/sales/abc/receipt?format=html', { status: 200, contentType: 'text/html; charset=utf-8', text: '<html></html>' })).not.toThrow()
    expect(() => checkDocumentedResponse(shop.app, 'GET', '/api/v1/customers/x%2Fy/loyalty', { status: 200, contentType: 'application/json', text: '{}' })).toThrow(/customerId/)
  })
})
