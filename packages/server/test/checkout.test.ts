import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStaff, apiKeyClient, DIALECTS, loginPin, makeShop, type Client, type TestShop } from './harness'
import { verifyLedger } from '../src/features/loyalty/verify-ledger'

const uuid = () => crypto.randomUUID()

describe.each(DIALECTS)('checkout end to end on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  let cashier: Client
  let product: any
  let mug: any
  let giftCard: any

  beforeAll(async () => {
    shop = await makeShop(dialect)
    await addStaff(shop)
    api = await apiKeyClient(shop, ['catalog:write', 'catalog:read', 'customers:write', 'customers:read', 'sales:write', 'sales:read', 'refunds:write', 'loyalty:read'])
    cashier = await loginPin(shop.app, shop.terminalId, '1234')
    product = (await api.post('/api/v1/products', { sku: 'BEANS', barcode: '4000000000017', name: 'Coffee beans', priceMinor: 1840, taxClassId: shop.taxClassIds.standard, stock: [{ storeId: shop.storeId, quantity: 10 }] })).body
    mug = (await api.post('/api/v1/products', { sku: 'MUG', name: 'Mug', priceMinor: 999, taxClassId: shop.taxClassIds.standard })).body
    giftCard = (await api.post('/api/v1/products', { sku: 'GIFT25', name: 'Gift card', priceMinor: 2500, taxClassId: shop.taxClassIds.zero, nonEarning: true, trackStock: false })).body
  })
  afterAll(async () => shop?.close())

  it('reports health with the database kind', async () => {
    const res = await shop.app.inject({ method: 'GET', url: '/api/health' })
    expect(res.json()).toEqual({ status: 'ok', database: dialect })
  })

  it('sells to a member, earns points with an explanation, refunds half and claws back', async () => {
    const member = await api.post('/api/v1/customers', { phone: '+49 151 2345678', name: 'Mia Member', marketingConsent: true })
    expect(member.status).toBe(201)
    const open = await cashier.post('/api/v1/cash-sessions', { amountMinor: 10000 })
    expect(open.status).toBe(201)

    const saleId = uuid()
    const body = {
      id: saleId,
      customerId: member.body.id,
      lines: [
        { productId: product.id, quantity: 2 },
        { productId: mug.id, quantity: 1 },
        { productId: giftCard.id, quantity: 1 },
      ],
      tenders: [{ kind: 'cash', amountMinor: 10000 }],
    }
    const sale = await cashier.post('/api/v1/sales', body)
    expect(sale.status).toBe(201)
    // Exclusive 19 %: 36.80 + 9.99 taxed, the gift card zero-rated.
    expect(sale.body.totals.taxMinor).toBe(699 + 190)
    expect(sale.body.totals.totalMinor).toBe(3680 + 699 + 999 + 190 + 2500)
    expect(sale.body.totals.changeMinor).toBe(10000 - sale.body.totals.totalMinor)
    expect(sale.body.receiptNo).toBe('TS-01-000001')
    // Eligible = 36.80 + 9.99 (the gift card earns nothing) → base 46 points.
    expect(sale.body.loyalty.eligibleMinor).toBe(4679)
    expect(sale.body.loyalty.pointsEarned).toBe(46)
    expect(sale.body.loyalty.components[0]).toMatchObject({ code: 'base', points: 46 })
    expect(sale.body.loyalty.explanation).toContain('Base 1 pt/1.00: 46')

    const replay = await cashier.post('/api/v1/sales', body)
    expect(replay.status).toBe(201)
    expect(replay.body).toEqual(sale.body)
    const reused = await cashier.post('/api/v1/sales', { ...body, lines: [{ productId: mug.id, quantity: 1 }] })
    expect(reused.status).toBe(409)
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED')

    const loyalty = await api.get(`/api/v1/customers/${member.body.id}/loyalty`)
    expect(loyalty.body.balance).toBe(46)
    expect(loyalty.body.lots).toHaveLength(1)
    const ledger = await api.get(`/api/v1/customers/${member.body.id}/ledger`)
    expect(ledger.body.items[0]).toMatchObject({ kind: 'earn', points: 46, saleId })
    expect(ledger.body.items[0].explanation).toContain('Base')

    const stock = await api.get(`/api/v1/products/${product.id}`)
    expect(stock.body.stock).toEqual([{ storeId: shop.storeId, quantity: 8 }])

    shop.clock.advance(60_000)
    // Return one of the two bags of beans: 18.40 + 3.50 tax back, 18 points clawed back.
    const refund = await cashier.post(`/api/v1/sales/${saleId}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] })
    expect(refund.status).toBe(201)
    expect(refund.body.totalMinor).toBe(1840 + 350)
    expect(refund.body.tenders).toEqual([{ kind: 'cash', amountMinor: 2190, points: null }])
    expect(refund.body.pointsClawedBack).toBe(46 - 28)
    expect(refund.body.balanceAfter).toBe(28)
    const after = await api.get(`/api/v1/customers/${member.body.id}/loyalty`)
    expect(after.body.balance).toBe(28)
    expect((await api.get(`/api/v1/products/${product.id}`)).body.stock[0].quantity).toBe(9)

    const ledger2 = await api.get(`/api/v1/customers/${member.body.id}/ledger`)
    expect(ledger2.body.items.map((e: any) => [e.kind, e.points])).toEqual([
      ['clawback', -18],
      ['earn', 46],
    ])
    // Refunding everything else returns exactly what was paid, and all points.
    const rest = await cashier.post(`/api/v1/sales/${saleId}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }, { lineNo: 2, quantity: 1 }, { lineNo: 3, quantity: 1 }] })
    expect(rest.status).toBe(201)
    expect(refund.body.totalMinor + rest.body.totalMinor).toBe(sale.body.totals.totalMinor)
    expect((await api.get(`/api/v1/customers/${member.body.id}/loyalty`)).body.balance).toBe(0)
    const over = await cashier.post(`/api/v1/sales/${saleId}/refunds`, { id: uuid(), lines: [{ lineNo: 2, quantity: 1 }] })
    expect(over.status).toBe(422)
    expect(over.body.error.code).toBe('REFUND_EXCEEDS_SOLD')

    const check = await verifyLedger(shop.ctx.db.kysely)
    expect(check.violations).toEqual([])
    expect(check.transfers).toBe(3)
  })

  it('earns for an online order posted with an API key, without a cash session', async () => {
    const member = await api.post('/api/v1/customers', { email: 'online@example.com' })
    const sale = await api.post('/api/v1/sales', {
      id: uuid(),
      storeId: shop.storeId,
      customerId: member.body.id,
      externalRef: 'WEB-1001',
      lines: [{ productId: mug.id, quantity: 3 }],
      tenders: [{ kind: 'card', amountMinor: 3 * 999 + 569, reference: 'psp_123' }],
    })
    expect(sale.status).toBe(201)
    expect(sale.body.channel).toBe('online')
    expect(sale.body.receiptNo).toBe('TS-WEB-000001')
    expect(sale.body.loyalty.pointsEarned).toBe(29)
  })

  it('prints a receipt as JSON and as HTML with the points explanation', async () => {
    const sale = await cashier.post('/api/v1/sales', { id: uuid(), lines: [{ productId: mug.id, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 1189 }] })
    expect(sale.status).toBe(201)
    const html = await cashier.get(`/api/v1/sales/${sale.body.id}/receipt?format=html`)
    expect(html.status).toBe(200)
    expect(html.headers['content-type']).toContain('text/html')
    expect(html.text).toContain(sale.body.receiptNo)
    expect(html.text).toContain('<svg')
    const json = await cashier.get(`/api/v1/sales/${sale.body.id}/receipt`)
    expect(json.body.receiptNo).toBe(sale.body.receiptNo)
    // By email: no member on this sale, so an address is needed; then a real message is written.
    const noAddress = await cashier.post(`/api/v1/sales/${sale.body.id}/receipt/email`, {})
    expect(noAddress.body.error.code).toBe('NO_EMAIL_ADDRESS')
    const mailed = await cashier.post(`/api/v1/sales/${sale.body.id}/receipt/email`, { to: 'shopper@example.com' })
    expect(mailed.status).toBe(200)
    expect(mailed.body.sentTo).toBe('shopper@example.com')
    const dir = path.join(shop.ctx.config.dataDir, 'mail')
    const eml = fs.readFileSync(path.join(dir, fs.readdirSync(dir)[0]), 'utf8')
    expect(eml).toContain('To: shopper@example.com')
    expect(eml).toContain(sale.body.receiptNo)
  })

  it('records a sale sent ten times at once exactly once, and answers every copy with it', async () => {
    const body = { id: uuid(), storeId: shop.storeId, lines: [{ productId: mug.id, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 1189 }] }
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.post('/api/v1/sales', body)))
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201))
    expect(new Set(answers.map((a) => a.body.receiptNo)).size).toBe(1)
    const rows = await shop.ctx.db.kysely.selectFrom('sales').select('id').where('id', '=', body.id).execute()
    expect(rows).toHaveLength(1)
  })
})
