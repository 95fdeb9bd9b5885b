import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRules, type ProgramRules } from '@patron/core'
import { apiKeyClient, DIALECTS, loginPin, makeShop, type Client, type TestShop } from './harness'
import { expectError } from './support'
import { verifyLedger } from '../src/features/loyalty/verify-ledger'

/**
 * Loyalty behaviour of issue #3 that the other suites leave out (loyalty.md "Tiers" and
 * "Rewards and redemption"): tiers on qualifying spend, tier benefits, and the reward kinds and
 * availability rules, each checked through the HTTP API as a user would see it.
 */

const uuid = () => crypto.randomUUID()
const DAY = 86_400_000

const SCOPES = ['catalog:write', 'catalog:read', 'customers:write', 'customers:read', 'sales:write', 'sales:read', 'refunds:write', 'loyalty:read', 'loyalty:write']

/** Spend tiers, thresholds in minor units of eligible amount over 365 days. */
const spendRules: ProgramRules = {
  ...defaultRules('points'),
  tierMetric: 'spend',
  tiers: [
    { id: 'member', name: 'Member', threshold: 0, multiplier: '1' },
    { id: 'silver', name: 'Silver', threshold: 10_000, multiplier: '1.5', perks: ['free-delivery-over:2500'] },
    { id: 'gold', name: 'Gold', threshold: 50_000, multiplier: '2', discountPercent: '10', perks: ['free-delivery', 'members-only-rewards'] },
  ],
}

