import { describe, expect, it } from 'vitest'
import { compileRules, defaultRules, ruleIssues, tierForMetric, validateRules } from './rules'
import type { ProgramRules } from './types'

const valid: ProgramRules = {
  ...defaultRules('stars'),
  multipliers: [{ id: 'coffee', name: 'Coffee', categoryIds: ['coffee'], multiplier: '2' }],
  tiers: [
    { id: 'member', name: 'Member', threshold: 0, multiplier: '1' },
    { id: 'gold', name: 'Gold', threshold: 1000, multiplier: '1.5', discountPercent: '5' },
  ],
  promotions: [{ id: 'tue', name: 'Tuesday', multiplier: '2', daysOfWeek: [2], startTime: '08:00', endTime: '24:00', fromDate: '2024-01-01', toDate: '2024-12-31' }],
  bonuses: [{ id: 't', name: 'Big basket', kind: 'threshold', points: 50, thresholdMinor: 5000 }],
  caps: { perSale: 500, perDay: null },
  pointsTender: { pointsPerUnit: 100 },
  expiry: { kind: 'rolling', months: 12, endOfMonth: true },
}

function codeAndField(rules: unknown) {
  try {
    validateRules(rules as ProgramRules)
  } catch (e) {
    const err = e as { code: string; details: { field: string } }
    return [err.code, err.details.field]
  }
  return null
}

describe('defaultRules', () => {
  it('is a plain 1 point per 1.00 program with no expiry, and valid', () => {
    const rules = defaultRules()
    expect(rules.pointsName).toBe('points')
    expect(rules.baseRate).toBe('1')
    expect(rules.expiry).toEqual({ kind: 'none' })
    expect(ruleIssues(rules)).toEqual([])
    expect(defaultRules('stars').pointsName).toBe('stars')
  })
})

