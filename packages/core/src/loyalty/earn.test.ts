import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluateEarn } from './earn'
import { compileRules, defaultRules, ruleIssues } from './rules'
import type { EarnLine, EarnMember, EarnSale, ProgramRules } from './types'

const member: EarnMember = { tierId: null, firstPurchase: false, visitCountedToday: true, birthMonth: null, pointsEarnedToday: 0 }
const gold: EarnMember = { ...member, tierId: 'gold' }

function sale(lines: EarnLine[], over: Partial<EarnSale> = {}): EarnSale {
  const total = lines.reduce((s, l) => s + l.eligibleMinor, 0)
  return {
    currencyExponent: 2,
    storeId: 'store-1',
    channel: 'pos',
    at: '2024-06-05T10:00:00Z', // a Wednesday
    timeZone: 'Europe/Berlin',
    lines,
    totalMinor: total,
    pointsTenderMinor: 0,
    ...over,
  }
}

const line = (eligibleMinor: number, categoryId: string | null = null, productId: string | null = null): EarnLine => ({
  productId,
  categoryId,
  eligibleMinor,
})

/** The program of loyalty.md's worked example. */
const exampleRules: ProgramRules = {
  ...defaultRules(),
  nonEarningProductIds: ['gift-card'],
  multipliers: [{ id: 'coffee', name: 'Coffee', categoryIds: ['coffee'], multiplier: '2' }],
  tiers: [
    { id: 'member', name: 'Member', threshold: 0, multiplier: '1' },
    { id: 'gold', name: 'Gold', threshold: 1000, multiplier: '1.5' },
  ],
  bonuses: [{ id: 'spend50', name: 'Spend 50', kind: 'threshold', points: 50, thresholdMinor: 5000 }],
}

const exampleLines = [line(1840, 'coffee', 'beans'), line(999, 'homeware', 'mug'), line(2500, 'gift-cards', 'gift-card')]

describe('evaluateEarn: the worked example of loyalty.md', () => {
  it('earns 69 points: base 28, coffee ×2 +18, Gold ×1.5 +23, threshold not met', () => {
    const r = evaluateEarn(exampleRules, sale(exampleLines), gold)
    expect(r.eligibleMinor).toBe(2839)
    expect(r.components).toEqual([
      { code: 'base', label: 'Base 1 pt/1.00', points: 28 },
      { code: 'multiplier', ruleId: 'coffee', label: 'Coffee ×2', points: 18 },
      { code: 'tier', ruleId: 'gold', label: 'Gold ×1.5', points: 23 },
    ])
    expect(r.total).toBe(69)
    expect(r.qualifyingPoints).toBe(69)
    expect(r.explanation).toBe('Base 1 pt/1.00: 28 · Coffee ×2: +18 · Gold ×1.5: +23')
  })

  it('gives the same result from compiled rules', () => {
    const compiled = compileRules(exampleRules)
    expect(evaluateEarn(compiled, sale(exampleLines), gold)).toEqual(evaluateEarn(exampleRules, sale(exampleLines), gold))
  })

  it('adds the threshold bonus once the eligible amount reaches 50.00', () => {
    const r = evaluateEarn(exampleRules, sale([...exampleLines, line(2161, 'homeware')]), gold)
    expect(r.eligibleMinor).toBe(5000)
    expect(r.explanation).toBe('Base 1 pt/1.00: 50 · Coffee ×2: +18 · Gold ×1.5: +34 · Spend ≥ 50.00: +50')
    expect(r.total).toBe(152)
  })
})

