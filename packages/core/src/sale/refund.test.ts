import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PatronError } from '../errors'
import { percent } from '../money/ratio'
import { priceSale } from './price'
import { refundLines, refundTenders, roundRefundCash, summarizeRefund } from './refund'
import { settleTenders } from './tender'
import { arbCart, arbStore } from './test-arbitraries'
import { line, rate, store } from './test-fixtures'
import type { PricedSale, RefundedLine, TenderInput } from './types'

function expectError(fn: () => unknown, code: string, details?: Record<string, unknown>) {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(PatronError)
    expect((e as PatronError).code).toBe(code)
    if (details) expect((e as PatronError).details).toMatchObject(details)
    return
  }
  expect.unreachable(`expected ${code}`)
}

const pick = (r: RefundedLine) => ({ totalMinor: r.totalMinor, netMinor: r.netMinor, taxMinor: r.taxMinor, eligibleMinor: r.eligibleMinor })

describe('refundLines', () => {
  // 3 × 10.00 at 19 % exclusive with a 1.00 line discount: net 29.00, tax 5.51, total 34.51
  const sale = priceSale(store(), {
    lines: [line(1000, { quantity: 3, discount: { kind: 'amount', amountMinor: 100 } }), line(500)],
    cartDiscount: { kind: 'percent', percent: percent('0') },
  })

  it('fixture', () => {
    expect(sale.lines[0]).toMatchObject({ netMinor: 2900, taxMinor: 551, totalMinor: 3451 })
  })

  it('returns a whole line exactly as paid', () => {
    const [r] = refundLines(sale, {}, [{ lineIndex: 1, quantity: 1 }])
    expect(r).toMatchObject({ lineIndex: 1, quantity: 1, netMinor: sale.lines[1].netMinor, taxMinor: sale.lines[1].taxMinor, totalMinor: sale.lines[1].totalMinor })
    expect(r.taxes).toEqual(sale.lines[1].taxes)
  })

  it('one unit at a time, cumulatively: the three parts add up to the line exactly', () => {
    const first = refundLines(sale, {}, [{ lineIndex: 0, quantity: 1 }])[0]
    const second = refundLines(sale, new Map([[0, 1]]), [{ lineIndex: 0, quantity: 1 }])[0]
    const third = refundLines(sale, { 0: 2 }, [{ lineIndex: 0, quantity: 1 }])[0]
    // net: round(2900/3)=967, round(5800/3)=1933 → 966, 2900 → 967; tax 184, 183, 184
    expect([first, second, third].map(pick)).toEqual([
      { netMinor: 967, taxMinor: 184, totalMinor: 1151, eligibleMinor: 967 },
      { netMinor: 966, taxMinor: 183, totalMinor: 1149, eligibleMinor: 966 },
      { netMinor: 967, taxMinor: 184, totalMinor: 1151, eligibleMinor: 967 },
    ])
    expect(first.totalMinor + second.totalMinor + third.totalMinor).toBe(sale.lines[0].totalMinor)
  })

  it('inclusive store: base = net − tax, eligible = net without tax', () => {
    const s = priceSale(store({ taxMode: 'inclusive' }), { lines: [line(1190, { quantity: 2 })] })
    const [r] = refundLines(s, {}, [{ lineIndex: 0, quantity: 1 }])
    expect(pick(r)).toEqual({ netMinor: 1190, taxMinor: 190, totalMinor: 1190, eligibleMinor: 1000 })
    expect(r.taxes.map((t) => [t.baseMinor, t.taxMinor])).toEqual([[1000, 190]])
  })

  it('weighed item: grams returned out of grams sold', () => {
    const s = priceSale(store(), { lines: [line(1299, { quantity: 1234, weighed: true })] })
    const [r] = refundLines(s, {}, [{ lineIndex: 0, quantity: 617 }])
    expect(r.netMinor).toBe(802) // 1603 / 2 = 801.5 → 802
    expect(refundLines(s, { 0: 617 }, [{ lineIndex: 0, quantity: 617 }])[0].netMinor).toBe(801)
  })

  it('non-earning line: eligible 0', () => {
    const s = priceSale(store(), { lines: [line(1000, { nonEarning: true })] })
    expect(refundLines(s, {}, [{ lineIndex: 0, quantity: 1 }])[0].eligibleMinor).toBe(0)
  })

  it('sums duplicate line indices into one returned line', () => {
    const r = refundLines(sale, {}, [
      { lineIndex: 0, quantity: 1 },
      { lineIndex: 1, quantity: 1 },
      { lineIndex: 0, quantity: 2 },
    ])
    expect(r.map((x) => [x.lineIndex, x.quantity])).toEqual([
      [0, 3],
      [1, 1],
    ])
    expect(summarizeRefund(r).totalMinor).toBe(sale.totalMinor)
  })

  it('summarizeRefund: sums and tax summary of the refund', () => {
    const s = summarizeRefund(refundLines(sale, {}, [{ lineIndex: 0, quantity: 3 }, { lineIndex: 1, quantity: 1 }]))
    expect(s).toMatchObject({ totalMinor: sale.totalMinor, netMinor: sale.netMinor, taxMinor: sale.taxMinor, eligibleMinor: sale.eligibleMinor })
    expect(s.taxSummary).toEqual(sale.taxSummary)
  })

  it('an empty request returns nothing', () => {
    expect(refundLines(sale, {}, [])).toEqual([])
  })

  it('UNKNOWN_LINE', () => {
    expectError(() => refundLines(sale, {}, [{ lineIndex: 2, quantity: 1 }]), 'UNKNOWN_LINE', { field: 'lines[0].lineIndex', lineIndex: 2 })
    expectError(() => refundLines(sale, {}, [{ lineIndex: -1, quantity: 1 }]), 'UNKNOWN_LINE')
    expectError(() => refundLines(sale, {}, [{ lineIndex: 0.5, quantity: 1 }]), 'UNKNOWN_LINE')
  })

  it('INVALID_QUANTITY', () => {
    expectError(() => refundLines(sale, {}, [{ lineIndex: 1, quantity: 1 }, { lineIndex: 0, quantity: 0 }]), 'INVALID_QUANTITY', { field: 'lines[1].quantity' })
    expectError(() => refundLines(sale, {}, [{ lineIndex: 0, quantity: 1.5 }]), 'INVALID_QUANTITY')
    expectError(() => refundLines(sale, { 0: -1 }, [{ lineIndex: 0, quantity: 1 }]), 'INVALID_QUANTITY', { field: 'alreadyReturned[0]' })
  })

  it('REFUND_EXCEEDS_SOLD: never more than sold minus already returned', () => {
    expectError(() => refundLines(sale, { 0: 2 }, [{ lineIndex: 0, quantity: 2 }]), 'REFUND_EXCEEDS_SOLD', {
      lineIndex: 0,
      soldQuantity: 3,
      alreadyReturned: 2,
      requested: 2,
    })
    expectError(() => refundLines(sale, {}, [{ lineIndex: 0, quantity: 2 }, { lineIndex: 0, quantity: 2 }]), 'REFUND_EXCEEDS_SOLD', { requested: 4 })
  })
})

