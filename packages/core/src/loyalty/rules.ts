import { PatronError } from '../errors'
import { ONE, compare, mul, percent, ratio, subClamp, toDecimalString, type Ratio } from '../money/ratio'
import type { BonusRule, ExpiryPolicy, ProgramRules, PromotionRule, SaleChannel, TierRule } from './types'

/** Error codes raised for a program's rules (stable, part of the API contract). */
export const PROGRAM_ERROR = {
  /** A field of the rules is malformed: bad decimal, negative points, unknown kind… */
  INVALID_PROGRAM: 'INVALID_PROGRAM',
  /** Tier thresholds must strictly increase in the order the tiers are listed. */
  TIER_THRESHOLD_ORDER: 'TIER_THRESHOLD_ORDER',
  /** A promotion's time or date window is empty or reversed: it could never apply. */
  INVALID_WINDOW: 'INVALID_WINDOW',
} as const

export interface RuleIssue {
  readonly code: 'INVALID_PROGRAM' | 'TIER_THRESHOLD_ORDER' | 'INVALID_WINDOW' | 'OVERLAPPING_WINDOWS'
  /** Path of the field, e.g. "multipliers[2].multiplier". */
  readonly field: string
  readonly message: string
  readonly value?: unknown
}

const CHANNELS: readonly SaleChannel[] = ['pos', 'online']
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MAX_MONTHS = 1200

/**
 * A plain program: 1 point per 1.00 of eligible amount, no multipliers, tiers, promotions,
 * bonuses or caps, and points that never expire. The cost of a point defaults to one minor unit
 * (100 points buy 1.00, a common "1 % back" program); the owner sets the real figure.
 */
export function defaultRules(pointsName = 'points'): ProgramRules {
  return {
    pointsName,
    baseRate: '1',
    nonEarningProductIds: [],
    nonEarningCategoryIds: [],
    multipliers: [],
    tierMetric: 'points',
    tiers: [],
    promotions: [],
    bonuses: [],
    caps: { perSale: null, perDay: null },
    pointsTender: null,
    expiry: { kind: 'none' },
    costPerPointMinor: '1',
  }
}