describe('evaluateEarn: base', () => {
  it('is always present, even at 0', () => {
    const r = evaluateEarn(defaultRules(), sale([line(99)]), member)
    expect(r.components).toEqual([{ code: 'base', label: 'Base 1 pt/1.00', points: 0 }])
    expect(r.total).toBe(0)
    expect(evaluateEarn(defaultRules(), sale([]), member).explanation).toBe('Base 1 pt/1.00: 0')
  })

  it('floors once on the whole sale, not per line', () => {
    // 3 × 0.60 = 1.80 → 1 point, where flooring per line would give 0.
    expect(evaluateEarn(defaultRules(), sale([line(60), line(60), line(60)]), member).total).toBe(1)
  })

  it('handles a fractional rate exactly (R = 0.1)', () => {
    const rules = { ...defaultRules(), baseRate: '0.1' }
    const r = evaluateEarn(rules, sale([line(1999), line(1)]), member)
    expect(r.components[0]).toEqual({ code: 'base', label: 'Base 0.1 pt/1.00', points: 2 })
    expect(evaluateEarn(rules, sale([line(1999)]), member).total).toBe(1)
  })

  it('never loses a point to binary floating point (R = 0.29 on 100.00 is 29, not 28)', () => {
    expect(evaluateEarn({ ...defaultRules(), baseRate: '0.29' }, sale([line(10000)]), member).total).toBe(29)
  })

  it('uses the currency exponent: JPY has no minor unit', () => {
    const rules = { ...defaultRules(), baseRate: '0.01' } // 1 point per 100 yen
    const r = evaluateEarn(rules, sale([line(1234), line(66)], { currencyExponent: 0, timeZone: 'Asia/Tokyo' }), member)
    expect(r.total).toBe(13)
    expect(r.explanation).toBe('Base 0.01 pt/1: 13')
  })

  it('gives nothing for non-earning products and categories', () => {
    const rules = { ...defaultRules(), nonEarningProductIds: ['deposit'], nonEarningCategoryIds: ['tobacco'] }
    const r = evaluateEarn(rules, sale([line(1000, 'tobacco', 'cigs'), line(500, 'drinks', 'deposit'), line(300, 'drinks', 'water')]), member)
    expect(r.eligibleMinor).toBe(300)
    expect(r.total).toBe(3)
  })

  it('reduces each line by the share paid with points', () => {
    // Total 40.00 of which 10.00 in points: 10.00 → 7.50, 30.00 → 22.50.
    const s = sale([line(1000), line(3000)], { totalMinor: 4000, pointsTenderMinor: 1000 })
    const r = evaluateEarn(defaultRules(), s, member)
    expect(r.eligibleMinor).toBe(3000)
    expect(r.total).toBe(30)
  })

  it('floors the points-tender reduction per line', () => {
    // Tax-exclusive: total 11.90 incl. tax, 1.19 paid with points → each line × 10.71 / 11.90.
    const s = sale([line(333), line(667)], { totalMinor: 1190, pointsTenderMinor: 119 })
    // floor(333 × 0.9) = 299 (299.7), floor(667 × 0.9) = 600 (600.3)
    expect(evaluateEarn(defaultRules(), s, member).eligibleMinor).toBe(899)
  })

  it('earns nothing on a sale paid entirely with points', () => {
    const s = sale([line(1000)], { totalMinor: 1000, pointsTenderMinor: 1000 })
    expect(evaluateEarn({ ...exampleRules, bonuses: [{ id: 'v', name: 'Visit', kind: 'visit', points: 5 }] }, s, { ...member, visitCountedToday: false }).total).toBe(0)
  })
})

