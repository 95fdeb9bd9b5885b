import { sql } from 'kysely'
import { localPeriodStart, memberAccount, PatronError, PROGRAM_ADJUSTED } from '@patron/core'
import type { AppContext, Principal } from '../../context'
import { hashRequest, nowIso } from '../../util'
import { creditPoints, lockAccount, lotExpiry, periodTimeZone, programVersionAt, spendPoints } from './loyalty.queries'

export const ADJUSTMENT_REASONS = ['goodwill', 'service_recovery', 'correction', 'migration', 'promotion_missed', 'other'] as const

export interface AdjustmentInput {
  /** Client-generated id: the adjustment's idempotency key. */
  id: string
  points: number
  reasonCode: (typeof ADJUSTMENT_REASONS)[number]
  note: string
}

/**
 * A manual adjustment (loyalty.md "Ledger"): needs the permission (owner/manager or an API key
 * with loyalty:write), a reason code and a note, stays within the staff member's daily limit
 * (points moved either way), never takes a balance below zero, and lands in the audit log.
 */
export async function adjustPoints(ctx: AppContext, principal: Principal, customerId: string, input: AdjustmentInput) {
  const db = ctx.db.kysely
  const at = nowIso(ctx.now())
  const requestHash = hashRequest({ customerId, ...input })
  const customer = await db.selectFrom('customers').select(['id', 'org_id']).where('id', '=', customerId).where('org_id', '=', principal.orgId).executeTakeFirst()
  if (!customer) throw new PatronError('CUSTOMER_NOT_FOUND', 'Customer not found', { customerId })
  const version = await programVersionAt(db, principal.orgId, at)
  const timeZone = await periodTimeZone(db, principal)
  const transferId = `${input.id}:adjust`

  return ctx.writer.run(async (trx) => {
    const prior = await trx.selectFrom('ledger_transfers').select(['id', 'explanation', 'customer_id', 'created_at']).where('id', '=', transferId).executeTakeFirst()
    if (prior) {
      const recorded = JSON.parse(prior.explanation ?? '{}') as { requestHash?: string; balanceAfter?: number }
      if (prior.customer_id !== customerId || recorded.requestHash !== requestHash) {
        throw new PatronError('IDEMPOTENCY_KEY_REUSED', 'A different adjustment was recorded with this id', { id: input.id })
      }
      // The first answer again (adjustments recorded before balanceAfter was kept: today's balance).
      const balance = recorded.balanceAfter ?? Number((await trx.selectFrom('loyalty_accounts').select('balance').where('customer_id', '=', customerId).executeTakeFirstOrThrow()).balance)
      return { id: input.id, customerId, points: input.points, reasonCode: input.reasonCode, note: input.note, balance, createdAt: prior.created_at, replayed: true }
    }
    if (principal.kind === 'staff') {
      // The staff row is locked on PostgreSQL, so two adjustments by one person at once are
      // counted one after the other against the limit (SQLite has one writer anyway).
      let q = trx.selectFrom('staff').select('daily_adjust_limit').where('id', '=', principal.staffId)
      if (ctx.db.dialect === 'postgres') q = q.forUpdate()
      const staff = await q.executeTakeFirstOrThrow()
      if (staff.daily_adjust_limit !== null) {
        const dayStart = localPeriodStart('day', at, timeZone)
        const used = await trx
          .selectFrom('ledger_transfers')
          .select(sql<number>`coalesce(sum(points), 0)`.as('p'))
          .where('kind', '=', 'adjust')
          .where('staff_id', '=', principal.staffId)
          .where('created_at', '>=', dayStart)
          .executeTakeFirstOrThrow()
        if (Number(used.p) + Math.abs(input.points) > staff.daily_adjust_limit) {
          throw new PatronError('ADJUSTMENT_LIMIT_EXCEEDED', `Your limit is ${staff.daily_adjust_limit} points of adjustments a day; ${Number(used.p)} used today`, {
            limit: staff.daily_adjust_limit,
            usedToday: Number(used.p),
            requested: Math.abs(input.points),
          })
        }
      }
    }
    const account = await lockAccount(trx, ctx.db.dialect, customerId)
    const common = {
      id: transferId,
      orgId: principal.orgId,
      customerId,
      points: Math.abs(input.points),
      kind: 'adjust',
      programAccount: PROGRAM_ADJUSTED,
      programVersionId: version?.id ?? null,
      staffId: principal.kind === 'staff' ? principal.staffId : null,
      reason: `${input.reasonCode}: ${input.note}`,
      // balanceAfter: a replay answers what the first request did.
      explanation: { reasonCode: input.reasonCode, note: input.note, requestHash, by: principal.kind === 'staff' ? principal.name : `api key ${principal.name}`, balanceAfter: account.balance + input.points },
      at,
    }
    let balance: number
    if (input.points > 0) {
      balance = await creditPoints(trx, { ...common, balanceBefore: account.balance, lotExpiresAt: version ? lotExpiry(version.rules, at, timeZone) : null, countsAsEarning: false })
    } else {
      if (account.balance < -input.points) {
        throw new PatronError('INSUFFICIENT_POINTS', `The member has ${Math.max(account.balance, 0)} points; an adjustment cannot take the balance below zero`, { needed: -input.points, available: Math.max(account.balance, 0) })
      }
      balance = (await spendPoints(trx, { ...common, now: at })).balance
    }
    await trx
      .insertInto('audit_log')
      .values({
        org_id: principal.orgId,
        actor_type: principal.kind === 'staff' ? 'staff' : 'api_key',
        actor_id: principal.kind === 'staff' ? principal.staffId : principal.keyId,
        action: 'points.adjusted',
        target_type: 'customer',
        target_id: customerId,
        details: JSON.stringify({ account: memberAccount(customerId), points: input.points, reasonCode: input.reasonCode, note: input.note, transferId }),
        created_at: at,
      })
      .execute()
    await trx.insertInto('outbox').values({ org_id: principal.orgId, topic: 'points.adjusted', aggregate_id: customerId, payload: JSON.stringify({ customerId, points: input.points, reasonCode: input.reasonCode }), created_at: at, published_at: null }).execute()
    return { id: input.id, customerId, points: input.points, reasonCode: input.reasonCode, note: input.note, balance, createdAt: at, replayed: false }
  })
}
