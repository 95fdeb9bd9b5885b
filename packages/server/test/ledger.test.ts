import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRules, type ProgramRules } from '@patron/core'
import { addStaff, apiKeyClient, DIALECTS, loginPassword, loginPin, makeShop, type Client, type TestShop } from './harness'
import { expectError, uuid } from './support'
import { verifyLedger } from '../src/features/loyalty/verify-ledger'

const DAY = 24 * 3600_000

/** 1 point per 1.00, points pay at 100 points = 1.00, points live 12 months. */
const rules: ProgramRules = { ...defaultRules('points'), pointsTender: { pointsPerUnit: 100 }, expiry: { kind: 'rolling', months: 12 } }

describe.each(DIALECTS)('the points ledger on %s', (dialect) => {
  let shop: TestShop
  let cashier: Client
  let members: Client
  let reader: Client

  /** A zero-rated custom line, so totals are exactly the price. */
  const item = (priceMinor: number) => ({ name: 'Item', unitPriceMinor: priceMinor, taxClassId: shop.taxClassIds.zero, quantity: 1 })
  const enrol = async (email: string) => (await members.post('/api/v1/customers', { email })).body.id as string
  const loyalty = async (customerId: string) => (await reader.get(`/api/v1/customers/${customerId}/loyalty`)).body
  /** The member's ledger, newest first; the entries of one sale or refund (same instant) by kind. */
  const ledger = async (customerId: string) => {
    const items = (await reader.get(`/api/v1/customers/${customerId}/ledger?limit=500`)).body.items as { kind: string; points: number; createdAt: string }[]
    for (let i = 1; i < items.length; i++) expect(items[i - 1].createdAt >= items[i].createdAt).toBe(true)
    return items.sort((a, b) => (a.createdAt === b.createdAt ? a.kind.localeCompare(b.kind) : a.createdAt < b.createdAt ? 1 : -1)).map((e) => [e.kind, e.points])
  }
  const later = () => shop.clock.advance(1000)
  const refundAll = async (saleId: string) => {
    later()
    return cashier.post(`/api/v1/sales/${saleId}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] })
  }
  const buy = async (customerId: string, priceMinor: number, tenders?: unknown[]) => {
    later()
    const res = await cashier.post('/api/v1/sales', { id: uuid(), customerId, lines: [item(priceMinor)], tenders: tenders ?? [{ kind: 'card', amountMinor: priceMinor }] })
    expect(res.status, res.text).toBe(201)
    return res.body
  }

  beforeAll(async () => {
    shop = await makeShop(dialect, { rules })
    await addStaff(shop)
    members = await apiKeyClient(shop, ['customers:write'])
    reader = await apiKeyClient(shop, ['loyalty:read', 'sales:read'])
    cashier = await loginPin(shop.app, shop.terminalId, '1234')
    expect((await cashier.post('/api/v1/cash-sessions', { amountMinor: 0 })).status).toBe(201)
  })
  afterAll(async () => shop?.close())

  it('refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) of ledger_transfers and audit_log in the database itself', async () => {
    const member = await enrol('append-only@example.com')
    await buy(member, 1500)
    const db = shop.ctx.db.kysely
    const count = async (table: 'ledger_transfers' | 'audit_log') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    const before = { ledger: await count('ledger_transfers'), audit: await count('audit_log') }
    expect(before.ledger).toBeGreaterThan(0)
    expect(before.audit).toBeGreaterThan(0)

    const statements = [
      sql`update ledger_transfers set points = points + 1000`,
      sql`update ledger_transfers set reason = 'edited' where customer_id = ${member}`,
      sql`delete from ledger_transfers`,
      sql`delete from ledger_transfers where customer_id = ${member}`,
      sql`update audit_log set action = 'nothing happened'`,
      sql`delete from audit_log`,
      ...(dialect === 'postgres' ? [sql`truncate ledger_transfers`, sql`truncate audit_log`] : []),
    ]
    for (const statement of statements) {
      await expect(statement.execute(db), statement.compile(db).sql).rejects.toThrow(/append-only/)
    }
    // Also inside the app's own write path.
    await expect(shop.ctx.writer.run((trx) => trx.deleteFrom('ledger_transfers').where('customer_id', '=', member).execute())).rejects.toThrow(/append-only/)

    expect({ ledger: await count('ledger_transfers'), audit: await count('audit_log') }).toEqual(before)
    expect((await loyalty(member)).balance).toBe(15)
    expect((await verifyLedger(db)).violations).toEqual([])
  })

  it('pays with points from the soonest-expiring lots first, and a refund gives the points back', async () => {
    const member = await enrol('tender@example.com')
    const saleA = await buy(member, 5000) // 50 points, expiring in 12 months
    // The owner publishes version 2 the next day: points now live one month.
    shop.clock.advance(DAY)
    cashier = await loginPin(shop.app, shop.terminalId, '1234') // the next day's shift
    const owner = await loginPassword(shop.app, shop.owner.email, shop.owner.password)
    const draft = await owner.request('PUT', '/api/v1/loyalty/program/draft', { ...rules, expiry: { kind: 'rolling', months: 1 } })
    expect(draft.status, draft.text).toBe(200)
    const published = await owner.post('/api/v1/loyalty/program/publish', {})
    expect(published.status, published.text).toBe(201)
    const saleB = await buy(member, 3000) // 30 points, expiring in 1 month: before lot A
    const lots = (await loyalty(member)).lots
    expect(lots.map((l: any) => [l.saleId, l.remaining])).toEqual([
      [saleB.id, 30],
      [saleA.id, 50],
    ])
    expect(lots[0].expiresAt < lots[1].expiresAt).toBe(true)

    // 10.00 with 40 points (0.40) and 9.60 by card: lot B (30) is used up before lot A gives 10.
    // The part paid by points earns nothing: floor(1000 × 960 / 1000) = 960 eligible → 9 points.
    const sale = await buy(member, 1000, [{ kind: 'points', amountMinor: 40 }, { kind: 'card', amountMinor: 960 }])
    expect(sale.tenders[0]).toMatchObject({ kind: 'points', amountMinor: 40, points: 40 })
    expect(sale.loyalty).toMatchObject({ pointsRedeemed: 40, pointsEarned: 9, eligibleMinor: 960, balanceAfter: 50 + 30 - 40 + 9 })
    const after = await loyalty(member)
    expect(after.balance).toBe(49)
    expect(after.lots.map((l: any) => [l.saleId, l.remaining])).toEqual([
      [sale.id, 9],
      [saleA.id, 40],
    ])

    const refund = await refundAll(sale.id)
    expect(refund.status, refund.text).toBe(201)
    expect(refund.body.tenders).toEqual([
      { kind: 'points', amountMinor: 40, points: 40 },
      { kind: 'card', amountMinor: 960, points: null },
    ])
    expect(refund.body).toMatchObject({ pointsReturned: 40, pointsClawedBack: 9, balanceAfter: 49 - 9 + 40 })
    const back = await loyalty(member)
    expect(back.balance).toBe(80)
    expect(back.lots.reduce((s: number, l: any) => s + l.remaining, 0)).toBe(80)
    expect(await ledger(member)).toEqual([
      ['clawback', -9],
      ['reward_restore', 40],
      ['earn', 9],
      ['redeem', -40],
      ['earn', 30],
      ['earn', 50],
    ])
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })

  it('never spends more than the balance: of 20 concurrent points sales, exactly the affordable ones go through', async () => {
    const member = await enrol('rush@example.com')
    await buy(member, 25000) // 250 points: enough for two 1.00 items at 100 points each
    const db = shop.ctx.db.kysely
    const salesBefore = Number((await db.selectFrom('sales').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

    later()
    const results = await Promise.all(
      Array.from({ length: 20 }, () => cashier.post('/api/v1/sales', { id: uuid(), customerId: member, lines: [item(100)], tenders: [{ kind: 'points', amountMinor: 100 }] })),
    )
    const ok = results.filter((r) => r.status === 201)
    const refused = results.filter((r) => r.status !== 201)
    expect(ok).toHaveLength(2)
    expect(refused).toHaveLength(18)
    for (const r of refused) expectError(r, 422, 'INSUFFICIENT_POINTS')
    for (const r of ok) expect(r.body.loyalty).toMatchObject({ pointsRedeemed: 100, pointsEarned: 0 })
    expect(ok.map((r) => r.body.loyalty.balanceAfter).sort((a, b) => a - b)).toEqual([50, 150])

    const account = await loyalty(member)
    expect(account.balance).toBe(50)
    expect(account.lots.reduce((s: number, l: any) => s + l.remaining, 0)).toBe(50)
    expect(await ledger(member)).toEqual([
      ['redeem', -100],
      ['redeem', -100],
      ['earn', 250],
    ])
    // Only the two sales were written, and their receipt numbers follow each other with no gap.
    expect(Number((await db.selectFrom('sales').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(salesBefore + 2)
    const numbers = ok.map((r) => Number(r.body.receiptNo.split('-').pop())).sort((a, b) => a - b)
    expect(numbers[1] - numbers[0]).toBe(1)
    expect((await verifyLedger(db)).violations).toEqual([])
  })

  it('lets a refund clawback run the balance negative (a debt) that the next earning repays first', async () => {
    const member = await enrol('debt@example.com')
    const big = await buy(member, 5000) // +50
    await buy(member, 40, [{ kind: 'points', amountMinor: 40 }]) // −40 spent: balance 10
    expect((await loyalty(member)).balance).toBe(10)

    const refund = await refundAll(big.id)
    expect(refund.status, refund.text).toBe(201)
    expect(refund.body).toMatchObject({ pointsClawedBack: 50, balanceAfter: -40 })
    const inDebt = await loyalty(member)
    expect(inDebt.balance).toBe(-40)
    expect(inDebt.lots).toEqual([])

    // A negative balance cannot pay.
    const pay = await cashier.post('/api/v1/sales', { id: uuid(), customerId: member, lines: [item(100)], tenders: [{ kind: 'points', amountMinor: 1 }, { kind: 'card', amountMinor: 99 }] })
    expectError(pay, 422, 'INSUFFICIENT_POINTS')
    expect(pay.body.error.details).toMatchObject({ needed: 1, available: 0 })

    // 100 points earned: 40 repay the debt, 60 become a lot.
    const next = await buy(member, 10000)
    expect(next.loyalty).toMatchObject({ pointsEarned: 100, balanceAfter: 60 })
    const repaid = await loyalty(member)
    expect(repaid.balance).toBe(60)
    expect(repaid.lots.map((l: any) => [l.saleId, l.points, l.remaining])).toEqual([[next.id, 60, 60]])
    expect(await ledger(member)).toEqual([
      ['earn', 100],
      ['clawback', -50],
      ['redeem', -40],
      ['earn', 50],
    ])
  })

  it('verifies the whole ledger with no violation after all of it', async () => {
    const result = await verifyLedger(shop.ctx.db.kysely)
    expect(result.violations).toEqual([])
    expect(result.transfers).toBeGreaterThan(10)
    const sum = await shop.ctx.db.kysely.selectFrom('loyalty_accounts').select(sql<number>`coalesce(sum(balance), 0)`.as('b')).executeTakeFirstOrThrow()
    expect(Number(sum.b)).toBe(15 + 80 + 50 + 60)
    const api = await (await loginPin(shop.app, shop.terminalId, '5678')).get('/api/v1/loyalty/ledger/verify')
    expect(api.body).toMatchObject({ ok: true, violations: [] })
  })
})
