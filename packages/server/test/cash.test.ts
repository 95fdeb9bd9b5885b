import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStaff, apiKeyClient, DIALECTS, loginPin, makeShop, type Client, type TestShop } from './harness'
import { badFields, expectError, uuid } from './support'

/** A cashier's day at one till: open, sell, move cash, refund, X report, blind count, Z report. */
describe.each(DIALECTS)('cash session on %s', (dialect) => {
  let shop: TestShop
  let cashier: Client
  let mug: any
  let tea: any
  let member: any
  let sessionId: string
  let firstSale: any
  let zReport: any

  beforeAll(async () => {
    shop = await makeShop(dialect)
    await addStaff(shop)
    const api = await apiKeyClient(shop, ['catalog:write', 'customers:write'])
    mug = (await api.post('/api/v1/products', { sku: 'MUG', name: 'Mug', priceMinor: 1000, taxClassId: shop.taxClassIds.standard, trackStock: false })).body
    tea = (await api.post('/api/v1/products', { sku: 'TEA', name: 'Tea', priceMinor: 500, taxClassId: shop.taxClassIds.reduced, trackStock: false })).body
    member = (await api.post('/api/v1/customers', { email: 'regular@example.com' })).body
    cashier = await loginPin(shop.app, shop.terminalId, '1234')
  })
  afterAll(async () => shop?.close())

  it('opens with a float counted by denomination', async () => {
    const mismatch = await cashier.post('/api/v1/cash-sessions', { amountMinor: 9000, denominations: [{ valueMinor: 5000, count: 2 }] })
    expectError(mismatch, 400, 'VALIDATION_FAILED')
    expect(badFields(mismatch)).toEqual(['amountMinor'])
    expectError(await cashier.post('/api/v1/cash-sessions', {}), 400, 'VALIDATION_FAILED')

    const open = await cashier.post('/api/v1/cash-sessions', {
      denominations: [
        { valueMinor: 5000, count: 1 },
        { valueMinor: 1000, count: 4 },
        { valueMinor: 200, count: 5 },
      ],
    })
    expect(open.status, open.text).toBe(201)
    expect(open.body).toMatchObject({ status: 'open', terminalId: shop.terminalId, storeId: shop.storeId, openingFloatMinor: 10000, closedAt: null, countedMinor: null })
    expect(open.body.cash).toEqual({ inMinor: 0, outMinor: 0, expectedMinor: 10000 })
    sessionId = open.body.sessionId

    // One drawer per terminal.
    const second = await cashier.post('/api/v1/cash-sessions', { amountMinor: 0 })
    expectError(second, 409, 'CASH_SESSION_ALREADY_OPEN')
    expect(second.body.error.details).toEqual({ sessionId })
  })

  it('sells for cash with change, by card, and split; moves cash in and out with a reason; refunds in cash', async () => {
    // 2 × 10.00 + 19 % = 23.80, paid 30.00 cash → 6.20 change; the member earns 20 points.
    firstSale = await cashier.post('/api/v1/sales', { id: uuid(), customerId: member.id, lines: [{ productId: mug.id, quantity: 2 }], tenders: [{ kind: 'cash', amountMinor: 3000 }] })
    expect(firstSale.status, firstSale.text).toBe(201)
    expect(firstSale.body).toMatchObject({ cashSessionId: sessionId, totals: { totalMinor: 2380, changeMinor: 620 }, loyalty: { pointsEarned: 20 } })
    // 5.00 + 7 % = 5.35 by card.
    const card = await cashier.post('/api/v1/sales', { id: uuid(), lines: [{ productId: tea.id, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 535 }] })
    expect(card.body.totals.totalMinor).toBe(535)
    // Mug with 1.00 off (9.00 + 1.71) and tea (5.35) = 16.06: 10.00 card + 10.00 cash → 3.94 change.
    const split = await cashier.post('/api/v1/sales', {
      id: uuid(),
      lines: [{ productId: mug.id, quantity: 1, discount: { kind: 'amount', amountMinor: 100 } }, { productId: tea.id, quantity: 1 }],
      tenders: [{ kind: 'card', amountMinor: 1000 }, { kind: 'cash', amountMinor: 1000 }],
    })
    expect(split.status, split.text).toBe(201)
    expect(split.body.totals).toMatchObject({ discountMinor: 100, taxMinor: 206, totalMinor: 1606, changeMinor: 394 })

    const movement = (body: unknown) => cashier.post(`/api/v1/cash-sessions/${sessionId}/movements`, body)
    const noReason = await movement({ kind: 'out', amountMinor: 500 })
    expectError(noReason, 400, 'VALIDATION_FAILED')
    expect(badFields(noReason)).toEqual(['reason'])
    expectError(await movement({ kind: 'out', amountMinor: 0, reason: 'nothing' }), 400, 'VALIDATION_FAILED')
    expect((await movement({ kind: 'in', amountMinor: 2000, reason: 'change from the bank' })).status).toBe(201)
    expect((await movement({ kind: 'out', amountMinor: 500, reason: 'window cleaner' })).status).toBe(201)

    // One mug back: 11.90 in cash (the original tender), 10 points clawed back.
    const refund = await cashier.post(`/api/v1/sales/${firstSale.body.id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] })
    expect(refund.status, refund.text).toBe(201)
    expect(refund.body).toMatchObject({ totalMinor: 1190, tenders: [{ kind: 'cash', amountMinor: 1190, points: null }], pointsClawedBack: 10 })
  })

  it('X report: expected cash = float + cash taken − change − cash refunds + in − out; tax by rate; tenders; points', async () => {
    const x = await cashier.get(`/api/v1/cash-sessions/${sessionId}/x-report`)
    expect(x.status, x.text).toBe(200)
    expect(x.body.status).toBe('open')
    expect(x.body.sales).toEqual({ count: 3, grossMinor: 4000, discountMinor: 100, taxMinor: 621, totalMinor: 4521, roundingMinor: 0 })
    expect(x.body.refunds).toEqual({ count: 1, totalMinor: 1190 })
    expect(x.body.taxes).toEqual([
      { name: 'Tax 19 %', ratePercent: '19', baseMinor: 2000 + 900, taxMinor: 380 + 171 },
      { name: 'Tax 7 %', ratePercent: '7', baseMinor: 1000, taxMinor: 70 },
    ])
    // Cash net of change given: 30.00 + 10.00 − 6.20 − 3.94.
    expect(x.body.tenders).toEqual([
      { kind: 'card', count: 2, amountMinor: 535 + 1000 },
      { kind: 'cash', count: 2, amountMinor: 4000 - 620 - 394 },
    ])
    expect(x.body.refundTenders).toEqual([{ kind: 'cash', amountMinor: 1190 }])
    expect(x.body.points).toEqual({ issued: 20, redeemed: 0, clawedBack: 10 })
    expect(x.body.cashMovements.map((m: any) => [m.kind, m.amountMinor, m.reason])).toEqual([
      ['in', 2000, 'change from the bank'],
      ['out', 500, 'window cleaner'],
    ])
    expect(x.body.cash).toEqual({ inMinor: 2000, outMinor: 500, expectedMinor: 10000 + 4000 - 620 - 394 - 1190 + 2000 - 500 })
    // The session view of an open session is the X report.
    expect((await cashier.get(`/api/v1/cash-sessions/${sessionId}`)).body).toEqual(x.body)
  })

  it('closes with a blind count: over/short against the expected cash, and a frozen Z report', async () => {
    const expected = 13296
    const close = await cashier.post(`/api/v1/cash-sessions/${sessionId}/close`, {
      denominations: [
        { valueMinor: 5000, count: 2 },
        { valueMinor: 1000, count: 3 },
        { valueMinor: 200, count: 1 },
        { valueMinor: 100, count: 1 },
      ],
    })
    expect(close.status, close.text).toBe(200)
    zReport = close.body
    expect(zReport).toMatchObject({ status: 'closed', countedMinor: 13300, overShortMinor: 13300 - expected, cash: { expectedMinor: expected } })
    expect(zReport.closedAt).toBeTruthy()
    expect(zReport.sales.totalMinor).toBe(4521)

    expectError(await cashier.post(`/api/v1/cash-sessions/${sessionId}/close`, { amountMinor: 13300 }), 409, 'CASH_SESSION_CLOSED')
    expectError(await cashier.post(`/api/v1/cash-sessions/${sessionId}/movements`, { kind: 'out', amountMinor: 100, reason: 'late' }), 409, 'CASH_SESSION_CLOSED')
    const listed = await cashier.get('/api/v1/cash-sessions?status=closed')
    expect(listed.body.items).toEqual([expect.objectContaining({ id: sessionId, countedMinor: 13300, overShortMinor: 4 })])
  })

  it('refuses to sell or give cash back after the close', async () => {
    const sale = await cashier.post('/api/v1/sales', { id: uuid(), lines: [{ productId: tea.id, quantity: 1 }], tenders: [{ kind: 'cash', amountMinor: 535 }] })
    expectError(sale, 409, 'CASH_SESSION_REQUIRED')
    expectError(await cashier.post(`/api/v1/sales/${firstSale.body.id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] }), 409, 'CASH_SESSION_REQUIRED')
  })

  it('keeps the Z report as it was at the close while the next session trades', async () => {
    const next = await cashier.post('/api/v1/cash-sessions', { amountMinor: 5000 })
    expect(next.status, next.text).toBe(201)
    expect(next.body.sessionId).not.toBe(sessionId)
    const sale = await cashier.post('/api/v1/sales', { id: uuid(), lines: [{ productId: tea.id, quantity: 2 }], tenders: [{ kind: 'cash', amountMinor: 2000 }] })
    expect(sale.status, sale.text).toBe(201)
    expect(sale.body.cashSessionId).toBe(next.body.sessionId)
    // The other mug of the first sale comes back in this session's drawer.
    const refund = await cashier.post(`/api/v1/sales/${firstSale.body.id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] })
    expect(refund.status, refund.text).toBe(201)

    expect((await cashier.get(`/api/v1/cash-sessions/${sessionId}`)).body).toEqual(zReport)
    const x = await cashier.get(`/api/v1/cash-sessions/${next.body.sessionId}/x-report`)
    expect(x.body.sales.count).toBe(1)
    expect(x.body.refunds).toEqual({ count: 1, totalMinor: 1190 })
    expect(x.body.cash.expectedMinor).toBe(5000 + 2000 - (2000 - 1070) - 1190)
  })
})
