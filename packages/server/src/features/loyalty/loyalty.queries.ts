import { CompiledQuery, NoResultError, type Kysely } from 'kysely'
import { rawQuery, rowInserter, writeAll, type Statement } from '../../db/raw'
import { TtlCache } from '../../cache'
import {
  compileRules,
  expiryFor,
  memberAccount,
  PatronError,
  planClawback,
  planConsumption,
  splitEarning,
  storeLocalDate,
  type CompiledRules,
  type LotTake,
  type PointsLot,
  type ProgramRules,
} from '@patron/core'
import type { Database } from '../../db/schema'
import type { Trx } from '../../db/writer'
import type { DialectName } from '../../db/connect'

export interface ProgramVersion {
  id: string
  version: number
  programId: string
  rules: ProgramRules
  compiled: CompiledRules
  effectiveAt: string
}

// Published versions never change, so their parsed rules can be kept for the process's life.
const compiledCache = new Map<string, ProgramVersion>()

// Which versions an organisation has (ids and effective times): read on every sale, so kept
// two seconds; publishing through this instance forgets it at once.
const versionLists = new TtlCache<{ id: string; version: number; effective_at: string }[]>(2_000)

export function forgetProgramVersions(orgId: string): void {
  versionLists.delete(orgId)
}

/**
 * The time zone whose calendar a member-facing period is counted in (reward limits per day or
 * month, the daily adjustment limit, referrals per month): the store of the staff member's
 * session, else the organisation's first store.
 */
export async function periodTimeZone(db: Kysely<Database>, principal: { orgId: string; kind: string; storeId?: string | null }): Promise<string> {
  const storeId = principal.kind === 'staff' ? principal.storeId : null
  if (storeId) {
    const own = await db.selectFrom('stores').select('time_zone').where('id', '=', storeId).executeTakeFirst()
    if (own) return own.time_zone
  }
  const first = await db.selectFrom('stores').select('time_zone').where('org_id', '=', principal.orgId).orderBy('created_at').executeTakeFirst()
  return first?.time_zone ?? 'UTC'
}

/** The version in force at `at` (the sale time): the latest whose effective time has come. */
export async function programVersionAt(db: Kysely<Database>, orgId: string, at: string): Promise<ProgramVersion | null> {
  const versions = await versionLists.get(orgId, () =>
    db
      .selectFrom('program_versions as v')
      .innerJoin('loyalty_programs as p', 'p.id', 'v.program_id')
      .select(['v.id', 'v.version', 'v.effective_at'])
      .where('p.org_id', '=', orgId)
      .orderBy('v.effective_at', 'desc')
      .orderBy('v.version', 'desc')
      .execute(),
  )
  const inForce = versions.find((v) => v.effective_at <= at)
  return inForce ? programVersionById(db, inForce.id) : null
}

export async function programVersionById(db: Kysely<Database>, id: string): Promise<ProgramVersion | null> {
  const cached = compiledCache.get(id)
  if (cached) return cached
  const row = await db.selectFrom('program_versions').select(['id', 'version', 'program_id', 'rules', 'effective_at']).where('id', '=', id).executeTakeFirst()
  return row ? versionFromRow(row) : null
}

function versionFromRow(row: { id: string; version: number; program_id: string; rules: string; effective_at: string }): ProgramVersion {
  const cached = compiledCache.get(row.id)
  if (cached) return cached
  const rules = JSON.parse(row.rules) as ProgramRules
  const v = { id: row.id, version: row.version, programId: row.program_id, rules, compiled: compileRules(rules), effectiveAt: row.effective_at }
  compiledCache.set(row.id, v)
  return v
}

/**
 * The member's account row, locked for the rest of the transaction on PostgreSQL so that two
 * sales of one member cannot both spend the same points (SQLite has a single writer).
 */
export async function lockAccount(trx: Trx, dialect: DialectName, customerId: string) {
  let q = trx.selectFrom('loyalty_accounts').selectAll().where('customer_id', '=', customerId)
  if (dialect === 'postgres') q = q.forUpdate()
  const account = await q.executeTakeFirst()
  if (!account) throw new PatronError('CUSTOMER_NOT_FOUND', 'The customer has no loyalty account', { customerId })
  return account
}

export async function openLots(trx: Trx, customerId: string): Promise<PointsLot[]> {
  const rows = await trx.selectFrom('lots').select(['id', 'remaining', 'expires_at', 'earned_at']).where('customer_id', '=', customerId).where('remaining', '>', 0).execute()
  return rows.map((r) => ({ id: r.id, remaining: r.remaining, expiresAt: r.expires_at, earnedAt: r.earned_at }))
}

export interface TransferInput {
  id: string
  orgId: string
  customerId: string
  points: number
  kind: string
  /** The program account on the other side. */
  programAccount: string
  saleId?: string | null
  refundId?: string | null
  programVersionId?: string | null
  staffId?: string | null
  terminalId?: string | null
  reason?: string | null
  explanation?: unknown
  at: string
}

