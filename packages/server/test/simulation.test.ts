import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRules, divRoundHalfAway, type ProgramRules } from '@patron/core'
import { addStaff, apiKeyClient, DIALECTS, loginPassword, loginPin, makeShop, type Client, type TestShop } from './harness'
import { expectError, uuid } from './support'
import { simulateProgram } from '../src/features/loyalty/simulate-program'
import { simulationTable } from '../src/features/loyalty/simulation-table'
import { dayPeriod } from '../src/features/reports/period'

const BEANS = 1840
const MUG = 999

describe.each(DIALECTS)('simulating a draft against past sales on %s', (dialect) => {
  let shop: TestShop
  let owner: Client
  let api: Client
  let coffee: string
  let beans: { id: string }
  let mug: { id: string }
  let mia: { id: string }
  let max: { id: string }
  let draft: ProgramRules

  /**
   * An online order paid by card. The shop is tax-exclusive (19 %), so each line's eligible
   * amount is its net: unit price × quantity.
   */
  async function sell(customerId: string | null, lines: { productId: string; quantity: number }[]) {
    const price = (id: string) => (id === beans.id ? BEANS : MUG)
    const totalMinor = lines.reduce((s, l) => s + price(l.productId) * l.quantity + Number(divRoundHalfAway(BigInt(price(l.productId) * l.quantity * 19), 100n)), 0)
    const res = await api.post('/api/v1/sales', { id: uuid(), storeId: shop.storeId, customerId, lines, tenders: [{ kind: 'card', amountMinor: totalMinor }] })
    expect(res.status, res.text).toBe(201)
    return res.body
  }

  beforeAll(async () => {
    shop = await makeShop(dialect)
    await addStaff(shop)
    api = await apiKeyClient(shop, ['catalog:write', 'customers:write', 'sales:write', 'loyalty:read'])
    coffee = (await api.post('/api/v1/categories', { name: 'Coffee' })).body.id
    beans = (await api.post('/api/v1/products', { sku: 'BEANS', name: 'Coffee beans', categoryId: coffee, priceMinor: BEANS, taxClassId: shop.taxClassIds.standard, trackStock: false })).body
    mug = (await api.post('/api/v1/products', { sku: 'MUG', name: 'Mug', priceMinor: MUG, taxClassId: shop.taxClassIds.standard, trackStock: false })).body
    mia = (await api.post('/api/v1/customers', { name: 'Mia Member', email: 'mia@example.com' })).body
    max = (await api.post('/api/v1/customers', { name: 'Max Member', email: 'max@example.com' })).body

    // 2026-03-03, all at the same instant (the page order must break ties by id).
    await sell(mia.id, [{ productId: beans.id, quantity: 2 }, { productId: mug.id, quantity: 1 }])
    await sell(max.id, [{ productId: beans.id, quantity: 1 }])
    await sell(mia.id, [{ productId: mug.id, quantity: 3 }])
    await sell(null, [{ productId: beans.id, quantity: 5 }]) // no member: not replayed
    // Two days later, outside the simulated period.
    shop.clock.advance(2 * 86_400_000)
    await sell(max.id, [{ productId: beans.id, quantity: 4 }])
    // Signed in after the clock moved: sessions expire.
    owner = await loginPassword(shop.app, shop.owner.email, shop.owner.password)

    draft = {
      ...defaultRules('points'),
      multipliers: [{ id: 'coffee-x3', name: 'Coffee', categoryIds: [coffee], multiplier: '3' }],
      tiers: [
        { id: 'member', name: 'Member', threshold: 0, multiplier: '1' },
        { id: 'gold', name: 'Gold', threshold: 100, multiplier: '1' },
      ],
      costPerPointMinor: '0.25',
    }
    const saved = await owner.request('PUT', '/api/v1/loyalty/program/draft', draft)
    expect(saved.status, saved.text).toBe(200)
  })
  afterAll(async () => shop?.close())

  it('replays the period under the draft: a category ×3 multiplier gives exactly the hand-computed totals', async () => {
    const res = await owner.post('/api/v1/loyalty/simulations', { from: '2026-03-03', to: '2026-03-04' })
    expect(res.status, res.text).toBe(200)
    const r = res.body

    // Published (version 1: 1 pt per 1.00, floored per sale):
    //   Mia 1: floor((2×18.40 + 9.99)) = floor(46.79) = 46;  Max: floor(18.40) = 18;  Mia 2: floor(3×9.99) = 29.
    const published = { mia: 46 + 29, max: 18 }
    // Draft: base as above, plus the coffee bonus floor(coffee eligible × (3 − 1) / 100) per sale:
    //   Mia 1: floor(3680 × 2 / 100) = 73;  Max: floor(1840 × 2 / 100) = 36;  Mia 2: no coffee, 0.
    const bonus = { mia: 73, max: 36 }
    const simulated = { mia: published.mia + bonus.mia, max: published.max + bonus.max }

    expect(r).toMatchObject({ from: '2026-03-03T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z', rulesSource: 'draft', currency: 'EUR', sales: 3, members: 2, replayMismatches: 0 })
    expect(r.published.pointsByComponent).toEqual({ base: 93, multiplier: 0, tier: 0, promotion: 0, bonus_threshold: 0, bonus_visit: 0, bonus_first_purchase: 0, bonus_birthday: 0, cap: 0 })
    expect(r.simulated.pointsByComponent).toEqual({ base: 93, multiplier: 109, tier: 0, promotion: 0, bonus_threshold: 0, bonus_visit: 0, bonus_first_purchase: 0, bonus_birthday: 0, cap: 0 })
    expect(r.published.totalPoints).toBe(published.mia + published.max)
    expect(r.simulated.totalPoints).toBe(simulated.mia + simulated.max)
    expect(r.published.versions).toEqual([{ version: 1, sales: 3, points: 93 }])
    // Cost: 93 points × 1 minor unit = 93; 202 × 0.25 = 50.5 → 51 (half away from zero).
    expect(r.published.costMinor).toBe(93)
    expect(r.simulated).toMatchObject({ costMinor: 51, costPerPointMinor: '0.25' })
    expect(r.change).toEqual({ totalPoints: 202 - 93, costMinor: 51 - 93 })
    // Qualifying points in the period under the draft: Mia 148 (≥ 100: Gold), Max 54 (Member).
    expect(r.tiers).toEqual([
      { tierId: null, name: null, threshold: null, members: 0 },
      { tierId: 'member', name: 'Member', threshold: 0, members: 1 },
      { tierId: 'gold', name: 'Gold', threshold: 100, members: 1 },
    ])
    expect(r.topChanges).toEqual([
      { customerId: mia.id, name: 'Mia Member', publishedPoints: published.mia, simulatedPoints: simulated.mia, delta: bonus.mia },
      { customerId: max.id, name: 'Max Member', publishedPoints: published.max, simulatedPoints: simulated.max, delta: bonus.max },
    ])

    // Page by page (one sale a page, equal sale times) gives the same report.
    const paged = await simulateProgram(shop.ctx.db.kysely, shop.orgId, dayPeriod('2026-03-03', '2026-03-04'), undefined, 1)
    expect(paged).toEqual(r)
  })

  it('covers the whole period asked for, and simulates rules sent in the request', async () => {
    const all = await owner.post('/api/v1/loyalty/simulations', { from: '2026-03-01', to: '2026-03-31' })
    // Max's later sale: floor(4 × 18.40) = 73 published, + floor(7360 × 2 / 100) = 147 under the draft.
    expect(all.body).toMatchObject({ sales: 4, published: { totalPoints: 93 + 73 }, simulated: { totalPoints: 202 + 73 + 147 } })
    const instants = await owner.post('/api/v1/loyalty/simulations', { from: '2026-03-05T00:00:00Z', to: '2026-03-06T00:00:00+00:00' })
    expect(instants.body).toMatchObject({ sales: 1, published: { totalPoints: 73 } })

    // 2 points per 1.00, floored per sale: floor(93.58) + floor(36.8) + floor(59.94) = 93 + 36 + 59.
    const sent = await owner.post('/api/v1/loyalty/simulations', { from: '2026-03-03', to: '2026-03-04', rules: { ...defaultRules('points'), baseRate: '2' } })
    expect(sent.status, sent.text).toBe(200)
    expect(sent.body).toMatchObject({ rulesSource: 'request', simulated: { totalPoints: 188, pointsByComponent: { base: 188, multiplier: 0 } } })
  })

  it('refuses bad rules with their codes, a reversed period, and callers without the right', async () => {
    const bad = await owner.post('/api/v1/loyalty/simulations', {
      from: '2026-03-03',
      to: '2026-03-04',
      rules: { ...draft, tiers: [draft.tiers[1], draft.tiers[0]] },
    })
    expectError(bad, 422, 'TIER_THRESHOLD_ORDER')
    expect(bad.body.error.details.field).toBe('tiers[1].threshold')
    expectError(await owner.post('/api/v1/loyalty/simulations', { from: '2026-03-03', to: '2026-03-04', rules: { ...draft, baseRate: 2 } }), 422, 'INVALID_PROGRAM')
    expectError(await owner.post('/api/v1/loyalty/simulations', { from: '2026-03-05', to: '2026-03-03' }), 422, 'INVALID_PERIOD')
    expectError(await owner.post('/api/v1/loyalty/simulations', { from: '2026-02-30', to: '2026-03-03' }), 400, 'VALIDATION_FAILED')
    expectError(await owner.post('/api/v1/loyalty/simulations', { to: '2026-03-03' }), 400, 'VALIDATION_FAILED')

    const manager = await loginPassword(shop.app, 'manager@test.shop', 'manager-password')
    expect((await manager.post('/api/v1/loyalty/simulations', { from: '2026-03-03', to: '2026-03-04' })).body.simulated.totalPoints).toBe(202)
    expect((await api.post('/api/v1/loyalty/simulations', { from: '2026-03-03', to: '2026-03-04' })).status).toBe(200)
    const cashier = await loginPin(shop.app, shop.terminalId, '1234')
    expectError(await cashier.post('/api/v1/loyalty/simulations', { from: '2026-03-03', to: '2026-03-04' }), 403, 'FORBIDDEN')
  })

  it('prints the same figures as a table for `patron simulate`', async () => {
    const table = await simulationTable(shop.ctx, shop.orgId, { from: '2026-03-03', to: '2026-03-04' })
    const row = (label: string) => table.split('\n').find((l) => l.startsWith(label))?.split(/\s{2,}/)
    expect(row('Base')).toEqual(['Base', '93', '93', '0'])
    expect(row('Multipliers')).toEqual(['Multipliers', '0', '109', '+109'])
    expect(row('Total')).toEqual(['Total', '93', '202', '+109'])
    expect(row('Cost (EUR)')).toEqual(['Cost (EUR)', '€0.93', '€0.51', '-€0.42'])
    expect(table).toContain('Mia Member')
    await expect(simulationTable(shop.ctx, shop.orgId, { from: 'March', to: '2026-03-04' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
  })

  it('counts members per tier at the end from the 365 days before it, under the simulated rules and under the version in force then', async () => {
    // 5–31 March holds only Max's later sale; Mia bought on the 3rd: no points in the period,
    // but a tier at its end.
    const r = (await owner.post('/api/v1/loyalty/simulations', { from: '2026-03-05', to: '2026-03-31' })).body
    expect(r).toMatchObject({ sales: 1, members: 1, published: { totalPoints: 73 }, simulated: { totalPoints: 73 + 147 } })
    expect(r.topChanges.map((t: any) => t.customerId)).toEqual([max.id])
    // The draft's qualifying points over the year: Mia 148, Max 54 + 220 = 274: both Gold.
    expect(r.tiers.map((t: any) => [t.tierId, t.members])).toEqual([[null, 0], ['member', 0], ['gold', 2]])
    // Version 1, in force at the end, has no tiers.
    expect(r.publishedTiers).toEqual([{ tierId: null, name: null, threshold: null, members: 2 }])

    // Once the draft is published, the end is judged by its tiers on what was issued:
    // Mia 46 + 29 = 75, Max 18 + 73 = 91: both Member.
    expect((await owner.post('/api/v1/loyalty/program/publish', {})).status).toBe(201)
    const later = (await owner.post('/api/v1/loyalty/simulations', { from: '2026-03-05', to: '2026-03-31' })).body
    expect(later.publishedTiers.map((t: any) => [t.tierId, t.members])).toEqual([[null, 0], ['member', 2], ['gold', 0]])
    expect(later.tiers).toEqual(r.tiers)
    const table = await simulationTable(shop.ctx, shop.orgId, { from: '2026-03-05', to: '2026-03-31' })
    expect(table).toMatch(/Published\n\s+\(no tier\)\s+0\n\s+Member\s+2\s+from 0\n\s+Gold\s+0\s+from 100\n\s+Simulated\n\s+\(no tier\)\s+0\n\s+Member\s+0\s+from 0\n\s+Gold\s+2\s+from 100/)
  })
})
