import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRules, type ProgramRules } from '@patron/core'
import { addStaff, apiKeyClient, DIALECTS, loginPassword, loginPin, makeShop, type Client, type TestShop } from './harness'
import { expectError, uuid } from './support'
import { runDailyJobs } from '../src/jobs/daily'

const BEANS = 1840
const MUG = 999

// 1 pt per 1.00; 100 points pay 1.00; points expire a month after they are earned.
const rules: ProgramRules = { ...defaultRules('points'), pointsTender: { pointsPerUnit: 100 }, expiry: { kind: 'rolling', months: 1 }, costPerPointMinor: '0.5' }

describe.each(DIALECTS)('loyalty liability report on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  let reports: Client
  const moveTo = (iso: string) => shop.clock.advance(Date.parse(iso) - shop.clock.now.getTime())

  beforeAll(async () => {
    shop = await makeShop(dialect, { rules })
    await addStaff(shop)
    api = await apiKeyClient(shop, ['catalog:write', 'customers:write', 'sales:write', 'refunds:write', 'loyalty:write'])
    reports = await apiKeyClient(shop, ['reports:read'])
    const beans = (await api.post('/api/v1/products', { sku: 'BEANS', name: 'Coffee beans', priceMinor: BEANS, taxClassId: shop.taxClassIds.standard, trackStock: false })).body
    const mug = (await api.post('/api/v1/products', { sku: 'MUG', name: 'Mug', priceMinor: MUG, taxClassId: shop.taxClassIds.standard, trackStock: false })).body
    const mia = (await api.post('/api/v1/customers', { name: 'Mia', email: 'mia@example.com' })).body.id
    const max = (await api.post('/api/v1/customers', { name: 'Max', email: 'max@example.com' })).body.id
    const sell = async (customerId: string, lines: unknown[], tenders: unknown[]) => {
      const res = await api.post('/api/v1/sales', { id: uuid(), storeId: shop.storeId, customerId, lines, tenders })
      expect(res.status, res.text).toBe(201)
      return res.body
    }
    const adjust = async (customerId: string, points: number) => {
      const res = await api.post(`/api/v1/customers/${customerId}/adjustments`, { id: uuid(), points, reasonCode: 'correction', note: 'test' })
      expect(res.status, res.text).toBeLessThan(300)
    }

    // March 3 (UTC). Mia: 5 beans + a mug, eligible 92.00 + 9.99 → 101 points; tax 19 % on top.
    const s1 = await sell(mia, [{ productId: beans.id, quantity: 5 }, { productId: mug.id, quantity: 1 }], [{ kind: 'card', amountMinor: 9200 + 1748 + 999 + 190 }])
    expect(s1.loyalty.pointsEarned).toBe(101)
    // Max: two mugs, 19.98 → 19 points.
    expect((await sell(max, [{ productId: mug.id, quantity: 2 }], [{ kind: 'card', amountMinor: 1998 + 380 }])).loyalty.pointsEarned).toBe(19)
    // An hour later Mia returns 2 bags: she keeps 55.20 + 9.99 → 65 points, so 101 − 65 = 36 clawed back.
    shop.clock.advance(3600_000)
    const refund = await api.post(`/api/v1/sales/${s1.id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 2 }] })
    expect(refund.status, refund.text).toBe(201)
    expect(refund.body.pointsClawedBack).toBe(36)
    // March 20: Max gets 10 points of goodwill.
    moveTo('2026-03-20T12:00:00.000Z')
    await adjust(max, 10)

    // April 1: version 2 values a point at 2.5 minor units.
    moveTo('2026-04-01T08:00:00.000Z')
    expect((await api.request('PUT', '/api/v1/loyalty/program/draft', { ...rules, costPerPointMinor: '2.5' })).status).toBe(200)
    expect((await api.post('/api/v1/loyalty/program/publish', {})).status).toBe(201)
    // April 2: Mia pays 0.50 of a mug (total 11.89) with 50 points; the rest by card earns
    // floor(999 × 1139 / 1189) = 956 eligible → 9 points.
    moveTo('2026-04-02T10:00:00.000Z')
    const s3 = await sell(mia, [{ productId: mug.id, quantity: 1 }], [{ kind: 'points', amountMinor: 50 }, { kind: 'card', amountMinor: 1139 }])
    expect(s3.loyalty).toMatchObject({ pointsRedeemed: 50, pointsEarned: 9, programVersion: 2 })
    // A correction takes 5 points back from Mia.
    await adjust(mia, -5)
    // April 4: March's lots are due (earned March 3, a month later). Mia's has 101 − 36 − 50 − 5
    // = 10 left, Max's 19: 29 points expire. Max's goodwill lot (March 20) is not due yet.
    moveTo('2026-04-04T03:00:00.000Z')
    await runDailyJobs(shop.ctx)
  })
  afterAll(async () => shop?.close())

  it('shows each month: issued, redeemed, expired, clawed back, adjusted, outstanding and its value, breakage', async () => {
    const res = await reports.get('/api/v1/reports/loyalty-liability?from=2026-02&to=2026-05')
    expect(res.status, res.text).toBe(200)
    const r = res.body
    expect(r).toMatchObject({ currency: 'EUR', timeZone: 'UTC', from: '2026-02', to: '2026-05', openingOutstanding: 0 })
    expect(r.months).toEqual([
      // Before the program existed: its first version's cost.
      { month: '2026-02', issued: 0, redeemed: 0, expired: 0, clawedBack: 0, adjusted: 0, breakageRate: null, outstanding: 0, costPerPointMinor: '0.5', outstandingValueMinor: 0 },
      // 101 + 19 issued, 36 clawed back, +10 adjusted: 94 outstanding × 0.5 = 47.
      { month: '2026-03', issued: 120, redeemed: 0, expired: 0, clawedBack: 36, adjusted: 10, breakageRate: null, outstanding: 94, costPerPointMinor: '0.5', outstandingValueMinor: 47 },
      // 94 + 9 − 50 − 29 − 5 = 19 outstanding × 2.5 = 47.5 → 48; breakage 29 ÷ (50 + 29) = 0.36708… → 0.3671.
      { month: '2026-04', issued: 9, redeemed: 50, expired: 29, clawedBack: 0, adjusted: -5, breakageRate: '0.3671', outstanding: 19, costPerPointMinor: '2.5', outstandingValueMinor: 48 },
      { month: '2026-05', issued: 0, redeemed: 0, expired: 0, clawedBack: 0, adjusted: 0, breakageRate: null, outstanding: 19, costPerPointMinor: '2.5', outstandingValueMinor: 48 },
    ])
    expect(r.totals).toEqual({ issued: 129, redeemed: 50, expired: 29, clawedBack: 36, adjusted: 5, breakageRate: '0.3671', outstanding: 19, outstandingValueMinor: 48 })

    // The outstanding points are exactly the members' balances.
    const balances = await shop.ctx.db.kysely.selectFrom('loyalty_accounts').select('balance').execute()
    expect(balances.reduce((s, b) => s + Number(b.balance), 0)).toBe(19)
  })

  it('starts a later period from the outstanding points before it; defaults to the last twelve months', async () => {
    const april = await reports.get('/api/v1/reports/loyalty-liability?from=2026-04-15&to=2026-04-30T23:00:00Z')
    expect(april.body).toMatchObject({ from: '2026-04', to: '2026-04', openingOutstanding: 94, months: [{ month: '2026-04', outstanding: 19 }] })
    const defaults = await reports.get('/api/v1/reports/loyalty-liability')
    expect(defaults.body).toMatchObject({ from: '2025-05', to: '2026-04' })
    expect(defaults.body.months).toHaveLength(12)
    expect(defaults.body.totals).toMatchObject({ issued: 129, outstanding: 19 })
  })

  it('refuses a reversed or too long period and callers without reports', async () => {
    expectError(await reports.get('/api/v1/reports/loyalty-liability?from=2026-05&to=2026-04'), 422, 'INVALID_PERIOD')
    expectError(await reports.get('/api/v1/reports/loyalty-liability?from=2000-01&to=2026-04'), 422, 'INVALID_PERIOD')
    expectError(await reports.get('/api/v1/reports/loyalty-liability?from=2026-13'), 400, 'VALIDATION_FAILED')
    expectError(await api.get('/api/v1/reports/loyalty-liability'), 403, 'FORBIDDEN')
    const cashier = await loginPin(shop.app, shop.terminalId, '1234')
    expectError(await cashier.get('/api/v1/reports/loyalty-liability'), 403, 'FORBIDDEN')
    const manager = await loginPassword(shop.app, 'manager@test.shop', 'manager-password')
    expect((await manager.get('/api/v1/reports/loyalty-liability?from=2026-03&to=2026-03')).body.months[0].outstanding).toBe(94)
  })
})
