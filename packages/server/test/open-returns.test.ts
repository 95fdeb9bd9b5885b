import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStaff, apiKeyClient, DIALECTS, loginPin, makeShop, type Client, type TestShop } from './harness'
import { expectError, sessionClient, uuid } from './support'

describe.each(DIALECTS)('returns without a receipt on %s', (dialect) => {
  let shop: TestShop
  let staff: Awaited<ReturnType<typeof addStaff>>
  let cashier: Client
  let api: Client
  let mug: any
  let session: any

  beforeAll(async () => {
    shop = await makeShop(dialect)
    staff = await addStaff(shop)
    api = await apiKeyClient(shop, ['catalog:write', 'catalog:read'])
    mug = (await api.post('/api/v1/products', { sku: 'MUG', name: 'Mug', priceMinor: 1000, taxClassId: shop.taxClassIds.standard, stock: [{ storeId: shop.storeId, quantity: 5 }] })).body
    cashier = await loginPin(shop.app, shop.terminalId, '1234')
    session = (await cashier.post('/api/v1/cash-sessions', { amountMinor: 10000 })).body
  })
  afterAll(async () => shop?.close())

  const stock = async () => (await api.get(`/api/v1/products/${mug.id}`)).body.stock[0].quantity

  it("needs a manager: a cashier alone is refused, with a manager's PIN in place it goes through, restocked and audited", async () => {
    const body = { id: uuid(), lines: [{ productId: mug.id, quantity: 1 }], tenderKind: 'cash', reason: 'Gift, no receipt' }
    expectError(await cashier.post('/api/v1/returns', body), 403, 'PERMISSION_REQUIRED')
    expectError(await cashier.post('/api/v1/returns', { ...body, approval: { staffId: staff.manager.id, pin: '0000' } }), 403, 'PERMISSION_REQUIRED')
    expect(await stock()).toBe(5)
    const ok = await cashier.post('/api/v1/returns', { ...body, approval: { staffId: staff.manager.id, pin: '5678' } })
    expect(ok.status, ok.text).toBe(201)
    // Today's price: 10.00 + 19 % = 11.90 back in cash; no points either way.
    expect(ok.body).toMatchObject({ totalMinor: 1190, taxMinor: 190, tenderKind: 'cash', approvedBy: staff.manager.id, pointsClawedBack: 0 })
    expect(await stock()).toBe(6)
    const again = await cashier.post('/api/v1/returns', { ...body, approval: { staffId: staff.manager.id, pin: '5678' } })
    expect(again.body).toEqual(ok.body)
    expectError(await cashier.post('/api/v1/returns', { ...body, reason: 'Something else' }), 409, 'IDEMPOTENCY_KEY_REUSED')
    const audit = await shop.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'return.without_receipt').execute()
    expect(audit).toHaveLength(1)
    const xr = await cashier.get(`/api/v1/cash-sessions/${session.sessionId}/x-report`)
    expect(xr.status, xr.text).toBe(200)
    const x = xr.body
    expect(x.returnsWithoutReceipt).toEqual({ count: 1, totalMinor: 1190 })
    expect(x.cash.expectedMinor).toBe(10000 - 1190)
  })

  it('a manager at a terminal returns damaged goods without restocking', async () => {
    const manager = await sessionClient(shop, staff.manager.id, { terminalId: shop.terminalId, storeId: shop.storeId })
    const before = await stock()
    const r = await manager.post('/api/v1/returns', { id: uuid(), lines: [{ productId: mug.id, quantity: 2, restock: false }], tenderKind: 'store_credit', reason: 'Broken in the box' })
    expect(r.status, r.text).toBe(201)
    expect(r.body.totalMinor).toBe(2380)
    expect(await stock()).toBe(before)
  })
})