describe('validateRules', () => {
  it('accepts a full valid program', () => {
    expect(() => validateRules(valid)).not.toThrow()
    expect(compileRules(valid).tiers.get('gold')?.discount).toEqual({ num: 1n, den: 20n })
  })

  it('names the bad decimal field with INVALID_PROGRAM', () => {
    expect(codeAndField({ ...valid, baseRate: '1,5' })).toEqual(['INVALID_PROGRAM', 'baseRate'])
    expect(codeAndField({ ...valid, baseRate: '0' })).toEqual(['INVALID_PROGRAM', 'baseRate'])
    expect(codeAndField({ ...valid, costPerPointMinor: '-1' })).toEqual(['INVALID_PROGRAM', 'costPerPointMinor'])
    expect(codeAndField({ ...valid, multipliers: [{ ...valid.multipliers[0], multiplier: 'x2' }] })).toEqual([
      'INVALID_PROGRAM',
      'multipliers[0].multiplier',
    ])
    expect(codeAndField({ ...valid, multipliers: [{ ...valid.multipliers[0], multiplier: '0.5' }] })).toEqual([
      'INVALID_PROGRAM',
      'multipliers[0].multiplier',
    ])
    expect(codeAndField({ ...valid, tiers: [{ ...valid.tiers[0], multiplier: '1.5.1' }] })).toEqual(['INVALID_PROGRAM', 'tiers[0].multiplier'])
    expect(codeAndField({ ...valid, promotions: [{ ...valid.promotions[0], multiplier: '' }] })).toEqual([
      'INVALID_PROGRAM',
      'promotions[0].multiplier',
    ])
  })

  it('rejects negative or fractional points', () => {
    expect(codeAndField({ ...valid, bonuses: [{ id: 'v', name: 'Visit', kind: 'visit', points: -5 }] })).toEqual(['INVALID_PROGRAM', 'bonuses[0].points'])
    expect(codeAndField({ ...valid, bonuses: [{ id: 'v', name: 'Visit', kind: 'visit', points: 1.5 }] })).toEqual(['INVALID_PROGRAM', 'bonuses[0].points'])
    expect(codeAndField({ ...valid, caps: { perSale: -1 } })).toEqual(['INVALID_PROGRAM', 'caps.perSale'])
  })

  it('rejects tier thresholds that do not strictly increase with TIER_THRESHOLD_ORDER', () => {
    const tiers = [valid.tiers[0], { ...valid.tiers[1], threshold: 0 }]
    expect(codeAndField({ ...valid, tiers })).toEqual(['TIER_THRESHOLD_ORDER', 'tiers[1].threshold'])
    const descending = [{ ...valid.tiers[1] }, { ...valid.tiers[0], id: 'basic' }]
    expect(codeAndField({ ...valid, tiers: descending })).toEqual(['TIER_THRESHOLD_ORDER', 'tiers[1].threshold'])
  })

  it('checks promotion times, dates, days and channels, and rule ids', () => {
    const p = valid.promotions[0]
    expect(codeAndField({ ...valid, promotions: [{ ...p, startTime: '25:00' }] })?.[1]).toBe('promotions[0].startTime')
    expect(codeAndField({ ...valid, promotions: [{ ...p, startTime: '18:00', endTime: '17:00' }] })?.[1]).toBe('promotions[0].endTime')
    expect(codeAndField({ ...valid, promotions: [{ ...p, fromDate: '2024-02-30' }] })?.[1]).toBe('promotions[0].fromDate')
    expect(codeAndField({ ...valid, promotions: [{ ...p, toDate: '2023-12-31' }] })?.[1]).toBe('promotions[0].toDate')
    expect(codeAndField({ ...valid, promotions: [{ ...p, daysOfWeek: [7] }] })?.[1]).toBe('promotions[0].daysOfWeek')
    expect(codeAndField({ ...valid, promotions: [{ ...p, channels: ['phone'] }] })?.[1]).toBe('promotions[0].channels')
    expect(codeAndField({ ...valid, multipliers: [valid.multipliers[0], valid.multipliers[0]] })?.[1]).toBe('multipliers[1].id')
    expect(codeAndField({ ...valid, expiry: { kind: 'rolling', months: 0 } })?.[1]).toBe('expiry.months')
  })

  it('rejects a promotion window that is empty or reversed with INVALID_WINDOW', () => {
    const p = valid.promotions[0]
    expect(codeAndField({ ...valid, promotions: [{ ...p, startTime: '18:00', endTime: '17:00' }] })).toEqual(['INVALID_WINDOW', 'promotions[0].endTime'])
    expect(codeAndField({ ...valid, promotions: [{ ...p, startTime: '18:00', endTime: '18:00' }] })).toEqual(['INVALID_WINDOW', 'promotions[0].endTime'])
    expect(codeAndField({ ...valid, promotions: [{ ...p, toDate: '2023-12-31' }] })).toEqual(['INVALID_WINDOW', 'promotions[0].toDate'])
    // 2024-03-04 is a Monday: a Tuesday-only promotion on that one day can never apply.
    expect(codeAndField({ ...valid, promotions: [{ ...p, fromDate: '2024-03-04', toDate: '2024-03-04' }] })).toEqual(['INVALID_WINDOW', 'promotions[0].daysOfWeek'])
    expect(codeAndField({ ...valid, promotions: [{ ...p, fromDate: '2024-03-04', toDate: '2024-03-05' }] })).toBeNull()
  })

  it('rejects a promotion whose windows overlap on a common day with OVERLAPPING_WINDOWS', () => {
    const p = { id: 'w', name: 'Windows', multiplier: '2' }
    const withWindows = (...windows: { daysOfWeek?: number[]; startTime: string; endTime: string }[]) => ({ ...valid, promotions: [{ ...p, windows }] })
    // Mon–Fri 08–10 and Fri 09–11 share Friday 09:00–10:00.
    expect(codeAndField(withWindows({ daysOfWeek: [1, 2, 3, 4, 5], startTime: '08:00', endTime: '10:00' }, { daysOfWeek: [5], startTime: '09:00', endTime: '11:00' }))).toEqual(['OVERLAPPING_WINDOWS', 'promotions[0].windows[1]'])
    // A window without days is every day: it overlaps any other at the same hour.
    expect(codeAndField(withWindows({ daysOfWeek: [6], startTime: '14:00', endTime: '16:00' }, { startTime: '15:59', endTime: '17:00' }))).toEqual(['OVERLAPPING_WINDOWS', 'promotions[0].windows[1]'])
    // Touching windows (end exclusive) and the same hours on other days are fine.
    expect(codeAndField(withWindows({ startTime: '08:00', endTime: '10:00' }, { startTime: '10:00', endTime: '12:00' }))).toBeNull()
    expect(codeAndField(withWindows({ daysOfWeek: [1], startTime: '08:00', endTime: '10:00' }, { daysOfWeek: [2], startTime: '08:00', endTime: '10:00' }))).toBeNull()
    // A reversed window inside the list, and windows mixed with the rule's own times.
    expect(codeAndField(withWindows({ startTime: '10:00', endTime: '09:00' }))).toEqual(['INVALID_WINDOW', 'promotions[0].windows[0].endTime'])
    expect(codeAndField({ ...valid, promotions: [{ ...p, startTime: '08:00', endTime: '09:00', windows: [{ startTime: '10:00', endTime: '11:00' }] }] })).toEqual(['INVALID_WINDOW', 'promotions[0].windows'])
    expect(codeAndField(withWindows())).toEqual(['INVALID_PROGRAM', 'promotions[0].windows'])
  })

  it('lists every issue in details.issues', () => {
    try {
      validateRules({ ...valid, baseRate: 'x', costPerPointMinor: 'y' })
      expect.unreachable()
    } catch (e) {
      const issues = (e as { details: { issues: { field: string }[] } }).details.issues
      expect(issues.map((i) => i.field)).toEqual(['baseRate', 'costPerPointMinor'])
    }
  })
})

describe('tierForMetric', () => {
  it('is the highest tier whose threshold is reached', () => {
    expect(tierForMetric(valid, 0)?.id).toBe('member')
    expect(tierForMetric(valid, 999)?.id).toBe('member')
    expect(tierForMetric(valid, 1000)?.id).toBe('gold')
    expect(tierForMetric({ ...valid, tiers: valid.tiers.slice(1) }, 10)).toBeNull()
  })
})
