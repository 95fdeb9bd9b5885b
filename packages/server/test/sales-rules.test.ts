import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStaff, apiKeyClient, DIALECTS, loginPassword, loginPin, makeShop, type Client, type TestShop } from './harness'
import { expectError, uuid } from './support'

/** The worked examples of sales.md, each through the HTTP API as the register sends it. */
describe.each(DIALECTS)('sales.md worked examples on %s', (dialect) => {
  describe('an exclusive 19 % store with cash rounding to 0.05', () => {
    let shop: TestShop
    let staff: Awaited<ReturnType<typeof addStaff>>
    let cashier: Client
    let manager: Client
    let tenner: any
    let wine: any
    let cheese: any

    const custom = (unitPriceMinor: number, taxClassId = shop.taxClassIds.zero) => ({ name: 'Custom item', unitPriceMinor, taxClassId, quantity: 1 })
    const sell = (client: Client, body: Record<string, unknown>) => client.post('/api/v1/sales', { id: uuid(), ...body })

    beforeAll(async () => {
      shop = await makeShop(dialect, { cashRoundingMinor: 5 })
      staff = await addStaff(shop)
      const api = await apiKeyClient(shop, ['catalog:write'])
      tenner = (await api.post('/api/v1/products', { sku: 'TEN', name: 'Ten euro thing', priceMinor: 1000, taxClassId: shop.taxClassIds.standard, trackStock: false })).body
      wine = (await api.post('/api/v1/products', { sku: 'WINE', name: 'Wine', priceMinor: 1999, taxClassId: shop.taxClassIds.standard, trackStock: false })).body
      cheese = (await api.post('/api/v1/products', { sku: 'CHEESE', name: 'Cheese by weight', priceMinor: 1290, weighed: true, taxClassId: shop.taxClassIds.reduced!, stock: [{ storeId: shop.storeId, quantity: 5000 }] })).body
      cashier = await loginPin(shop.app, shop.terminalId, '1234')
      manager = await loginPin(shop.app, shop.terminalId, '5678')
      expect((await cashier.post('/api/v1/cash-sessions', { amountMinor: 10000 })).status).toBe(201)
    })
    afterAll(async () => shop?.close())

    it('one line 10.00 at 19 % → tax 1.90, total 11.90', async () => {
      const sale = await sell(cashier, { lines: [{ productId: tenner.id, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 1190 }] })
      expect(sale.status, sale.text).toBe(201)
      expect(sale.body.totals).toMatchObject({ grossMinor: 1000, taxMinor: 190, totalMinor: 1190, roundingMinor: 0, amountDueMinor: 1190, changeMinor: 0 })
      expect(sale.body.lines[0]).toMatchObject({ netMinor: 1000, taxMinor: 190, totalMinor: 1190 })
      expect(sale.body.taxes).toEqual([expect.objectContaining({ ratePercent: '19', baseMinor: 1000, taxMinor: 190 })])
    })

    it('allocates 1.00 over three equal lines as 0.34, 0.33, 0.33 (the tie to the first line)', async () => {
      const sale = await sell(cashier, {
        lines: [1, 2, 3].map(() => custom(1000)),
        cartDiscount: { kind: 'amount', amountMinor: 100 },
        tenders: [{ kind: 'card', amountMinor: 2900 }],
      })
      expect(sale.status, sale.text).toBe(201)
      expect(sale.body.lines.map((l: any) => l.cartDiscountMinor)).toEqual([34, 33, 33])
    })

    it('a cart discount of 10.00 over three lines of 10.00 is 3.34, 3.33, 3.33', async () => {
      const sale = await sell(manager, {
        lines: [1, 2, 3].map(() => ({ productId: tenner.id, quantity: 1 })),
        cartDiscount: { kind: 'amount', amountMinor: 1000 },
        tenders: [{ kind: 'card', amountMinor: 2381 }],
      })
      expect(sale.status, sale.text).toBe(201)
      expect(sale.body.lines.map((l: any) => l.cartDiscountMinor)).toEqual([334, 333, 333])
      expect(sale.body.lines.map((l: any) => l.netMinor)).toEqual([666, 667, 667])
      // Tax per line on the line net, rounded per line: 126.54 → 127, 126.73 → 127, twice.
      expect(sale.body.lines.map((l: any) => l.taxMinor)).toEqual([127, 127, 127])
      expect(sale.body.totals).toMatchObject({ grossMinor: 3000, discountMinor: 1000, taxMinor: 381, totalMinor: 2381 })
    })

    it('rounds the cash part to 0.05: 12.37 → 12.35 (−0.02) and 12.38 → 12.40 (+0.02), shown as a rounding line', async () => {
      const down = await sell(cashier, { lines: [custom(1237)], tenders: [{ kind: 'cash', amountMinor: 2000 }] })
      expect(down.status, down.text).toBe(201)
      expect(down.body.totals).toMatchObject({ totalMinor: 1237, roundingMinor: -2, amountDueMinor: 1235, tenderedMinor: 2000, changeMinor: 765 })
      const up = await sell(cashier, { lines: [custom(1238)], tenders: [{ kind: 'cash', amountMinor: 2000 }] })
      expect(up.body.totals).toMatchObject({ totalMinor: 1238, roundingMinor: 2, amountDueMinor: 1240, changeMinor: 760 })
      const receipt = await cashier.get(`/api/v1/sales/${up.body.id}/receipt?format=html`)
      expect(receipt.text).toContain('Cash rounding')
      expect(receipt.text).toContain('12.40')

      // Exact cash needs no change; a card pays to the cent; only the cash part of a split is rounded.
      const exact = await sell(cashier, { lines: [custom(1237)], tenders: [{ kind: 'cash', amountMinor: 1235 }] })
      expect(exact.body.totals).toMatchObject({ roundingMinor: -2, amountDueMinor: 1235, changeMinor: 0 })
      const card = await sell(cashier, { lines: [custom(1237)], tenders: [{ kind: 'card', amountMinor: 1237 }] })
      expect(card.body.totals).toMatchObject({ roundingMinor: 0, amountDueMinor: 1237 })
      const split = await sell(cashier, { lines: [custom(1237)], tenders: [{ kind: 'card', amountMinor: 1000 }, { kind: 'cash', amountMinor: 235 }] })
      expect(split.status, split.text).toBe(201)
      expect(split.body.totals).toMatchObject({ roundingMinor: -2, amountDueMinor: 1235, changeMinor: 0 })
      expectError(await sell(cashier, { lines: [custom(1238)], tenders: [{ kind: 'cash', amountMinor: 1238 }] }), 422, 'TENDER_SHORT')
    })

    it('splits tenders over card and cash; the cash beyond the amount due is change', async () => {
      const sale = await sell(cashier, { lines: [{ productId: tenner.id, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 500, reference: 'auth-7781' }, { kind: 'cash', amountMinor: 1000 }] })
      expect(sale.status, sale.text).toBe(201)
      expect(sale.body.totals).toMatchObject({ totalMinor: 1190, amountDueMinor: 1190, tenderedMinor: 1500, changeMinor: 310 })
      expect(sale.body.tenders).toEqual([
        { kind: 'card', amountMinor: 500, points: null, reference: 'auth-7781' },
        { kind: 'cash', amountMinor: 1000, points: null, reference: null },
      ])
    })

    it('prices a weighed item by grams: 250 g at 12.90/kg → round(322.5) = 3.23', async () => {
      const sale = await sell(cashier, { lines: [{ productId: cheese.id, quantity: 250 }], tenders: [{ kind: 'card', amountMinor: 346 }] })
      expect(sale.status, sale.text).toBe(201)
      expect(sale.body.lines[0]).toMatchObject({ quantity: 250, weighed: true, unitPriceMinor: 1290, grossMinor: 323, netMinor: 323, taxMinor: 23, totalMinor: 346 })
      expect(sale.body.taxes).toEqual([expect.objectContaining({ ratePercent: '7', baseMinor: 323, taxMinor: 23 })])
      // Stock is kept in grams too.
      const stock = await (await apiKeyClient(shop, ['catalog:read'])).get(`/api/v1/products/${cheese.id}`)
      expect(stock.body.stock).toEqual([{ storeId: shop.storeId, quantity: 4750 }])
    })

    it('takes a percent line discount as round(gross × pct): 10 % of 19.99 = 2.00; 12.5 % of 9.99 = 1.25', async () => {
      const sale = await sell(cashier, { lines: [{ productId: wine.id, quantity: 1, discount: { kind: 'percent', percent: '10' } }], tenders: [{ kind: 'card', amountMinor: 2141 }] })
      expect(sale.status, sale.text).toBe(201)
      expect(sale.body.lines[0]).toMatchObject({ grossMinor: 1999, lineDiscountMinor: 200, netMinor: 1799, taxMinor: 342, totalMinor: 2141 })
      const custom999 = await sell(manager, { lines: [{ ...custom(999), discount: { kind: 'percent', percent: '12.5' } }], tenders: [{ kind: 'card', amountMinor: 874 }] })
      expect(custom999.status, custom999.text).toBe(201)
      expect(custom999.body.lines[0]).toMatchObject({ grossMinor: 999, lineDiscountMinor: 125, netMinor: 874 })
    })

    it("needs a manager's PIN for a discount above the cashier's limit, and records the approval", async () => {
      const count = async (table: 'sales' | 'audit_log') => Number((await shop.ctx.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
      const salesBefore = await count('sales')
      const body = { id: uuid(), lines: [{ productId: wine.id, quantity: 1, discount: { kind: 'percent', percent: '15' } }], tenders: [{ kind: 'card', amountMinor: 2022 }] }

      const refused = await cashier.post('/api/v1/sales', body)
      expectError(refused, 403, 'PERMISSION_REQUIRED')
      expect(refused.body.error.details).toMatchObject({ permission: 'discount_above_limit', limitPercent: '10' })
      expectError(await cashier.post('/api/v1/sales', { ...body, cartDiscount: { kind: 'percent', percent: '20' }, lines: [{ productId: wine.id, quantity: 1 }] }), 403, 'PERMISSION_REQUIRED')
      expectError(await cashier.post('/api/v1/sales', { ...body, lines: [{ productId: wine.id, quantity: 1, unitPriceMinor: 999 }] }), 403, 'PERMISSION_REQUIRED')
      // A wrong PIN, or a cashier approving themselves, is no approval.
      expectError(await cashier.post('/api/v1/sales', { ...body, approval: { staffId: staff.manager.id, pin: '0000' } }), 403, 'PERMISSION_REQUIRED')
      expectError(await cashier.post('/api/v1/sales', { ...body, approval: { staffId: staff.cashier.id, pin: '1234' } }), 403, 'PERMISSION_REQUIRED')
      expect(await count('sales')).toBe(salesBefore)

      const auditBefore = await count('audit_log')
      const approved = await cashier.post('/api/v1/sales', { ...body, approval: { staffId: staff.manager.id, pin: '5678' } })
      expect(approved.status, approved.text).toBe(201)
      // 15 % of 19.99 = 2.9985 → 3.00; net 16.99, tax 3.23.
      expect(approved.body.lines[0]).toMatchObject({ lineDiscountMinor: 300, netMinor: 1699, taxMinor: 323 })
      expect(approved.body.staffId).toBe(staff.cashier.id)
      expect(await count('audit_log')).toBe(auditBefore + 1)
      const audit = await shop.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'sale.approval').where('target_id', '=', body.id).execute()
      expect(audit).toHaveLength(1)
      expect(audit[0]).toMatchObject({ actor_type: 'staff', actor_id: staff.manager.id, target_type: 'sale' })
      expect(JSON.parse(audit[0].details!)).toMatchObject({ cashierId: staff.cashier.id, discountMinor: 300 })
      // A manager reads it through the API, with the approver's name; a cashier may not.
      const log = await manager.get(`/api/v1/audit-log?action=sale.approval&targetId=${body.id}`)
      expect(log.status, log.text).toBe(200)
      expect(log.body.items).toEqual([expect.objectContaining({ id: expect.any(String), actorType: 'staff', actorId: staff.manager.id, actorName: expect.any(String), action: 'sale.approval', targetType: 'sale', targetId: body.id, details: expect.objectContaining({ discountMinor: 300 }) })])
      expectError(await cashier.get('/api/v1/audit-log'), 403, 'FORBIDDEN')
      expectError(await manager.get(`/api/v1/audit-log?cursor=abc`), 400, 'VALIDATION_FAILED')

      // A manager signed in needs no approval.
      const own = await manager.post('/api/v1/sales', { ...body, id: uuid() })
      expect(own.status, own.text).toBe(201)
    })
  })

  describe('an inclusive 19 % store', () => {
    let shop: TestShop
    let cashier: Client
    let owner: Client

    beforeAll(async () => {
      shop = await makeShop(dialect, { taxMode: 'inclusive' })
      await addStaff(shop)
      cashier = await loginPin(shop.app, shop.terminalId, '1234')
      owner = await loginPassword(shop.app, shop.owner.email, shop.owner.password)
      expect((await cashier.post('/api/v1/cash-sessions', { amountMinor: 0 })).status).toBe(201)
    })
    afterAll(async () => shop?.close())

    it('one line 11.90 → base 10.00, tax 1.90, total 11.90; the loyalty eligible amount is 10.00 → 10 points', async () => {
      const product = (await owner.post('/api/v1/products', { sku: 'INC', name: 'Inclusive thing', priceMinor: 1190, taxClassId: shop.taxClassIds.standard })).body
      const member = (await cashier.post('/api/v1/customers', { email: 'inclusive@example.com' })).body
      const sale = await cashier.post('/api/v1/sales', { id: uuid(), customerId: member.id, lines: [{ productId: product.id, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 1190 }] })
      expect(sale.status, sale.text).toBe(201)
      expect(sale.body.taxMode).toBe('inclusive')
      expect(sale.body.totals).toMatchObject({ taxMinor: 190, totalMinor: 1190, amountDueMinor: 1190 })
      expect(sale.body.taxes).toEqual([expect.objectContaining({ ratePercent: '19', baseMinor: 1000, taxMinor: 190 })])
      expect(sale.body.lines[0]).toMatchObject({ taxMinor: 190, totalMinor: 1190, eligibleMinor: 1000 })
      expect(sale.body.loyalty).toMatchObject({ eligibleMinor: 1000, pointsEarned: 10 })
    })

    it('one line 10.70 with two rates 5 % and 2 % in one class → tax 0.70, split 0.50 and 0.20', async () => {
      const cls = await owner.post('/api/v1/tax-classes', { name: 'State + city' })
      expect(cls.status, cls.text).toBe(201)
      expect((await owner.post(`/api/v1/tax-classes/${cls.body.id}/rates`, { storeId: shop.storeId, name: 'State 5 %', ratePercent: '5' })).status).toBe(201)
      expect((await owner.post(`/api/v1/tax-classes/${cls.body.id}/rates`, { storeId: shop.storeId, name: 'City 2 %', ratePercent: '2' })).status).toBe(201)
      const listed = (await owner.get('/api/v1/tax-classes')).body.items.find((c: any) => c.id === cls.body.id)
      expect(listed.rates.map((r: any) => r.ratePercent)).toEqual(['5', '2'])

      const sale = await cashier.post('/api/v1/sales', { id: uuid(), lines: [{ name: 'Service', unitPriceMinor: 1070, taxClassId: cls.body.id, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 1070 }] })
      expect(sale.status, sale.text).toBe(201)
      expect(sale.body.totals).toMatchObject({ taxMinor: 70, totalMinor: 1070 })
      const byRate = Object.fromEntries(sale.body.taxes.map((t: any) => [t.ratePercent, t.taxMinor]))
      expect(byRate).toEqual({ '5': 50, '2': 20 })
      expect(sale.body.taxes.map((t: any) => t.name).sort()).toEqual(['City 2 %', 'State 5 %'])
    })
  })
})
