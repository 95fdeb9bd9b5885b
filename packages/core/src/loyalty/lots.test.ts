import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dueForExpiry, expiryFor, inactivityExpiresAt, inactivityExpiryDue, planClawback, planConsumption, splitEarning, type PointsLot } from './lots'

describe('expiryFor', () => {
  it('rolling: N months after earning, same store-local time, clamped to the month end', () => {
    expect(expiryFor({ kind: 'rolling', months: 12 }, '2024-03-15T10:30:00.000Z')).toBe('2025-03-15T10:30:00.000Z')
    expect(expiryFor({ kind: 'rolling', months: 1 }, '2024-01-31T12:00:00Z')).toBe('2024-02-29T12:00:00.000Z')
    expect(expiryFor({ kind: 'rolling', months: 13 }, '2024-01-31T12:00:00Z')).toBe('2025-02-28T12:00:00.000Z')
    // 10:30 in Berlin in winter (UTC+1) → 10:30 in Berlin in summer (UTC+2).
    expect(expiryFor({ kind: 'rolling', months: 3 }, '2024-01-15T09:30:00Z', 'Europe/Berlin')).toBe('2024-04-15T08:30:00.000Z')
  })

  it('rolling to the end of the month: the first store-local instant of the next month', () => {
    expect(expiryFor({ kind: 'rolling', months: 12, endOfMonth: true }, '2024-03-15T10:30:00Z')).toBe('2025-04-01T00:00:00.000Z')
    expect(expiryFor({ kind: 'rolling', months: 12, endOfMonth: true }, '2024-12-03T00:00:00Z', 'Europe/Berlin')).toBe(
      '2025-12-31T23:00:00.000Z',
    )
    // 2024-03-31 23:30 UTC is already April 1st in Berlin: the lot belongs to April.
    expect(expiryFor({ kind: 'rolling', months: 1, endOfMonth: true }, '2024-03-31T23:30:00Z', 'Europe/Berlin')).toBe(
      '2024-05-31T22:00:00.000Z',
    )
  })

  it('none and inactivity do not date lots', () => {
    expect(expiryFor({ kind: 'none' }, '2024-03-15T10:30:00Z')).toBeNull()
    expect(expiryFor({ kind: 'inactivity', months: 12 }, '2024-03-15T10:30:00Z')).toBeNull()
  })
})

describe('inactivityExpiryDue', () => {
  const policy = { kind: 'inactivity', months: 6 } as const
  it('is due N months after the last sale', () => {
    expect(inactivityExpiresAt('2024-01-10T08:00:00Z', policy)).toBe('2024-07-10T08:00:00.000Z')
    expect(inactivityExpiryDue('2024-01-10T08:00:00Z', policy, '2024-07-10T07:59:59Z')).toBe(false)
    expect(inactivityExpiryDue('2024-01-10T08:00:00Z', policy, '2024-07-10T08:00:00Z')).toBe(true)
  })
  it('is never due for other policies', () => {
    expect(inactivityExpiryDue('2000-01-01T00:00:00Z', { kind: 'rolling', months: 1 }, '2024-07-10T08:00:00Z')).toBe(false)
    expect(inactivityExpiryDue('2000-01-01T00:00:00Z', { kind: 'none' }, '2024-07-10T08:00:00Z')).toBe(false)
  })
})

const lots: PointsLot[] = [
  { id: 'never', remaining: 100, expiresAt: null, earnedAt: '2024-01-01T00:00:00Z' },
  { id: 'late', remaining: 30, expiresAt: '2025-06-01T00:00:00Z', earnedAt: '2024-06-01T00:00:00Z' },
  { id: 'b', remaining: 20, expiresAt: '2025-01-01T00:00:00Z', earnedAt: '2024-01-02T00:00:00Z' },
  { id: 'a', remaining: 20, expiresAt: '2025-01-01T00:00:00Z', earnedAt: '2024-01-02T00:00:00Z' },
  { id: 'early-earned', remaining: 10, expiresAt: '2025-01-01T01:00:00+01:00', earnedAt: '2023-12-01T00:00:00Z' },
  { id: 'empty', remaining: 0, expiresAt: '2024-02-01T00:00:00Z', earnedAt: '2023-02-01T00:00:00Z' },
]