// The ledger's two hottest writes, as hand-written SQL (db/raw.ts): every sale with a member does them.
const transferInserter = rowInserter('ledger_transfers', [
  'id', 'org_id', 'debit_account', 'credit_account', 'points', 'kind', 'customer_id', 'sale_id', 'refund_id',
  'program_version_id', 'staff_id', 'terminal_id', 'reason', 'explanation', 'created_at',
])
const lotInserter = rowInserter('lots', ['id', 'customer_id', 'transfer_id', 'sale_id', 'points', 'remaining', 'earned_at', 'expires_at'])

async function insertTransfer(trx: Trx, t: TransferInput, direction: 'to_member' | 'from_member') {
  const st = transferStatement(t, direction)
  await rawQuery(trx, st.text, st.params)
}

function transferStatement(t: TransferInput, direction: 'to_member' | 'from_member'): Statement {
  const member = memberAccount(t.customerId)
  return transferInserter.statement([
    {
      id: t.id,
      org_id: t.orgId,
      debit_account: direction === 'to_member' ? t.programAccount : member,
      credit_account: direction === 'to_member' ? member : t.programAccount,
      points: t.points,
      kind: t.kind,
      customer_id: t.customerId,
      sale_id: t.saleId ?? null,
      refund_id: t.refundId ?? null,
      program_version_id: t.programVersionId ?? null,
      staff_id: t.staffId ?? null,
      terminal_id: t.terminalId ?? null,
      reason: t.reason ?? null,
      explanation: t.explanation === undefined ? null : JSON.stringify(t.explanation),
      created_at: t.at,
    },
  ])
}

// The balance update of creditPoints; the "sale" form also counts the sale (sales_count,
// last_sale_at, last_visit_at), so that a sale updates its member's account row once, not twice.
// Both times only move forward (a sale recorded offline may arrive after a later one); the
// visit moves only for a sale with eligible amount > 0 (the first parameter of SALE_VISIT_SET).
const SALE_VISIT_SET =
  '"sales_count" = "sales_count" + 1, ' +
  '"last_sale_at" = case when "last_sale_at" is null or "last_sale_at" < ? then ? else "last_sale_at" end, ' +
  '"last_visit_at" = case when ? = 1 and ("last_visit_at" is null or "last_visit_at" < ?) then ? else "last_visit_at" end'
const CREDIT_SQL = {
  earning: 'update "loyalty_accounts" set "balance" = "balance" + ?, "lifetime_earned" = "lifetime_earned" + ?, "updated_at" = ? where "customer_id" = ? returning "balance"',
  other: 'update "loyalty_accounts" set "balance" = "balance" + ?, "updated_at" = ? where "customer_id" = ? returning "balance"',
  earningSale: `update "loyalty_accounts" set "balance" = "balance" + ?, "lifetime_earned" = "lifetime_earned" + ?, ${SALE_VISIT_SET}, "updated_at" = ? where "customer_id" = ? returning "balance"`,
  otherSale: `update "loyalty_accounts" set "balance" = "balance" + ?, ${SALE_VISIT_SET}, "updated_at" = ? where "customer_id" = ? returning "balance"`,
}
const saleVisitParams = (at: string, visit: boolean) => [at, at, visit ? 1 : 0, at, at]

/**
 * Points to a member: the ledger transfer, the balance (in the same transaction), and a lot
 * for whatever is left after repaying a clawback debt. Returns the new balance.
 * `saleVisit`: this credit is a sale's earn; the same update then counts the sale on the
 * account, as recordSaleVisit would (`true`: a visit, the sale's eligible amount is > 0).
 */
export async function creditPoints(
  trx: Trx,
  t: TransferInput & { balanceBefore: number; lotExpiresAt: string | null; countsAsEarning: boolean; saleVisit?: { visit: boolean } },
): Promise<number> {
  // The transfer, the lot and the balance in one go (one round trip on PostgreSQL, see writeAll).
  const writes: Statement[] = [transferStatement(t, 'to_member')]
  const { lotPoints } = splitEarning(t.balanceBefore, t.points)
  if (lotPoints > 0) {
    writes.push(lotInserter.statement([
      { id: t.id, customer_id: t.customerId, transfer_id: t.id, sale_id: t.saleId ?? null, points: lotPoints, remaining: lotPoints, earned_at: t.at, expires_at: t.lotExpiresAt },
    ]))
  }
  const params: unknown[] = [t.points]
  if (t.countsAsEarning) params.push(t.points)
  if (t.saleVisit) params.push(...saleVisitParams(t.at, t.saleVisit.visit))
  params.push(t.at, t.customerId)
  const text = t.saleVisit ? (t.countsAsEarning ? CREDIT_SQL.earningSale : CREDIT_SQL.otherSale) : t.countsAsEarning ? CREDIT_SQL.earning : CREDIT_SQL.other
  writes.push({ text, params })
  const [row] = await writeAll<{ balance: number }>(trx, writes)
  // No account row: the same error executeTakeFirstOrThrow gave before this was hand-written SQL.
  if (!row) throw new NoResultError(CompiledQuery.raw(text, params).query as never)
  return Number(row.balance)
}

