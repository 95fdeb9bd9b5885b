import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiKeyClient, DIALECTS, makeShop, type Client, type TestShop } from './harness'

describe.each(DIALECTS)('member lookup on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  const made: any[] = []

  beforeAll(async () => {
    shop = await makeShop(dialect)
    api = await apiKeyClient(shop, ['customers:write', 'customers:read'])
    for (let i = 0; i < 12; i++) {
      made.push((await api.post('/api/v1/customers', { name: `Mia ${String.fromCharCode(65 + i)}`, phone: `+49 151 7000 ${String(i).padStart(3, '0')}`, email: `mia.${i}@example.com` })).body)
    }
    made.push((await api.post('/api/v1/customers', { name: 'Ben Other', phone: '+44 20 7946 0000', email: 'ben@example.org' })).body)
  })
  afterAll(async () => shop?.close())

  const q = (term: string, extra = '') => api.get(`/api/v1/customers?q=${encodeURIComponent(term)}${extra}`)

  it('finds by phone prefix (any spacing), email prefix, name prefix and card code', async () => {
    expect((await q('+49 151 7000 003')).body.items.map((c: any) => c.name)).toEqual(['Mia D'])
    expect((await q('+4915170')).body.items).toHaveLength(12)
    expect((await q('mia.1')).body.items).toHaveLength(0) // an email is searched with its @
    expect((await q('MIA.1@')).body.items.map((c: any) => c.email)).toEqual(['mia.1@example.com'])
    expect((await q('mia.1')).status).toBe(200)
    expect((await q('ben')).body.items.map((c: any) => c.name)).toEqual(['Ben Other'])
    expect((await q('Mia')).body.items.map((c: any) => c.name)).toEqual(made.slice(0, 12).map((c) => c.name))
    expect((await q(made[5].cardCode.toLowerCase())).body.items[0].id).toBe(made[5].id)
  })

  it('pages a prefix in a stable order with the cursor, every member exactly once', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    for (let i = 0; i < 10; i++) {
      const page: any = await q('mia', `&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      seen.push(...page.body.items.map((c: any) => c.id))
      cursor = page.body.nextCursor
      if (!cursor) break
    }
    expect(seen).toHaveLength(12)
    expect(new Set(seen).size).toBe(12)
  })
})