/** Every problem of a program's rules, in field order; empty when the rules are valid. */
export function ruleIssues(rules: ProgramRules): RuleIssue[] {
  const issues: RuleIssue[] = []
  const bad = (field: string, message: string, value?: unknown) =>
    issues.push({ code: 'INVALID_PROGRAM', field, message, value })

  if (rules === null || typeof rules !== 'object') {
    bad('', 'Program rules must be an object', rules)
    return issues
  }
  if (typeof rules.pointsName !== 'string' || rules.pointsName.trim() === '') {
    bad('pointsName', 'The points need a name', rules.pointsName)
  }
  decimal(issues, 'baseRate', rules.baseRate, { min: 'positive' })
  stringList(issues, 'nonEarningProductIds', rules.nonEarningProductIds)
  stringList(issues, 'nonEarningCategoryIds', rules.nonEarningCategoryIds)

  if (!Array.isArray(rules.multipliers)) bad('multipliers', 'Must be a list', rules.multipliers)
  else {
    const ids = new Set<string>()
    rules.multipliers.forEach((m, i) => {
      const at = `multipliers[${i}]`
      ruleHead(issues, at, m, ids)
      stringList(issues, `${at}.productIds`, m?.productIds, true)
      stringList(issues, `${at}.categoryIds`, m?.categoryIds, true)
      decimal(issues, `${at}.multiplier`, m?.multiplier, { min: 'one' })
    })
  }

  if (rules.tierMetric !== 'points' && rules.tierMetric !== 'spend') {
    bad('tierMetric', 'Must be "points" or "spend"', rules.tierMetric)
  }
  if (!Array.isArray(rules.tiers)) bad('tiers', 'Must be a list', rules.tiers)
  else {
    const ids = new Set<string>()
    let previous: number | null = null
    rules.tiers.forEach((t, i) => {
      const at = `tiers[${i}]`
      ruleHead(issues, at, t, ids)
      decimal(issues, `${at}.multiplier`, t?.multiplier, { min: 'one' })
      if (t?.discountPercent !== undefined && t?.discountPercent !== null) {
        const r = decimal(issues, `${at}.discountPercent`, t.discountPercent, {})
        if (r && compare(r, { num: 100n, den: 1n }) > 0) bad(`${at}.discountPercent`, 'A discount cannot exceed 100 %', t.discountPercent)
      }
      if (!count(t?.threshold)) bad(`${at}.threshold`, 'Must be a whole number ≥ 0', t?.threshold)
      else {
        if (previous !== null && t.threshold <= previous) {
          issues.push({
            code: 'TIER_THRESHOLD_ORDER',
            field: `${at}.threshold`,
            message: `Tier "${t.name}" threshold ${t.threshold} must be above the previous tier's ${previous}`,
            value: t.threshold,
          })
        }
        previous = t.threshold
      }
    })
  }

  if (!Array.isArray(rules.promotions)) bad('promotions', 'Must be a list', rules.promotions)
  else {
    const ids = new Set<string>()
    rules.promotions.forEach((p, i) => {
      const at = `promotions[${i}]`
      ruleHead(issues, at, p, ids)
      decimal(issues, `${at}.multiplier`, p?.multiplier, { min: 'one' })
      if (p?.daysOfWeek !== undefined && p?.daysOfWeek !== null) {
        if (!Array.isArray(p.daysOfWeek) || (p.daysOfWeek as unknown[]).some((d) => !Number.isInteger(d) || (d as number) < 0 || (d as number) > 6)) {
          bad(`${at}.daysOfWeek`, 'Days are 0 (Sunday) to 6 (Saturday)', p.daysOfWeek)
        }
      }
      const start = time(issues, `${at}.startTime`, p?.startTime)
      const end = time(issues, `${at}.endTime`, p?.endTime)
      if (start !== null && end !== null && start >= end) {
        // A window across midnight would make "which day" ambiguous: use two promotions.
        issues.push({ code: 'INVALID_WINDOW', field: `${at}.endTime`, message: 'The end time must be after the start time (split a window across midnight in two)', value: p.endTime })
      }
      if (p?.windows !== undefined && p?.windows !== null) windowIssues(issues, at, p as PromotionRule)
      const from = date(issues, `${at}.fromDate`, p?.fromDate)
      const to = date(issues, `${at}.toDate`, p?.toDate)
      if (from !== null && to !== null && from > to) {
        issues.push({ code: 'INVALID_WINDOW', field: `${at}.toDate`, message: 'The end date is before the start date', value: p.toDate })
      } else if (from !== null && to !== null && Array.isArray(p.daysOfWeek) && p.daysOfWeek.length > 0 && !someWeekdayBetween(from, to, p.daysOfWeek)) {
        issues.push({ code: 'INVALID_WINDOW', field: `${at}.daysOfWeek`, message: 'None of these days falls between the start and end dates', value: p.daysOfWeek })
      }
      stringList(issues, `${at}.storeIds`, p?.storeIds, true)
      stringList(issues, `${at}.categoryIds`, p?.categoryIds, true)
      if (p?.channels !== undefined && p?.channels !== null) {
        if (!Array.isArray(p.channels) || (p.channels as unknown[]).some((c) => !CHANNELS.includes(c as SaleChannel))) {
          bad(`${at}.channels`, 'Channels are "pos" and "online"', p.channels)
        }
      }
    })
  }

  if (!Array.isArray(rules.bonuses)) bad('bonuses', 'Must be a list', rules.bonuses)
  else {
    const ids = new Set<string>()
    rules.bonuses.forEach((b, i) => {
      const at = `bonuses[${i}]`
      ruleHead(issues, at, b, ids)
      const kind = (b as { kind?: unknown })?.kind
      if (kind !== 'threshold' && kind !== 'visit' && kind !== 'first_purchase' && kind !== 'birthday') {
        bad(`${at}.kind`, 'Kind is threshold, visit, first_purchase or birthday', kind)
      }
      if (!count(b?.points)) bad(`${at}.points`, 'Points must be a whole number ≥ 0', b?.points)
      if (kind === 'threshold' && !count((b as { thresholdMinor?: unknown }).thresholdMinor)) {
        bad(`${at}.thresholdMinor`, 'The threshold must be a whole amount ≥ 0 in minor units', (b as { thresholdMinor?: unknown }).thresholdMinor)
      }
    })
  }

  const caps = rules.caps
  if (caps === null || typeof caps !== 'object') bad('caps', 'Must be an object', caps)
  else {
    for (const key of ['perSale', 'perDay'] as const) {
      const v = caps[key]
      if (v !== undefined && v !== null && !count(v)) bad(`caps.${key}`, 'A cap must be a whole number of points ≥ 0', v)
    }
  }

  if (rules.pointsTender !== undefined && rules.pointsTender !== null) {
    const v = rules.pointsTender.pointsPerUnit
    if (!count(v) || v === 0) bad('pointsTender.pointsPerUnit', 'Points per 1.00 must be a whole number > 0', v)
  }

  if (rules.referral !== undefined && rules.referral !== null) {
    for (const key of ['referrerPoints', 'refereePoints', 'minEligibleMinor', 'maxPerReferrerPerMonth'] as const) {
      if (!count(rules.referral[key])) bad(`referral.${key}`, 'Must be a whole number ≥ 0', rules.referral[key])
    }
  }

  expiry(issues, rules.expiry)
  decimal(issues, 'costPerPointMinor', rules.costPerPointMinor, {})
  return issues
}

