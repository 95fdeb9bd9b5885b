import { PatronError } from '../errors'
import { addMonthsYm, daysInMonth, instantOfLocal, localAt, parseInstant } from './local-time'
import type { ExpiryPolicy } from './types'

/**
 * Lots (loyalty.md "Expiry"): each earning creates a lot (points, earned at, expires at);
 * spending consumes lots soonest-expiring first, no-expiry lots last. A lot is due when
 * `now ≥ expiresAt` (expiresAt is the first instant at which its points are gone).
 */
export interface PointsLot {
  readonly id: string
  readonly remaining: number
  /** ISO instant, or null for points that never expire by date. */
  readonly expiresAt: string | null
  readonly earnedAt: string
}

export interface LotTake {
  readonly lotId: string
  readonly points: number
}

/**
 * When a lot earned at `earnedAt` expires, as an ISO instant (UTC, "…Z"), or null when the
 * policy does not date lots (none; inactivity expires the whole balance instead, see
 * `inactivityExpiryDue`).
 * Rolling: N calendar months after earning, at the same store-local wall time (31 Jan + 1 month
 * → 28/29 Feb); with `endOfMonth`, at the end of that month, i.e. the first instant of the
 * following month, store-local. `timeZone` defaults to UTC.
 */
export function expiryFor(policy: ExpiryPolicy, earnedAt: string, timeZone = 'UTC'): string | null {
  if (policy.kind !== 'rolling') return null
  return new Date(addMonthsLocal(parseInstant(earnedAt, 'earnedAt'), policy.months, policy.endOfMonth === true, timeZone)).toISOString()
}

/** The instant an inactivity policy expires the balance of a member whose last sale was at `lastSaleAt`; null for other policies. */
export function inactivityExpiresAt(lastSaleAt: string, policy: ExpiryPolicy, timeZone = 'UTC'): string | null {
  if (policy.kind !== 'inactivity') return null
  return new Date(addMonthsLocal(parseInstant(lastSaleAt, 'lastSaleAt'), policy.months, false, timeZone)).toISOString()
}

/**
 * Whether an inactivity policy expires all of a member's points at `now`: N months without a
 * sale. Pass the member's last sale time (or the enrolment time for a member who never bought,
 * so that e.g. referral points do not live forever). Always false for other policies.
 */
export function inactivityExpiryDue(lastSaleAt: string, policy: ExpiryPolicy, now: string, timeZone = 'UTC'): boolean {
  const at = inactivityExpiresAt(lastSaleAt, policy, timeZone)
  return at !== null && parseInstant(now, 'now') >= Date.parse(at)
}

function addMonthsLocal(epochMs: number, months: number, endOfMonth: boolean, timeZone: string): number {
  const local = localAt(epochMs, timeZone)
  const target = addMonthsYm(local.year, local.month, months)
  if (endOfMonth) {
    const next = addMonthsYm(target.year, target.month, 1)
    return instantOfLocal({ year: next.year, month: next.month, day: 1 }, timeZone)
  }
  return instantOfLocal(
    {
      year: target.year,
      month: target.month,
      day: Math.min(local.day, daysInMonth(target.year, target.month)),
      hour: local.hour,
      minute: local.minute,
      second: local.second,
      ms: ((epochMs % 1000) + 1000) % 1000,
    },
    timeZone,
  )
}

interface SortedLot {
  readonly lot: PointsLot
  readonly expiresMs: number
  readonly earnedMs: number
}

/** Soonest expiry first, no-expiry last; ties by earning time, then id, so the order is total. */
function inSpendingOrder(lots: readonly PointsLot[]): SortedLot[] {
  return lots
    .map((lot) => {
      checkLot(lot)
      return {
        lot,
        expiresMs: lot.expiresAt === null ? Infinity : parseInstant(lot.expiresAt, 'expiresAt'),
        earnedMs: parseInstant(lot.earnedAt, 'earnedAt'),
      }
    })
    .sort((a, b) =>
      a.expiresMs !== b.expiresMs
        ? a.expiresMs < b.expiresMs ? -1 : 1
        : a.earnedMs !== b.earnedMs
          ? a.earnedMs - b.earnedMs
          : a.lot.id < b.lot.id ? -1 : a.lot.id > b.lot.id ? 1 : 0,
    )
}

