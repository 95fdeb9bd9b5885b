import { PatronError } from '../errors'

/**
 * Store-local calendar arithmetic. Promotions, visits, birthdays and expiry dates are about the
 * store's wall clock, not UTC, so every instant is read through the store's IANA time zone.
 * Pure: the instant is always an argument.
 */

export interface LocalDateTime {
  readonly year: number
  /** 1–12 */
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number
  /** "YYYY-MM-DD", sorts like the dates it names. */
  readonly date: string
  /** hour × 60 + minute. */
  readonly minutesOfDay: number
}

// An instant must carry its offset: "2024-06-04T10:00" alone would be read in the process's
// own time zone, and the same sale would earn differently on two machines.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i

/** Parses an ISO 8601 instant with an explicit offset into epoch milliseconds. */
export function parseInstant(at: string, field = 'at'): number {
  const ms = typeof at === 'string' && INSTANT.test(at) ? Date.parse(at) : NaN
  if (Number.isNaN(ms)) {
    throw new PatronError('INVALID_TIME', `"${String(at)}" is not an ISO 8601 instant with an offset`, { field, value: at })
  }
  return ms
}

// Building a DateTimeFormat costs tens of microseconds; a store has one zone, so keep them.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        hourCycle: 'h23',
      })
    } catch {
      throw new PatronError('INVALID_TIME_ZONE', `Unknown time zone "${timeZone}"`, { field: 'timeZone', value: timeZone })
    }
    formatters.set(timeZone, f)
  }
  return f
}

/** Throws INVALID_TIME_ZONE unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone)
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** Day of week of a calendar date, 0 = Sunday (proleptic Gregorian, no time zone involved). */
export function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay()
}

/** Wall-clock fields straight from Intl (slow: a few microseconds). */
function wallClock(epochMs: number, timeZone: string): [number, number, number, number, number, number] {
  const f: [number, number, number, number, number, number] = [0, 0, 0, 0, 0, 0]
  for (const p of formatterFor(timeZone).formatToParts(epochMs)) {
    switch (p.type) {
      case 'year': f[0] = Number(p.value); break
      case 'month': f[1] = Number(p.value); break
      case 'day': f[2] = Number(p.value); break
      case 'hour': f[3] = Number(p.value); break
      case 'minute': f[4] = Number(p.value); break
      case 'second': f[5] = Number(p.value); break
    }
  }
  return f
}

/** Offset of the zone from UTC at an instant, in ms (local − UTC), to the second, from Intl. */
function offsetFromIntl(epochMs: number, timeZone: string): number {
  const [y, mo, d, h, mi, s] = wallClock(epochMs, timeZone)
  return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(epochMs / 1000) * 1000
}

// Intl costs a few µs per call, the earn engine's budget is 20 µs: remember each zone's offset
// per UTC hour. An hour whose first and last second share an offset has no transition inside
// (zones never change offset twice within an hour), so the offset holds for all of it.
const HOUR_MS = 3_600_000
const offsetCache = new Map<string, Map<number, number>>()

function offsetMs(epochMs: number, timeZone: string): number {
  const hour = Math.floor(epochMs / HOUR_MS)
  let zone = offsetCache.get(timeZone)
  if (zone === undefined) offsetCache.set(timeZone, (zone = new Map()))
  const cached = zone.get(hour)
  if (cached !== undefined) return cached
  const start = offsetFromIntl(hour * HOUR_MS, timeZone)
  if (start !== offsetFromIntl(hour * HOUR_MS + HOUR_MS - 1000, timeZone)) return offsetFromIntl(epochMs, timeZone)
  if (zone.size > 50_000) zone.clear() // bounded memory for a long-running server
  zone.set(hour, start)
  return start
}

/** The wall-clock reading of an instant (epoch ms) in a time zone. */
export function localAt(epochMs: number, timeZone: string): LocalDateTime {
  const wall = new Date(epochMs + offsetMs(epochMs, timeZone))
  const year = wall.getUTCFullYear()
  const month = wall.getUTCMonth() + 1
  const day = wall.getUTCDate()
  const hour = wall.getUTCHours()
  const minute = wall.getUTCMinutes()
  return {
    year,
    month,
    day,
    hour,
    minute,
    second: wall.getUTCSeconds(),
    weekday: wall.getUTCDay(),
    date: `${pad(year, 4)}-${pad(month)}-${pad(day)}`,
    minutesOfDay: hour * 60 + minute,
  }
}

/** The store-local wall-clock reading of an ISO instant. */
export function storeLocalTime(at: string, timeZone: string): LocalDateTime {
  return localAt(parseInstant(at), timeZone)
}

/** The store-local calendar day "YYYY-MM-DD" of an instant: the day of visits and per-day caps. */
export function storeLocalDate(at: string, timeZone: string): string {
  return storeLocalTime(at, timeZone).date
}

/**
 * The instant at which a zone's wall clock shows the given time. For a repeated hour (clocks
 * go back) the first occurrence; for a time skipped by a DST change, the wall time read with
 * the offset in force before the change (so a little later on the clock, e.g. 02:30 → 03:30).
 */
export function instantOfLocal(
  t: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number; ms?: number },
  timeZone: string,
): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour ?? 0, t.minute ?? 0, t.second ?? 0, t.ms ?? 0)
  // Zones change offset at most once within a day or two, so the offsets a day before and a day
  // after are the only candidates.
  const day = 86_400_000
  const before = wall - offsetMs(wall - day, timeZone)
  const after = wall - offsetMs(wall + day, timeZone)
  const fits = (c: number) => c + offsetMs(c, timeZone) === wall
  const beforeFits = fits(before)
  const afterFits = fits(after)
  if (beforeFits && afterFits) return Math.min(before, after)
  if (afterFits) return after
  return before
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** Adds calendar months to (year, month), month 1–12. */
export function addMonthsYm(year: number, month: number, months: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + months
  return { year: Math.floor(index / 12), month: (index % 12) + 1 }
}

/** A calendar period of a store's wall clock (per-member reward limits, daily adjustment limits, referral months). */
export type LocalPeriod = 'day' | 'week' | 'month' | 'year'

/**
 * The instant (ISO, UTC) the store-local day, week (from Monday), month or year containing `at`
 * began: "today" at a till in Berlin starts at 23:00 or 22:00 UTC the evening before.
 */
export function localPeriodStart(period: LocalPeriod, at: string, timeZone: string): string {
  const t = storeLocalTime(at, timeZone)
  let day: { year: number; month: number; day: number }
  switch (period) {
    case 'day':
      day = t
      break
    case 'week': {
      const monday = new Date(Date.UTC(t.year, t.month - 1, t.day - ((t.weekday + 6) % 7)))
      day = { year: monday.getUTCFullYear(), month: monday.getUTCMonth() + 1, day: monday.getUTCDate() }
      break
    }
    case 'month':
      day = { year: t.year, month: t.month, day: 1 }
      break
    case 'year':
      day = { year: t.year, month: 1, day: 1 }
      break
  }
  return new Date(instantOfLocal({ year: day.year, month: day.month, day: day.day }, timeZone)).toISOString()
}