describe('evaluateEarn: multipliers', () => {
  const rules: ProgramRules = {
    ...defaultRules(),
    multipliers: [
      { id: 'coffee', name: 'Coffee', categoryIds: ['coffee'], multiplier: '2' },
      { id: 'espresso', name: 'Espresso beans', productIds: ['espresso'], multiplier: '3' },
      { id: 'tea', name: 'Tea', categoryIds: ['tea'], multiplier: '1.5' },
      { id: 'tea-again', name: 'Tea again', categoryIds: ['tea'], multiplier: '1.5' },
      { id: 'decaf', name: 'Decaf', productIds: ['decaf'], multiplier: '1.2' },
    ],
  }

  it('takes the highest multiplier of the matching rules, never stacking', () => {
    const r = evaluateEarn(rules, sale([line(1000, 'coffee', 'espresso')]), member)
    expect(r.components).toEqual([
      { code: 'base', label: 'Base 1 pt/1.00', points: 10 },
      { code: 'multiplier', ruleId: 'espresso', label: 'Espresso beans ×3', points: 20 },
    ])
  })

  it('keeps a category multiplier above a weaker product one', () => {
    const r = evaluateEarn(rules, sale([line(1000, 'coffee', 'decaf')]), member)
    expect(r.components[1]).toEqual({ code: 'multiplier', ruleId: 'coffee', label: 'Coffee ×2', points: 10 })
  })

  it('gives a tie to the first rule and shows one component per winning rule, floored on its lines', () => {
    const r = evaluateEarn(rules, sale([line(150, 'tea'), line(150, 'tea'), line(1000, 'coffee'), line(500, 'food')]), member)
    expect(r.components).toEqual([
      { code: 'base', label: 'Base 1 pt/1.00', points: 18 },
      { code: 'multiplier', ruleId: 'coffee', label: 'Coffee ×2', points: 10 },
      { code: 'multiplier', ruleId: 'tea', label: 'Tea ×1.5', points: 1 }, // floor(3.00 × 0.5)
    ])
  })

  it('applies to the eligible amount only (non-earning lines get no multiplier)', () => {
    const r = evaluateEarn({ ...rules, nonEarningProductIds: ['espresso'] }, sale([line(1000, 'coffee', 'espresso')]), member)
    expect(r.total).toBe(0)
  })
})

describe('evaluateEarn: tier bonus', () => {
  it('is floor((base + multiplier bonus) × (m − 1))', () => {
    const r = evaluateEarn(exampleRules, sale([line(1150, 'coffee')]), gold)
    // base 11, coffee +11, tier floor(22 × 0.5) = 11
    expect(r.components.map((c) => c.points)).toEqual([11, 11, 11])
  })

  it('gives nothing for the entry tier (×1), no tier, or a tier not in this version', () => {
    for (const tierId of ['member', null, 'platinum-removed']) {
      const r = evaluateEarn(exampleRules, sale([line(1000)]), { ...member, tierId })
      expect(r.components.map((c) => c.code)).toEqual(['base'])
    }
  })
})