describe.each(DIALECTS)('tiers on qualifying spend and their benefits on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  let zero: string
  let jacket: any // 60.00 + 19 % tax: counts 60.00 of spend
  let cigarettes: any // in a category the program marks non-earning
  let giftCard: any // a product marked non-earning
  let cake: any

  const enrol = async () => (await api.post('/api/v1/customers', { email: `t${uuid().slice(0, 8)}@example.com` })).body as { id: string }
  const sell = (customerId: string, lines: unknown[], amountMinor: number, extra: object = {}) =>
    api.post('/api/v1/sales', { id: uuid(), storeId: shop.storeId, customerId, lines, tenders: [{ kind: 'card', amountMinor }], ...extra })
  /** One zero-rated custom line: eligible amount = price, so spend and points are easy to read. */
  const item = (amountMinor: number) => ({ name: 'Item', quantity: 1, unitPriceMinor: amountMinor, taxClassId: zero })
  const buy = (customerId: string, amountMinor: number, extra: object = {}) => sell(customerId, [item(amountMinor)], amountMinor, extra)
  const loyalty = async (id: string) => (await api.get(`/api/v1/customers/${id}/loyalty`)).body
  const components = (sale: { body: any }) => sale.body.loyalty.components.map((c: { code: string; points: number }) => [c.code, c.points])

  beforeAll(async () => {
    shop = await makeShop(dialect, { rules: spendRules })
    zero = shop.taxClassIds.zero
    api = await apiKeyClient(shop, SCOPES)
    const tobacco = (await api.post('/api/v1/categories', { name: 'Tobacco' })).body
    const bakery = (await api.post('/api/v1/categories', { name: 'Bakery' })).body
    jacket = (await api.post('/api/v1/products', { sku: 'JACKET', name: 'Jacket', priceMinor: 6000, taxClassId: shop.taxClassIds.standard, trackStock: false })).body
    cigarettes = (await api.post('/api/v1/products', { sku: 'CIG', name: 'Cigarettes', priceMinor: 800, categoryId: tobacco.id, taxClassId: zero, trackStock: false })).body
    giftCard = (await api.post('/api/v1/products', { sku: 'GIFT', name: 'Gift card', priceMinor: 2000, taxClassId: zero, nonEarning: true, trackStock: false })).body
    cake = (await api.post('/api/v1/products', { sku: 'CAKE', name: 'Cake', priceMinor: 500, categoryId: bakery.id, taxClassId: zero, trackStock: false })).body
    // Version 2: the tobacco category earns nothing (and so counts for no spend).
    const draft = await api.request('PUT', '/api/v1/loyalty/program/draft', { ...spendRules, nonEarningCategoryIds: [tobacco.id] })
    expect(draft.status, draft.text).toBe(200)
    const published = await api.post('/api/v1/loyalty/program/publish', {})
    expect(published.status, published.text).toBe(201)
    shop.clock.advance(1000)
  })
  afterAll(async () => shop?.close())

  it('counts eligible spend (net of tax, without non-earning lines) toward the next tier and shows what remains', async () => {
    const m = await enrol()
    expect((await loyalty(m.id)).tier).toMatchObject({ metric: 'spend', value: 0, next: { id: 'silver', name: 'Silver', threshold: 10_000, remaining: 10_000 } })
    // Jacket 60.00 + 11.40 tax, cigarettes 8.00 (non-earning category), gift card 20.00 (non-earning product).
    const first = await sell(m.id, [{ productId: jacket.id, quantity: 1 }, { productId: cigarettes.id, quantity: 1 }, { productId: giftCard.id, quantity: 1 }], 7140 + 800 + 2000)
    expect(first.status, first.text).toBe(201)
    expect(first.body.loyalty.eligibleMinor).toBe(6000)
    expect(first.body.loyalty.pointsEarned).toBe(60)
    const state = await loyalty(m.id)
    expect(state.tier).toMatchObject({ metric: 'spend', value: 6000, current: { id: 'member' }, next: { id: 'silver', threshold: 10_000, remaining: 4000 } })
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('earns the sale that reaches the spend threshold at the old tier and the next sale at the new one', async () => {
    const m = await enrol()
    const opening = await buy(m.id, 6000)
    expect(components(opening)).toEqual([['base', 60]])
    expect((await loyalty(m.id)).tierId).toBe('member')
    // 60.00 + 40.00 = exactly the 100.00 Silver threshold: upgraded by this sale, earned at Member ×1.
    const crossing = await buy(m.id, 4000)
    expect(components(crossing)).toEqual([['base', 40]])
    expect(crossing.body.loyalty.tierChange).toEqual({ fromTierId: 'member', toTierId: 'silver', toTierName: 'Silver', reason: 'qualified', metric: 10_000 })
    const next = await buy(m.id, 2000)
    expect(components(next)).toEqual([
      ['base', 20],
      ['tier', 10],
    ])
    expect(next.body.loyalty.tierChange).toBeNull()
    const state = await loyalty(m.id)
    expect(state.balance).toBe(60 + 40 + 30)
    expect(state.tierId).toBe('silver')
    const keepUntil = new Date(crossing.body.soldAt)
    keepUntil.setUTCFullYear(keepUntil.getUTCFullYear() + 1)
    expect(state.tier).toEqual({
      metric: 'spend',
      value: 12_000,
      current: { id: 'silver', name: 'Silver', multiplier: '1.5', perks: ['free-delivery-over:2500'] },
      keepUntil: keepUntil.toISOString(),
      next: { id: 'gold', name: 'Gold', threshold: 50_000, remaining: 38_000 },
    })
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('lowers the spend by what a refunded line counted for: nothing for a non-earning line, its eligible amount otherwise', async () => {
    const m = await enrol()
    const sale = await sell(m.id, [{ productId: jacket.id, quantity: 1 }, { productId: cigarettes.id, quantity: 2 }, { productId: giftCard.id, quantity: 1 }], 7140 + 1600 + 2000)
    expect(sale.status, sale.text).toBe(201)
    await buy(m.id, 5000) // 60.00 + 50.00: Silver (earned at Member: 50)
    expect((await loyalty(m.id)).tier).toMatchObject({ value: 11_000, current: { id: 'silver' } })
    // Cigarettes and the gift card never counted: returning them changes neither spend nor points.
    const nonEarning = await api.post(`/api/v1/sales/${sale.body.id}/refunds`, { id: uuid(), lines: [{ lineNo: 2, quantity: 2 }, { lineNo: 3, quantity: 1 }] })
    expect(nonEarning.status, nonEarning.text).toBe(201)
    expect(nonEarning.body.pointsClawedBack).toBe(0)
    expect((await loyalty(m.id)).tier).toMatchObject({ value: 11_000, next: { id: 'gold', remaining: 39_000 } })
    // The jacket counted 60.00 (without its tax) and 60 points.
    const jacketBack = await api.post(`/api/v1/sales/${sale.body.id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] })
    expect(jacketBack.body.pointsClawedBack).toBe(60)
    const state = await loyalty(m.id)
    // The reached tier is kept (until the same date next year) although the spend fell below it.
    expect(state.tier).toMatchObject({ value: 5000, current: { id: 'silver' }, next: { id: 'gold', remaining: 45_000 } })
    expect(state.balance).toBe(60 + 50 - 60)
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it("takes Gold's standing 10 % only off eligible lines (not non-earning products or categories), and not on the sale that reached Gold", async () => {
    const m = await enrol()
    await buy(m.id, 10_000) // Member → Silver
    // Reaching Gold at Silver: no discount yet (Silver has none), earned at Silver ×1.5.
    const toGold = await buy(m.id, 40_000)
    expect(toGold.body.loyalty.tierChange).toMatchObject({ fromTierId: 'silver', toTierId: 'gold', metric: 50_000 })
    expect(toGold.body.loyalty.memberDiscount).toBeNull()
    expect(toGold.body.totals.totalMinor).toBe(40_000)
    expect(toGold.body.loyalty.pointsEarned).toBe(400 + 200)

    const sale = await sell(m.id, [{ productId: cake.id, quantity: 2 }, { productId: cigarettes.id, quantity: 1 }, { productId: giftCard.id, quantity: 1 }], 900 + 800 + 2000)
    expect(sale.status, sale.text).toBe(201)
    expect(sale.body.lines.map((l: any) => l.rewardDiscountMinor)).toEqual([100, 0, 0])
    expect(sale.body.totals.totalMinor).toBe(900 + 800 + 2000)
    expect(sale.body.loyalty.memberDiscount).toEqual({ name: 'Gold member discount', amountMinor: 100 })
    // Earned on what was paid for the eligible cake: 9.00 at Gold ×2.
    expect(components(sale)).toEqual([
      ['base', 9],
      ['tier', 9],
    ])
    const state = await loyalty(m.id)
    expect(state.balance).toBe(100 + 600 + 18)
    expect(state.tier).toMatchObject({ metric: 'spend', value: 50_900, current: { id: 'gold', multiplier: '2', perks: ['free-delivery', 'members-only-rewards'] }, next: null })
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('keeps members-only rewards (reward tierIds) from a member of another tier until they reach it: REWARD_NOT_ENTITLED, nothing written', async () => {
    const goldCake = (await api.post('/api/v1/rewards', { name: 'Gold cake', kind: 'free_product', productId: cake.id, costPoints: 120, tierIds: ['gold'] })).body
    const m = await enrol()
    await buy(m.id, 20_000) // Silver, 200 points: enough points, wrong tier
    expect((await loyalty(m.id)).tierId).toBe('silver')
    expectError(await api.post(`/api/v1/rewards/${goldCake.id}/reservations`, { cartId: uuid(), customerId: m.id }), 422, 'REWARD_NOT_ENTITLED')
    expectError(await api.post(`/api/v1/customers/${m.id}/vouchers`, { id: uuid(), rewardId: goldCake.id }), 422, 'REWARD_NOT_ENTITLED')
    const listed = (await api.get(`/api/v1/rewards?customerId=${m.id}`)).body
    expect(listed.items.find((r: any) => r.id === goldCake.id)).toMatchObject({ tierIds: ['gold'], available: false, unavailableReason: 'not_entitled' })
    expect((await loyalty(m.id)).balance).toBe(200)
    expect((await api.get(`/api/v1/customers/${m.id}/vouchers`)).body.items).toEqual([])

    await buy(m.id, 30_000) // 200.00 + 300.00: Gold (earned at Silver: 300 + 150)
    expect((await api.get(`/api/v1/rewards?customerId=${m.id}`)).body.items.find((r: any) => r.id === goldCake.id)).toMatchObject({ available: true, unavailableReason: null })
    const cart = uuid()
    expect((await api.post(`/api/v1/rewards/${goldCake.id}/reservations`, { cartId: cart, customerId: m.id })).status).toBe(201)
    const sale = await api.post('/api/v1/sales', { id: cart, storeId: shop.storeId, customerId: m.id, lines: [{ productId: cake.id, quantity: 2 }], tenders: [{ kind: 'card', amountMinor: 450 }] })
    expect(sale.status, sale.text).toBe(201)
    // One cake free (5.00), then Gold's 10 % off the 5.00 left.
    expect(sale.body.lines[0].rewardDiscountMinor).toBe(550)
    expect(sale.body.rewards).toMatchObject([{ rewardId: goldCake.id, points: 120, discountMinor: 500, status: 'posted' }])
    expect(sale.body.loyalty.memberDiscount).toEqual({ name: 'Gold member discount', amountMinor: 50 })
    expect(sale.body.loyalty.pointsEarned).toBe(4 + 4)
    expect((await loyalty(m.id)).balance).toBe(200 + 450 - 120 + 8)
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('counts only the last 365 days of spend', async () => {
    const m = await enrol()
    await buy(m.id, 7000)
    shop.clock.advance(200 * DAY)
    await buy(m.id, 2000)
    expect((await loyalty(m.id)).tier).toMatchObject({ value: 9000, current: { id: 'member' }, next: { id: 'silver', remaining: 1000 } })
    // 366 days after the first sale only the second one is in the window; 2000 more do not reach Silver.
    shop.clock.advance(166 * DAY)
    expect((await loyalty(m.id)).tier).toMatchObject({ value: 2000, next: { id: 'silver', remaining: 8000 } })
    const sale = await buy(m.id, 2000)
    expect(sale.body.loyalty.tierChange).toBeNull()
    expect((await loyalty(m.id)).tier).toMatchObject({ value: 4000, current: { id: 'member' }, next: { id: 'silver', remaining: 6000 } })
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })
})

describe.each(DIALECTS)('reward kinds and availability on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  let cake: any
  let coffee: any
  let bakery: any

  const member = async (points: number) => {
    const m = (await api.post('/api/v1/customers', { email: `r${uuid().slice(0, 8)}@example.com` })).body as { id: string }
    const adj = await api.post(`/api/v1/customers/${m.id}/adjustments`, { id: uuid(), points, reasonCode: 'migration', note: 'opening balance' })
    expect(adj.status, adj.text).toBe(201)
    return m
  }
  const balance = async (id: string) => (await api.get(`/api/v1/customers/${id}/loyalty`)).body.balance
  const vouchers = async (id: string) => (await api.get(`/api/v1/customers/${id}/vouchers`)).body.items
  const reserve = (rewardId: string, customerId: string, cartId = uuid()) => api.post(`/api/v1/rewards/${rewardId}/reservations`, { cartId, customerId })
  const sell = (id: string, customerId: string, lines: unknown[], amountMinor: number, extra: object = {}) =>
    api.post('/api/v1/sales', { id, storeId: shop.storeId, customerId, lines, tenders: [{ kind: 'card', amountMinor }], ...extra })
  const ledger = async (id: string) => (await api.get(`/api/v1/customers/${id}/ledger`)).body.items.map((e: any) => [e.kind, e.points])
  const listed = async (customerId: string, rewardId: string) => (await api.get(`/api/v1/rewards?customerId=${customerId}&includeInactive=true`)).body.items.find((r: any) => r.id === rewardId)

  beforeAll(async () => {
    shop = await makeShop(dialect, { rules: defaultRules('points') })
    api = await apiKeyClient(shop, SCOPES)
    bakery = (await api.post('/api/v1/categories', { name: 'Bakery' })).body
    cake = (await api.post('/api/v1/products', { sku: 'CAKE', name: 'Cake', priceMinor: 499, categoryId: bakery.id, taxClassId: shop.taxClassIds.zero, trackStock: false })).body
    coffee = (await api.post('/api/v1/products', { sku: 'COF', name: 'Coffee', priceMinor: 350, taxClassId: shop.taxClassIds.zero, trackStock: false })).body
  })
  afterAll(async () => shop?.close())

  it('refuses an inactive reward with REWARD_UNAVAILABLE, at the register and as a voucher, writing nothing', async () => {
    const body = { name: 'Two euros off', kind: 'amount_off', amountOffMinor: 200, costPoints: 100 }
    const dormant = (await api.post('/api/v1/rewards', { ...body, active: false })).body
    const m = await member(500)
    expectError(await reserve(dormant.id, m.id), 422, 'REWARD_UNAVAILABLE')
    expectError(await api.post(`/api/v1/customers/${m.id}/vouchers`, { id: uuid(), rewardId: dormant.id }), 422, 'REWARD_UNAVAILABLE')
    // Switched off after it was available: refused from then on.
    const live = (await api.post('/api/v1/rewards', body)).body
    expect((await reserve(live.id, m.id)).status).toBe(201)
    const off = await api.patch(`/api/v1/rewards/${live.id}`, { ...body, active: false })
    expect(off.status, off.text).toBe(200)
    expect(off.body.active).toBe(false)
    expectError(await reserve(live.id, m.id), 422, 'REWARD_UNAVAILABLE')
    expectError(await api.post(`/api/v1/customers/${m.id}/vouchers`, { id: uuid(), rewardId: live.id }), 422, 'REWARD_UNAVAILABLE')
    expect((await api.get('/api/v1/rewards')).body.items.map((r: any) => r.id)).not.toContain(live.id)
    expect((await api.get('/api/v1/rewards?includeInactive=false')).body.items.map((r: any) => r.id)).not.toContain(live.id)
    // Listed for the back office with includeInactive, but never as available to the member.
    expect(await listed(m.id, live.id)).toMatchObject({ active: false, available: false, unavailableReason: 'inactive' })
    expectError(await api.get('/api/v1/rewards?includeInactive=maybe'), 400, 'VALIDATION_FAILED')
    expectError(await api.get(`/api/v1/customers/${uuid()}/vouchers`), 404, 'CUSTOMER_NOT_FOUND')
    expect(await balance(m.id)).toBe(500 - 100)
    expect((await vouchers(m.id)).map((v: any) => [v.rewardId, v.status])).toEqual([[live.id, 'pending']])
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('offers a reward only inside its validFrom–validTo window: REWARD_UNAVAILABLE before and after', async () => {
    const start = shop.clock.now.getTime()
    const validFrom = new Date(start + DAY).toISOString()
    const validTo = new Date(start + 3 * DAY).toISOString()
    const spring = (await api.post('/api/v1/rewards', { name: 'Spring offer', kind: 'amount_off', amountOffMinor: 100, costPoints: 50, validFrom, validTo })).body
    expect(spring).toMatchObject({ validFrom, validTo })
    const m = await member(300)

    shop.clock.advance(DAY - 1) // a millisecond before it starts
    expectError(await reserve(spring.id, m.id), 422, 'REWARD_UNAVAILABLE')
    expectError(await api.post(`/api/v1/customers/${m.id}/vouchers`, { id: uuid(), rewardId: spring.id }), 422, 'REWARD_UNAVAILABLE')
    expect(await listed(m.id, spring.id)).toMatchObject({ available: false, unavailableReason: 'not_in_dates' })
    expect(await balance(m.id)).toBe(300)

    shop.clock.advance(1) // validFrom itself
    expect(await listed(m.id, spring.id)).toMatchObject({ available: true, unavailableReason: null })
    const first = await api.post(`/api/v1/customers/${m.id}/vouchers`, { id: uuid(), rewardId: spring.id })
    expect(first.status, first.text).toBe(201)
    shop.clock.advance(2 * DAY) // validTo itself
    expect((await reserve(spring.id, m.id)).status).toBe(201)
    expect(await balance(m.id)).toBe(300 - 50 - 50)

    shop.clock.advance(1) // a millisecond after it ended
    expectError(await reserve(spring.id, m.id), 422, 'REWARD_UNAVAILABLE')
    expectError(await api.post(`/api/v1/customers/${m.id}/vouchers`, { id: uuid(), rewardId: spring.id }), 422, 'REWARD_UNAVAILABLE')
    expect(await listed(m.id, spring.id)).toMatchObject({ available: false, unavailableReason: 'not_in_dates' })
    expect(await balance(m.id)).toBe(200)
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('takes a category percent-off only off that category’s lines (rounded half away from zero)', async () => {
    const bakeryDeal = (await api.post('/api/v1/rewards', { name: '20 % off bakery', kind: 'percent_off', percentOff: '20', categoryId: bakery.id, costPoints: 150 })).body
    const m = await member(300)
    const cart = uuid()
    expect((await reserve(bakeryDeal.id, m.id, cart)).status).toBe(201)
    expect(await balance(m.id)).toBe(150)
    // Cakes 2 × 4.99 = 9.98 → 20 % = 1.996 → 2.00 off; the coffee (no category) keeps its price.
    const sale = await sell(cart, m.id, [{ productId: cake.id, quantity: 2 }, { productId: coffee.id, quantity: 1 }], 798 + 350)
    expect(sale.status, sale.text).toBe(201)
    expect(sale.body.lines.map((l: any) => [l.grossMinor, l.rewardDiscountMinor, l.totalMinor])).toEqual([
      [998, 200, 798],
      [350, 0, 350],
    ])
    expect(sale.body.totals.totalMinor).toBe(1148)
    expect(sale.body.rewards).toMatchObject([{ rewardId: bakeryDeal.id, name: '20 % off bakery', points: 150, discountMinor: 200, status: 'posted' }])
    expect(sale.body.loyalty.pointsEarned).toBe(11)
    expect(await balance(m.id)).toBe(300 - 150 + 11)
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('records a free-delivery reward on an online order without taking anything off the lines, reserved or as a voucher', async () => {
    const delivery = (await api.post('/api/v1/rewards', { name: 'Free delivery', kind: 'free_delivery', costPoints: 200 })).body
    expect(delivery).toMatchObject({ kind: 'free_delivery', costPoints: 200, active: true })
    const m = await member(500)
    const cart = uuid()
    expect((await reserve(delivery.id, m.id, cart)).body).toMatchObject({ rewardId: delivery.id, channel: 'reservation', points: 200, status: 'pending', voucherCode: null })
    expect(await balance(m.id)).toBe(300)
    const order = await sell(cart, m.id, [{ productId: coffee.id, quantity: 2 }], 700, { channel: 'online' })
    expect(order.status, order.text).toBe(201)
    expect(order.body.channel).toBe('online')
    expect(order.body.lines[0].rewardDiscountMinor).toBe(0)
    expect(order.body.totals.totalMinor).toBe(700)
    expect(order.body.rewards).toMatchObject([{ rewardId: delivery.id, name: 'Free delivery', points: 200, discountMinor: 0, status: 'posted' }])
    expect(order.body.loyalty.pointsEarned).toBe(7)

    const voucher = await api.post(`/api/v1/customers/${m.id}/vouchers`, { id: uuid(), rewardId: delivery.id })
    expect(voucher.status, voucher.text).toBe(201)
    expect(voucher.body.voucherCode).toMatch(/^V-[2-9A-HJKMNP-Z]{10}$/)
    const withCode = await sell(uuid(), m.id, [{ productId: coffee.id, quantity: 1 }], 350, { channel: 'online', vouchers: [voucher.body.voucherCode] })
    expect(withCode.status, withCode.text).toBe(201)
    expect(withCode.body.totals.totalMinor).toBe(350)
    expect(withCode.body.rewards).toMatchObject([{ voucherCode: voucher.body.voucherCode, discountMinor: 0, status: 'used' }])
    expect(await balance(m.id)).toBe(500 - 200 + 7 - 200 + 3)
    expect(await ledger(m.id)).toEqual([['earn', 3], ['redeem', -200], ['earn', 7], ['reservation', -200], ['adjust', 500]])

    // At the till there is nothing to deliver: not reserved on a register's cart, not taken as a
    // voucher on a sale at a terminal; the voucher stays usable online.
    const walkIn = await member(500)
    const till = await loginPin(shop.app, shop.terminalId, shop.owner.pin)
    expect((await till.get(`/api/v1/rewards?customerId=${walkIn.id}`)).body.items.find((r: any) => r.id === delivery.id)).toMatchObject({ available: false, unavailableReason: 'online_only' })
    expect((await api.get(`/api/v1/rewards?customerId=${walkIn.id}`)).body.items.find((r: any) => r.id === delivery.id)).toMatchObject({ available: true })
    expectError(await till.post(`/api/v1/rewards/${delivery.id}/reservations`, { cartId: uuid(), customerId: walkIn.id }), 422, 'REWARD_NOT_APPLICABLE')
    const second = (await api.post(`/api/v1/customers/${walkIn.id}/vouchers`, { id: uuid(), rewardId: delivery.id })).body
    expect(second.voucherCode).toMatch(/^V-/)
    expectError(await sell(uuid(), walkIn.id, [{ productId: coffee.id, quantity: 1 }], 350, { channel: 'pos', terminalId: shop.terminalId, vouchers: [second.voucherCode] }), 422, 'REWARD_NOT_APPLICABLE')
    expect(await balance(walkIn.id)).toBe(300)
    expect((await vouchers(walkIn.id)).find((v: any) => v.voucherCode === second.voucherCode)).toMatchObject({ status: 'issued' })
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('fulfils an experience with a voucher code: points and stock taken at issue, never a discount at the till', async () => {
    const workshop = (await api.post('/api/v1/rewards', { name: 'Barista workshop', description: 'Two hours behind the bar', kind: 'experience', costPoints: 400, stock: 2 })).body
    expect(workshop).toMatchObject({ kind: 'experience', costPoints: 400, stock: 2 })
    const m = await member(1000)
    const issued = await api.post(`/api/v1/customers/${m.id}/vouchers`, { id: uuid(), rewardId: workshop.id })
    expect(issued.status, issued.text).toBe(201)
    expect(issued.body).toMatchObject({ rewardId: workshop.id, channel: 'voucher', points: 400, status: 'issued' })
    expect(issued.body.voucherCode).toMatch(/^V-[2-9A-HJKMNP-Z]{10}$/)
    expect(await balance(m.id)).toBe(600)
    expect((await api.get('/api/v1/rewards')).body.items.find((r: any) => r.id === workshop.id).stock).toBe(1)
    expect((await vouchers(m.id)).map((v: any) => [v.voucherCode, v.status])).toEqual([[issued.body.voucherCode, 'issued']])

    // The code is for the event, not the till: presenting it at checkout is refused and it stays valid.
    const atTill = await sell(uuid(), m.id, [{ productId: coffee.id, quantity: 1 }], 350, { vouchers: [issued.body.voucherCode] })
    expectError(atTill, 422, 'REWARD_NOT_APPLICABLE')
    // Nor can the cashier apply it to a cart: nothing is reserved for a reward the sale cannot take.
    expectError(await reserve(workshop.id, m.id), 422, 'REWARD_NOT_APPLICABLE')
    expect((await vouchers(m.id)).map((v: any) => [v.voucherCode, v.status])).toEqual([[issued.body.voucherCode, 'issued']])
    expect(await balance(m.id)).toBe(600)
    expect((await api.get('/api/v1/rewards')).body.items.find((r: any) => r.id === workshop.id).stock).toBe(1)
    expect(await ledger(m.id)).toEqual([['redeem', -400], ['adjust', 1000]])
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })
})

describe.each(DIALECTS)('tier figures through refunds on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  const rules: ProgramRules = {
    ...defaultRules('points'),
    tierMetric: 'spend',
    pointsTender: { pointsPerUnit: 100 },
    tiers: [
      { id: 'member', name: 'Member', threshold: 0, multiplier: '1' },
      { id: 'silver', name: 'Silver', threshold: 100_000, multiplier: '1' },
    ],
  }
  beforeAll(async () => {
    shop = await makeShop(dialect, { rules })
    api = await apiKeyClient(shop, SCOPES)
  })
  afterAll(async () => shop?.close())

  it('counts what a sale paid partly with points still counts after a line is returned, never the line’s full price', async () => {
    const m = (await api.post('/api/v1/customers', { email: `spend-${uuid().slice(0, 8)}@example.com` })).body
    expect((await api.post(`/api/v1/customers/${m.id}/adjustments`, { id: uuid(), points: 1000, reasonCode: 'migration', note: 'opening balance' })).status).toBe(201)
    const item = (name: string, unitPriceMinor: number) => ({ name, quantity: 1, unitPriceMinor, taxClassId: shop.taxClassIds.zero })
    // 50.00, of which 10.00 in points: the engine counts 40.00 of eligible spend (the points part
    // earns and qualifies for nothing), spread over the lines: 24.00 + 16.00.
    const sale = await api.post('/api/v1/sales', { id: uuid(), storeId: shop.storeId, customerId: m.id, lines: [item('Jacket', 3000), item('Scarf', 2000)], tenders: [{ kind: 'points', amountMinor: 1000 }, { kind: 'card', amountMinor: 4000 }] })
    expect(sale.status, sale.text).toBe(201)
    const tierValue = async () => (await api.get(`/api/v1/customers/${m.id}/loyalty`)).body.tier.value as number
    expect(await tierValue()).toBe(4000)
    const refund = await api.post(`/api/v1/sales/${sale.body.id}/refunds`, { id: uuid(), lines: [{ lineNo: 2, quantity: 1 }] })
    expect(refund.status, refund.text).toBe(201)
    // What the kept jacket counts for, as the engine recomputes it with the points kept on the sale.
    const kept = await shop.ctx.db.kysely.selectFrom('refunds').select(['kept_eligible_minor', 'kept_qualifying_points']).where('id', '=', refund.body.id).executeTakeFirstOrThrow()
    expect(kept.kept_eligible_minor).toBeGreaterThan(0)
    expect(kept.kept_eligible_minor).toBeLessThanOrEqual(3000)
    expect(await tierValue()).toBe(Number(kept.kept_eligible_minor))
    // The old arithmetic, 4000 − the scarf's 2000 of priced eligible amount, is not it.
    expect(await tierValue()).not.toBe(2000)
    // Returning the jacket too leaves nothing, not a negative figure.
    expect((await api.post(`/api/v1/sales/${sale.body.id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] })).status).toBe(201)
    expect(await tierValue()).toBe(0)
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })
})
