import { sql } from 'kysely'
import { DEFAULT_EXPIRY_WARNING_DAYS, dueForExpiry, inactivityExpiresAt, inactivityExpiryDue, PROGRAM_EXPIRED, tierForMetric, type PointsLot } from '@patron/core'
import type { AppContext } from '../context'
import type { Trx } from '../db/writer'
import { nowIso } from '../util'
import { lockAccount, programVersionAt } from '../features/loyalty/loyalty.queries'
import { recordTierChange, tierMetric } from '../features/loyalty/tiers'
import { expireVouchers, releaseExpiredReservations } from '../features/rewards/redeem-reward'

/** Members handled per write transaction: big enough to amortise the commit, small enough to keep latency of sales low. */
const BATCH = 500
const LEASE_MS = 30 * 60_000

/**
 * Runs a daily job once across instances: the first instance to record (name, day) runs it; a
 * run that started more than 30 minutes ago without finishing (a crashed instance) is taken over.
 * Every job is also idempotent on its own (deterministic transfer ids), so a re-run adds nothing.
 */
export async function runOnce<T>(ctx: AppContext, name: string, runKey: string, job: () => Promise<T>): Promise<T | null> {
  const at = nowIso(ctx.now())
  const claimed = await ctx.writer.run(async (trx) => {
    const row = await trx.selectFrom('job_runs').selectAll().where('name', '=', name).where('run_key', '=', runKey).executeTakeFirst()
    if (!row) {
      await trx.insertInto('job_runs').values({ name, run_key: runKey, started_at: at, finished_at: null, result: null }).execute()
      return true
    }
    if (row.finished_at === null && Date.parse(at) - Date.parse(row.started_at) > LEASE_MS) {
      await trx.updateTable('job_runs').set({ started_at: at }).where('name', '=', name).where('run_key', '=', runKey).execute()
      return true
    }
    return false
  })
  if (!claimed) return null
  const result = await job()
  await ctx.writer.run((trx) => trx.updateTable('job_runs').set({ finished_at: nowIso(ctx.now()), result: JSON.stringify(result) }).where('name', '=', name).where('run_key', '=', runKey).execute())
  return result
}

/**
 * Expires whole balances of quiet members (inactivity policy) and what is left of due lots. Lots
 * keep the expiry date they were earned with, so they expire on it whatever the policy in force
 * today is: a program that moved from rolling expiry to none (or to inactivity) still honours
 * the dates it printed on receipts, and lots earned under "none" carry no date.
 */
export async function expirePoints(ctx: AppContext, orgId: string, at: string): Promise<{ members: number; points: number }> {
  const version = await programVersionAt(ctx.db.kysely, orgId, at)
  if (!version) return { members: 0, points: 0 }
  const policy = version.rules.expiry
  const runKey = at.slice(0, 10)
  let members = 0
  let points = 0
  for (const pass of policy.kind === 'inactivity' ? (['inactivity', 'lots'] as const) : (['lots'] as const)) {
    let after = ''
    for (;;) {
      // Candidates: members with points at all (inactivity) or with a due lot.
      let q = ctx.db.kysely.selectFrom('loyalty_accounts as a').select(['a.customer_id', 'a.last_sale_at', 'a.created_at']).where('a.org_id', '=', orgId).where('a.balance', '>', 0).where('a.customer_id', '>', after)
      if (pass === 'lots') {
        q = q.where((eb) => eb.exists(eb.selectFrom('lots as l').select('l.id').whereRef('l.customer_id', '=', 'a.customer_id').where('l.remaining', '>', 0).where('l.expires_at', '<=', at)))
      }
      const page = await q.orderBy('a.customer_id').limit(BATCH).execute()
      if (page.length === 0) break
      after = page[page.length - 1].customer_id
      const done = await ctx.writer.run(async (trx) => {
        let m = 0
        let p = 0
        for (const row of page) {
          if (pass === 'inactivity' && (policy.kind !== 'inactivity' || !inactivityExpiryDue(row.last_sale_at ?? row.created_at, policy, at))) continue
          const expired = await expireMember(trx, ctx, orgId, row.customer_id, at, runKey, pass === 'inactivity', version.id)
          if (expired > 0) {
            m++
            p += expired
          }
        }
        return { m, p }
      })
      members += done.m
      points += done.p
    }
  }
  return { members, points }
}

