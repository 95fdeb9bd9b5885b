import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStaff, apiKeyClient, DIALECTS, loginPassword, loginPin, makeShop, type Client, type TestShop } from './harness'
import { badFields, expectError, uuid } from './support'
import { hashRequest } from '../src/util'

const TABLES = ['sales', 'sale_lines', 'sale_tenders', 'sale_taxes', 'refunds', 'refund_lines', 'ledger_transfers', 'lots', 'stock_levels', 'stock_movements', 'customers', 'stores', 'outbox', 'audit_log', 'idempotency_records'] as const

/** Everything a wrong request could have written: row counts, stock, balances, receipt counters. */
async function snapshot(shop: TestShop) {
  const db = shop.ctx.db.kysely
  const out: Record<string, number> = {}
  for (const t of TABLES) out[t] = Number((await db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  out.stockQuantity = Number((await db.selectFrom('stock_levels').select(sql<number>`coalesce(sum(quantity), 0)`.as('q')).executeTakeFirstOrThrow()).q)
  out.balances = Number((await db.selectFrom('loyalty_accounts').select(sql<number>`coalesce(sum(balance), 0)`.as('b')).executeTakeFirstOrThrow()).b)
  out.receiptNumbers = Number((await db.selectFrom('terminals').select(sql<number>`coalesce(sum(last_receipt_no), 0)`.as('r')).executeTakeFirstOrThrow()).r)
  return out
}

describe.each(DIALECTS)('bad input on %s: a clear 4xx, a stable code, nothing written', (dialect) => {
  let shop: TestShop
  let staff: Awaited<ReturnType<typeof addStaff>>
  let cashier: Client
  let owner: Client
  let beans: any
  let member: any

  const line = (quantity = 1) => ({ productId: beans.id, quantity })
  const validSale = () => ({ id: uuid(), lines: [line(1)], tenders: [{ kind: 'card', amountMinor: 2190 }] })

  /** Runs a request that must fail and checks that it changed nothing. */
  async function refused(request: () => Promise<Awaited<ReturnType<Client['get']>>>, status: number, code: string) {
    const before = await snapshot(shop)
    const res = await request()
    expectError(res, status, code)
    expect(await snapshot(shop)).toEqual(before)
    return res
  }

  beforeAll(async () => {
    shop = await makeShop(dialect)
    staff = await addStaff(shop)
    const api = await apiKeyClient(shop, ['catalog:write', 'customers:write'])
    beans = (await api.post('/api/v1/products', { sku: 'BEANS', name: 'Coffee beans', priceMinor: 1840, taxClassId: shop.taxClassIds.standard, stock: [{ storeId: shop.storeId, quantity: 10 }] })).body
    member = (await api.post('/api/v1/customers', { phone: '+49 151 1111111' })).body
    owner = await loginPassword(shop.app, shop.owner.email, shop.owner.password)
    cashier = await loginPin(shop.app, shop.terminalId, '1234')
    expect((await cashier.post('/api/v1/cash-sessions', { amountMinor: 10000 })).status).toBe(201)
  })
  afterAll(async () => shop?.close())

  it('an unknown or inactive product: 422 UNKNOWN_PRODUCT naming lines[i].productId', async () => {
    const res = await refused(() => cashier.post('/api/v1/sales', { ...validSale(), lines: [line(1), { productId: 'no-such-product', quantity: 1 }] }), 422, 'UNKNOWN_PRODUCT')
    expect(res.body.error.details).toMatchObject({ field: 'lines[1].productId', productId: 'no-such-product' })

    const retired = (await owner.post('/api/v1/products', { sku: 'OLD', name: 'Retired', priceMinor: 100, taxClassId: shop.taxClassIds.zero, active: false })).body
    const inactive = await refused(() => cashier.post('/api/v1/sales', { ...validSale(), lines: [{ productId: retired.id, quantity: 1 }] }), 422, 'UNKNOWN_PRODUCT')
    expect(inactive.body.error.details.field).toBe('lines[0].productId')
  })

  it('a negative, zero or fractional quantity: 400 VALIDATION_FAILED naming the field', async () => {
    for (const quantity of [-1, 0, 1.5]) {
      const res = await refused(() => cashier.post('/api/v1/sales', { ...validSale(), lines: [line(1), line(quantity)] }), 400, 'VALIDATION_FAILED')
      expect(badFields(res)).toEqual(['lines[1].quantity'])
    }
    const refund = await refused(() => cashier.post(`/api/v1/sales/${uuid()}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 0 }] }), 400, 'VALIDATION_FAILED')
    expect(badFields(refund)).toEqual(['lines[0].quantity'])
  })

  it('lists every bad field of a request at once', async () => {
    const res = await refused(
      () =>
        cashier.post('/api/v1/sales', {
          id: 'not-a-uuid',
          lines: [line(0), { quantity: 1 }],
          cartDiscount: { kind: 'percent', percent: 'ten' },
          tenders: [{ kind: 'bitcoin', amountMinor: -5 }],
        }),
      400,
      'VALIDATION_FAILED',
    )
    expect(badFields(res)).toEqual(expect.arrayContaining(['id', 'lines[0].quantity', 'lines[1]', 'cartDiscount.percent', 'tenders[0].kind', 'tenders[0].amountMinor']))
    for (const f of res.body.error.details.fields) expect(f.message.length).toBeGreaterThan(0)
    const customer = await refused(() => cashier.post('/api/v1/customers', { email: 'not-an-email', phone: 'abc', birthDate: '1990-13' }), 400, 'VALIDATION_FAILED')
    expect(badFields(customer).sort()).toEqual(['birthDate', 'email', 'phone'])
  })

  it('tenders that do not cover the total: 422 TENDER_SHORT; card above the amount due: 422 NON_CASH_OVERPAYMENT', async () => {
    const short = await refused(() => cashier.post('/api/v1/sales', { ...validSale(), tenders: [{ kind: 'card', amountMinor: 1000 }, { kind: 'cash', amountMinor: 1000 }] }), 422, 'TENDER_SHORT')
    expect(short.body.error.details).toEqual({ dueMinor: 2190, tenderedMinor: 2000 })
    await refused(() => cashier.post('/api/v1/sales', { ...validSale(), tenders: [{ kind: 'card', amountMinor: 3000 }] }), 422, 'NON_CASH_OVERPAYMENT')
    await refused(() => cashier.post('/api/v1/sales', { ...validSale(), tenders: [{ kind: 'card', amountMinor: 2000 }, { kind: 'gift_card', amountMinor: 500 }] }), 422, 'NON_CASH_OVERPAYMENT')
  })

  it('a refund of more than was sold: 422 REFUND_EXCEEDS_SOLD, also counting earlier refunds', async () => {
    // 2 × 18.40 = 36.80 + 19 % (6.992 → 6.99) = 43.79
    const sale = await cashier.post('/api/v1/sales', { ...validSale(), lines: [line(2)], tenders: [{ kind: 'card', amountMinor: 4379 }] })
    expect(sale.status, sale.text).toBe(201)
    const url = `/api/v1/sales/${sale.body.id}/refunds`
    const over = await refused(() => cashier.post(url, { id: uuid(), lines: [{ lineNo: 1, quantity: 3 }] }), 422, 'REFUND_EXCEEDS_SOLD')
    // Named the way the API names lines: 1-based lineNo.
    expect(over.body.error.details).toMatchObject({ lineNo: 1, soldQuantity: 2, requested: 3 })
    await refused(() => cashier.post(url, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }, { lineNo: 1, quantity: 2 }] }), 422, 'REFUND_EXCEEDS_SOLD')
    expect((await cashier.post(url, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] })).status).toBe(201)
    await refused(() => cashier.post(url, { id: uuid(), lines: [{ lineNo: 1, quantity: 2 }] }), 422, 'REFUND_EXCEEDS_SOLD')
    const unknown = await refused(() => cashier.post(url, { id: uuid(), lines: [{ lineNo: 9, quantity: 1 }] }), 422, 'UNKNOWN_LINE')
    expect(unknown.body.error.details).toMatchObject({ lineNo: 9, field: 'lines[0].lineNo' })
    expect(unknown.body.error.message).toContain('line 9')
    await refused(() => cashier.post(`/api/v1/sales/${uuid()}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] }), 404, 'SALE_NOT_FOUND')
  })

  it('a sale on a terminal without an open cash session: 409 CASH_SESSION_REQUIRED', async () => {
    const till2 = await owner.post('/api/v1/terminals', { storeId: shop.storeId, code: '02', name: 'Till 2' })
    expect(till2.status, till2.text).toBe(201)
    const atTill2 = await loginPin(shop.app, till2.body.id, '1234')
    const res = await refused(() => atTill2.post('/api/v1/sales', validSale()), 409, 'CASH_SESSION_REQUIRED')
    expect(res.body.error.details).toEqual({ terminalId: till2.body.id })
  })

  it('a PIN of staff from another store (STAFF_NOT_IN_STORE) is not a wrong PIN (INVALID_PIN); 5 wrong PINs lock the pad (PIN_LOCKED)', async () => {
    const store = await owner.post('/api/v1/stores', { code: 'B', name: 'Store B', currency: 'EUR', taxMode: 'exclusive', timeZone: 'Europe/Berlin' })
    const till = await owner.post('/api/v1/terminals', { storeId: store.body.id, code: '01', name: 'B till' })
    expect(till.status, till.text).toBe(201)
    const pin = (p: string, terminalId = till.body.id) => shop.app.inject({ method: 'POST', url: '/api/v1/auth/pin', payload: { terminalId, pin: p } })
    const asRes = (r: Awaited<ReturnType<typeof pin>>) => ({ status: r.statusCode, body: r.json(), text: r.body })
    const sessions = async () => Number((await shop.ctx.db.kysely.selectFrom('staff_sessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    const before = await sessions()

    const elsewhere = asRes(await pin('1234'))
    expectError(elsewhere, 403, 'STAFF_NOT_IN_STORE')
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = asRes(await pin('0000'))
      expectError(wrong, 401, 'INVALID_PIN')
      expect(wrong.body.error.details).toEqual({ attemptsLeft: 5 - attempt })
    }
    // Locked: even the right PIN waits, on this terminal only.
    expectError(asRes(await pin('9999')), 429, 'PIN_LOCKED')
    expect((await pin('1234', shop.terminalId)).statusCode).toBe(200)
    expect(await sessions()).toBe(before + 1)
    shop.clock.advance(61_000)
    const owner9999 = await pin('9999')
    expect(owner9999.statusCode, owner9999.body).toBe(200)
    // The lock-out needs five new wrong PINs after a good one.
    expectError(asRes(await pin('0000')), 401, 'INVALID_PIN')
    expectError(asRes(await pin('1234')), 403, 'STAFF_NOT_IN_STORE')
    expect((await pin('1234', 'no-such-terminal')).json().error.code).toBe('TERMINAL_NOT_FOUND')
    expect((await pin('12')).json().error.code).toBe('VALIDATION_FAILED')
  })

  it('20 wrong PINs sent at once try at most 5 before the pad locks', async () => {
    const till = await owner.post('/api/v1/terminals', { storeId: shop.storeId, code: '03', name: 'Till 3' })
    const guesses = Array.from({ length: 20 }, (_, i) => String(2000 + i * 11))
    const answers = await Promise.all(guesses.map((pin) => shop.app.inject({ method: 'POST', url: '/api/v1/auth/pin', payload: { terminalId: till.body.id, pin } })))
    const codes = answers.map((r) => r.json().error?.code)
    expect(codes.filter((c) => c === 'INVALID_PIN')).toHaveLength(5)
    expect(codes.filter((c) => c === 'PIN_LOCKED')).toHaveLength(15)
    for (const r of answers) expect(r.statusCode).toBe(r.json().error.code === 'INVALID_PIN' ? 401 : 429)
    const right = await shop.app.inject({ method: 'POST', url: '/api/v1/auth/pin', payload: { terminalId: till.body.id, pin: '1234' } })
    expect(right.json().error.code).toBe('PIN_LOCKED')
  })

  it('a store with an unknown currency: 422 UNKNOWN_CURRENCY; an unknown time zone: 422 UNKNOWN_TIME_ZONE', async () => {
    const store = { code: 'X', name: 'X', currency: 'EUR', taxMode: 'exclusive', timeZone: 'Europe/Berlin' }
    await refused(() => owner.post('/api/v1/stores', { ...store, currency: 'XYZ' }), 422, 'UNKNOWN_CURRENCY')
    await refused(() => owner.post('/api/v1/stores', { ...store, timeZone: 'Mars/Olympus' }), 422, 'UNKNOWN_TIME_ZONE')
    const tooLong = await refused(() => owner.post('/api/v1/stores', { ...store, currency: 'EURO' }), 400, 'VALIDATION_FAILED')
    expect(badFields(tooLong)).toEqual(['currency'])
  })

  it('a malformed JSON body is a 400, not a 500', async () => {
    const cookie = (cashier as any).auth.cookie as string
    for (const payload of ['{"id": "x", "lines": [', '', 'null', '[]', '"text"']) {
      const before = await snapshot(shop)
      const res = await shop.app.inject({ method: 'POST', url: '/api/v1/sales', headers: { cookie, 'content-type': 'application/json' }, payload })
      expect(res.statusCode, `${JSON.stringify(payload)} → ${res.body}`).toBe(400)
      expectError({ status: res.statusCode, body: res.json(), text: res.body }, 400, res.json().error.code)
      expect(['INVALID_JSON', 'VALIDATION_FAILED']).toContain(res.json().error.code)
      expect(await snapshot(shop)).toEqual(before)
    }
  })

  it('an unknown customer on a sale: 422 UNKNOWN_CUSTOMER', async () => {
    const res = await refused(() => cashier.post('/api/v1/sales', { ...validSale(), customerId: 'no-such-member' }), 422, 'UNKNOWN_CUSTOMER')
    expect(res.body.error.details).toMatchObject({ field: 'customerId' })
  })

  it("paying with points when the program doesn't take them: 422 POINTS_TENDER_NOT_ALLOWED", async () => {
    const tenders = [{ kind: 'points', amountMinor: 100 }, { kind: 'card', amountMinor: 2090 }]
    await refused(() => cashier.post('/api/v1/sales', { ...validSale(), customerId: member.id, tenders }), 422, 'POINTS_TENDER_NOT_ALLOWED')
    await refused(() => cashier.post('/api/v1/sales', { ...validSale(), tenders }), 422, 'POINTS_TENDER_NOT_ALLOWED')
  })

  it('the same sale id with another body: 409 IDEMPOTENCY_KEY_REUSED; with the same body: the first sale again', async () => {
    const body = validSale()
    const first = await cashier.post('/api/v1/sales', body)
    expect(first.status).toBe(201)
    const before = await snapshot(shop)
    const replay = await cashier.post('/api/v1/sales', body)
    expect(replay.status).toBe(201)
    expect(replay.body).toEqual(first.body)
    expect(await snapshot(shop)).toEqual(before)
    await refused(() => cashier.post('/api/v1/sales', { ...body, lines: [line(2)], tenders: [{ kind: 'card', amountMinor: 4380 }] }), 409, 'IDEMPOTENCY_KEY_REUSED')
  })

  it('a voided cart cannot complete later: 409 SALE_VOIDED; a completed sale cannot be voided', async () => {
    const body = validSale()
    const voided = await cashier.post(`/api/v1/sales/${body.id}/void`, { reason: 'customer left' })
    expect(voided.status, voided.text).toBe(200)
    expect(voided.body.status).toBe('voided')
    await refused(() => cashier.post('/api/v1/sales', body), 409, 'SALE_VOIDED')
    expectError(await cashier.post(`/api/v1/sales/${body.id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] }), 409, 'SALE_VOIDED')

    const sold = validSale()
    expect((await cashier.post('/api/v1/sales', sold)).status).toBe(201)
    await refused(() => cashier.post(`/api/v1/sales/${sold.id}/void`, {}), 409, 'SALE_ALREADY_COMPLETED')
  })

  it('a POST with Idempotency-Key: a replay returns the first response and adds nothing; another body is 409', async () => {
    const key = uuid()
    const count = async () => Number((await shop.ctx.db.kysely.selectFrom('customers').select((eb) => eb.fn.countAll().as('n')).where('email', '=', 'idem@example.com').executeTakeFirstOrThrow()).n)
    const first = await cashier.post('/api/v1/customers', { email: 'idem@example.com', name: 'Ida' }, { 'idempotency-key': key })
    expect(first.status, first.text).toBe(201)
    const before = await snapshot(shop)
    const replay = await cashier.post('/api/v1/customers', { name: 'Ida', email: 'idem@example.com' }, { 'idempotency-key': key })
    expect(replay.status).toBe(201)
    expect(replay.body).toEqual(first.body)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(await snapshot(shop)).toEqual(before)
    expect(await count()).toBe(1)
    await refused(() => cashier.post('/api/v1/customers', { email: 'other@example.com' }, { 'idempotency-key': key }), 409, 'IDEMPOTENCY_KEY_REUSED')
    // Without the key, the second enrolment is a duplicate member, not a new one.
    await refused(() => cashier.post('/api/v1/customers', { email: 'idem@example.com' }), 409, 'DUPLICATE_CUSTOMER')
    expect(await count()).toBe(1)
  })

  it('the same Idempotency-Key sent again while the first request runs: one write, never two', async () => {
    const session = (await cashier.get('/api/v1/cash-sessions?status=open')).body.items[0]
    const url = `/api/v1/cash-sessions/${session.id}/movements`
    const key = uuid()
    const movements = async () => Number((await shop.ctx.db.kysely.selectFrom('cash_movements').select((eb) => eb.fn.countAll().as('n')).where('reason', '=', 'bank run').executeTakeFirstOrThrow()).n)
    const answers = await Promise.all(Array.from({ length: 8 }, () => cashier.post(url, { kind: 'out', amountMinor: 1000, reason: 'bank run' }, { 'idempotency-key': key })))
    const created = answers.filter((r) => r.status === 201)
    expect(created.length).toBeGreaterThanOrEqual(1)
    for (const r of created) expect(r.body).toEqual(created[0].body)
    for (const r of answers.filter((a) => a.status !== 201)) expectError(r, 409, 'CONFLICT')
    expect(await movements()).toBe(1)
    const retry = await cashier.post(url, { kind: 'out', amountMinor: 1000, reason: 'bank run' }, { 'idempotency-key': key })
    expect(retry.status).toBe(201)
    expect(retry.body).toEqual(created[0].body)
    expect(await movements()).toBe(1)
  })

  it('an Idempotency-Key claimed by a request that never finished (a crash) is free again after a minute', async () => {
    const key = uuid()
    const body = { email: 'after-crash@example.com' }
    const scope = `staff:${staff.cashier.id} /api/v1/customers`
    // What a process killed mid-request leaves behind: the claim, without a response.
    await shop.ctx.db.kysely.insertInto('idempotency_records').values({ scope, key, request_hash: hashRequest({ params: {}, body }), status_code: 0, response: '', created_at: shop.clock.now.toISOString() }).execute()
    await refused(() => cashier.post('/api/v1/customers', body, { 'idempotency-key': key }), 409, 'CONFLICT')
    shop.clock.advance(61_000)
    const done = await cashier.post('/api/v1/customers', body, { 'idempotency-key': key })
    expect(done.status, done.text).toBe(201)
    const replay = await cashier.post('/api/v1/customers', body, { 'idempotency-key': key })
    expect(replay.body).toEqual(done.body)
  })

  it('leaves the stock and the ledger as the good requests made them', async () => {
    const stock = (await owner.get(`/api/v1/products/${beans.id}`)).body.stock
    // Sold: 2 (refunded 1), then 1, then 1 — every refused request above left stock alone.
    expect(stock).toEqual([{ storeId: shop.storeId, quantity: 10 - 2 + 1 - 1 - 1 }])
    const verify = await owner.get('/api/v1/loyalty/ledger/verify')
    expect(verify.body.ok).toBe(true)
    void staff
  })
})
