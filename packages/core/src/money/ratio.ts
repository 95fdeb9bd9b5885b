import { PatronError } from '../errors'

/**
 * An exact non-negative rational number: tax rates, percent discounts, multipliers, earn rates.
 * Never a binary float. Parsed from and printed as a decimal string ("19", "7.7", "0.1", "1.5").
 */
export interface Ratio {
  readonly num: bigint
  readonly den: bigint
}

const DECIMAL = /^(\d{1,12})(?:\.(\d{1,9}))?$/

/** Parses a non-negative decimal string exactly: "8.875" → 8875/1000. */
export function ratio(decimal: string | number): Ratio {
  const text = typeof decimal === 'number' ? String(decimal) : decimal.trim()
  const m = DECIMAL.exec(text)
  if (!m) throw new PatronError('INVALID_DECIMAL', `"${text}" is not a non-negative decimal number`, { value: text })
  const frac = m[2] ?? ''
  return reduce(BigInt(m[1] + frac), 10n ** BigInt(frac.length))
}

/** A percentage given as a decimal string of percent: percent("19") = 19/100. */
export function percent(decimalPercent: string | number): Ratio {
  const r = ratio(decimalPercent)
  return reduce(r.num, r.den * 100n)
}

export function fromParts(num: bigint | number, den: bigint | number): Ratio {
  const n = BigInt(num)
  const d = BigInt(den)
  if (d <= 0n || n < 0n) throw new PatronError('INVALID_DECIMAL', 'A ratio needs num ≥ 0 and den > 0', {})
  return reduce(n, d)
}

export const ZERO: Ratio = { num: 0n, den: 1n }
export const ONE: Ratio = { num: 1n, den: 1n }

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a < 0n ? -a : a
}

function reduce(num: bigint, den: bigint): Ratio {
  if (num === 0n) return { num: 0n, den: 1n }
  const g = gcd(num, den)
  return { num: num / g, den: den / g }
}

export function add(a: Ratio, b: Ratio): Ratio {
  return reduce(a.num * b.den + b.num * a.den, a.den * b.den)
}

/** a − b, clamped at zero (ratios here are never negative: "multiplier − 1" for m < 1 is 0). */
export function subClamp(a: Ratio, b: Ratio): Ratio {
  const n = a.num * b.den - b.num * a.den
  return n <= 0n ? ZERO : reduce(n, a.den * b.den)
}

export function mul(a: Ratio, b: Ratio): Ratio {
  return reduce(a.num * b.num, a.den * b.den)
}

export function compare(a: Ratio, b: Ratio): number {
  const l = a.num * b.den
  const r = b.num * a.den
  return l < r ? -1 : l > r ? 1 : 0
}

export function isZero(r: Ratio): boolean {
  return r.num === 0n
}

/** Exact decimal text if the denominator allows it (2^a·5^b), else up to 9 digits, trimmed. */
export function toDecimalString(r: Ratio): string {
  const whole = r.num / r.den
  let rem = r.num % r.den
  if (rem === 0n) return whole.toString()
  let digits = ''
  for (let i = 0; i < 9 && rem !== 0n; i++) {
    rem *= 10n
    digits += (rem / r.den).toString()
    rem %= r.den
  }
  return `${whole}.${digits}`
}

/** The same ratio as percent text: 19/100 → "19". */
export function toPercentString(r: Ratio): string {
  return toDecimalString(mul(r, { num: 100n, den: 1n }))
}