async function expireMember(trx: Trx, ctx: AppContext, orgId: string, customerId: string, at: string, runKey: string, everything: boolean, versionId: string): Promise<number> {
  const transferId = `expire:${customerId}:${runKey}`
  if (await trx.selectFrom('ledger_transfers').select('id').where('id', '=', transferId).executeTakeFirst()) return 0
  const account = await lockAccount(trx, ctx.db.dialect, customerId)
  const rows = await trx.selectFrom('lots').select(['id', 'remaining', 'expires_at', 'earned_at']).where('customer_id', '=', customerId).where('remaining', '>', 0).execute()
  const lots: PointsLot[] = rows.map((r) => ({ id: r.id, remaining: Number(r.remaining), expiresAt: r.expires_at, earnedAt: r.earned_at }))
  const takes = everything ? lots.map((l) => ({ lotId: l.id, points: l.remaining })) : dueForExpiry(lots, at)
  // Never more than the balance: lots sum to the positive balance, so this only guards drift.
  let total = Math.min(takes.reduce((s, t) => s + t.points, 0), Math.max(account.balance, 0))
  if (total <= 0) return 0
  let left = total
  for (const t of takes) {
    const take = Math.min(t.points, left)
    if (take <= 0) break
    await trx.updateTable('lots').set((eb) => ({ remaining: eb('remaining', '-', take) })).where('id', '=', t.lotId).execute()
    left -= take
  }
  total -= left
  await trx
    .insertInto('ledger_transfers')
    .values({
      id: transferId,
      org_id: orgId,
      debit_account: `member:${customerId}`,
      credit_account: PROGRAM_EXPIRED,
      points: total,
      kind: 'expire',
      customer_id: customerId,
      sale_id: null,
      refund_id: null,
      program_version_id: versionId,
      staff_id: null,
      terminal_id: null,
      reason: everything ? 'inactivity' : 'lots expired',
      explanation: JSON.stringify({ lots: takes }),
      created_at: at,
    })
    .execute()
  await trx.updateTable('loyalty_accounts').set((eb) => ({ balance: eb('balance', '-', total), updated_at: at })).where('customer_id', '=', customerId).execute()
  await trx.insertInto('outbox').values({ org_id: orgId, topic: 'points.expired', aggregate_id: customerId, payload: JSON.stringify({ customerId, points: total }), created_at: at, published_at: null }).execute()
  return total
}

/**
 * Members are warned `warnDaysBefore` days (policy; 30 by default, 0 = never) ahead of an expiry,
 * once: rolling lots are marked warned; under an inactivity policy one warning per quiet spell
 * (none since the member's last sale).
 */
export async function warnExpiring(ctx: AppContext, orgId: string, at: string): Promise<{ members: number; points: number }> {
  const version = await programVersionAt(ctx.db.kysely, orgId, at)
  const policy = version?.rules.expiry
  if (!policy) return { members: 0, points: 0 }
  // Dated lots are warned about under any policy but inactivity (they keep their dates when the
  // program stops expiring points, see expirePoints).
  const lotsMode = policy.kind !== 'inactivity'
  const daysAhead = policy.kind === 'none' ? DEFAULT_EXPIRY_WARNING_DAYS : (policy.warnDaysBefore ?? DEFAULT_EXPIRY_WARNING_DAYS)
  if (daysAhead === 0) return { members: 0, points: 0 }
  const until = new Date(Date.parse(at) + daysAhead * 86_400_000).toISOString()
  let rows: { customer_id: string; points: number; first_expiry: string }[]
  if (lotsMode) {
    rows = await ctx.db.kysely
      .selectFrom('lots as l')
      .innerJoin('loyalty_accounts as a', 'a.customer_id', 'l.customer_id')
      .select(['l.customer_id', sql<number>`sum(l.remaining)`.as('points'), sql<string>`min(l.expires_at)`.as('first_expiry')])
      .where('a.org_id', '=', orgId)
      .where('l.remaining', '>', 0)
      .where('l.warned_at', 'is', null)
      .where('l.expires_at', '>', at)
      .where('l.expires_at', '<=', until)
      .groupBy('l.customer_id')
      .execute()
  } else {
    const accounts = await ctx.db.kysely.selectFrom('loyalty_accounts').select(['customer_id', 'balance', 'last_sale_at', 'created_at']).where('org_id', '=', orgId).where('balance', '>', 0).execute()
    rows = []
    for (const a of accounts) {
      const expiresAt = inactivityExpiresAt(a.last_sale_at ?? a.created_at, policy)
      if (!expiresAt || expiresAt <= at || expiresAt > until) continue
      const warned = await ctx.db.kysely.selectFrom('outbox').select('id').where('topic', '=', 'points.expiring').where('aggregate_id', '=', a.customer_id).where('created_at', '>', a.last_sale_at ?? a.created_at).executeTakeFirst()
      if (!warned) rows.push({ customer_id: a.customer_id, points: a.balance, first_expiry: expiresAt })
    }
  }
  for (let i = 0; i < rows.length; i += BATCH) {
    const page = rows.slice(i, i + BATCH)
    await ctx.writer.run(async (trx) => {
      for (const r of page) {
        if (lotsMode) {
          await trx.updateTable('lots').set({ warned_at: at }).where('customer_id', '=', r.customer_id).where('remaining', '>', 0).where('warned_at', 'is', null).where('expires_at', '>', at).where('expires_at', '<=', until).execute()
        }
        await trx.insertInto('outbox').values({ org_id: orgId, topic: 'points.expiring', aggregate_id: r.customer_id, payload: JSON.stringify({ customerId: r.customer_id, points: Number(r.points), expiresAt: r.first_expiry }), created_at: at, published_at: null }).execute()
      }
    })
  }
  return { members: rows.length, points: rows.reduce((s, r) => s + Number(r.points), 0) }
}

