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
    api = await apiKeyClient(shop, ['customers:write', 'customers:read', 'sales:write', 'sales:read', 'loyalty:read', 'loyalty:write', 'refunds:write'])
  })
  afterAll(async () => shop?.close())

  it('refunds with the tier the sale was earned at, not the tier the member has since reached', async () => {
    const m = (await api.post('/api/v1/customers', { phone: '+4917000000456' })).body
    const early = await buy(m.id, 9000) // 90 at Member
    const crossing = await buy(m.id, 2000) // 20 at Member, lifts to Gold
    expect(crossing.body.loyalty.tierChange).toMatchObject({ toTierId: 'gold' })
    const gold = await buy(m.id, 2000) // 20 + 10 at Gold
    expect(gold.body.loyalty.pointsEarned).toBe(30)
    const refundEarly = await api.post(`/api/v1/sales/${early.body.id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] })
    expect(refundEarly.status, refundEarly.text).toBe(201)
    expect(refundEarly.body.pointsClawedBack).toBe(90) // not 135 at Gold ×1.5
    const refundGold = await api.post(`/api/v1/sales/${gold.body.id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] })
    expect(refundGold.body.pointsClawedBack).toBe(30)
    expect((await balance(m.id)).balance).toBe(20)
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

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

  it('refuses the three kinds of self-referral and an existing member, recording each, writing nothing else', async () => {
    const codeOf = async (body: Record<string, unknown>) => (await api.post('/api/v1/customers', body)).body as { id: string; referralCode: string }
    // Same email (any case) or same phone as the referrer: refused at enrolment; no member is created.
    const byEmail = await codeOf({ email: 'twin@example.com' })
    const sameEmail = await api.post('/api/v1/customers', { email: 'Twin@Example.com', referralCode: byEmail.referralCode })
    const byPhone = await codeOf({ phone: '+4917000000777' })
    const samePhone = await api.post('/api/v1/customers', { phone: '+49 170 00000777', referralCode: byPhone.referralCode })
    for (const r of [sameEmail, samePhone]) expect(r.status).toBe(422)
    for (const r of [sameEmail, samePhone]) expect(r.body.error).toMatchObject({ code: 'SELF_REFERRAL', details: { field: 'referralCode' } })
    expect((await api.get('/api/v1/customers?q=twin@example.com')).body.items).toHaveLength(1)

    // Same payment reference: the referee's first qualifying sale is paid with a card the referrer
    // has paid with; the referral is rejected and nobody gets referral points.
    const payer = await codeOf({ email: 'payer@example.com' })
    const card = 'tok_4242_ab12cd'
    const pay = (customerId: string, amountMinor: number) =>
      api.post('/api/v1/sales', { id: uuid(), storeId: shop.storeId, customerId, lines: [{ name: 'Item', quantity: 1, unitPriceMinor: amountMinor, taxClassId: zero }], tenders: [{ kind: 'card', amountMinor, reference: card }] })
    expect((await pay(payer.id, 1500)).status).toBe(201)
    const alias = await codeOf({ email: 'payer.alias@example.com', referralCode: payer.referralCode })
    const sale = await pay(alias.id, 2500)
    expect(sale.status).toBe(201)
    expect(sale.body.loyalty.referral).toMatchObject({ status: 'rejected', reason: 'self_referral_payment', referrerPoints: 0, refereePoints: 0 })
    expect((await balance(alias.id)).balance).toBe(25)
    expect((await balance(payer.id)).balance).toBe(15)

    // A member who has bought before cannot name a referrer afterwards.
    const referrer = await codeOf({ email: 'honest@example.com' })
    const regular = await codeOf({ email: 'regular@example.com' })
    await buy(regular.id, 1200)
    const late = await api.post(`/api/v1/customers/${regular.id}/referral`, { code: referrer.referralCode })
    expect(late.status).toBe(422)
    expect(late.body.error.code).toBe('REFERRAL_EXISTING_MEMBER')
    await buy(regular.id, 1200)
    expect((await balance(referrer.id)).balance).toBe(0)

    await new Promise((r) => setTimeout(r, 50))
    const reasons = async (id: string) => ((await api.get(`/api/v1/customers/${id}/referrals`)).body.items as { reason: string | null }[]).map((r) => r.reason)
    expect(await reasons(byEmail.id)).toEqual(['self_referral'])
    expect(await reasons(byPhone.id)).toEqual(['self_referral'])
    expect(await reasons(payer.id)).toEqual(['self_referral_payment'])
    expect(await reasons(referrer.id)).toEqual(['existing_member'])
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
    shop.clock.advance(1000)
    const again = await boss.post(`/api/v1/customers/${m.id}/adjustments`, body)
    expect(again.status).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body).toEqual(ok.body)
    const [entry] = (await api.get(`/api/v1/customers/${m.id}/ledger`)).body.items
    expect(entry).toMatchObject({ kind: 'adjust', points: 500, reason: 'goodwill: Spilled coffee, sorry' })
    expect(entry.details).toEqual({ reasonCode: 'goodwill', note: 'Spilled coffee, sorry', by: 'Mona Manager' })
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

    // The limit is per store-local day: at 23:30 UTC it is already tomorrow in Berlin.
    const now = shop.clock.now
    shop.clock.advance(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 23, 30) - now.getTime())
    const later = await loginPassword(shop.app, 'manager@test.shop', 'manager-password')
    const tomorrow = await later.post(`/api/v1/customers/${m.id}/adjustments`, { id: uuid(), points: 600, reasonCode: 'goodwill', note: 'A new day' })
    expect(tomorrow.status, tomorrow.text).toBe(201)
    expect(tomorrow.body.balance).toBe(1100)
  })

  it('counts adjustments sent at once against the daily limit one after the other', async () => {
    shop.clock.advance(2 * DAY)
    const boss = await loginPassword(shop.app, 'manager@test.shop', 'manager-password')
    // Ten members, so that nothing but the limit makes the requests wait for each other.
    const members = await Promise.all(Array.from({ length: 10 }, (_, i) => api.post('/api/v1/customers', { phone: `+49170000001${String(i).padStart(2, '0')}` })))
    const answers = await Promise.all(members.map((m) => boss.post(`/api/v1/customers/${m.body.id}/adjustments`, { id: uuid(), points: 200, reasonCode: 'goodwill', note: 'At once' })))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(5) // 5 × 200 = the limit of 1,000
    for (const a of answers.filter((x) => x.status !== 201)) expect(a.body.error.code).toBe('ADJUSTMENT_LIMIT_EXCEEDED')
    let total = 0
    for (const m of members) total += (await balance(m.body.id)).balance
    expect(total).toBe(1000)
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

  it('keeps the dates lots were earned with when the program stops expiring points', async () => {
    const owner = await loginPassword(shop.app, shop.owner.email, shop.owner.password)
    const m = (await api.post('/api/v1/customers', { phone: '+4917000000321' })).body
    await buy(m.id, 4200) // 42, expiring in 12 months under version 1
    const draft = (await owner.get('/api/v1/loyalty/program/draft')).body.rules
    expect((await owner.request('PUT', '/api/v1/loyalty/program/draft', { ...draft, expiry: { kind: 'none' } })).status).toBe(200)
    const published = await owner.post('/api/v1/loyalty/program/publish', {})
    expect(published.status, published.text).toBe(201)
    await buy(m.id, 1000) // 10, never expiring
    expect((await balance(m.id)).lots.map((l: any) => [l.points, l.expiresAt === null])).toEqual([[42, false], [10, true]])

    shop.clock.advance(350 * DAY)
    await runDailyJobs(shop.ctx)
    const warned = await shop.ctx.db.kysely.selectFrom('outbox').selectAll().where('topic', '=', 'points.expiring').where('aggregate_id', '=', m.id).execute()
    expect(warned.map((w) => JSON.parse(w.payload).points)).toEqual([42])
    shop.clock.advance(20 * DAY)
    await runDailyJobs(shop.ctx)
    const after = await balance(m.id)
    expect(after.balance).toBe(10)
    const expire = await shop.ctx.db.kysely.selectFrom('ledger_transfers').select(['points', 'program_version_id']).where('customer_id', '=', m.id).where('kind', '=', 'expire').execute()
    expect(expire).toEqual([{ points: 42, program_version_id: published.body.versionId }])
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

describe.each(DIALECTS)('the per-visit bonus on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  const visitRules: ProgramRules = { ...defaultRules('points'), bonuses: [{ id: 'visit', name: 'Visit', kind: 'visit', points: 10 }] }

  beforeAll(async () => {
    shop = await makeShop(dialect, { rules: visitRules, timeZone: 'Europe/Berlin' })
    api = await apiKeyClient(shop, ['customers:write', 'customers:read', 'sales:write', 'sales:read', 'loyalty:read', 'catalog:write', 'catalog:read'])
  })
  afterAll(async () => shop?.close())

  it('counts a sale that earns as the visit of the store-local day; a gift card alone is no visit; a late offline sale does not move the day back', async () => {
    const gift = (await api.post('/api/v1/products', { sku: 'GIFT10', name: 'Gift card', priceMinor: 1000, taxClassId: shop.taxClassIds.zero, nonEarning: true, trackStock: false })).body
    const m = (await api.post('/api/v1/customers', { phone: '+4917000000999' })).body
    const sale = (lines: unknown[], amountMinor: number, soldAt?: string) =>
      api.post('/api/v1/sales', { id: uuid(), storeId: shop.storeId, customerId: m.id, lines, tenders: [{ kind: 'card', amountMinor }], ...(soldAt ? { soldAt } : {}) })
    const item = (amountMinor: number) => ({ name: 'Item', quantity: 1, unitPriceMinor: amountMinor, taxClassId: shop.taxClassIds.zero })
    const codes = (r: { body: { loyalty: { components: { code: string; points: number }[] } } }) => r.body.loyalty.components.map((c) => `${c.code}:${c.points}`)

    // 10:00 UTC = 11:00 in Berlin. A gift card earns nothing and is no visit...
    const giftOnly = await sale([{ productId: gift.id, quantity: 1 }], 1000)
    expect(giftOnly.status).toBe(201)
    expect(codes(giftOnly)).toEqual(['base:0'])
    // ...so the first earning sale of the day still gets the visit bonus, and the second does not.
    expect(codes(await sale([item(500)], 500))).toEqual(['base:5', 'bonus_visit:10'])
    expect(codes(await sale([item(700)], 700))).toEqual(['base:7'])
    // 23:30 UTC is already tomorrow in Berlin: a new visit.
    shop.clock.advance(13.5 * 3600_000)
    expect(codes(await sale([item(300)], 300))).toEqual(['base:3', 'bonus_visit:10'])
    // A sale recorded offline yesterday arrives now: no new visit today because of it.
    const late = await sale([item(400)], 400, '2026-03-03T15:00:00.000Z')
    expect(late.status).toBe(201)
    expect(codes(await sale([item(200)], 200))).toEqual(['base:2'])
    const account = (await api.get(`/api/v1/customers/${m.id}/loyalty`)).body
    expect(account.lastSaleAt).toBe('2026-03-03T23:30:00.000Z')
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })
})

/**
 * A program whose first tier has threshold 0 (the demo's Bronze): a new member's metric (0) meets
 * it, so they are in it from enrolment (loyalty.md, Tiers), see it at the till and earn at it.
 */
describe.each(DIALECTS)('the first tier from enrolment on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  const bronze: ProgramRules = {
    ...defaultRules('points'),
    tiers: [
      { id: 'bronze', name: 'Bronze', threshold: 0, multiplier: '2' },
      { id: 'silver', name: 'Silver', threshold: 300, multiplier: '3' },
    ],
  }

  beforeAll(async () => {
    shop = await makeShop(dialect, { rules: bronze })
    api = await apiKeyClient(shop, ['customers:write', 'customers:read', 'sales:write', 'sales:read', 'loyalty:read'])
  })
  afterAll(async () => shop?.close())

  it('puts a new member in the threshold-0 tier at enrolment, shows it, and earns their first sale at it', async () => {
    const enrolled = await api.post('/api/v1/customers', { phone: '+4917000000777' })
    expect(enrolled.status, enrolled.text).toBe(201)
    expect(enrolled.body.loyalty).toEqual({ balance: 0, tierId: 'bronze' })
    const id = enrolled.body.id
    expect((await api.get(`/api/v1/customers/${id}`)).body.loyalty).toEqual({ balance: 0, tierId: 'bronze' })

    const view = (await api.get(`/api/v1/customers/${id}/loyalty`)).body
    expect(view.tierId).toBe('bronze')
    expect(view.tier).toMatchObject({ metric: 'points', value: 0, current: { id: 'bronze', name: 'Bronze', multiplier: '2' }, next: { id: 'silver', threshold: 300, remaining: 300 } })
    expect(view.tier.keepUntil).toBe('2027-03-03T10:00:00.000Z')
    const events = (await api.get(`/api/v1/customers/${id}/tier-events`)).body.items
    expect(events.map((e: any) => [e.reason, e.fromTierId, e.toTierId, e.metric, e.saleId])).toEqual([['qualified', null, 'bronze', 0, null]])

    // The first sale earns at Bronze ×2, as the register previews it; no tier change with it.
    shop.clock.advance(60_000)
    const sale = await api.post('/api/v1/sales', { id: uuid(), storeId: shop.storeId, customerId: id, lines: [{ name: 'Item', quantity: 1, unitPriceMinor: 1000, taxClassId: shop.taxClassIds.zero }], tenders: [{ kind: 'card', amountMinor: 1000 }] })
    expect(sale.status, sale.text).toBe(201)
    expect(sale.body.loyalty.components.map((c: any) => [c.code, c.points])).toEqual([
      ['base', 10],
      ['tier', 10],
    ])
    expect(sale.body.loyalty.tierChange ?? null).toBeNull()
    expect((await api.get(`/api/v1/customers/${id}/tier-events`)).body.items).toHaveLength(1)
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })
})
