import { PatronError } from '../errors'

export interface Currency {
  /** ISO 4217 code, e.g. "EUR". */
  readonly code: string
  /** Number of minor-unit digits: 2 for EUR, 0 for JPY, 3 for KWD. */
  readonly exponent: number
}

// ISO 4217 minor-unit exponents. Currencies not listed here are rejected rather than guessed,
// because a wrong exponent silently multiplies every price by 10 or 100.
const EXPONENTS: Record<string, number> = {
  AED: 2, ARS: 2, AUD: 2, BGN: 2, BHD: 3, BRL: 2, CAD: 2, CHF: 2, CLP: 0, CNY: 2, COP: 2,
  CZK: 2, DKK: 2, EGP: 2, EUR: 2, GBP: 2, HKD: 2, HUF: 2, IDR: 2, ILS: 2, INR: 2, IQD: 3,
  ISK: 0, JOD: 3, JPY: 0, KES: 2, KRW: 0, KWD: 3, LYD: 3, MAD: 2, MXN: 2, MYR: 2, NGN: 2,
  NOK: 2, NZD: 2, OMR: 3, PEN: 2, PHP: 2, PKR: 2, PLN: 2, QAR: 2, RON: 2, RSD: 2, RUB: 2,
  SAR: 2, SEK: 2, SGD: 2, THB: 2, TND: 3, TRY: 2, TWD: 2, UAH: 2, UGX: 0, USD: 2, VND: 0,
  XAF: 0, XOF: 0, ZAR: 2,
}

export function currency(code: string): Currency {
  const upper = code.toUpperCase()
  const exponent = EXPONENTS[upper]
  if (exponent === undefined) {
    throw new PatronError('UNKNOWN_CURRENCY', `Unknown currency "${code}"`, { currency: code })
  }
  return { code: upper, exponent }
}

export function isKnownCurrency(code: string): boolean {
  return EXPONENTS[code.toUpperCase()] !== undefined
}

export function knownCurrencies(): string[] {
  return Object.keys(EXPONENTS)
}

/** Minor units per major unit: 100 for EUR. */
export function unitMinor(c: Currency): number {
  return 10 ** c.exponent
}

/** Formats an amount for people, in the store's locale. Display only: never parse it back. */
export function formatMoney(amountMinor: number, c: Currency, locale = 'en'): string {
  const major = amountMinor / unitMinor(c) // display only; exact to the digits shown
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: c.code,
    minimumFractionDigits: c.exponent,
    maximumFractionDigits: c.exponent,
  }).format(major)
}
