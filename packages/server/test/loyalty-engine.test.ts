import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRules, type ProgramRules } from '@patron/core'
import { addStaff, apiKeyClient, DIALECTS, loginPassword, loginPin, makeShop, type Client, type TestShop } from './harness'
import { verifyLedger } from '../src/features/loyalty/verify-ledger'
import { runDailyJobs } from '../src/jobs/daily'

const uuid = () => crypto.randomUUID()
const DAY = 86_400_000

const rules: ProgramRules = {
  ...defaultRules('points'),
  tierMetric: 'points',
  tiers: [
    { id: 'member', name: 'Member', threshold: 0, multiplier: '1' },
    { id: 'gold', name: 'Gold', threshold: 100, multiplier: '1.5' },
  ],
  referral: { referrerPoints: 100, refereePoints: 50, minEligibleMinor: 1000, maxPerReferrerPerMonth: 1 },
  expiry: { kind: 'rolling', months: 12 },
}

describe.each(DIALECTS)('tiers, referrals, adjustments and expiry on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  let zero: string

  /** An online sale of one zero-rated custom item: eligible = amount, so points are easy to read. */
  const buy = (customerId: string, amountMinor: number) =>
    api.post('/api/v1/sales', {
      id: uuid(),
      storeId: shop.storeId,
      customerId,
      lines: [{ name: 'Voucher-free item', quantity: 1, unitPriceMinor: amountMinor, taxClassId: zero }],
      tenders: [{ kind: 'card', amountMinor }],
    })
  const balance = async (id: string) => (await api.get(`/api/v1/customers/${id}/loyalty`)).body

  beforeAll(async () => {
    shop = await makeShop(dialect, { rules })
    zero = shop.taxClassIds.zero
    api = await apiKeyClient(shop, ['customers:write', 'customers:read', 'sales:write', 'sales:read', 'loyalty:read', 'loyalty:write'])
  })
  afterAll(async () => shop?.close())

  it('earns the crossing sale at the old tier, the next at the new one, and reviews down after a year', async () => {
    const m = (await api.post('/api/v1/customers', { phone: '+4917000000001' })).body
    const first = await buy(m.id, 8000)
    expect(first.body.loyalty.pointsEarned).toBe(80)
    expect((await balance(m.id)).tier.current.id).toBe('member')
    const crossing = await buy(m.id, 3000)
    expect(crossing.body.loyalty.pointsEarned).toBe(30)
    expect(crossing.body.loyalty.tierChange).toMatchObject({ fromTierId: 'member', toTierId: 'gold', reason: 'qualified', metric: 110 })
    const next = await buy(m.id, 1000)
    expect(next.body.loyalty.components.map((c: any) => [c.code, c.points])).toEqual([
      ['base', 10],
      ['tier', 5],
    ])
    const state = await balance(m.id)
    expect(state.balance).toBe(125)
    expect(state.tier).toMatchObject({ metric: 'points', value: 125, current: { id: 'gold' }, next: null })

    // Kept for a year; after that, with no purchases in the window, the review moves down.
    shop.clock.advance(200 * DAY)
    await runDailyJobs(shop.ctx)
    expect((await balance(m.id)).tierId).toBe('gold')
    shop.clock.advance(170 * DAY)
    await runDailyJobs(shop.ctx)
    expect((await balance(m.id)).tierId).toBe('member')
    const events = (await api.get(`/api/v1/customers/${m.id}/tier-events`)).body.items
    expect(events.map((e: any) => [e.reason, e.toTierId])).toEqual([
      ['review', 'member'],
      ['qualified', 'gold'],
      ['qualified', 'member'],
    ])
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('rewards both members after the referee’s first qualifying sale, once, and records rejections', async () => {
    const a = (await api.post('/api/v1/customers', { email: 'referrer@example.com' })).body
    const b = await api.post('/api/v1/customers', { email: 'friend@example.com', referralCode: a.referralCode })
    expect(b.status).toBe(201)
    expect((await buy(b.body.id, 500)).body.loyalty.referral).toBeNull() // below the 10.00 minimum
    const qualifying = await buy(b.body.id, 2000)
    expect(qualifying.body.loyalty.referral).toMatchObject({ status: 'rewarded', referrerPoints: 100, refereePoints: 50 })
    expect((await balance(b.body.id)).balance).toBe(5 + 20 + 50)
    expect((await balance(a.id)).balance).toBe(100)
    expect((await buy(b.body.id, 2000)).body.loyalty.referral).toBeNull()

    // A second referral the same month goes over the referrer's limit of one.
    const c = (await api.post('/api/v1/customers', { email: 'friend2@example.com', referralCode: a.referralCode })).body
    const over = await buy(c.id, 2000)
    expect(over.body.loyalty.referral).toMatchObject({ status: 'rejected', reason: 'referrer_monthly_limit' })
    expect((await balance(a.id)).balance).toBe(100)

    // A member's own code, and an unknown code: clear 4xx, and the self-referral is recorded.
    const self = await api.post(`/api/v1/customers/${a.id}/referral`, { code: a.referralCode })
    expect(self.status).toBe(422)
    expect(self.body.error.code).toBe('SELF_REFERRAL')
    const unknown = await api.post('/api/v1/customers', { email: 'x@example.com', referralCode: 'NOPE2345' })
    expect(unknown.body.error.code).toBe('UNKNOWN_REFERRAL_CODE')
    expect((await api.get('/api/v1/customers?q=x@example.com')).body.items).toHaveLength(0)
    await new Promise((r) => setTimeout(r, 50))
    const referrals = (await api.get(`/api/v1/customers/${a.id}/referrals`)).body.items
    expect(referrals.map((r: any) => r.reason).sort()).toEqual([null, 'referrer_monthly_limit', 'self_referral'])
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('adjusts by hand with a reason, within the daily limit, never below zero, audited and idempotent', async () => {
    const { manager } = await addStaff(shop)
    const boss = await loginPassword(shop.app, 'manager@test.shop', 'manager-password')
    const cashier = await loginPin(shop.app, shop.terminalId, '1234')
    const m = (await api.post('/api/v1/customers', { phone: '+4917000000099' })).body
    const body = { id: uuid(), points: 500, reasonCode: 'goodwill', note: 'Spilled coffee, sorry' }
    const ok = await boss.post(`/api/v1/customers/${m.id}/adjustments`, body)
    expect(ok.status).toBe(201)
    expect(ok.body.balance).toBe(500)
    const again = await boss.post(`/api/v1/customers/${m.id}/adjustments`, body)
    expect(again.status).toBe(200)
    expect((await balance(m.id)).balance).toBe(500)
    const over = await boss.post(`/api/v1/customers/${m.id}/adjustments`, { id: uuid(), points: 600, reasonCode: 'goodwill', note: 'More' })
    expect(over.body.error.code).toBe('ADJUSTMENT_LIMIT_EXCEEDED')
    expect((await cashier.post(`/api/v1/customers/${m.id}/adjustments`, { id: uuid(), points: 1, reasonCode: 'other', note: 'nope' })).status).toBe(403)
    const below = await api.post(`/api/v1/customers/${m.id}/adjustments`, { id: uuid(), points: -501, reasonCode: 'correction', note: 'Too much' })
    expect(below.body.error.code).toBe('INSUFFICIENT_POINTS')
    const noNote = await boss.post(`/api/v1/customers/${m.id}/adjustments`, { id: uuid(), points: 5, reasonCode: 'goodwill' })
    expect(noNote.status).toBe(400)
    const audit = await shop.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'points.adjusted').where('actor_id', '=', manager.id).execute()
    expect(audit).toHaveLength(1)
    expect((await balance(m.id)).balance).toBe(500)
  })

  it('warns ahead of expiry and expires due lots in the daily job, once', async () => {
    const m = (await api.post('/api/v1/customers', { phone: '+4917000000123' })).body
    await buy(m.id, 4200)
    expect((await balance(m.id)).balance).toBe(42)
    shop.clock.advance(350 * DAY)
    await runDailyJobs(shop.ctx)
    const warned = await shop.ctx.db.kysely.selectFrom('outbox').selectAll().where('topic', '=', 'points.expiring').where('aggregate_id', '=', m.id).execute()
    expect(warned).toHaveLength(1)
    expect(JSON.parse(warned[0].payload).points).toBe(42)
    shop.clock.advance(20 * DAY)
    await runDailyJobs(shop.ctx)
    await runDailyJobs(shop.ctx)
    expect((await balance(m.id)).balance).toBe(0)
    const ledger = (await api.get(`/api/v1/customers/${m.id}/ledger`)).body.items
    expect(ledger.map((e: any) => [e.kind, e.points])).toEqual([
      ['expire', -42],
      ['earn', 42],
    ])
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })
})

describe.each(DIALECTS)('inactivity expiry on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  beforeAll(async () => {
    shop = await makeShop(dialect, { rules: { ...defaultRules('points'), expiry: { kind: 'inactivity', months: 6, warnDaysBefore: 14 } } })
    api = await apiKeyClient(shop, ['customers:write', 'sales:write', 'loyalty:read'])
  })
  afterAll(async () => shop?.close())

  it('warns the policy’s days ahead, once, and expires the whole balance after six quiet months', async () => {
    const m = (await api.post('/api/v1/customers', { phone: '+4917000000555' })).body
    const sale = await api.post('/api/v1/sales', { id: uuid(), storeId: shop.storeId, customerId: m.id, lines: [{ name: 'Item', quantity: 1, unitPriceMinor: 3000, taxClassId: shop.taxClassIds.zero }], tenders: [{ kind: 'card', amountMinor: 3000 }] })
    expect(sale.body.loyalty.pointsEarned).toBe(30)
    const warnings = () => shop.ctx.db.kysely.selectFrom('outbox').select('payload').where('topic', '=', 'points.expiring').where('aggregate_id', '=', m.id).execute()
    shop.clock.advance(150 * DAY)
    await runDailyJobs(shop.ctx)
    expect(await warnings()).toHaveLength(0)
    shop.clock.advance(22 * DAY)
    await runDailyJobs(shop.ctx)
    shop.clock.advance(DAY)
    await runDailyJobs(shop.ctx)
    expect(await warnings()).toHaveLength(1)
    expect((await api.get(`/api/v1/customers/${m.id}/loyalty`)).body.balance).toBe(30)
    shop.clock.advance(20 * DAY)
    await runDailyJobs(shop.ctx)
    expect((await api.get(`/api/v1/customers/${m.id}/loyalty`)).body.balance).toBe(0)
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })
})
