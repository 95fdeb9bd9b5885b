import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRules } from '@patron/core'
import { apiKeyClient, DIALECTS, makeShop, type Client, type TestShop } from './harness'
import { verifyLedger } from '../src/features/loyalty/verify-ledger'
import { expireVouchers, releaseExpiredReservations } from '../src/features/rewards/redeem-reward'

const uuid = () => crypto.randomUUID()

describe.each(DIALECTS)('rewards, reservations and vouchers on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  let coffee: any
  let cake: any
  let freeCoffee: any

  const member = async (points: number) => {
    const m = (await api.post('/api/v1/customers', { email: `m${uuid().slice(0, 8)}@example.com` })).body
    if (points > 0) {
      const adj = await api.post(`/api/v1/customers/${m.id}/adjustments`, { id: uuid(), points, reasonCode: 'migration', note: 'opening balance' })
      expect(adj.status).toBe(201)
    }
    return m
  }
  const balance = async (id: string) => (await api.get(`/api/v1/customers/${id}/loyalty`)).body.balance
  const sell = (id: string, customerId: string, lines: any[], amountMinor: number, extra: object = {}) =>
    api.post('/api/v1/sales', { id, storeId: shop.storeId, customerId, lines, tenders: [{ kind: 'card', amountMinor }], ...extra })

  beforeAll(async () => {
    shop = await makeShop(dialect, { rules: { ...defaultRules('points'), tiers: [{ id: 'base', name: 'Base', threshold: 0, multiplier: '1' }, { id: 'vip', name: 'VIP', threshold: 100000, multiplier: '2', discountPercent: '10' }] } })
    api = await apiKeyClient(shop, ['catalog:write', 'catalog:read', 'customers:write', 'customers:read', 'sales:write', 'sales:read', 'refunds:write', 'loyalty:read', 'loyalty:write'])
    coffee = (await api.post('/api/v1/products', { sku: 'COF', name: 'Coffee', priceMinor: 350, taxClassId: shop.taxClassIds.zero })).body
    cake = (await api.post('/api/v1/products', { sku: 'CAKE', name: 'Cake', priceMinor: 500, taxClassId: shop.taxClassIds.zero })).body
    freeCoffee = (await api.post('/api/v1/rewards', { name: 'Free coffee', kind: 'free_product', productId: coffee.id, priceCeilingMinor: 400, costPoints: 100 })).body
  })
  afterAll(async () => shop?.close())

  it('reserves at once, discounts the line, posts with the sale, and gives the points back when the line is returned', async () => {
    const m = await member(250)
    const cart = uuid()
    shop.clock.advance(1000)
    const r = await api.post(`/api/v1/rewards/${freeCoffee.id}/reservations`, { cartId: cart, customerId: m.id })
    expect(r.status).toBe(201)
    shop.clock.advance(1000)
    expect(r.body.status).toBe('pending')
    expect(await balance(m.id)).toBe(150)
    const sale = await sell(cart, m.id, [{ productId: coffee.id, quantity: 2 }, { productId: cake.id, quantity: 1 }], 850)
    expect(sale.status).toBe(201)
    expect(sale.body.lines[0].rewardDiscountMinor).toBe(350)
    expect(sale.body.totals.totalMinor).toBe(850)
    expect(sale.body.rewards).toMatchObject([{ name: 'Free coffee', points: 100, discountMinor: 350, status: 'posted' }])
    // The answer built from the rows just written is the sale as stored.
    expect((await api.get(`/api/v1/sales/${cart}`)).body).toEqual(sale.body)
    const receipt = await api.get(`/api/v1/sales/${cart}/receipt?format=html`)
    expect(receipt.text).toMatch(/Free coffee.*\(100 points\)/s)
    expect(sale.body.loyalty.pointsEarned).toBe(8)
    expect(await balance(m.id)).toBe(158)
    const ledger = (await api.get(`/api/v1/customers/${m.id}/ledger`)).body.items.map((e: any) => [e.kind, e.points])
    expect(ledger).toEqual([['earn', 8], ['reservation', -100], ['adjust', 250]])
    // Returning the rewarded coffees (the whole line) gives the reward's 100 points back.
    const refund = await api.post(`/api/v1/sales/${cart}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 2 }] })
    expect(refund.status).toBe(201)
    expect(refund.body.totalMinor).toBe(350)
    expect(refund.body.pointsReturned).toBe(100)
    expect(refund.body.rewardsRestored).toEqual([{ rewardId: freeCoffee.id, name: 'Free coffee', points: 100 }])
    expect((await api.get(`/api/v1/sales/${cart}/refunds`)).body.items[0].rewardsRestored).toEqual(refund.body.rewardsRestored)
    expect(await balance(m.id)).toBe(158 + 100 - (8 - 5))
  })

  it('releases the points when the cart is voided or the reservation times out', async () => {
    const m = await member(300)
    const cart = uuid()
    await api.post(`/api/v1/rewards/${freeCoffee.id}/reservations`, { cartId: cart, customerId: m.id })
    expect(await balance(m.id)).toBe(200)
    expect((await api.post(`/api/v1/sales/${cart}/void`, { storeId: shop.storeId, reason: 'customer left' })).status).toBe(200)
    expect(await balance(m.id)).toBe(300)
    const cart2 = uuid()
    await api.post(`/api/v1/rewards/${freeCoffee.id}/reservations`, { cartId: cart2, customerId: m.id })
    expect(await balance(m.id)).toBe(200)
    shop.clock.advance(31 * 60_000)
    expect(await releaseExpiredReservations(shop.ctx)).toBeGreaterThanOrEqual(1)
    expect(await balance(m.id)).toBe(300)
    // The cart that lost its reservation cannot complete with the reward any more: it just has none.
    const late = await sell(cart2, m.id, [{ productId: coffee.id, quantity: 1 }], 350)
    expect(late.status).toBe(201)
    expect(late.body.rewards).toEqual([])
  })

  it('refuses what the member cannot afford, is not entitled to, or what is out of stock or over the limit — writing nothing', async () => {
    const poor = await member(50)
    const cart = uuid()
    const r1 = await api.post(`/api/v1/rewards/${freeCoffee.id}/reservations`, { cartId: cart, customerId: poor.id })
    expect(r1.status).toBe(422)
    expect(r1.body.error.code).toBe('INSUFFICIENT_POINTS')
    const vipOnly = (await api.post('/api/v1/rewards', { name: 'VIP cake', kind: 'free_product', productId: cake.id, costPoints: 10, tierIds: ['vip'] })).body
    const r2 = await api.post(`/api/v1/rewards/${vipOnly.id}/reservations`, { cartId: cart, customerId: poor.id })
    expect(r2.body.error.code).toBe('REWARD_NOT_ENTITLED')
    const scarce = (await api.post('/api/v1/rewards', { name: 'Last mug', kind: 'amount_off', amountOffMinor: 100, costPoints: 10, stock: 1, limitPerMember: 5, limitPeriod: 'month' })).body
    expect((await api.post(`/api/v1/rewards/${scarce.id}/reservations`, { cartId: cart, customerId: poor.id })).status).toBe(201)
    const r3 = await api.post(`/api/v1/rewards/${scarce.id}/reservations`, { cartId: uuid(), customerId: poor.id })
    expect(r3.body.error.code).toBe('REWARD_OUT_OF_STOCK')
    const once = (await api.post('/api/v1/rewards', { name: 'Once a month', kind: 'amount_off', amountOffMinor: 50, costPoints: 1, limitPerMember: 1, limitPeriod: 'month' })).body
    expect((await api.post(`/api/v1/rewards/${once.id}/reservations`, { cartId: uuid(), customerId: poor.id })).status).toBe(201)
    const r4 = await api.post(`/api/v1/rewards/${once.id}/reservations`, { cartId: uuid(), customerId: poor.id })
    expect(r4.body.error.code).toBe('REWARD_LIMIT_REACHED')
    expect(await balance(poor.id)).toBe(50 - 10 - 1)
    const list = (await api.get(`/api/v1/rewards?customerId=${poor.id}`)).body
    expect(list.items.find((w: any) => w.id === freeCoffee.id)).toMatchObject({ available: false, unavailableReason: 'not_enough_points' })
  })

  it('lets exactly as many of 100 concurrent redemptions succeed as the balance covers, never below zero', async () => {
    const m = await member(1000)
    const attempts = await Promise.all(Array.from({ length: 100 }, () => api.post(`/api/v1/rewards/${freeCoffee.id}/reservations`, { cartId: uuid(), customerId: m.id })))
    const ok = attempts.filter((a) => a.status === 201)
    expect(ok).toHaveLength(10)
    expect(attempts.filter((a) => a.status !== 201).every((a) => a.body.error.code === 'INSUFFICIENT_POINTS')).toBe(true)
    expect(await balance(m.id)).toBe(0)
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('turns a reward into a voucher, uses it once, and restores an unused one when it expires', async () => {
    const m = await member(300)
    const v = await api.post(`/api/v1/customers/${m.id}/vouchers`, { id: uuid(), rewardId: freeCoffee.id })
    expect(v.status).toBe(201)
    expect(v.body.voucherCode).toMatch(/^V-/)
    expect(await balance(m.id)).toBe(200)
    const sale = await sell(uuid(), m.id, [{ productId: coffee.id, quantity: 1 }, { productId: cake.id, quantity: 1 }], 500, { vouchers: [v.body.voucherCode] })
    expect(sale.status).toBe(201)
    expect(sale.body.rewards[0]).toMatchObject({ voucherCode: v.body.voucherCode, discountMinor: 350, status: 'used' })
    const again = await sell(uuid(), m.id, [{ productId: coffee.id, quantity: 1 }], 0, { vouchers: [v.body.voucherCode] })
    expect(again.body.error.code).toBe('VOUCHER_NOT_VALID')
    const unused = await api.post(`/api/v1/customers/${m.id}/vouchers`, { id: uuid(), rewardId: freeCoffee.id })
    const before = await balance(m.id)
    shop.clock.advance(91 * 86_400_000)
    expect(await expireVouchers(shop.ctx)).toBe(1)
    expect(await balance(m.id)).toBe(before + 100)
    const mine = (await api.get(`/api/v1/customers/${m.id}/vouchers`)).body.items
    expect(mine.find((x: any) => x.id === unused.body.id).status).toBe('expired')
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it("takes the tier's standing discount off eligible lines only, and earns on what was paid", async () => {
    const vip = await member(0)
    await shop.ctx.db.kysely.updateTable('loyalty_accounts').set({ tier_id: 'vip' }).where('customer_id', '=', vip.id).execute()
    const gift = (await api.post('/api/v1/products', { sku: 'GIFT', name: 'Gift card', priceMinor: 2000, taxClassId: shop.taxClassIds.zero, nonEarning: true, trackStock: false })).body
    const sale = await sell(uuid(), vip.id, [{ productId: cake.id, quantity: 2 }, { productId: gift.id, quantity: 1 }], 900 + 2000)
    expect(sale.status).toBe(201)
    expect(sale.body.lines.map((l: any) => l.rewardDiscountMinor)).toEqual([100, 0])
    expect(sale.body.loyalty.memberDiscount).toEqual({ name: 'VIP member discount', amountMinor: 100 })
    // 9.00 eligible at VIP ×2: base 9 + tier 9.
    expect(sale.body.loyalty.pointsEarned).toBe(18)
  })
})