describe('refundLines properties', () => {
  /** A sale and, per line, a random split of its quantity into refund steps (in random order of lines). */
  const arbSaleAndSteps = fc
    .tuple(arbStore, arbCart(true))
    .map(([s, cart]) => priceSale(s, cart))
    .chain((sale) =>
      fc
        .tuple(
          ...sale.lines.map((l) =>
            fc.array(fc.integer({ min: 1, max: l.quantity }), { maxLength: 6 }).map((cuts) => {
              // Cut points in (0, Q) make the partial quantities; the last step reaches Q.
              const points = [...new Set(cuts.filter((c) => c < l.quantity))].sort((a, b) => a - b)
              const bounds = [0, ...points, l.quantity]
              return bounds.slice(1).map((b, i) => ({ lineIndex: l.index, quantity: b - bounds[i] }))
            }),
          ),
        )
        .chain((perLine) => fc.shuffledSubarray(perLine.flat(), { minLength: perLine.flat().length, maxLength: perLine.flat().length }))
        .chain((steps) =>
          // Group consecutive steps into refunds of one or more lines.
          fc.array(fc.boolean(), { minLength: steps.length, maxLength: steps.length }).map((breaks) => {
            const refunds: { lineIndex: number; quantity: number }[][] = []
            steps.forEach((step, i) => {
              if (i === 0 || breaks[i]) refunds.push([])
              refunds[refunds.length - 1].push(step)
            })
            return { sale, refunds }
          }),
        ),
    )

  function runRefunds(sale: PricedSale, refunds: { lineIndex: number; quantity: number }[][]) {
    const returned = new Map<number, number>()
    const all: RefundedLine[] = []
    for (const request of refunds) {
      const lines = refundLines(sale, returned, request)
      for (const r of lines) returned.set(r.lineIndex, (returned.get(r.lineIndex) ?? 0) + r.quantity)
      all.push(...lines)
    }
    return all
  }

  it('refunding everything in any sequence of partial refunds returns exactly what was paid', () => {
    fc.assert(
      fc.property(arbSaleAndSteps, ({ sale, refunds }) => {
        const all = runRefunds(sale, refunds)
        for (const l of sale.lines) {
          const parts = all.filter((r) => r.lineIndex === l.index)
          const sum = (f: (r: RefundedLine) => number) => parts.reduce((s, r) => s + f(r), 0)
          expect(sum((r) => r.quantity)).toBe(l.quantity)
          expect(sum((r) => r.totalMinor)).toBe(l.totalMinor)
          expect(sum((r) => r.netMinor)).toBe(l.netMinor)
          expect(sum((r) => r.taxMinor)).toBe(l.taxMinor)
          expect(sum((r) => r.eligibleMinor)).toBe(l.eligibleMinor)
          l.taxes.forEach((t, i) => {
            expect(sum((r) => r.taxes[i].taxMinor)).toBe(t.taxMinor)
            expect(sum((r) => r.taxes[i].baseMinor)).toBe(t.baseMinor)
          })
        }
        const total = summarizeRefund(all)
        expect(total).toMatchObject({ totalMinor: sale.totalMinor, netMinor: sale.netMinor, taxMinor: sale.taxMinor, eligibleMinor: sale.eligibleMinor })
        expect([...total.taxSummary].sort((a, b) => a.rateId.localeCompare(b.rateId))).toEqual(
          [...sale.taxSummary].sort((a, b) => a.rateId.localeCompare(b.rateId)),
        )
      }),
    )
  })

  it('every refunded part is non-negative and self-consistent', () => {
    fc.assert(
      fc.property(arbSaleAndSteps, ({ sale, refunds }) => {
        for (const r of runRefunds(sale, refunds)) {
          for (const v of [r.totalMinor, r.netMinor, r.taxMinor, r.eligibleMinor, ...r.taxes.flatMap((t) => [t.baseMinor, t.taxMinor])]) {
            expect(v).toBeGreaterThanOrEqual(0)
          }
          expect(r.taxMinor).toBe(r.taxes.reduce((s, t) => s + t.taxMinor, 0))
          expect(r.totalMinor).toBe(sale.taxMode === 'inclusive' ? r.netMinor : r.netMinor + r.taxMinor)
        }
      }),
    )
  })
})