describe('evaluateEarn: promotions (store-local time)', () => {
  const tuesdays: ProgramRules = {
    ...defaultRules(),
    promotions: [{ id: 'tue', name: 'Double Tuesday', multiplier: '2', daysOfWeek: [2] }],
  }

  it('follows the store-local day, across the UTC day boundary', () => {
    // Monday 2024-06-03 23:30 UTC is Tuesday 01:30 in Berlin but Monday 19:30 in New York.
    const at = '2024-06-03T23:30:00Z'
    const berlin = evaluateEarn(tuesdays, sale([line(1000)], { at, timeZone: 'Europe/Berlin' }), member)
    expect(berlin.explanation).toBe('Base 1 pt/1.00: 10 · Double Tuesday ×2: +10')
    const newYork = evaluateEarn(tuesdays, sale([line(1000)], { at, timeZone: 'America/New_York' }), member)
    expect(newYork.explanation).toBe('Base 1 pt/1.00: 10')
  })

  it('respects the HH:MM window, end exclusive, in store-local time', () => {
    const happyHour: ProgramRules = {
      ...defaultRules(),
      promotions: [{ id: 'hh', name: 'Happy hour', multiplier: '3', startTime: '17:00', endTime: '18:00' }],
    }
    const at = (utc: string) => evaluateEarn(happyHour, sale([line(1000)], { at: utc }), member).total
    // Berlin is UTC+2 in June.
    expect(at('2024-06-05T14:59:59Z')).toBe(10)
    expect(at('2024-06-05T15:00:00Z')).toBe(30)
    expect(at('2024-06-05T15:59:59Z')).toBe(30)
    expect(at('2024-06-05T16:00:00Z')).toBe(10)
  })

  it('applies in any of several windows: weekday mornings and Saturday afternoons (store-local)', () => {
    const windows: ProgramRules = {
      ...defaultRules(),
      promotions: [
        {
          id: 'w',
          name: 'Quiet hours',
          multiplier: '2',
          windows: [
            { daysOfWeek: [1, 2, 3, 4, 5], startTime: '08:00', endTime: '10:00' },
            { daysOfWeek: [6], startTime: '14:00', endTime: '16:00' },
          ],
        },
      ],
    }
    expect(ruleIssues(windows)).toEqual([])
    const at = (utc: string) => evaluateEarn(windows, sale([line(1000)], { at: utc }), member).total
    // Berlin is UTC+2 in June; 2024-06-05 is a Wednesday, 2024-06-08 a Saturday.
    expect(at('2024-06-05T06:30:00Z')).toBe(20) // Wed 08:30
    expect(at('2024-06-05T08:00:00Z')).toBe(10) // Wed 10:00, end exclusive
    expect(at('2024-06-05T12:30:00Z')).toBe(10) // Wed 14:30: the Saturday window only
    expect(at('2024-06-08T12:30:00Z')).toBe(20) // Sat 14:30
    expect(at('2024-06-08T06:30:00Z')).toBe(10) // Sat 08:30: the weekday window only
  })

  it('respects the date range (store-local dates, inclusive)', () => {
    const week: ProgramRules = {
      ...defaultRules(),
      promotions: [{ id: 'w', name: 'Launch week', multiplier: '2', fromDate: '2024-06-10', toDate: '2024-06-16' }],
    }
    const at = (utc: string) => evaluateEarn(week, sale([line(1000)], { at: utc }), member).total
    expect(at('2024-06-09T21:59:59Z')).toBe(10) // 23:59:59 on the 9th in Berlin
    expect(at('2024-06-09T22:00:00Z')).toBe(20) // midnight of the 10th in Berlin
    expect(at('2024-06-16T21:59:59Z')).toBe(20)
    expect(at('2024-06-16T22:00:00Z')).toBe(10)
  })

  it('respects stores, channels and categories; several events add up, each its own component', () => {
    const rules: ProgramRules = {
      ...defaultRules(),
      promotions: [
        { id: 'online', name: 'Online week', multiplier: '2', channels: ['online'] },
        { id: 'store2', name: 'Store 2 opening', multiplier: '2', storeIds: ['store-2'] },
        { id: 'bakery', name: 'Bakery days', multiplier: '1.5', categoryIds: ['bakery'], storeIds: [] },
      ],
    }
    const lines = [line(1000, 'bakery'), line(1000, 'dairy')]
    expect(evaluateEarn(rules, sale(lines), member).explanation).toBe('Base 1 pt/1.00: 20 · Bakery days ×1.5: +5')
    expect(evaluateEarn(rules, sale(lines, { channel: 'online', storeId: 'store-2' }), member).explanation).toBe(
      'Base 1 pt/1.00: 20 · Online week ×2: +20 · Store 2 opening ×2: +20 · Bakery days ×1.5: +5',
    )
  })

  it('does not multiply the line multiplier or the tier bonus', () => {
    const rules: ProgramRules = { ...exampleRules, promotions: [{ id: 'all', name: 'Double days', multiplier: '2' }] }
    const r = evaluateEarn(rules, sale([line(1000, 'coffee')]), gold)
    expect(r.explanation).toBe('Base 1 pt/1.00: 10 · Coffee ×2: +10 · Gold ×1.5: +10 · Double days ×2: +10')
  })
})