function checkLot(lot: PointsLot): void {
  if (!Number.isSafeInteger(lot.remaining) || lot.remaining < 0) {
    throw new PatronError('INVALID_LOT', `Lot ${lot.id} has an invalid remaining amount`, { lotId: lot.id, remaining: lot.remaining })
  }
}

function checkPoints(points: number): void {
  if (!Number.isSafeInteger(points) || points < 0) {
    throw new PatronError('INVALID_POINTS', 'Points must be a whole number ≥ 0', { points })
  }
}

/**
 * Which lots a spending of `points` consumes, soonest-expiring first (no-expiry last, ties by
 * earnedAt then id). With `now`, lots already due for expiry are skipped (the expiry job has
 * not run yet, but those points are gone). Throws INSUFFICIENT_POINTS when the lots do not
 * cover the points (details: needed, available).
 */
export function planConsumption(lots: readonly PointsLot[], points: number, now?: string): LotTake[] {
  checkPoints(points)
  const nowMs = now === undefined ? -Infinity : parseInstant(now, 'now')
  const takes: LotTake[] = []
  let left = points
  let available = 0
  for (const s of inSpendingOrder(lots)) {
    if (s.lot.remaining === 0 || s.expiresMs <= nowMs) continue
    available += s.lot.remaining
    if (left === 0) continue
    const take = Math.min(left, s.lot.remaining)
    takes.push({ lotId: s.lot.id, points: take })
    left -= take
  }
  if (left > 0) {
    throw new PatronError('INSUFFICIENT_POINTS', `Needs ${points} points, ${available} available`, { needed: points, available })
  }
  return takes
}

/**
 * Where a refund's clawback of `points` comes from: first what is left of the original sale's
 * lot (`preferLotId`, may be null), then other lots in spending order. What the lots cannot
 * cover is `debt`: the balance goes negative by that much, and later earnings repay it first
 * (see `splitEarning`). Due-but-not-yet-expired lots count: their points are still there.
 */
export function planClawback(
  lots: readonly PointsLot[],
  points: number,
  preferLotId: string | null,
): { fromLots: LotTake[]; debt: number } {
  checkPoints(points)
  const fromLots: LotTake[] = []
  let left = points
  const ordered = inSpendingOrder(lots)
  const preferred = ordered.find((s) => s.lot.id === preferLotId)
  for (const s of preferred ? [preferred, ...ordered.filter((o) => o !== preferred)] : ordered) {
    if (left === 0) break
    if (s.lot.remaining === 0) continue
    const take = Math.min(left, s.lot.remaining)
    fromLots.push({ lotId: s.lot.id, points: take })
    left -= take
  }
  return { fromLots, debt: left }
}

/**
 * How new points land on a balance that may be negative (a clawback debt): the debt is repaid
 * first, only the rest becomes a lot. Keeps "lots sum to max(balance, 0)" true.
 */
export function splitEarning(balance: number, points: number): { repaysDebt: number; lotPoints: number } {
  checkPoints(points)
  const repaysDebt = balance < 0 ? Math.min(points, -balance) : 0
  return { repaysDebt, lotPoints: points - repaysDebt }
}

/** The lots the daily expiry job must expire at `now` (what is left of each), in spending order. */
export function dueForExpiry(lots: readonly PointsLot[], now: string): LotTake[] {
  const nowMs = parseInstant(now, 'now')
  return inSpendingOrder(lots)
    .filter((s) => s.lot.remaining > 0 && s.expiresMs <= nowMs)
    .map((s) => ({ lotId: s.lot.id, points: s.lot.remaining }))
}
