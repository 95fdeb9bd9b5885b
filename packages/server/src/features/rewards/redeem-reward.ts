import { sql } from 'kysely'
import { PatronError, PROGRAM_REDEEMED, PROGRAM_RESERVED, type LotTake } from '@patron/core'
import type { AppContext, Principal } from '../../context'
import type { Row } from '../../db/schema'
import type { Trx } from '../../db/writer'
import { newId, nowIso, randomCode } from '../../util'
import { lockAccount, periodTimeZone, programVersionAt, returnToLots, spendPoints } from '../loyalty/loyalty.queries'
import { periodStart, toRedemptionView } from './rewards.queries'

/** How long a reward applied to an open cart holds the points before they go back. */
export const RESERVATION_MINUTES = 30
/** How long a voucher issued from points stays valid. */
export const VOUCHER_DAYS = 90

interface Transfer {
  id: string
  orgId: string
  customerId: string | null
  debit: string
  credit: string
  points: number
  kind: string
  reason: string
  at: string
  saleId?: string | null
  staffId?: string | null
  programVersionId: string | null
}

async function insertTransfer(trx: Trx, t: Transfer) {
  await trx
    .insertInto('ledger_transfers')
    .values({
      id: t.id,
      org_id: t.orgId,
      debit_account: t.debit,
      credit_account: t.credit,
      points: t.points,
      kind: t.kind,
      customer_id: t.customerId,
      sale_id: t.saleId ?? null,
      refund_id: null,
      program_version_id: t.programVersionId,
      staff_id: t.staffId ?? null,
      terminal_id: null,
      reason: t.reason,
      explanation: null,
      created_at: t.at,
    })
    .execute()
}

/** Availability (loyalty.md): active, in its dates, the member's tier, the per-member limit, stock. */
async function checkAvailable(trx: Trx, reward: Row<'rewards'>, customerId: string, at: string, timeZone: string) {
  if (reward.active !== 1 || (reward.valid_from && at < reward.valid_from) || (reward.valid_to && at > reward.valid_to)) {
    throw new PatronError('REWARD_UNAVAILABLE', `"${reward.name}" is not available now`, { rewardId: reward.id })
  }
  if (reward.tier_ids) {
    const tiers = JSON.parse(reward.tier_ids) as string[]
    const account = await trx.selectFrom('loyalty_accounts').select('tier_id').where('customer_id', '=', customerId).executeTakeFirst()
    if (!account?.tier_id || !tiers.includes(account.tier_id)) {
      throw new PatronError('REWARD_NOT_ENTITLED', `"${reward.name}" is for members of other tiers`, { rewardId: reward.id, tiers })
    }
  }
  if (reward.limit_per_member !== null) {
    const used = await trx
      .selectFrom('reward_redemptions')
      .select(sql<number>`count(*)`.as('n'))
      .where('customer_id', '=', customerId)
      .where('reward_id', '=', reward.id)
      .where('status', 'in', ['pending', 'posted', 'issued', 'used'])
      .where('created_at', '>=', periodStart(reward.limit_period, at, timeZone))
      .executeTakeFirstOrThrow()
    if (Number(used.n) >= reward.limit_per_member) {
      throw new PatronError('REWARD_LIMIT_REACHED', `"${reward.name}" can be redeemed ${reward.limit_per_member} time(s) per ${reward.limit_period ?? 'member'}`, { rewardId: reward.id })
    }
  }
  if (reward.stock !== null) {
    const taken = await trx.updateTable('rewards').set((eb) => ({ stock: eb('stock', '-', 1) })).where('id', '=', reward.id).where('stock', '>', 0).returning('stock').executeTakeFirst()
    if (!taken) throw new PatronError('REWARD_OUT_OF_STOCK', `"${reward.name}" is out of stock`, { rewardId: reward.id })
  }
}

async function loadReward(trx: Trx, orgId: string, rewardId: string) {
  const reward = await trx.selectFrom('rewards').selectAll().where('id', '=', rewardId).where('org_id', '=', orgId).executeTakeFirst()
  if (!reward) throw new PatronError('REWARD_NOT_FOUND', 'Reward not found', { rewardId })
  return reward
}

async function loadMember(trx: Trx, orgId: string, customerId: string) {
  const c = await trx.selectFrom('customers').select('id').where('id', '=', customerId).where('org_id', '=', orgId).executeTakeFirst()
  if (!c) throw new PatronError('CUSTOMER_NOT_FOUND', 'Customer not found', { customerId })
}