describe('evaluateEarn: fixed bonuses', () => {
  const rules: ProgramRules = {
    ...defaultRules(),
    bonuses: [
      { id: 't', name: 'Big basket', kind: 'threshold', points: 50, thresholdMinor: 5000 },
      { id: 'v', name: 'Visit', kind: 'visit', points: 5 },
      { id: 'f', name: 'Welcome', kind: 'first_purchase', points: 100 },
      { id: 'b', name: 'Happy birthday', kind: 'birthday', points: 20 },
    ],
  }

  it('threshold: on the eligible amount, ≥', () => {
    expect(evaluateEarn(rules, sale([line(4999)]), member).total).toBe(49)
    expect(evaluateEarn(rules, sale([line(5000)]), member).explanation).toBe('Base 1 pt/1.00: 50 · Spend ≥ 50.00: +50')
    // Non-earning lines do not count toward the threshold.
    const withGiftCard = sale([line(4000), line(2000, null, 'gift')])
    expect(evaluateEarn({ ...rules, nonEarningProductIds: ['gift'] }, withGiftCard, member).total).toBe(40)
  })

  it('visit: once per store-local day, only for a sale that earns', () => {
    const fresh = { ...member, visitCountedToday: false }
    expect(evaluateEarn(rules, sale([line(100)]), fresh).explanation).toBe('Base 1 pt/1.00: 1 · Visit: +5')
    expect(evaluateEarn(rules, sale([line(100)]), member).total).toBe(1)
    expect(evaluateEarn(rules, sale([line(0)]), fresh).total).toBe(0)
  })

  it('first purchase', () => {
    expect(evaluateEarn(rules, sale([line(100)]), { ...member, firstPurchase: true }).explanation).toBe(
      'Base 1 pt/1.00: 1 · Welcome: +100',
    )
  })

  it('birthday month, in store-local time', () => {
    // 2024-05-31 23:30 UTC is already June 1st in Berlin, still May 31st in New York.
    const june = { ...member, birthMonth: 6 }
    const at = '2024-05-31T23:30:00Z'
    expect(evaluateEarn(rules, sale([line(100)], { at }), june).explanation).toBe('Base 1 pt/1.00: 1 · Happy birthday: +20')
    expect(evaluateEarn(rules, sale([line(100)], { at, timeZone: 'America/New_York' }), june).total).toBe(1)
  })

  it('all at once, each once per sale, in rule order', () => {
    const everything = { ...member, visitCountedToday: false, firstPurchase: true, birthMonth: 6 }
    expect(evaluateEarn(rules, sale([line(6000)]), everything).explanation).toBe(
      'Base 1 pt/1.00: 60 · Spend ≥ 50.00: +50 · Visit: +5 · Welcome: +100 · Happy birthday: +20',
    )
  })
})

describe('evaluateEarn: caps', () => {
  const rules: ProgramRules = { ...exampleRules, caps: { perSale: 50, perDay: 120 } }

  it('caps per sale last, as a negative component; qualifying points are before caps', () => {
    const r = evaluateEarn(rules, sale(exampleLines), gold)
    expect(r.explanation).toBe('Base 1 pt/1.00: 28 · Coffee ×2: +18 · Gold ×1.5: +23 · Cap 50 per sale: −19')
    expect(r.total).toBe(50)
    expect(r.qualifyingPoints).toBe(69)
  })

  it('caps per day with the points already earned today', () => {
    const r = evaluateEarn(rules, sale(exampleLines), { ...gold, pointsEarnedToday: 100 })
    expect(r.components.filter((c) => c.code === 'cap')).toEqual([
      { code: 'cap', ruleId: 'perSale', label: 'Cap 50 per sale', points: -19 },
      { code: 'cap', ruleId: 'perDay', label: 'Cap 120 per day', points: -30 },
    ])
    expect(r.total).toBe(20)
    expect(evaluateEarn(rules, sale(exampleLines), { ...gold, pointsEarnedToday: 500 }).total).toBe(0)
  })

  it('shows no cap when it does not bind', () => {
    expect(evaluateEarn(rules, sale([line(1000)]), member).components.map((c) => c.code)).toEqual(['base'])
  })
})

