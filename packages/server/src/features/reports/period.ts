import { z } from 'zod'
import { PatronError } from '@patron/core'

/**
 * Report periods are in UTC: the ledger and the sales store UTC instants, and an organisation's
 * stores may sit in several time zones, so a calendar day or month is a UTC one.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/
const MONTH = /^\d{4}-\d{2}$/
// With its offset: without one, Date.parse would read the server's local time.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/
const isInstant = (v: string) => INSTANT.test(v) && !Number.isNaN(Date.parse(v))

/** A day "YYYY-MM-DD" or an ISO 8601 instant with its offset. */
export const ZDayOrInstant = z
  .string()
  .refine((v) => (DAY.test(v) ? isRealDay(v) : isInstant(v)), 'a date "YYYY-MM-DD" or an ISO 8601 instant with its offset')

/** A month "YYYY-MM", or a day or instant (meaning its month). */
export const ZMonthOrDay = z
  .string()
  .refine((v) => (MONTH.test(v) ? isRealDay(`${v}-01`) : DAY.test(v) ? isRealDay(v) : isInstant(v)), 'a month "YYYY-MM", a date "YYYY-MM-DD" or an ISO 8601 instant with its offset')

export interface Period {
  /** Inclusive, ISO UTC (the format the database stores). */
  readonly fromIso: string
  /** Exclusive, ISO UTC. */
  readonly toIso: string
}

/**
 * [from, to) in ISO UTC. A day as `from` starts at its midnight UTC; a day as `to` includes the
 * whole day (the period ends at the next midnight); an instant is taken as it is.
 * INVALID_PERIOD when the period is empty or reversed.
 */
export function dayPeriod(from: string, to: string): Period {
  const fromIso = DAY.test(from) ? `${from}T00:00:00.000Z` : new Date(from).toISOString()
  const toIso = DAY.test(to) ? new Date(Date.parse(`${to}T00:00:00.000Z`) + 86_400_000).toISOString() : new Date(to).toISOString()
  if (fromIso >= toIso) throw new PatronError('INVALID_PERIOD', `The period is empty: ${from} is not before ${to}`, { field: 'to', from, to })
  return { fromIso, toIso }
}

/** "YYYY-MM" of a month, day or instant (UTC). */
export function monthOf(value: string): string {
  return MONTH.test(value) ? value : DAY.test(value) ? value.slice(0, 7) : new Date(value).toISOString().slice(0, 7)
}

/** "2026-03" → "2026-04" */
export function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7))
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}

/** Every month from `from` to `to`, both included ("YYYY-MM"); INVALID_PERIOD if reversed or longer than `max`. */
export function monthsBetween(from: string, to: string, max: number): string[] {
  if (from > to) throw new PatronError('INVALID_PERIOD', `The period is reversed: ${from} is after ${to}`, { field: 'to', from, to })
  const months: string[] = []
  for (let m = from; m <= to; m = nextMonth(m)) {
    if (months.length === max) throw new PatronError('INVALID_PERIOD', `A report covers at most ${max} months`, { field: 'from', from, to, maxMonths: max })
    months.push(m)
  }
  return months
}

/** The first instant of a month, ISO UTC: "2026-03" → "2026-03-01T00:00:00.000Z". */
export function monthStartIso(month: string): string {
  return `${month}-01T00:00:00.000Z`
}

function isRealDay(v: string): boolean {
  const d = new Date(`${v}T00:00:00.000Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v
}