describe('refundTenders', () => {
  const cash = (amountMinor: number): TenderInput => ({ kind: 'cash', amountMinor })
  const card = (amountMinor: number, reference?: string): TenderInput => ({ kind: 'card', amountMinor, ...(reference ? { reference } : {}) })

  it('a single tender gets the whole refund', () => {
    expect(refundTenders([card(3451, 'auth-9')], 1151)).toEqual([card(1151, 'auth-9')])
  })

  it('splits in proportion to what is still refundable on each tender; the full refund returns each tender exactly', () => {
    const paid = [card(6000), { kind: 'gift_card' as const, amountMinor: 4000, reference: 'GC-7' }]
    const first = refundTenders(paid, 5001)
    expect(first).toEqual([card(3001), { kind: 'gift_card', amountMinor: 2000, reference: 'GC-7' }])
    const second = refundTenders(paid, 4999, { card: 3001, gift_card: 2000 })
    expect(second).toEqual([card(2999), { kind: 'gift_card', amountMinor: 2000, reference: 'GC-7' }])
  })

  it('points tender gives back points in proportion, cumulatively, summing to the points spent', () => {
    // 1000 points paid 3.33
    const paid: TenderInput[] = [{ kind: 'points', amountMinor: 333, points: 1000 }]
    const a = refundTenders(paid, 111)
    const b = refundTenders(paid, 111, { points: 111 })
    const c = refundTenders(paid, 111, { points: 222 })
    expect([a, b, c].map((t) => t[0].points)).toEqual([333, 334, 333])
  })

  it('two tenders of one kind are filled in order, so per-kind refunded amounts are enough', () => {
    const paid = [card(1000, 'A'), cash(500), card(3000, 'B')]
    // kinds: card 4000, cash 500 → 2000 splits 1778 / 222 (1777.7…, 222.2…)
    expect(refundTenders(paid, 2000)).toEqual([card(1000, 'A'), cash(222), card(778, 'B')])
    expect(refundTenders(paid, 2500, { card: 1778, cash: 222 })).toEqual([cash(278), card(2222, 'B')])
  })

  it('a tender already fully refunded gets nothing more', () => {
    expect(refundTenders([card(500), cash(500)], 300, { card: 500 })).toEqual([cash(300)])
  })

  it('cash rounding: after 12.37 paid as 12.35 cash, the full refund of 12.37 gives back 12.35', () => {
    const settled = settleTenders({ cashRoundingMinor: 5 }, 1237, [card(1000), cash(500)])
    const tenders = refundTenders(settled.paidTenders, 1237)
    expect(tenders).toEqual([card(1000), cash(237)])
    expect(roundRefundCash({ cashRoundingMinor: 5 }, tenders)).toEqual({ tenders: [card(1000), cash(235)], roundingMinor: -2, amountMinor: 1235 })
  })

  it('roundRefundCash rounds the cash part up too, and leaves other tenders alone', () => {
    expect(roundRefundCash({ cashRoundingMinor: 5 }, [card(100), cash(238)])).toEqual({ tenders: [card(100), cash(240)], roundingMinor: 2, amountMinor: 340 })
    expect(roundRefundCash({ cashRoundingMinor: 5 }, [card(102)])).toEqual({ tenders: [card(102)], roundingMinor: 0, amountMinor: 102 })
    expect(roundRefundCash({ cashRoundingMinor: 5 }, [cash(2)])).toEqual({ tenders: [], roundingMinor: -2, amountMinor: 0 })
  })

  it('REFUND_EXCEEDS_PAID without a cash tender to take the rest', () => {
    expectError(() => refundTenders([card(1000)], 1001), 'REFUND_EXCEEDS_PAID', { refundMinor: 1001, refundableMinor: 1000 })
    expectError(() => refundTenders([card(1000)], 1, { card: 1000 }), 'REFUND_EXCEEDS_PAID')
  })

  it('INVALID_AMOUNT and INVALID_TENDER', () => {
    expectError(() => refundTenders([card(1000)], -1), 'INVALID_AMOUNT', { field: 'refundTotalMinor' })
    expectError(() => refundTenders([card(1000)], 1, { card: -5 }), 'INVALID_AMOUNT', { field: 'alreadyRefunded.card' })
    expectError(() => refundTenders([card(-1)], 1), 'INVALID_TENDER')
  })

  it('property: any sequence of refunds up to the paid total never exceeds a tender and ends exactly at what was paid', () => {
    const arbTender = fc.record({
      kind: fc.constantFrom('cash' as const, 'card' as const, 'gift_card' as const, 'points' as const),
      amountMinor: fc.integer({ min: 0, max: 100_000 }),
      points: fc.integer({ min: 0, max: 1_000_000 }),
    }).map(({ kind, amountMinor, points }): TenderInput => (kind === 'points' ? { kind, amountMinor, points } : { kind, amountMinor }))
    fc.assert(
      fc.property(fc.array(arbTender, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), (paid, cuts) => {
        const totalMinor = paid.reduce((s, t) => s + t.amountMinor, 0)
        const points = [...new Set(cuts.map((c) => c % (totalMinor + 1)))].sort((a, b) => a - b)
        const bounds = [0, ...points, totalMinor]
        const byKind: Partial<Record<TenderInput['kind'], number>> = {}
        const pointsBack = new Map<TenderInput['kind'], number>()
        for (let i = 1; i < bounds.length; i++) {
          const out = refundTenders(paid, bounds[i] - bounds[i - 1], { ...byKind })
          expect(out.reduce((s, t) => s + t.amountMinor, 0)).toBe(bounds[i] - bounds[i - 1])
          for (const t of out) {
            byKind[t.kind] = (byKind[t.kind] ?? 0) + t.amountMinor
            pointsBack.set(t.kind, (pointsBack.get(t.kind) ?? 0) + (t.points ?? 0))
          }
          for (const kind of Object.keys(byKind) as TenderInput['kind'][]) {
            const paidOfKind = paid.filter((t) => t.kind === kind).reduce((s, t) => s + t.amountMinor, 0)
            expect(byKind[kind]).toBeLessThanOrEqual(paidOfKind)
          }
        }
        for (const kind of new Set(paid.map((t) => t.kind))) {
          const ofKind = paid.filter((t) => t.kind === kind)
          expect(byKind[kind] ?? 0).toBe(ofKind.reduce((s, t) => s + t.amountMinor, 0))
          if (kind === 'points') {
            const spent = ofKind.filter((t) => t.amountMinor > 0).reduce((s, t) => s + (t.points ?? 0), 0)
            expect(pointsBack.get('points') ?? 0).toBe(spent)
          }
        }
      }),
    )
  })
})