/**
 * Throws a PatronError when the rules are not a valid program: code INVALID_PROGRAM,
 * TIER_THRESHOLD_ORDER or INVALID_WINDOW (of the first problem), `details.field` naming the first bad field and
 * `details.issues` listing all of them, so a form can mark every field at once.
 */
export function validateRules(rules: ProgramRules): void {
  const issues = ruleIssues(rules)
  if (issues.length === 0) return
  const first = issues[0]
  throw new PatronError(first.code, `${first.field}: ${first.message}`, { field: first.field, value: first.value, issues })
}

function ruleHead(issues: RuleIssue[], at: string, rule: { id?: unknown; name?: unknown } | null | undefined, ids: Set<string>) {
  if (rule === null || typeof rule !== 'object') {
    issues.push({ code: 'INVALID_PROGRAM', field: at, message: 'Must be an object', value: rule })
    return
  }
  if (typeof rule.id !== 'string' || rule.id === '') {
    issues.push({ code: 'INVALID_PROGRAM', field: `${at}.id`, message: 'Needs an id', value: rule.id })
  } else if (ids.has(rule.id)) {
    issues.push({ code: 'INVALID_PROGRAM', field: `${at}.id`, message: `Duplicate id "${rule.id}"`, value: rule.id })
  } else ids.add(rule.id)
  if (typeof rule.name !== 'string') {
    issues.push({ code: 'INVALID_PROGRAM', field: `${at}.name`, message: 'Needs a name', value: rule.name })
  }
}

function decimal(issues: RuleIssue[], field: string, value: unknown, opts: { min?: 'positive' | 'one' }): Ratio | null {
  let r: Ratio
  try {
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error('not a decimal')
    r = ratio(value)
  } catch {
    issues.push({ code: 'INVALID_PROGRAM', field, message: 'Must be a non-negative decimal number as text, e.g. "1.5"', value })
    return null
  }
  if (opts.min === 'positive' && r.num === 0n) {
    issues.push({ code: 'INVALID_PROGRAM', field, message: 'Must be greater than 0', value })
    return null
  }
  // A multiplier below 1 would make a negative "bonus"; reduced earning is done with
  // non-earning products instead.
  if (opts.min === 'one' && compare(r, ONE) < 0) {
    issues.push({ code: 'INVALID_PROGRAM', field, message: 'A multiplier must be at least 1', value })
    return null
  }
  return r
}

function count(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}

function stringList(issues: RuleIssue[], field: string, v: unknown, optional = false) {
  if (optional && (v === undefined || v === null)) return
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    issues.push({ code: 'INVALID_PROGRAM', field, message: 'Must be a list of ids', value: v })
  }
}

function time(issues: RuleIssue[], field: string, v: unknown): number | null {
  if (v === undefined || v === null) return null
  const m = typeof v === 'string' ? HHMM.exec(v) : null
  if (!m) {
    issues.push({ code: 'INVALID_PROGRAM', field, message: 'Must be a time "HH:MM" (00:00–24:00)', value: v })
    return null
  }
  return v === '24:00' ? 24 * 60 : Number(m[1]) * 60 + Number(m[2])
}

