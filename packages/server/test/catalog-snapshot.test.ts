import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStaff, apiKeyClient, DIALECTS, loginPin, makeShop, type Client, type TestShop } from './harness'
import { expectError } from './support'
import { SnapshotCache } from '../src/features/catalog/snapshot'

/** Rows of a snapshot as product objects, by its own column list (categoryId and taxClassId: positions in `values`). */
function products(body: { columns: string[]; values: Record<string, string[]>; rows: unknown[][] }) {
  return body.rows.map((r) => Object.fromEntries(body.columns.map((c, i) => [c, body.values[c] && r[i] !== null ? body.values[c][r[i] as number] : r[i]])))
}

describe.each(DIALECTS)('the catalogue snapshot (a register’s first download) on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  let cashier: Client

  beforeAll(async () => {
    shop = await makeShop(dialect)
    await addStaff(shop)
    api = await apiKeyClient(shop, ['catalog:write', 'catalog:read'])
    cashier = await loginPin(shop.app, shop.terminalId, '1234')
    const tax = shop.taxClassIds.standard
    for (const [sku, name, barcode] of [
      ['ZED', 'zucchini', '4000000000017'],
      ['APP', 'Apple juice 1 l', null],
      ['EMI', 'Émile’s jam', '4000000000024'],
      ['ban', 'banana', null],
      ['APB', 'apple pie', null],
    ] as const) {
      const r = await api.post('/api/v1/products', { sku, name, barcode, priceMinor: 199, taxClassId: tax, weighed: sku === 'ban' })
      expect(r.status, r.text).toBe(201)
    }
  })
  afterAll(async () => shop?.close())

  it('holds every active product, in the name order a register sorts by, with the fields of GET /products', async () => {
    const r = await cashier.get('/api/v1/products/snapshot')
    expect(r.status, r.text).toBe(200)
    expect(r.body.count).toBe(5)
    const list = products(r.body)
    // Case and accents do not split the order (a byte order would put "Émile" after "zucchini").
    expect(list.map((p) => p.name)).toEqual(['Apple juice 1 l', 'apple pie', 'banana', 'Émile’s jam', 'zucchini'])
    const page = await cashier.get('/api/v1/products?limit=500')
    const byId = new Map(page.body.items.map((p: any) => [p.id, p]))
    for (const p of list) {
      // The same fields as a page of GET /products, less createdAt and active (every row is active).
      const { createdAt: _c, active, ...same } = byId.get(p.id as string) as any
      expect(active).toBe(true)
      expect(p).toEqual(same)
    }
    expect(list.find((p) => p.sku === 'ban')).toMatchObject({ weighed: true, barcode: null, priceMinor: 199 })
    expect(r.body.asOf).toBe(page.body.items.map((p: any) => p.updatedAt).sort().at(-1))
  })

  it('answers 304 to the same ETag, and a new snapshot after any change (a deactivated product leaves it)', async () => {
    const first = await cashier.get('/api/v1/products/snapshot')
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^"cat-/)
    const same = await cashier.request('GET', '/api/v1/products/snapshot', undefined, { 'if-none-match': etag })
    expect(same.status).toBe(304)
    expect(same.text).toBe('')
    const zed = products(first.body).find((p) => p.sku === 'ZED')!
    const off = await api.patch(`/api/v1/products/${zed.id}`, { active: false })
    expect(off.status, off.text).toBe(200)
    const after = await cashier.request('GET', '/api/v1/products/snapshot', undefined, { 'if-none-match': etag })
    expect(after.status).toBe(200)
    expect(after.headers.etag).not.toBe(etag)
    expect(after.body.count).toBe(4)
    expect(products(after.body).map((p) => p.sku)).not.toContain('ZED')
    // The register continues from asOf with an incremental page: the deactivation is in it.
    const since = await cashier.get(`/api/v1/products?updatedSince=${encodeURIComponent(new Date(Date.parse(after.body.asOf) - 1000).toISOString())}`)
    expect(since.body.items.find((p: any) => p.id === zed.id)).toMatchObject({ active: false })
  })

  it('a stale snapshot plus the incremental refresh from its asOf gives the current catalogue', async () => {
    const old = (await cashier.get('/api/v1/products/snapshot')).body
    const tax = shop.taxClassIds.standard
    const added = (await api.post('/api/v1/products', { sku: 'NEW', name: 'new kiwi', priceMinor: 99, taxClassId: tax })).body
    const renamed = products(old).find((p) => p.sku === 'APP')!
    expect((await api.patch(`/api/v1/products/${renamed.id}`, { name: 'Apple nectar' })).status).toBe(200)
    // As a register does: the snapshot it has, then every page since asOf − 1 s.
    const byId = new Map(products(old).map((p) => [p.id, p]))
    const since = new Date(Date.parse(old.asOf) - 1000).toISOString()
    const page = await cashier.get(`/api/v1/products?limit=500&updatedSince=${encodeURIComponent(since)}`)
    for (const p of page.body.items) {
      if (p.active) byId.set(p.id, p)
      else byId.delete(p.id)
    }
    const all = (await cashier.get('/api/v1/products?limit=500')).body.items.filter((p: any) => p.active)
    expect([...byId.values()].map((p: any) => `${p.id} ${p.name}`).sort()).toEqual(all.map((p: any) => `${p.id} ${p.name}`).sort())
    expect(byId.get(added.id)).toBeTruthy()
  })

  it('a big catalogue: while the next snapshot is built the last one is served, then the new one', async () => {
    // staleFrom 0: this small catalogue behaves as a big one (from 5,000 products by default).
    const cache = new SnapshotCache(shop.ctx.db.kysely, { staleFrom: 0 })
    try {
      const first = await cache.get(shop.orgId)
      const product = (await api.post('/api/v1/products', { sku: 'LATE', name: 'late lime', priceMinor: 10, taxClassId: shop.taxClassIds.standard })).body
      cache.changed(shop.orgId)
      const during = await cache.get(shop.orgId)
      expect(during.etag).toBe(first.etag)
      let next = during
      for (let i = 0; i < 100 && next.etag === first.etag; i++) {
        await new Promise((r) => setTimeout(r, 20))
        next = await cache.get(shop.orgId)
      }
      expect(next.count).toBe(first.count + 1)
      expect(products(JSON.parse(next.json.toString())).some((p) => p.id === product.id)).toBe(true)
    } finally {
      cache.close()
    }
  })

  it('is gzipped when the client accepts it, the same JSON inside', async () => {
    const plain = await cashier.get('/api/v1/products/snapshot')
    const res = await shop.app.inject({ method: 'GET', url: '/api/v1/products/snapshot', headers: { cookie: (cashier as any).auth.cookie, 'accept-encoding': 'gzip, deflate, br' } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(res.headers.vary).toContain('Accept-Encoding')
    expect(zlib.gunzipSync(res.rawPayload).toString('utf8')).toBe(plain.text)
  })

  it('needs catalog:read and a session: no anonymous download', async () => {
    expectError(await new (cashier.constructor as any)(shop.app).get('/api/v1/products/snapshot'), 401, 'UNAUTHENTICATED')
    const noScope = await apiKeyClient(shop, ['customers:read'])
    expectError(await noScope.get('/api/v1/products/snapshot'), 403, 'FORBIDDEN')
  })
})