describe('evaluateEarn: input errors', () => {
  it('rejects bad rules with INVALID_PROGRAM naming the field', () => {
    expect(() => evaluateEarn({ ...defaultRules(), baseRate: 'one' }, sale([line(1)]), member)).toThrow(
      expect.objectContaining({ code: 'INVALID_PROGRAM', details: expect.objectContaining({ field: 'baseRate' }) }),
    )
  })

  it('rejects a malformed sale or member', () => {
    const rules = compileRules(defaultRules())
    const cases: [Partial<EarnSale>, string][] = [
      [{ lines: [line(-1)] }, 'INVALID_SALE'],
      [{ lines: [line(1.5)] }, 'INVALID_SALE'],
      [{ currencyExponent: 7 }, 'INVALID_SALE'],
      [{ at: '2024-06-05T10:00:00' }, 'INVALID_TIME'], // no offset: would depend on the machine
      [{ timeZone: 'Mars/Olympus' }, 'INVALID_TIME_ZONE'],
    ]
    for (const [over, code] of cases) {
      expect(() => evaluateEarn(rules, sale([line(100)], over), member)).toThrow(expect.objectContaining({ code }))
    }
    expect(() => evaluateEarn(rules, sale([line(100)]), { ...member, birthMonth: 13 })).toThrow(expect.objectContaining({ code: 'INVALID_MEMBER' }))
  })
})

describe('evaluateEarn: properties', () => {
  const rules: ProgramRules = {
    ...exampleRules,
    baseRate: '0.7',
    multipliers: [
      ...exampleRules.multipliers,
      { id: 'tea', name: 'Tea', categoryIds: ['tea'], multiplier: '1.25' },
      { id: 'special', name: 'Special', productIds: ['p1', 'p2'], multiplier: '3' },
    ],
    promotions: [{ id: 'tea-days', name: 'Tea days', multiplier: '2', categoryIds: ['tea'] }],
    bonuses: [...exampleRules.bonuses, { id: 'v', name: 'Visit', kind: 'visit', points: 3 }],
    caps: { perSale: 400 },
  }
  const arbLine = fc.record({
    productId: fc.constantFrom(null, 'p1', 'p2', 'p3', 'gift-card'),
    categoryId: fc.constantFrom(null, 'coffee', 'tea', 'homeware'),
    eligibleMinor: fc.integer({ min: 0, max: 50_000 }),
  })
  const arbCase = fc
    .array(arbLine, { maxLength: 20 })
    .chain((lines) => fc.tuple(fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length })))

  it('earned points never depend on line order', () => {
    const compiled = compileRules(rules)
    fc.assert(
      fc.property(arbCase, fc.constantFrom(member, gold, { ...gold, visitCountedToday: false }), fc.nat({ max: 100 }), ([lines, shuffled], m, tenderPct) => {
        const total = lines.reduce((s, l) => s + l.eligibleMinor, 0)
        const over = { totalMinor: total, pointsTenderMinor: Math.floor((total * tenderPct) / 100) }
        expect(evaluateEarn(compiled, sale(shuffled, over), m)).toEqual(evaluateEarn(compiled, sale(lines, over), m))
      }),
    )
  })

  it('the total is the sum of the components, never negative, and qualifying points are before caps', () => {
    fc.assert(
      fc.property(fc.array(arbLine, { maxLength: 20 }), (lines) => {
        const r = evaluateEarn(rules, sale(lines), gold)
        expect(r.total).toBe(r.components.reduce((s, c) => s + c.points, 0))
        expect(r.total).toBeGreaterThanOrEqual(0)
        expect(r.total).toBeLessThanOrEqual(400)
        expect(r.qualifyingPoints).toBe(r.components.filter((c) => c.code !== 'cap').reduce((s, c) => s + c.points, 0))
      }),
    )
  })
})