function date(issues: RuleIssue[], field: string, v: unknown): string | null {
  if (v === undefined || v === null) return null
  const m = typeof v === 'string' ? DATE.exec(v) : null
  const ok = m !== null && (() => {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
    return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
  })()
  if (!ok) {
    issues.push({ code: 'INVALID_PROGRAM', field, message: 'Must be a date "YYYY-MM-DD"', value: v })
    return null
  }
  return v as string
}

/** Whether a date from `from` to `to` (inclusive, "YYYY-MM-DD") falls on one of `days` (0 = Sunday). */
/**
 * A promotion's list of windows: each a valid store-local window; none sharing a minute with
 * another on a common day (the bonus would be counted once anyway, and the owner meant
 * something else); and not mixed with the rule's own days and times.
 */
function windowIssues(issues: RuleIssue[], at: string, p: PromotionRule): void {
  if (!Array.isArray(p.windows) || p.windows.length === 0 || p.windows.length > 50) {
    issues.push({ code: 'INVALID_PROGRAM', field: `${at}.windows`, message: 'A list of 1 to 50 windows', value: p.windows })
    return
  }
  if ((p.daysOfWeek && p.daysOfWeek.length > 0) || p.startTime || p.endTime) {
    issues.push({ code: 'INVALID_WINDOW', field: `${at}.windows`, message: 'Give the days and times either in windows or on the rule, not both', value: p.windows })
  }
  const spans: { mask: number; start: number; end: number }[] = []
  p.windows.forEach((w, j) => {
    const wat = `${at}.windows[${j}]`
    const before = issues.length
    const days = w?.daysOfWeek
    if (days !== undefined && days !== null && (!Array.isArray(days) || (days as unknown[]).some((d) => !Number.isInteger(d) || (d as number) < 0 || (d as number) > 6))) {
      issues.push({ code: 'INVALID_PROGRAM', field: `${wat}.daysOfWeek`, message: 'Days are 0 (Sunday) to 6 (Saturday)', value: days })
    }
    const start = w?.startTime ? time(issues, `${wat}.startTime`, w.startTime) : null
    const end = w?.endTime ? time(issues, `${wat}.endTime`, w.endTime) : null
    if (start === null || end === null) {
      if (issues.length === before) issues.push({ code: 'INVALID_PROGRAM', field: `${wat}.${start === null ? 'startTime' : 'endTime'}`, message: 'A window has a start and an end time "HH:MM"', value: w })
      return
    }
    if (start >= end) {
      issues.push({ code: 'INVALID_WINDOW', field: `${wat}.endTime`, message: 'The end time must be after the start time (split a window across midnight in two)', value: w.endTime })
      return
    }
    if (issues.length > before) return
    const mask = Array.isArray(days) && days.length > 0 ? days.reduce((m, d) => m | (1 << d), 0) : 0x7f
    const s = minutes(w.startTime)
    const e = minutes(w.endTime)
    const other = spans.findIndex((x) => (x.mask & mask) !== 0 && s < x.end && x.start < e)
    if (other >= 0) {
      issues.push({ code: 'OVERLAPPING_WINDOWS', field: `${wat}`, message: `This window overlaps window ${other + 1} of the same promotion on a common day`, value: w })
    }
    spans.push({ mask, start: s, end: e })
  })
}

function someWeekdayBetween(from: string, to: string, days: readonly number[]): boolean {
  const day = 86_400_000
  const start = Date.parse(`${from}T00:00:00Z`)
  const end = Math.min(Date.parse(`${to}T00:00:00Z`), start + 6 * day)
  for (let t = start; t <= end; t += day) if (days.includes(new Date(t).getUTCDay())) return true
  return false
}

