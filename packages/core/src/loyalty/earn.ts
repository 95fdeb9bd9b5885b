import { PatronError } from '../errors'
import type { Ratio } from '../money/ratio'
import { assertTimeZone, localAt, parseInstant, type LocalDateTime } from './local-time'
import { formatMinor } from './format'
import { compiledRulesFor, type CompiledPromotion, type CompiledRules } from './rules'
import type { EarnComponent, EarnMember, EarnResult, EarnSale, ProgramRules } from './types'

// 10^exponent as bigint, for the currencies Patron knows (exponent 0–3) and one spare.
const UNITS = [1n, 10n, 100n, 1000n, 10000n]
const UNIT_TEXT = ['1', '1.0', '1.00', '1.000', '1.0000']

/**
 * The points a completed sale earns, as the named components of loyalty.md "Earning", in order:
 * base, multiplier bonus (one component per winning rule), tier bonus, promotions (one per
 * active event), fixed bonuses, caps (negative). Each component is computed on the sale as a
 * whole with exact ratios and floored once. Components worth 0 are left out, except base.
 *
 * `rules` may be the raw ProgramRules (compiled on first use and memoised per object) or the
 * result of `compileRules` — pass the compiled form on hot paths (register, checkout, replays)
 * to skip validation and parsing entirely.
 *
 * Pure: time is `sale.at`, read in `sale.timeZone` for promotions and birthdays; what the engine
 * needs to know of the member's day (visit already counted, points earned today) is in `member`.
 *
 * Throws PatronError INVALID_PROGRAM / TIER_THRESHOLD_ORDER / INVALID_WINDOW (rules), INVALID_SALE,
 * INVALID_TIME, INVALID_TIME_ZONE (sale) or INVALID_MEMBER.
 */
export function evaluateEarn(rules: ProgramRules | CompiledRules, sale: EarnSale, member: EarnMember): EarnResult {
  const c = compiledRulesFor(rules)
  checkSale(sale)
  checkMember(member)
  const exponent = sale.currencyExponent
  const unit = UNITS[exponent]
  const lines = sale.lines
  const n = lines.length

  // Points-tender reduction: the part of the sale paid with points earns nothing.
  const totalMinor = sale.totalMinor
  const paidMinor = totalMinor - Math.min(sale.pointsTenderMinor, totalMinor)
  const reduced = totalMinor > 0 && paidMinor < totalMinor

  const eligible = new Array<number>(n)
  const ruleCount = c.multipliers.length
  const multiplierSums = ruleCount > 0 ? new Array<number>(ruleCount).fill(0) : null
  let eligibleMinor = 0
  for (let i = 0; i < n; i++) {
    const line = lines[i]
    let e = line.eligibleMinor
    const product = line.productId
    const category = line.categoryId
    if ((product !== null && c.nonEarningProducts.has(product)) || (category !== null && c.nonEarningCategories.has(category))) {
      e = 0
    } else if (reduced && e > 0) {
      e = Number((BigInt(e) * BigInt(paidMinor)) / BigInt(totalMinor))
    }
    eligible[i] = e
    eligibleMinor += e
    if (multiplierSums !== null && e > 0) {
      const byProduct = product === null ? undefined : c.productMultiplier.get(product)
      const byCategory = category === null ? undefined : c.categoryMultiplier.get(category)
      // The line's single highest multiplier: multipliers never stack.
      let winner = byProduct
      if (byCategory !== undefined && (winner === undefined || c.multipliers[byCategory].rank < c.multipliers[winner].rank)) {
        winner = byCategory
      }
      if (winner !== undefined) multiplierSums[winner] += e
    }
  }
  if (!Number.isSafeInteger(eligibleMinor)) {
    throw new PatronError('INVALID_SALE', 'The eligible amounts add up beyond the safe integer range', { field: 'lines' })
  }

  const components: EarnComponent[] = []
  const base = floorRate(eligibleMinor, c.baseRate, unit)
  components.push({ code: 'base', label: `Base ${c.baseRateText} pt/${UNIT_TEXT[exponent]}`, points: base })

  let multiplierBonus = 0
  if (multiplierSums !== null) {
    for (let i = 0; i < ruleCount; i++) {
      if (multiplierSums[i] === 0) continue
      const m = c.multipliers[i]
      const points = floorRate(multiplierSums[i], m.bonusRate, unit)
      if (points > 0) {
        components.push({ code: 'multiplier', ruleId: m.id, label: m.label, points })
        multiplierBonus += points
      }
    }
  }

  // A tier that is not in this version (removed since the member reached it) earns no bonus
  // rather than failing the sale; the daily tier review will move the member.
  const tier = member.tierId === null ? undefined : c.tiers.get(member.tierId)
  if (tier !== undefined && tier.bonus.num > 0n) {
    const points = Number((BigInt(base + multiplierBonus) * tier.bonus.num) / tier.bonus.den)
    if (points > 0) components.push({ code: 'tier', ruleId: tier.rule.id, label: tier.label, points })
  }

  let local: LocalDateTime | null = null
  const localTime = () => (local ??= localAt(parseInstant(sale.at), sale.timeZone))

  for (const p of c.promotions) {
    if (p.bonusRate.num === 0n || !promotionApplies(p, sale, localTime())) continue
    let matchedMinor = 0
    if (p.categories === null) matchedMinor = eligibleMinor
    else {
      for (let i = 0; i < n; i++) {
        const category = lines[i].categoryId
        if (category !== null && p.categories.has(category)) matchedMinor += eligible[i]
      }
    }
    const points = floorRate(matchedMinor, p.bonusRate, unit)
    if (points > 0) components.push({ code: 'promotion', ruleId: p.id, label: p.label, points })
  }

  // Fixed bonuses need a sale that earns at all, so that refunding everything claws back
  // everything (a refund is re-evaluated with the same member state).
  if (eligibleMinor > 0) {
    for (const b of c.bonuses) {
      if (b.points === 0) continue
      switch (b.kind) {
        case 'threshold':
          if (eligibleMinor >= b.thresholdMinor) {
            components.push({ code: 'bonus_threshold', ruleId: b.id, label: `Spend ≥ ${formatMinor(b.thresholdMinor, exponent)}`, points: b.points })
          }
          break
        case 'visit':
          if (!member.visitCountedToday) components.push({ code: 'bonus_visit', ruleId: b.id, label: b.name || 'Visit', points: b.points })
          break
        case 'first_purchase':
          if (member.firstPurchase) components.push({ code: 'bonus_first_purchase', ruleId: b.id, label: b.name || 'First purchase', points: b.points })
          break
        case 'birthday':
          if (member.birthMonth !== null && member.birthMonth === localTime().month) {
            components.push({ code: 'bonus_birthday', ruleId: b.id, label: b.name || 'Birthday month', points: b.points })
          }
          break
      }
    }
  }

  let total = 0
  for (const comp of components) total += comp.points
  const qualifyingPoints = total

  if (c.perSaleCap !== null && total > c.perSaleCap) {
    components.push({ code: 'cap', ruleId: 'perSale', label: `Cap ${c.perSaleCap} per sale`, points: c.perSaleCap - total })
    total = c.perSaleCap
  }
  if (c.perDayCap !== null) {
    const room = Math.max(0, c.perDayCap - member.pointsEarnedToday)
    if (total > room) {
      components.push({ code: 'cap', ruleId: 'perDay', label: `Cap ${c.perDayCap} per day`, points: room - total })
      total = room
    }
  }

  return { components, total, eligibleMinor, qualifyingPoints, explanation: explainEarn(components) }
}