/**
 * The cashier applies a reward to an open cart: its cost is reserved at once (two-phase:
 * member → program:reserved), so two registers can never spend the same points twice. The
 * sale posts it; a void or the timeout releases it. `cartId` is the sale's client id.
 */
export async function reserveReward(ctx: AppContext, principal: Principal, input: { rewardId: string; customerId: string; cartId: string }) {
  const at = nowIso(ctx.now())
  const programVersionId = (await programVersionAt(ctx.db.kysely, principal.orgId, at))?.id ?? null
  const timeZone = await periodTimeZone(ctx.db.kysely, principal)
  return ctx.writer.run(async (trx) => {
    const sale = await trx.selectFrom('sales').select('status').where('id', '=', input.cartId).executeTakeFirst()
    if (sale) throw new PatronError('SALE_ALREADY_COMPLETED', 'This cart is already closed', { cartId: input.cartId })
    await loadMember(trx, principal.orgId, input.customerId)
    const reward = await loadReward(trx, principal.orgId, input.rewardId)
    // An experience is fulfilled by a code (a voucher), never by a cart: a sale could not take
    // it (REWARD_NOT_APPLICABLE), so its points must not be held for one.
    // A cart of a register (a staff session at a terminal) has nothing to deliver.
    if (reward.kind === 'free_delivery' && principal.kind === 'staff' && principal.terminalId) {
      throw new PatronError('REWARD_NOT_APPLICABLE', `"${reward.name}" is for online orders, not a sale at the till`, { rewardId: reward.id })
    }
    if (reward.kind === 'experience') {
      throw new PatronError('REWARD_NOT_APPLICABLE', `"${reward.name}" is fulfilled by a code: issue it as a voucher`, { rewardId: reward.id })
    }
    await checkAvailable(trx, reward, input.customerId, at, timeZone)
    const id = newId()
    await lockAccount(trx, ctx.db.dialect, input.customerId)
    const { takes } = await spendPoints(trx, { id: `${id}:reserve`, orgId: principal.orgId, customerId: input.customerId, points: reward.cost_points, kind: 'reservation', programAccount: PROGRAM_RESERVED, reason: `reward: ${reward.name}`, at, now: at, staffId: principal.kind === 'staff' ? principal.staffId : null, programVersionId })
    const row: Row<'reward_redemptions'> = {
      id,
      org_id: principal.orgId,
      reward_id: reward.id,
      customer_id: input.customerId,
      channel: 'reservation',
      cart_id: input.cartId,
      voucher_code: null,
      points: reward.cost_points,
      status: 'pending',
      lots: JSON.stringify(takes),
      sale_id: null,
      applied: null,
      expires_at: new Date(Date.parse(at) + RESERVATION_MINUTES * 60_000).toISOString(),
      created_at: at,
      decided_at: null,
      program_version_id: programVersionId,
    }
    await trx.insertInto('reward_redemptions').values(row).execute()
    return toRedemptionView(row)
  })
}

/** Gives a pending reservation's points (and stock) back: a voided cart, a removed reward, the timeout. */
export async function releaseInTrx(trx: Trx, ctx: AppContext, r: Row<'reward_redemptions'>, at: string, reason: string) {
  await returnToLots(trx, { id: `${r.id}:release`, orgId: r.org_id, customerId: r.customer_id, points: r.points, kind: 'reservation_release', programAccount: PROGRAM_RESERVED, reason, at, programVersionId: r.program_version_id }, JSON.parse(r.lots) as LotTake[], ctx.db.dialect)
  await trx.updateTable('reward_redemptions').set({ status: 'released', decided_at: at }).where('id', '=', r.id).execute()
  await trx.updateTable('rewards').set((eb) => ({ stock: eb('stock', '+', 1) })).where('id', '=', r.reward_id).where('stock', 'is not', null).execute()
}

export async function releaseReservation(ctx: AppContext, principal: Principal, redemptionId: string) {
  const at = nowIso(ctx.now())
  return ctx.writer.run(async (trx) => {
    const r = await trx.selectFrom('reward_redemptions').selectAll().where('id', '=', redemptionId).where('org_id', '=', principal.orgId).executeTakeFirst()
    if (!r || r.channel !== 'reservation') throw new PatronError('NOT_FOUND', 'Reservation not found', { redemptionId })
    if (r.status === 'pending') await releaseInTrx(trx, ctx, r, at, 'reward removed from the cart')
    else if (r.status !== 'released') throw new PatronError('CONFLICT', `This reservation is ${r.status}`, { redemptionId })
    return toRedemptionView({ ...r, status: 'released', decided_at: r.decided_at ?? at })
  })
}

