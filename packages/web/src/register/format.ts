import { currency as currencyOf, type Currency } from '@patron/core'
import { reference } from './state/reference'
import { useStore } from './state/store'

export interface Formatter {
  currency: Currency
  locale: string
  money: (minor: number) => string
  /** "−€1.20" for a discount; "" for 0. */
  minus: (minor: number) => string
  points: (n: number) => string
  /** Major units typed on a keypad ("12.5") → minor units; NaN when not a number. */
  parseMajor: (text: string) => number
  /** Minor units → a plain decimal for an input field ("12.50"). */
  toMajorText: (minor: number) => string
  unitMinor: number
  /** "14:05" and "22.11.2026, 14:05" in the store's time zone (what the receipts say). */
  time: (iso: string) => string
  dateTime: (iso: string) => string
  date: (iso: string) => string
}

const fallback = currencyOf('EUR')
const cache = new Map<string, Formatter>()

export function formatterFor(code: string, locale: string, timeZone?: string): Formatter {
  const key = `${code}|${locale}|${timeZone ?? ''}`
  const hit = cache.get(key)
  if (hit) return hit
  const c = (() => {
    try {
      return currencyOf(code)
    } catch {
      return fallback
    }
  })()
  const unit = 10 ** c.exponent
  const nf = new Intl.NumberFormat(locale)
  // One money format per currency and locale (what formatMoney in @patron/core builds per call).
  const moneyFormat = new Intl.NumberFormat(locale, { style: 'currency', currency: c.code, minimumFractionDigits: c.exponent, maximumFractionDigits: c.exponent })
  const money = (m: number) => moneyFormat.format(m / unit)
  const f: Formatter = {
    currency: c,
    locale,
    money,
    minus: (m) => (m === 0 ? '' : `−${money(Math.abs(m))}`),
    points: (n) => nf.format(n),
    parseMajor: (text) => {
      const t = text.trim().replace(',', '.')
      if (!/^\d+(\.\d*)?$/.test(t)) return NaN
      const [whole, frac = ''] = t.split('.')
      if (frac.length > c.exponent) return NaN
      return Number(whole) * unit + Number((frac + '0'.repeat(c.exponent)).slice(0, c.exponent) || '0')
    },
    toMajorText: (m) => (c.exponent === 0 ? String(m) : `${Math.floor(m / unit)}.${String(m % unit).padStart(c.exponent, '0')}`),
    unitMinor: unit,
    time: (iso) => timeText(iso, locale, timeZone),
    dateTime: (iso) => dateTimeText(iso, locale, timeZone),
    date: (iso) => dateText(iso, locale, timeZone),
  }
  cache.set(key, f)
  return f
}

/** Money and points in the store's currency and locale (as on the receipt). */
export function useFormat(): Formatter {
  const ref = useStore(reference)
  return formatterFor(ref?.store.currency ?? 'EUR', ref?.store.locale ?? 'en', ref?.store.timeZone)
}

/** "2", or "0.750 kg" for a weighed line (quantity in grams). */
export function quantityText(quantity: number, weighed: boolean): string {
  return weighed ? `${(quantity / 1000).toFixed(3)} kg` : String(quantity)
}

/**
 * One Intl.DateTimeFormat per locale, time zone and style, made once: making one costs more
 * than formatting with it (~0.2 ms), and a list of parked sales formats a time per row on every
 * render of the sale.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>()
function dateFormat(locale: string, timeZone: string | undefined, style: 'time' | 'date' | 'dateTime'): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ''}|${style}`
  let f = dateFormats.get(key)
  if (!f) {
    const options: Intl.DateTimeFormatOptions = style === 'time' ? { hour: '2-digit', minute: '2-digit' } : style === 'date' ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' }
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone })
    dateFormats.set(key, f)
  }
  return f
}

export function timeText(iso: string, locale: string, timeZone?: string): string {
  try {
    return dateFormat(locale, timeZone, 'time').format(new Date(iso))
  } catch {
    return iso.slice(11, 16)
  }
}

export function dateText(iso: string, locale: string, timeZone?: string): string {
  try {
    return dateFormat(locale, timeZone, 'date').format(new Date(iso))
  } catch {
    return iso.slice(0, 10)
  }
}

export function dateTimeText(iso: string, locale: string, timeZone?: string): string {
  try {
    return dateFormat(locale, timeZone, 'dateTime').format(new Date(iso))
  } catch {
    return iso
  }
}

/** Banknotes of common currencies in minor units, for quick cash amounts and the drawer count. */
export function denominations(code: string): { notes: number[]; coins: number[] } {
  switch (code) {
    case 'EUR':
      return { notes: [50000, 20000, 10000, 5000, 2000, 1000, 500], coins: [200, 100, 50, 20, 10, 5, 2, 1] }
    case 'USD':
      return { notes: [10000, 5000, 2000, 1000, 500, 200, 100], coins: [25, 10, 5, 1] }
    case 'GBP':
      return { notes: [5000, 2000, 1000, 500], coins: [200, 100, 50, 20, 10, 5, 2, 1] }
    case 'CHF':
      return { notes: [100000, 20000, 10000, 5000, 2000, 1000], coins: [500, 200, 100, 50, 20, 10, 5] }
    default:
      return { notes: [], coins: [] }
  }
}

export function tenderLabel(kind: string): string {
  return ({ cash: 'Cash', card: 'Card', gift_card: 'Gift card', store_credit: 'Store credit', points: 'Points', other: 'Voucher / other' } as Record<string, string>)[kind] ?? kind
}
