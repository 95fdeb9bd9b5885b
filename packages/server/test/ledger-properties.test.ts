import crypto from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRules, type ProgramRules } from '@patron/core'
import { apiKeyClient, DIALECTS, makeShop, type Client, type TestShop } from './harness'
import { verifyLedger } from '../src/features/loyalty/verify-ledger'
import { runDailyJobs } from '../src/jobs/daily'

const uuid = () => crypto.randomUUID()

const rules: ProgramRules = {
  ...defaultRules('points'),
  multipliers: [{ id: 'double', name: 'Double', productIds: [], categoryIds: [], multiplier: '2' }],
  tiers: [
    { id: 't0', name: 'Base', threshold: 0, multiplier: '1' },
    { id: 't1', name: 'Plus', threshold: 60, multiplier: '1.5' },
  ],
  bonuses: [{ id: 'big', name: 'Big basket', kind: 'threshold', points: 20, thresholdMinor: 3000 }],
  pointsTender: { pointsPerUnit: 100 },
  expiry: { kind: 'rolling', months: 1 },
}

type Op =
  | { kind: 'sale'; member: number; qty: [number, number]; payPoints: boolean }
  | { kind: 'refund'; sale: number; line: number; qty: number }
  | { kind: 'redeem'; member: number }
  | { kind: 'adjust'; member: number; points: number }
  | { kind: 'days'; days: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('sale' as const), member: fc.nat(2), qty: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 })), payPoints: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('refund' as const), sale: fc.nat(20), line: fc.nat(1), qty: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('redeem' as const), member: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('adjust' as const), member: fc.nat(2), points: fc.integer({ min: -40, max: 60 }).filter((p) => p !== 0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('days' as const), days: fc.integer({ min: 1, max: 40 }) }) },
)