/** The timeout: pending reservations past their time go back (run every minute by the server). */
export async function releaseExpiredReservations(ctx: AppContext, at: string = nowIso(ctx.now())): Promise<number> {
  const due = await ctx.db.kysely.selectFrom('reward_redemptions').select('id').where('status', '=', 'pending').where('expires_at', '<=', at).limit(1000).execute()
  if (due.length === 0) return 0
  return ctx.writer.run(async (trx) => {
    let n = 0
    for (const { id } of due) {
      const r = await trx.selectFrom('reward_redemptions').selectAll().where('id', '=', id).where('status', '=', 'pending').executeTakeFirst()
      if (!r) continue
      await releaseInTrx(trx, ctx, r, at, 'reservation timed out')
      n++
    }
    return n
  })
}

/** From the portal (or staff): a reward turned into a voucher code; points are deducted at issue. */
export async function issueVoucher(ctx: AppContext, principal: Principal, input: { rewardId: string; customerId: string; idempotencyId: string }) {
  const at = nowIso(ctx.now())
  const programVersionId = (await programVersionAt(ctx.db.kysely, principal.orgId, at))?.id ?? null
  const timeZone = await periodTimeZone(ctx.db.kysely, principal)
  return ctx.writer.run(async (trx) => {
    const prior = await trx.selectFrom('reward_redemptions').selectAll().where('id', '=', input.idempotencyId).executeTakeFirst()
    if (prior) {
      if (prior.customer_id !== input.customerId || prior.reward_id !== input.rewardId) throw new PatronError('IDEMPOTENCY_KEY_REUSED', 'This id was used for another voucher', {})
      return toRedemptionView(prior)
    }
    await loadMember(trx, principal.orgId, input.customerId)
    const reward = await loadReward(trx, principal.orgId, input.rewardId)
    await checkAvailable(trx, reward, input.customerId, at, timeZone)
    await lockAccount(trx, ctx.db.dialect, input.customerId)
    const { takes } = await spendPoints(trx, { id: `${input.idempotencyId}:voucher`, orgId: principal.orgId, customerId: input.customerId, points: reward.cost_points, kind: 'redeem', programAccount: PROGRAM_REDEEMED, reason: `voucher: ${reward.name}`, at, now: at, staffId: principal.kind === 'staff' ? principal.staffId : null, programVersionId })
    const row: Row<'reward_redemptions'> = {
      id: input.idempotencyId,
      org_id: principal.orgId,
      reward_id: reward.id,
      customer_id: input.customerId,
      channel: 'voucher',
      cart_id: null,
      voucher_code: `V-${randomCode(10)}`,
      points: reward.cost_points,
      status: 'issued',
      lots: JSON.stringify(takes),
      sale_id: null,
      applied: null,
      expires_at: new Date(Date.parse(at) + VOUCHER_DAYS * 86_400_000).toISOString(),
      created_at: at,
      decided_at: null,
      program_version_id: programVersionId,
    }
    await trx.insertInto('reward_redemptions').values(row).execute()
    await trx.insertInto('outbox').values({ org_id: principal.orgId, topic: 'reward.voucher_issued', aggregate_id: input.customerId, payload: JSON.stringify(toRedemptionView(row)), created_at: at, published_at: null }).execute()
    return toRedemptionView(row)
  })
}

/** Vouchers that expired unused give their points back (a daily job). */
export async function expireVouchers(ctx: AppContext, at: string = nowIso(ctx.now())): Promise<number> {
  const due = await ctx.db.kysely.selectFrom('reward_redemptions').select('id').where('status', '=', 'issued').where('expires_at', '<=', at).limit(5000).execute()
  if (due.length === 0) return 0
  return ctx.writer.run(async (trx) => {
    let n = 0
    for (const { id } of due) {
      const r = await trx.selectFrom('reward_redemptions').selectAll().where('id', '=', id).where('status', '=', 'issued').executeTakeFirst()
      if (!r) continue
      await returnToLots(trx, { id: `${r.id}:voucher_expired`, orgId: r.org_id, customerId: r.customer_id, points: r.points, kind: 'reward_restore', programAccount: PROGRAM_REDEEMED, reason: 'voucher expired unused', at, programVersionId: r.program_version_id }, JSON.parse(r.lots) as LotTake[], ctx.db.dialect)
      await trx.updateTable('reward_redemptions').set({ status: 'expired', decided_at: at }).where('id', '=', r.id).execute()
      n++
    }
    return n
  })
}

export { insertTransfer as insertRewardTransfer }
