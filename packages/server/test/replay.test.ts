import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRules, type ProgramRules } from '@patron/core'
import { addStaff, apiKeyClient, DIALECTS, loginPassword, makeShop, type Client, type TestShop } from './harness'
import { uuid } from './support'
import { verifyLedger } from '../src/features/loyalty/verify-ledger'

const TABLES = ['customers', 'sales', 'refunds', 'ledger_transfers', 'lots', 'reward_redemptions', 'rewards', 'referrals', 'program_versions', 'cash_movements', 'audit_log', 'outbox', 'idempotency_records'] as const

/** Everything a write could have added or changed: row counts, the sum of balances and of what lots hold. */
async function snapshot(shop: TestShop) {
  const db = shop.ctx.db.kysely
  const out: Record<string, number> = {}
  for (const t of TABLES) out[t] = Number((await db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  out.balances = Number((await db.selectFrom('loyalty_accounts').select(sql<number>`coalesce(sum(balance), 0)`.as('b')).executeTakeFirstOrThrow()).b)
  out.remaining = Number((await db.selectFrom('lots').select(sql<number>`coalesce(sum(remaining), 0)`.as('r')).executeTakeFirstOrThrow()).r)
  out.pending = Number((await db.selectFrom('reward_redemptions').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow()).n)
  return out
}

const rules: ProgramRules = {
  ...defaultRules('points'),
  referral: { referrerPoints: 100, refereePoints: 50, minEligibleMinor: 500, maxPerReferrerPerMonth: 5 },
  expiry: { kind: 'rolling', months: 12 },
}

describe.each(DIALECTS)('replaying a loyalty write on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  let owner: Client
  let manager: Client
  let coffee: { id: string }
  let reward: { id: string }

  /** Sends the write twice: the replay answers the same, marked as a replay, and changes nothing. */
  async function twice(client: Client, url: string, body: unknown, opts: { key?: boolean } = {}) {
    const headers: Record<string, string> = opts.key === false ? {} : { 'idempotency-key': uuid() }
    const first = await client.post(url, body, headers)
    expect(first.status, `${url}: ${first.text}`).toBeLessThan(300)
    const before = await snapshot(shop)
    const replay = await client.post(url, body, headers)
    expect(replay.status, url).toBe(first.status)
    expect(replay.body, url).toEqual(first.body)
    expect(await snapshot(shop), url).toEqual(before)
    return first.body
  }

  beforeAll(async () => {
    shop = await makeShop(dialect, { rules })
    await addStaff(shop)
    owner = await loginPassword(shop.app, shop.owner.email, shop.owner.password)
    manager = await loginPassword(shop.app, 'manager@test.shop', 'manager-password')
    api = await apiKeyClient(shop, ['catalog:write', 'catalog:read', 'customers:write', 'customers:read', 'sales:write', 'sales:read', 'refunds:write', 'loyalty:read', 'loyalty:write'])
    coffee = (await api.post('/api/v1/products', { sku: 'COF', name: 'Coffee', priceMinor: 350, taxClassId: shop.taxClassIds.zero })).body
  })
  afterAll(async () => shop?.close())

  it('enrolment, referral, adjustment, reward, reservation, release, voucher, sale, refund, void and publishing each happen once', async () => {
    const referrer = await twice(api, '/api/v1/customers', { email: 'referrer@example.com' })
    const friend = await twice(api, '/api/v1/customers', { email: 'friend@example.com', referralCode: referrer.referralCode })
    const late = (await api.post('/api/v1/customers', { email: 'late@example.com' })).body
    await twice(api, `/api/v1/customers/${late.id}/referral`, { code: referrer.referralCode })

    // Writes with their own client id are idempotent by it, with or without the header.
    const adjustment = { id: uuid(), points: 500, reasonCode: 'goodwill', note: 'replay test' }
    await twice(manager, `/api/v1/customers/${friend.id}/adjustments`, adjustment, { key: false })
    reward = await twice(api, '/api/v1/rewards', { name: 'Free coffee', kind: 'free_product', productId: coffee.id, priceCeilingMinor: 400, costPoints: 100 })

    const cart = uuid()
    const held = await twice(api, `/api/v1/rewards/${reward.id}/reservations`, { cartId: cart, customerId: friend.id })
    expect(held.status).toBe('pending')
    const other = (await api.post(`/api/v1/rewards/${reward.id}/reservations`, { cartId: cart, customerId: friend.id })).body
    await twice(api, `/api/v1/reward-reservations/${other.id}/release`, {})
    await twice(api, `/api/v1/reward-reservations/${other.id}/release`, {}, { key: false })
    await twice(api, `/api/v1/customers/${friend.id}/vouchers`, { id: uuid(), rewardId: reward.id }, { key: false })

    const sale = { id: cart, storeId: shop.storeId, customerId: friend.id, lines: [{ productId: coffee.id, quantity: 3 }], tenders: [{ kind: 'card', amountMinor: 700 }] }
    const sold = await twice(api, '/api/v1/sales', sale, { key: false })
    expect(sold.loyalty.referral).toMatchObject({ status: 'rewarded' })
    expect(sold.rewards).toMatchObject([{ status: 'posted', points: 100 }])
    await twice(api, `/api/v1/sales/${cart}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] }, { key: false })
    const voided = uuid()
    await api.post(`/api/v1/rewards/${reward.id}/reservations`, { cartId: voided, customerId: friend.id })
    await twice(api, `/api/v1/sales/${voided}/void`, { storeId: shop.storeId, reason: 'customer left' }, { key: false })

    const draft = (await owner.get('/api/v1/loyalty/program/draft')).body.rules
    expect((await owner.request('PUT', '/api/v1/loyalty/program/draft', { ...draft, baseRate: '2' })).status).toBe(200)
    const published = await twice(owner, '/api/v1/loyalty/program/publish', {})
    expect(published.version).toBe(2)
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })
})