describe('planConsumption', () => {
  it('consumes soonest-expiring first, no-expiry last, ties by earnedAt then id', () => {
    expect(planConsumption(lots, 75)).toEqual([
      { lotId: 'early-earned', points: 10 },
      { lotId: 'a', points: 20 },
      { lotId: 'b', points: 20 },
      { lotId: 'late', points: 25 },
    ])
    expect(planConsumption(lots, 180).at(-1)).toEqual({ lotId: 'never', points: 100 })
    expect(planConsumption(lots, 0)).toEqual([])
  })

  it('throws INSUFFICIENT_POINTS when the lots do not cover the points', () => {
    expect(() => planConsumption(lots, 181)).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_POINTS', details: { needed: 181, available: 180 } }))
  })

  it('skips lots already due at `now`', () => {
    expect(planConsumption(lots, 10, '2025-01-01T00:00:00Z')).toEqual([{ lotId: 'late', points: 10 }])
    expect(() => planConsumption(lots, 131, '2025-01-01T00:00:00Z')).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_POINTS' }))
  })

  it('takes exactly the points asked, from lots that hold them, in any input order', () => {
    const arbLot = fc.record({
      id: fc.string({ minLength: 1, maxLength: 3 }),
      remaining: fc.nat({ max: 100 }),
      expiresAt: fc.option(fc.integer({ min: 0, max: 1000 }).map((d) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString())),
      earnedAt: fc.integer({ min: 0, max: 1000 }).map((d) => new Date(Date.UTC(2023, 0, 1 + d)).toISOString()),
    })
    fc.assert(
      fc.property(fc.uniqueArray(arbLot, { selector: (l) => l.id, maxLength: 10 }), fc.nat({ max: 600 }), (ls, points) => {
        const available = ls.reduce((s, l) => s + l.remaining, 0)
        if (points > available) {
          expect(() => planConsumption(ls, points)).toThrow()
          return
        }
        const plan = planConsumption(ls, points)
        expect(plan.reduce((s, t) => s + t.points, 0)).toBe(points)
        for (const t of plan) expect(t.points).toBeGreaterThan(0)
        for (const t of plan) expect(t.points).toBeLessThanOrEqual(ls.find((l) => l.id === t.lotId)!.remaining)
        expect(planConsumption([...ls].reverse(), points)).toEqual(plan)
      }),
    )
  })
})

describe('planClawback', () => {
  it('takes from the original sale’s lot first, then in spending order', () => {
    expect(planClawback(lots, 45, 'late')).toEqual({
      fromLots: [
        { lotId: 'late', points: 30 },
        { lotId: 'early-earned', points: 10 },
        { lotId: 'a', points: 5 },
      ],
      debt: 0,
    })
  })

  it('leaves a debt when the lots are not enough', () => {
    const plan = planClawback(lots, 200, null)
    expect(plan.fromLots.reduce((s, t) => s + t.points, 0)).toBe(180)
    expect(plan.debt).toBe(20)
    expect(planClawback([], 7, 'gone')).toEqual({ fromLots: [], debt: 7 })
  })
})

describe('splitEarning', () => {
  it('repays a debt before making a lot', () => {
    expect(splitEarning(-20, 50)).toEqual({ repaysDebt: 20, lotPoints: 30 })
    expect(splitEarning(-20, 5)).toEqual({ repaysDebt: 5, lotPoints: 0 })
    expect(splitEarning(10, 5)).toEqual({ repaysDebt: 0, lotPoints: 5 })
  })
})

describe('dueForExpiry', () => {
  it('lists what is left of the lots due at `now`', () => {
    expect(dueForExpiry(lots, '2024-12-31T23:59:59Z')).toEqual([])
    expect(dueForExpiry(lots, '2025-01-01T00:00:00Z')).toEqual([
      { lotId: 'early-earned', points: 10 },
      { lotId: 'a', points: 20 },
      { lotId: 'b', points: 20 },
    ])
  })
})