/** A sale without an earn credit still counts on the member's account (first purchase, visit of the day). */
export async function recordSaleVisit(trx: Trx, customerId: string, at: string, visit: boolean): Promise<void> {
  await rawQuery(trx, `update "loyalty_accounts" set ${SALE_VISIT_SET}, "updated_at" = ? where "customer_id" = ?`, [...saleVisitParams(at, visit), at, customerId])
}

/**
 * Points from a member to spend them (points as tender, rewards, adjustments down): consumes
 * lots soonest-expiring first and never lets the balance go below zero — the UPDATE's condition
 * is the last guard even against a concurrent writer. Returns the new balance and the lots
 * taken, so that a refund or a release can put the points back where they came from.
 */
export async function spendPoints(trx: Trx, t: TransferInput & { now: string }): Promise<{ balance: number; takes: LotTake[] }> {
  const lots = await openLots(trx, t.customerId)
  const takes = planConsumption(lots, t.points, t.now)
  const row = await trx
    .updateTable('loyalty_accounts')
    .set((eb) => ({ balance: eb('balance', '-', t.points), updated_at: t.at }))
    .where('customer_id', '=', t.customerId)
    .where('balance', '>=', t.points)
    .returning('balance')
    .executeTakeFirst()
  if (!row) throw new PatronError('INSUFFICIENT_POINTS', 'Not enough points for this', { needed: t.points })
  for (const take of takes) await decrementLot(trx, take.lotId, take.points)
  await insertTransfer(trx, t, 'from_member')
  return { balance: row.balance, takes }
}

/**
 * Points given back to a member into the lots they were spent from, so they keep their original
 * expiry (a released reward, an expired voucher, a refunded points tender). A clawback debt
 * (negative balance) is repaid first; only the rest goes back into lots. Returns the new balance.
 */
export async function returnToLots(trx: Trx, t: TransferInput, takes: readonly LotTake[], dialect: DialectName): Promise<number> {
  if (t.kind && t.programAccount) await insertTransfer(trx, t, 'to_member')
  const account = await lockAccount(trx, dialect, t.customerId)
  let toLots = splitEarning(account.balance, t.points).lotPoints
  for (const take of [...takes].reverse()) {
    if (toLots <= 0) break
    const back = Math.min(take.points, toLots)
    await trx.updateTable('lots').set((eb) => ({ remaining: eb('remaining', '+', back) })).where('id', '=', take.lotId).execute()
    toLots -= back
  }
  const row = await trx
    .updateTable('loyalty_accounts')
    .set((eb) => ({ balance: eb('balance', '+', t.points), updated_at: t.at }))
    .where('customer_id', '=', t.customerId)
    .returning('balance')
    .executeTakeFirstOrThrow()
  return row.balance
}

/** The last `points` of a list of takes, skipping the last `skip` points (given back earlier). */
export function lastTakes(takes: readonly LotTake[], skip: number, points: number): LotTake[] {
  const out: LotTake[] = []
  for (const take of [...takes].reverse()) {
    let available = take.points
    const skipped = Math.min(skip, available)
    skip -= skipped
    available -= skipped
    const use = Math.min(available, points)
    if (use > 0) out.unshift({ lotId: take.lotId, points: use })
    points -= use
    if (points === 0) break
  }
  return out
}

/** A refund's clawback: from the sale's own lot first, then others; the rest becomes debt. */
export async function clawbackPoints(trx: Trx, t: TransferInput & { preferLotId: string | null }): Promise<{ balance: number; debt: number }> {
  const lots = await openLots(trx, t.customerId)
  const plan = planClawback(lots, t.points, t.preferLotId)
  for (const take of plan.fromLots) await decrementLot(trx, take.lotId, take.points)
  await insertTransfer(trx, t, 'from_member')
  const row = await trx
    .updateTable('loyalty_accounts')
    .set((eb) => ({ balance: eb('balance', '-', t.points), updated_at: t.at }))
    .where('customer_id', '=', t.customerId)
    .returning('balance')
    .executeTakeFirstOrThrow()
  return { balance: row.balance, debt: plan.debt }
}

async function decrementLot(trx: Trx, lotId: string, points: number) {
  await trx
    .updateTable('lots')
    .set((eb) => ({ remaining: eb('remaining', '-', points) }))
    .where('id', '=', lotId)
    .execute()
}

export function lotExpiry(rules: ProgramRules, at: string, timeZone: string): string | null {
  return expiryFor(rules.expiry, at, timeZone)
}

/** Points a member earned from sales on the store-local day of `at` (for the per-day cap). */
export async function pointsEarnedOnLocalDay(trx: Trx, customerId: string, at: string, timeZone: string): Promise<number> {
  // A local day is at most 26 hours long and lies within 14 hours of UTC either way.
  const since = new Date(Date.parse(at) - 40 * 3600_000).toISOString()
  const rows = await trx
    .selectFrom('ledger_transfers')
    .select(['points', 'created_at'])
    .where('customer_id', '=', customerId)
    .where('kind', '=', 'earn')
    .where('created_at', '>=', since)
    .execute()
  const day = storeLocalDate(at, timeZone)
  return rows.filter((r) => storeLocalDate(r.created_at, timeZone) === day).reduce((s, r) => s + Number(r.points), 0)
}