describe.each(DIALECTS)('ledger invariants under random sequences on %s', (dialect) => {
  let shop: TestShop
  let api: Client
  let beans: any
  let mug: any
  let reward: any

  beforeAll(async () => {
    shop = await makeShop(dialect, { rules })
    api = await apiKeyClient(shop, ['catalog:write', 'customers:write', 'sales:write', 'sales:read', 'refunds:write', 'loyalty:read', 'loyalty:write'])
    beans = (await api.post('/api/v1/products', { sku: 'B', name: 'Beans', priceMinor: 1299, taxClassId: shop.taxClassIds.standard })).body
    mug = (await api.post('/api/v1/products', { sku: 'M', name: 'Mug', priceMinor: 850, taxClassId: shop.taxClassIds.reduced })).body
    reward = (await api.post('/api/v1/rewards', { name: 'Mug for points', kind: 'free_product', productId: mug.id, costPoints: 30 })).body
  })
  afterAll(async () => shop?.close())

  it('keeps every balance equal to its entries, lots equal to the positive balance, and the sum at zero', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 12 }), async (ops) => {
        const members = await Promise.all([0, 1, 2].map(async () => (await api.post('/api/v1/customers', { email: `${uuid()}@example.com` })).body.id as string))
        const sales: { id: string }[] = []
        for (const op of ops) {
          if (op.kind === 'sale') {
            const lines = [
              ...(op.qty[0] > 0 ? [{ productId: beans.id, quantity: op.qty[0] }] : []),
              { productId: mug.id, quantity: op.qty[1] },
            ]
            const id = uuid()
            const quote = await api.post('/api/v1/sales', { id, storeId: shop.storeId, customerId: members[op.member], lines, tenders: [{ kind: 'card', amountMinor: 0 }] })
            // The first attempt tells the amount due (TENDER_SHORT details); pay it, maybe partly with points.
            const due = quote.body.error?.details?.dueMinor as number
            if (!due) continue
            const points = op.payPoints ? Math.min(Math.floor(due / 2), (await api.get(`/api/v1/customers/${members[op.member]}/loyalty`)).body.balance) : 0
            const tenders = points > 0 ? [{ kind: 'points', amountMinor: points }, { kind: 'card', amountMinor: due - points }] : [{ kind: 'card', amountMinor: due }]
            const sale = await api.post('/api/v1/sales', { id, storeId: shop.storeId, customerId: members[op.member], lines, tenders })
            expect([201, 422]).toContain(sale.status)
            if (sale.status === 201) sales.push({ id })
          } else if (op.kind === 'refund' && sales.length > 0) {
            const s = sales[op.sale % sales.length]
            const r = await api.post(`/api/v1/sales/${s.id}/refunds`, { id: uuid(), lines: [{ lineNo: op.line + 1, quantity: op.qty }] })
            expect([201, 422]).toContain(r.status)
          } else if (op.kind === 'redeem') {
            const cart = uuid()
            const res = await api.post(`/api/v1/rewards/${reward.id}/reservations`, { cartId: cart, customerId: members[op.member] })
            if (res.status === 201) {
              const sale = await api.post('/api/v1/sales', { id: cart, storeId: shop.storeId, customerId: members[op.member], lines: [{ productId: mug.id, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 0 }] })
              expect(sale.status).toBe(201)
              sales.push({ id: cart })
            } else expect(res.body.error.code).toBe('INSUFFICIENT_POINTS')
          } else if (op.kind === 'adjust') {
            const r = await api.post(`/api/v1/customers/${members[op.member]}/adjustments`, { id: uuid(), points: op.points, reasonCode: 'correction', note: 'property test' })
            expect([201, 422]).toContain(r.status)
          } else if (op.kind === 'days') {
            shop.clock.advance(op.days * 86_400_000)
            await runDailyJobs(shop.ctx)
          }
        }
        const check = await verifyLedger(shop.ctx.db.kysely)
        expect(check.violations).toEqual([])
      }),
      { numRuns: dialect === 'sqlite' ? 25 : 12 },
    )
  })

  it('returns the member to the exact balance and lots they had when a sale is refunded in full', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), async (qBeans, qMugs, splitRefund) => {
        const m = (await api.post('/api/v1/customers', { email: `${uuid()}@example.com` })).body.id
        await api.post(`/api/v1/customers/${m}/adjustments`, { id: uuid(), points: 40, reasonCode: 'goodwill', note: 'start' })
        const before = (await api.get(`/api/v1/customers/${m}/loyalty`)).body
        const id = uuid()
        const lines = [{ productId: beans.id, quantity: qBeans }, { productId: mug.id, quantity: qMugs }]
        const due = (await api.post('/api/v1/sales', { id, storeId: shop.storeId, customerId: m, lines, tenders: [{ kind: 'card', amountMinor: 0 }] })).body.error.details.dueMinor
        const sale = await api.post('/api/v1/sales', { id, storeId: shop.storeId, customerId: m, lines, tenders: [{ kind: 'points', amountMinor: 25 }, { kind: 'card', amountMinor: due - 25 }] })
        expect(sale.status).toBe(201)
        if (splitRefund && qBeans > 1) {
          await api.post(`/api/v1/sales/${id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] })
          await api.post(`/api/v1/sales/${id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: qBeans - 1 }, { lineNo: 2, quantity: qMugs }] })
        } else {
          await api.post(`/api/v1/sales/${id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: qBeans }, { lineNo: 2, quantity: qMugs }] })
        }
        const after = (await api.get(`/api/v1/customers/${m}/loyalty`)).body
        expect(after.balance).toBe(before.balance)
        // The same lots, with the same points and expiry: the points paid went back where they came from.
        const lots = (x: any) => x.lots.map((l: any) => [l.id, l.remaining, l.expiresAt])
        expect(lots(after)).toEqual(lots(before))
      }),
      { numRuns: dialect === 'sqlite' ? 15 : 8 },
    )
    expect((await verifyLedger(shop.ctx.db.kysely)).violations).toEqual([])
  })
})