/** "Base 1 pt/1.00: 28 · Coffee ×2: +18 · Gold ×1.5: +23" — the receipt's loyalty line. */
export function explainEarn(components: readonly EarnComponent[]): string {
  return components
    .map((c) => `${c.label}: ${c.code === 'base' ? c.points : c.points < 0 ? `−${-c.points}` : `+${c.points}`}`)
    .join(' · ')
}

/** floor(amountMinor × rate / unit), exactly. Amount and rate are never negative here. */
function floorRate(amountMinor: number, rate: Ratio, unit: bigint): number {
  if (amountMinor === 0 || rate.num === 0n) return 0
  return Number((BigInt(amountMinor) * rate.num) / (rate.den * unit))
}

function promotionApplies(p: CompiledPromotion, sale: EarnSale, local: LocalDateTime): boolean {
  if (!p.windows.some((w) => (w.dayMask & (1 << local.weekday)) !== 0 && local.minutesOfDay >= w.startMinutes && local.minutesOfDay < w.endMinutes)) return false
  if (p.fromDate !== null && local.date < p.fromDate) return false
  if (p.toDate !== null && local.date > p.toDate) return false
  if (p.stores !== null && !p.stores.has(sale.storeId)) return false
  if (p.channels !== null && !p.channels.has(sale.channel)) return false
  return true
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}

function checkSale(sale: EarnSale): void {
  const bad = (field: string, message: string, value: unknown): never => {
    throw new PatronError('INVALID_SALE', `${field}: ${message}`, { field, value })
  }
  if (!Number.isInteger(sale.currencyExponent) || sale.currencyExponent < 0 || sale.currencyExponent >= UNITS.length) {
    bad('currencyExponent', 'Must be a whole number from 0 to 4', sale.currencyExponent)
  }
  if (!isCount(sale.totalMinor)) bad('totalMinor', 'Must be a whole amount ≥ 0', sale.totalMinor)
  if (!isCount(sale.pointsTenderMinor)) bad('pointsTenderMinor', 'Must be a whole amount ≥ 0', sale.pointsTenderMinor)
  if (sale.channel !== 'pos' && sale.channel !== 'online') bad('channel', 'Must be "pos" or "online"', sale.channel)
  if (!Array.isArray(sale.lines)) bad('lines', 'Must be a list', sale.lines)
  for (let i = 0; i < sale.lines.length; i++) {
    const v = sale.lines[i].eligibleMinor
    if (!isCount(v)) bad(`lines[${i}].eligibleMinor`, 'Must be a whole amount ≥ 0', v)
  }
  parseInstant(sale.at)
  assertTimeZone(sale.timeZone)
}

function checkMember(member: EarnMember): void {
  const bad = (field: string, message: string, value: unknown): never => {
    throw new PatronError('INVALID_MEMBER', `${field}: ${message}`, { field, value })
  }
  if (!isCount(member.pointsEarnedToday)) bad('pointsEarnedToday', 'Must be a whole number ≥ 0', member.pointsEarnedToday)
  if (member.birthMonth !== null && (!Number.isInteger(member.birthMonth) || member.birthMonth < 1 || member.birthMonth > 12)) {
    bad('birthMonth', 'Must be 1–12 or null', member.birthMonth)
  }
}
