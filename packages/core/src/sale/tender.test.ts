import { describe, expect, it } from 'vitest'
import { PatronError } from '../errors'
import { roundToIncrementMinor, settleTenders } from './tender'
import type { TenderInput } from './types'

const to05 = { cashRoundingMinor: 5 }
const cash = (amountMinor: number): TenderInput => ({ kind: 'cash', amountMinor })
const card = (amountMinor: number, reference?: string): TenderInput => ({ kind: 'card', amountMinor, reference })

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

describe('settleTenders: worked examples of sales.md (cash rounding to 0.05)', () => {
  it('12.37 → 12.35, rounding line −0.02', () => {
    const s = settleTenders(to05, 1237, [cash(2000)])
    expect(s).toMatchObject({ totalMinor: 1237, roundingMinor: -2, amountDueMinor: 1235, tenderedMinor: 2000, changeMinor: 765 })
  })

  it('12.38 → 12.40, rounding line +0.02', () => {
    const s = settleTenders(to05, 1238, [cash(1240)])
    expect(s).toMatchObject({ roundingMinor: 2, amountDueMinor: 1240, changeMinor: 0 })
  })
})

describe('settleTenders', () => {
  it('rounds halves away from zero (increment 0.10: 12.35 → 12.40)', () => {
    expect(settleTenders({ cashRoundingMinor: 10 }, 1235, [cash(1240)]).roundingMinor).toBe(5)
    expect(settleTenders({ cashRoundingMinor: 10 }, 1234, [cash(1230)]).roundingMinor).toBe(-4)
  })

  it('does not round without a cash tender', () => {
    const s = settleTenders(to05, 1237, [card(1237, 'auth-1')])
    expect(s).toMatchObject({ roundingMinor: 0, amountDueMinor: 1237, changeMinor: 0 })
    expect(s.tenders).toEqual([card(1237, 'auth-1')])
  })

  it('does not round when the store does not (increment 0 or 1)', () => {
    expect(settleTenders({ cashRoundingMinor: 0 }, 1237, [cash(1237)]).roundingMinor).toBe(0)
    expect(settleTenders({ cashRoundingMinor: 1 }, 1237, [cash(1237)]).roundingMinor).toBe(0)
  })

  it('rounds the cash part only: card 10.00 + cash on 12.37 → cash due 2.37 → 2.35', () => {
    const s = settleTenders(to05, 1237, [card(1000), cash(500)])
    expect(s).toMatchObject({ roundingMinor: -2, amountDueMinor: 1235, tenderedMinor: 1500, changeMinor: 265 })
    expect(s.paidTenders).toEqual([card(1000), cash(235)])
  })

  it('split tender: any number of tenders that cover the total', () => {
    const s = settleTenders({ cashRoundingMinor: 0 }, 5000, [
      card(2000),
      { kind: 'gift_card', amountMinor: 1000, reference: 'GC-1' },
      { kind: 'points', amountMinor: 500, points: 500 },
      cash(1600),
    ])
    expect(s).toMatchObject({ amountDueMinor: 5000, tenderedMinor: 5100, changeMinor: 100 })
    expect(s.paidTenders[3]).toEqual(cash(1500))
  })

  it('change comes from the last cash tender first; paid tenders stay index-aligned and sum to the amount due', () => {
    const s = settleTenders({ cashRoundingMinor: 0 }, 1000, [cash(800), card(100), cash(300)])
    expect(s.changeMinor).toBe(200)
    expect(s.paidTenders).toEqual([cash(800), card(100), cash(100)])
    const s2 = settleTenders({ cashRoundingMinor: 0 }, 800, [cash(800), card(100), cash(50)])
    expect(s2.paidTenders).toEqual([cash(700), card(100), cash(0)])
    expect(s2.paidTenders.reduce((a, t) => a + t.amountMinor, 0)).toBe(s2.amountDueMinor)
  })

  it('JPY (exponent 0) with 10-yen cash rounding', () => {
    expect(settleTenders({ cashRoundingMinor: 10 }, 1234, [cash(5000)])).toMatchObject({ roundingMinor: -4, amountDueMinor: 1230, changeMinor: 3770 })
  })

  it('KWD (exponent 3) with 5-fils rounding', () => {
    expect(settleTenders({ cashRoundingMinor: 5 }, 3447, [cash(5000)])).toMatchObject({ roundingMinor: -2, amountDueMinor: 3445 })
  })

  it('a zero total needs no tender', () => {
    expect(settleTenders(to05, 0, [])).toMatchObject({ amountDueMinor: 0, changeMinor: 0 })
  })

  it('NON_CASH_OVERPAYMENT: only cash may exceed the amount due', () => {
    expectError(() => settleTenders(to05, 1000, [card(1200)]), 'NON_CASH_OVERPAYMENT', { dueMinor: 1000, nonCashMinor: 1200 })
    expectError(() => settleTenders(to05, 1000, [card(600), { kind: 'gift_card', amountMinor: 600 }, cash(100)]), 'NON_CASH_OVERPAYMENT')
  })

  it('TENDER_SHORT with the due and tendered amounts', () => {
    expectError(() => settleTenders(to05, 1237, [card(1000), cash(200)]), 'TENDER_SHORT', { dueMinor: 1235, tenderedMinor: 1200 })
    expectError(() => settleTenders(to05, 1237, []), 'TENDER_SHORT', { dueMinor: 1237, tenderedMinor: 0 })
  })

  it('INVALID_TENDER for negative or fractional amounts, bad points, unknown kinds', () => {
    expectError(() => settleTenders(to05, 100, [cash(-1)]), 'INVALID_TENDER', { field: 'tenders[0].amountMinor' })
    expectError(() => settleTenders(to05, 100, [card(50), cash(50.5)]), 'INVALID_TENDER', { field: 'tenders[1].amountMinor' })
    expectError(() => settleTenders(to05, 100, [{ kind: 'points', amountMinor: 100, points: -3 }]), 'INVALID_TENDER', { field: 'tenders[0].points' })
    expectError(() => settleTenders(to05, 100, [{ kind: 'bitcoin' as never, amountMinor: 100 }]), 'INVALID_TENDER', { field: 'tenders[0].kind' })
  })

  it('INVALID_AMOUNT for a bad total', () => {
    expectError(() => settleTenders(to05, 10.5, [cash(20)]), 'INVALID_AMOUNT', { field: 'totalMinor' })
  })
})

describe('roundToIncrementMinor', () => {
  it.each([
    [1237, 5, 1235],
    [1238, 5, 1240],
    [1235, 10, 1240],
    [1234, 10, 1230],
    [1237, 1, 1237],
    [1237, 0, 1237],
    [-1238, 5, -1240],
    [-1235, 10, -1240],
  ])('%d to %d → %d', (amount, increment, expected) => {
    expect(roundToIncrementMinor(amount, increment)).toBe(expected)
  })
})