function expiry(issues: RuleIssue[], policy: ExpiryPolicy | undefined) {
  if (policy === null || typeof policy !== 'object') {
    issues.push({ code: 'INVALID_PROGRAM', field: 'expiry', message: 'Must be an object', value: policy })
    return
  }
  if (policy.kind === 'none') return
  if (policy.kind !== 'rolling' && policy.kind !== 'inactivity') {
    issues.push({ code: 'INVALID_PROGRAM', field: 'expiry.kind', message: 'Kind is none, rolling or inactivity', value: (policy as { kind?: unknown }).kind })
    return
  }
  if (!count(policy.months) || policy.months < 1 || policy.months > MAX_MONTHS) {
    issues.push({ code: 'INVALID_PROGRAM', field: 'expiry.months', message: `Months must be a whole number from 1 to ${MAX_MONTHS}`, value: policy.months })
  }
  const warn = policy.warnDaysBefore
  if (warn !== undefined && warn !== null && (!count(warn) || warn > 365)) {
    issues.push({ code: 'INVALID_PROGRAM', field: 'expiry.warnDaysBefore', message: 'Warning days are a whole number from 0 to 365', value: warn })
  }
}

// ---------------------------------------------------------------------------------------------
// Compiled rules: everything the earn engine needs, parsed once.

export interface CompiledMultiplier {
  readonly index: number
  readonly id: string
  /** "Coffee ×2" */
  readonly label: string
  readonly multiplier: Ratio
  /** (m − 1) × R: points per major unit of eligible amount, as an exact ratio. */
  readonly bonusRate: Ratio
  /** 0 = strongest; higher multiplier first, then earlier rule (so ties go to the first rule). */
  readonly rank: number
}

export interface CompiledTier {
  readonly rule: TierRule
  /** "Gold ×1.5" */
  readonly label: string
  readonly multiplier: Ratio
  /** m − 1 */
  readonly bonus: Ratio
  /** Standing discount as a fraction, or null. */
  readonly discount: Ratio | null
}

export interface CompiledWindow {
  /** Bit d set = active on weekday d; 0x7f = every day. */
  readonly dayMask: number
  readonly startMinutes: number
  readonly endMinutes: number
}

export interface CompiledPromotion {
  readonly id: string
  readonly label: string
  readonly bonusRate: Ratio
  /** When it runs: any of these store-local windows (one for a rule with its own days and times). */
  readonly windows: readonly CompiledWindow[]
  readonly fromDate: string | null
  readonly toDate: string | null
  readonly stores: ReadonlySet<string> | null
  readonly channels: ReadonlySet<SaleChannel> | null
  /** Null = every line of the sale. */
  readonly categories: ReadonlySet<string> | null
}

/**
 * A program's rules parsed once for the earn engine: decimals as exact ratios, product and
 * category multipliers resolved into lookup maps. Build it with `compileRules` when a program
 * version is loaded and keep it as long as the version (versions are immutable).
 */
export interface CompiledRules {
  readonly compiled: true
  readonly rules: ProgramRules
  readonly baseRate: Ratio
  /** The base rate as shown in labels: "1", "0.1". */
  readonly baseRateText: string
  readonly nonEarningProducts: ReadonlySet<string>
  readonly nonEarningCategories: ReadonlySet<string>
  readonly multipliers: readonly CompiledMultiplier[]
  /** product id / category id → index in `multipliers` of the strongest rule naming it. */
  readonly productMultiplier: ReadonlyMap<string, number>
  readonly categoryMultiplier: ReadonlyMap<string, number>
  readonly tiers: ReadonlyMap<string, CompiledTier>
  readonly promotions: readonly CompiledPromotion[]
  readonly bonuses: readonly BonusRule[]
  readonly perSaleCap: number | null
  readonly perDayCap: number | null
  /** Whether evaluation must read the store-local clock (promotions or a birthday bonus). */
  readonly needsLocalTime: boolean
}

export function isCompiledRules(x: ProgramRules | CompiledRules): x is CompiledRules {
  return (x as CompiledRules).compiled === true
}