/** The daily tier review: members past their keep-until date whose metric fell below their tier move down. */
export async function reviewTiers(ctx: AppContext, orgId: string, at: string): Promise<{ reviewed: number; movedDown: number }> {
  const version = await programVersionAt(ctx.db.kysely, orgId, at)
  if (!version || version.rules.tiers.length === 0) return { reviewed: 0, movedDown: 0 }
  const rules = version.rules
  // Nobody falls below a tier with threshold 0 (every member starts there): not reviewed.
  const floorTierId = rules.tiers[0].threshold <= 0 ? rules.tiers[0].id : null
  let reviewed = 0
  let movedDown = 0
  let after = ''
  for (;;) {
    let q = ctx.db.kysely
      .selectFrom('loyalty_accounts')
      .select(['customer_id', 'tier_id'])
      .where('org_id', '=', orgId)
      .where('tier_id', 'is not', null)
      .where((eb) => eb.or([eb('tier_keep_until', 'is', null), eb('tier_keep_until', '<=', at)]))
      .where('customer_id', '>', after)
    if (floorTierId !== null) q = q.where('tier_id', '!=', floorTierId)
    const page = await q.orderBy('customer_id').limit(BATCH).execute()
    if (page.length === 0) break
    after = page[page.length - 1].customer_id
    movedDown += await ctx.writer.run(async (trx) => {
      let moved = 0
      for (const row of page) {
        const current = rules.tiers.findIndex((t) => t.id === row.tier_id)
        const metric = await tierMetric(trx, rules, row.customer_id, at, { points: 0, eligibleMinor: 0 })
        const target = tierForMetric(rules, metric)
        const targetIndex = target ? rules.tiers.findIndex((t) => t.id === target.id) : -1
        if (targetIndex < current || current === -1) {
          if (current === -1 && target?.id === row.tier_id) continue
          await recordTierChange(trx, orgId, row.customer_id, { fromTierId: row.tier_id, toTierId: target?.id ?? null, toTierName: target?.name ?? null, reason: 'review', metric }, at, null, version.id)
          moved++
        }
      }
      return moved
    })
    reviewed += page.length
  }
  return { reviewed, movedDown }
}

/** Every daily job for every organisation, each once per day across instances. */
export async function runDailyJobs(ctx: AppContext, at: string = nowIso(ctx.now())) {
  const day = at.slice(0, 10)
  const orgs = await ctx.db.kysely.selectFrom('organisations').select('id').execute()
  const results: Record<string, unknown> = {}
  for (const { id } of orgs) {
    results[`${id}:expire`] = await runOnce(ctx, `expire:${id}`, day, () => expirePoints(ctx, id, at))
    results[`${id}:warn`] = await runOnce(ctx, `warn:${id}`, day, () => warnExpiring(ctx, id, at))
    results[`${id}:tiers`] = await runOnce(ctx, `tiers:${id}`, day, () => reviewTiers(ctx, id, at))
  }
  results.vouchersExpired = await expireVouchers(ctx, at)
  results.reservationsReleased = await releaseExpiredReservations(ctx, at)
  return results
}

/** In a serving instance: the daily jobs shortly after start and then every hour (each runs once a day). */
export function scheduleDailyJobs(ctx: AppContext, log: (msg: string) => void): () => void {
  const tick = () => {
    runDailyJobs(ctx).then(
      (r) => log(`daily jobs: ${JSON.stringify(r)}`),
      (e) => log(`daily jobs failed: ${e instanceof Error ? e.message : String(e)}`),
    )
  }
  const first = setTimeout(tick, 10_000)
  const every = setInterval(tick, 3600_000)
  // Reward reservations of abandoned carts go back within a minute of their timeout.
  const reservations = setInterval(() => {
    releaseExpiredReservations(ctx).catch((e) => log(`releasing reservations failed: ${e instanceof Error ? e.message : String(e)}`))
  }, 60_000)
  first.unref()
  every.unref()
  reservations.unref()
  return () => {
    clearTimeout(first)
    clearInterval(every)
    clearInterval(reservations)
  }
}
