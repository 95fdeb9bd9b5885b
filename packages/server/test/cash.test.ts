import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRules } from '@patron/core'
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

/**
 * The points a session's sales spent: rewards applied at the till (reserved when applied, posted
 * with the sale) and points as tender. Vouchers were paid for when issued, outside any drawer.
 * Like the points issued, the figure is what the sales did; refunds are reported beside it.
 */
describe.each(DIALECTS)('cash session points redeemed on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  let cashier: Client
  let coffee: any
  let cake: any
  let freeCoffee: any
  let sessionId: string
  let rewardedSaleId: string

  beforeAll(async () => {
    shop = await makeShop(dialect, { rules: { ...defaultRules('points'), pointsTender: { pointsPerUnit: 100 } } })
    await addStaff(shop)
    api = await apiKeyClient(shop, ['catalog:write', 'customers:write', 'loyalty:read', 'loyalty:write', 'sales:write'])
    coffee = (await api.post('/api/v1/products', { sku: 'COF', name: 'Coffee', priceMinor: 350, taxClassId: shop.taxClassIds.zero, trackStock: false })).body
    cake = (await api.post('/api/v1/products', { sku: 'CAKE', name: 'Cake', priceMinor: 500, taxClassId: shop.taxClassIds.zero, trackStock: false })).body
    freeCoffee = (await api.post('/api/v1/rewards', { name: 'Free coffee', kind: 'free_product', productId: coffee.id, priceCeilingMinor: 400, costPoints: 100 })).body
    cashier = await loginPin(shop.app, shop.terminalId, '1234')
    sessionId = (await cashier.post('/api/v1/cash-sessions', { amountMinor: 10000 })).body.sessionId
  })
  afterAll(async () => shop?.close())

  it('counts the rewards posted with the session\'s sales and the points tendered, not vouchers or released reservations', async () => {
    const m = (await api.post('/api/v1/customers', { email: 'points@example.com' })).body
    expect((await api.post(`/api/v1/customers/${m.id}/adjustments`, { id: uuid(), points: 1000, reasonCode: 'migration', note: 'opening balance' })).status).toBe(201)

    // A reward applied at the till: its 100 points are reserved now and posted with the sale.
    const cart = uuid()
    expect((await cashier.post(`/api/v1/rewards/${freeCoffee.id}/reservations`, { cartId: cart, customerId: m.id })).status).toBe(201)
    const rewarded = await cashier.post('/api/v1/sales', { id: cart, customerId: m.id, lines: [{ productId: coffee.id, quantity: 2 }, { productId: cake.id, quantity: 1 }], tenders: [{ kind: 'cash', amountMinor: 1000 }] })
    expect(rewarded.status, rewarded.text).toBe(201)
    expect(rewarded.body).toMatchObject({ cashSessionId: sessionId, totals: { totalMinor: 850 }, rewards: [{ points: 100, status: 'posted' }], loyalty: { pointsEarned: 8, pointsRedeemed: 0 } })
    rewardedSaleId = cart

    // 2.00 of a cake paid with 200 points.
    const withPoints = await cashier.post('/api/v1/sales', { id: uuid(), customerId: m.id, lines: [{ productId: cake.id, quantity: 1 }], tenders: [{ kind: 'points', amountMinor: 200 }, { kind: 'cash', amountMinor: 300 }] })
    expect(withPoints.status, withPoints.text).toBe(201)
    expect(withPoints.body.loyalty).toMatchObject({ pointsRedeemed: 200, pointsEarned: 3 })

    // A reward applied to a cart that is then voided goes back: nothing was redeemed.
    const voided = uuid()
    expect((await cashier.post(`/api/v1/rewards/${freeCoffee.id}/reservations`, { cartId: voided, customerId: m.id })).status).toBe(201)
    expect((await cashier.post(`/api/v1/sales/${voided}/void`, { reason: 'customer left' })).status).toBe(200)

    // A voucher's points left the balance when it was issued, not in this drawer.
    const voucher = await api.post(`/api/v1/customers/${m.id}/vouchers`, { id: uuid(), rewardId: freeCoffee.id })
    expect(voucher.status, voucher.text).toBe(201)
    const withVoucher = await cashier.post('/api/v1/sales', { id: uuid(), customerId: m.id, lines: [{ productId: coffee.id, quantity: 1 }, { productId: cake.id, quantity: 1 }], tenders: [{ kind: 'cash', amountMinor: 500 }], vouchers: [voucher.body.voucherCode] })
    expect(withVoucher.status, withVoucher.text).toBe(201)
    expect(withVoucher.body.rewards).toMatchObject([{ points: 100, status: 'used' }])

    const x = await cashier.get(`/api/v1/cash-sessions/${sessionId}/x-report`)
    expect(x.status, x.text).toBe(200)
    expect(x.body.points).toEqual({ issued: 8 + 3 + 5, redeemed: 100 + 200, clawedBack: 0 })
  })

  it('keeps the redeemed figure as the sales made it when a refund gives a reward back, as it does the points issued', async () => {
    // The rewarded coffees come back: the reward's 100 points return to the member, 3 points are clawed back.
    const refund = await cashier.post(`/api/v1/sales/${rewardedSaleId}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 2 }] })
    expect(refund.status, refund.text).toBe(201)
    expect(refund.body).toMatchObject({ pointsReturned: 100, pointsClawedBack: 3 })

    const x = await cashier.get(`/api/v1/cash-sessions/${sessionId}/x-report`)
    expect(x.body.points).toEqual({ issued: 16, redeemed: 300, clawedBack: 3 })
    const close = await cashier.post(`/api/v1/cash-sessions/${sessionId}/close`, { amountMinor: x.body.cash.expectedMinor })
    expect(close.status, close.text).toBe(200)
    expect(close.body.points).toEqual({ issued: 16, redeemed: 300, clawedBack: 3 })
    expect((await cashier.get(`/api/v1/cash-sessions/${sessionId}`)).body.points).toEqual(close.body.points)
  })
})