/** Validates (throws like `validateRules`) and prepares the rules for `evaluateEarn`. */
export function compileRules(rules: ProgramRules): CompiledRules {
  validateRules(rules)
  const baseRate = ratio(rules.baseRate)

  const multipliers = rules.multipliers.map((m, index) => {
    const multiplier = ratio(m.multiplier)
    return {
      index,
      id: m.id,
      label: `${m.name} ×${toDecimalString(multiplier)}`,
      multiplier,
      bonusRate: mul(subClamp(multiplier, ONE), baseRate),
      rank: 0,
    }
  })
  const ranked = [...multipliers].sort((a, b) => compare(b.multiplier, a.multiplier) || a.index - b.index)
  ranked.forEach((m, rank) => (m.rank = rank))

  const productMultiplier = new Map<string, number>()
  const categoryMultiplier = new Map<string, number>()
  const claim = (map: Map<string, number>, key: string, index: number) => {
    const held = map.get(key)
    if (held === undefined || multipliers[index].rank < multipliers[held].rank) map.set(key, index)
  }
  rules.multipliers.forEach((m, index) => {
    for (const p of m.productIds ?? []) claim(productMultiplier, p, index)
    for (const c of m.categoryIds ?? []) claim(categoryMultiplier, c, index)
  })

  const tiers = new Map<string, CompiledTier>()
  for (const t of rules.tiers) {
    const multiplier = ratio(t.multiplier)
    tiers.set(t.id, {
      rule: t,
      label: `${t.name} ×${toDecimalString(multiplier)}`,
      multiplier,
      bonus: subClamp(multiplier, ONE),
      discount: t.discountPercent ? percent(t.discountPercent) : null,
    })
  }

  const promotions = rules.promotions.map((p): CompiledPromotion => {
    const multiplier = ratio(p.multiplier)
    const days = p.daysOfWeek && p.daysOfWeek.length > 0 ? p.daysOfWeek : [0, 1, 2, 3, 4, 5, 6]
    return {
      id: p.id,
      label: `${p.name} ×${toDecimalString(multiplier)}`,
      bonusRate: mul(subClamp(multiplier, ONE), baseRate),
      windows:
        p.windows && p.windows.length > 0
          ? p.windows.map((w) => ({
              dayMask: w.daysOfWeek && w.daysOfWeek.length > 0 ? w.daysOfWeek.reduce((mask, d) => mask | (1 << d), 0) : 0x7f,
              startMinutes: minutes(w.startTime),
              endMinutes: minutes(w.endTime),
            }))
          : [{ dayMask: days.reduce((mask, d) => mask | (1 << d), 0), startMinutes: p.startTime ? minutes(p.startTime) : 0, endMinutes: p.endTime ? minutes(p.endTime) : 24 * 60 }],
      fromDate: p.fromDate ?? null,
      toDate: p.toDate ?? null,
      // Empty lists mean "no restriction", like absent ones: forms send [] for "all".
      stores: p.storeIds && p.storeIds.length > 0 ? new Set(p.storeIds) : null,
      channels: p.channels && p.channels.length > 0 ? new Set(p.channels) : null,
      categories: p.categoryIds && p.categoryIds.length > 0 ? new Set(p.categoryIds) : null,
    }
  })

  return {
    compiled: true,
    rules,
    baseRate,
    baseRateText: toDecimalString(baseRate),
    nonEarningProducts: new Set(rules.nonEarningProductIds),
    nonEarningCategories: new Set(rules.nonEarningCategoryIds),
    multipliers,
    productMultiplier,
    categoryMultiplier,
    tiers,
    promotions,
    bonuses: rules.bonuses,
    perSaleCap: rules.caps.perSale ?? null,
    perDayCap: rules.caps.perDay ?? null,
    needsLocalTime: promotions.length > 0 || rules.bonuses.some((b) => b.kind === 'birthday'),
  }
}

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
}

const compiledCache = new WeakMap<ProgramRules, CompiledRules>()

/**
 * The compiled form of `rules`, memoised per rules object (program versions are immutable, so
 * the object identity is a safe key; a mutated rules object is not noticed).
 */
export function compiledRulesFor(rules: ProgramRules | CompiledRules): CompiledRules {
  if (isCompiledRules(rules)) return rules
  let c = compiledCache.get(rules)
  if (c === undefined) {
    c = compileRules(rules)
    compiledCache.set(rules, c)
  }
  return c
}

/**
 * The highest tier whose threshold the metric reaches (qualifying points, or qualifying spend
 * in minor units, per `rules.tierMetric`), or null below every threshold.
 */
export function tierForMetric(rules: ProgramRules, metric: number): TierRule | null {
  let found: TierRule | null = null
  for (const t of rules.tiers) if (metric >= t.threshold) found = t
  return found
}
