import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computeClawback } from './clawback'
import { evaluateEarn } from './earn'
import { defaultRules } from './rules'
import type { EarnLine, EarnMember, EarnSale, ProgramRules } from './types'

const rules: ProgramRules = {
  ...defaultRules(),
  multipliers: [{ id: 'coffee', name: 'Coffee', categoryIds: ['coffee'], multiplier: '2' }],
  tiers: [{ id: 'gold', name: 'Gold', threshold: 0, multiplier: '1.5' }],
  promotions: [{ id: 'tue', name: 'Double Tuesday', multiplier: '2', daysOfWeek: [2] }],
  bonuses: [
    { id: 't', name: 'Big basket', kind: 'threshold', points: 50, thresholdMinor: 5000 },
    { id: 'v', name: 'Visit', kind: 'visit', points: 5 },
  ],
}
// The member state at the original sale: the visit was not yet counted that day.
const member: EarnMember = { tierId: 'gold', firstPurchase: false, visitCountedToday: false, birthMonth: null, pointsEarnedToday: 0 }

function sale(lines: EarnLine[], at = '2024-06-05T10:00:00Z'): EarnSale {
  const total = lines.reduce((s, l) => s + l.eligibleMinor, 0)
  return { currencyExponent: 2, storeId: 's', channel: 'pos', at, timeZone: 'Europe/Berlin', lines, totalMinor: total, pointsTenderMinor: 0 }
}
const line = (eligibleMinor: number, categoryId: string | null = null): EarnLine => ({ productId: null, categoryId, eligibleMinor })

describe('computeClawback', () => {
  it('takes back the threshold bonus when the kept part falls below the threshold', () => {
    const original = sale([line(3000), line(3000)])
    const earned = evaluateEarn(rules, original, member) // base 60 + tier 30 + threshold 50 + visit 5
    expect(earned.total).toBe(145)
    const { clawback, recomputed } = computeClawback(rules, original, sale([line(3000)]), member, earned.total)
    expect(recomputed.explanation).toBe('Base 1 pt/1.00: 30 · Gold ×1.5: +15 · Visit: +5')
    expect(clawback).toBe(145 - 50)
  })

  it('takes back everything on a full refund', () => {
    const original = sale([line(3000, 'coffee'), line(3000)])
    const earned = evaluateEarn(rules, original, member).total
    expect(computeClawback(rules, original, sale([]), member, earned).clawback).toBe(earned)
  })

  it('judges promotions at the original sale time, whatever time the kept sale carries', () => {
    const tuesday = '2024-06-04T10:00:00Z'
    const original = sale([line(2000), line(2000)], tuesday)
    const earned = evaluateEarn(rules, original, member).total // 40 + 20 tier + 40 promo + 5
    expect(earned).toBe(105)
    const kept = sale([line(2000)], '2024-06-05T10:00:00Z')
    expect(computeClawback(rules, original, kept, member, earned).clawback).toBe(105 - 55)
  })

  it('never goes negative, and counts earlier clawbacks of the same sale', () => {
    const original = sale([line(3000), line(3000)])
    expect(computeClawback(rules, original, original, member, 10).clawback).toBe(0)
    const earned = evaluateEarn(rules, original, member).total
    const first = computeClawback(rules, original, sale([line(3000), line(2000)]), member, earned)
    const second = computeClawback(rules, original, sale([line(2000)]), member, earned, first.clawback)
    const direct = computeClawback(rules, original, sale([line(2000)]), member, earned)
    expect(first.clawback + second.clawback).toBe(direct.clawback)
  })

  it('claws back exactly what was earned when everything is refunded, for any sale', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ eligibleMinor: fc.nat({ max: 20000 }), categoryId: fc.constantFrom(null, 'coffee') }), { maxLength: 10 }), (raw) => {
        const original = sale(raw.map((r) => line(r.eligibleMinor, r.categoryId)))
        const earned = evaluateEarn(rules, original, member).total
        expect(computeClawback(rules, original, sale([]), member, earned).clawback).toBe(earned)
      }),
    )
  })
})
