import { applyRewards, divRoundHalfAway, PatronError, percent, priceSale, PROGRAM_REDEEMED, PROGRAM_RESERVED, type CartInput, type LotTake, type PricedSale, type PricingStore, type RewardApplication } from '@patron/core'
import type { DialectName } from '../../db/connect'
import { returnToLots, type ProgramVersion } from '../loyalty/loyalty.queries'
import type { Kysely } from 'kysely'
import type { Database, Row } from '../../db/schema'
import type { Trx } from '../../db/writer'
import { insertRewardTransfer } from './redeem-reward'
import { toRewardDefinition } from './rewards.queries'

export interface CartRewards {
  redemptions: Row<'reward_redemptions'>[]
  rewards: Map<string, Row<'rewards'>>
}

/** The rewards a sale carries: reservations made for its cart id, and vouchers named at checkout. */
export async function loadCartRewards(db: Kysely<Database>, orgId: string, saleId: string, customerId: string | null, voucherCodes: string[]): Promise<CartRewards> {
  const reserved = await db.selectFrom('reward_redemptions').selectAll().where('org_id', '=', orgId).where('cart_id', '=', saleId).where('status', '=', 'pending').orderBy('created_at').execute()
  const vouchers = voucherCodes.length
    ? await db.selectFrom('reward_redemptions').selectAll().where('org_id', '=', orgId).where('voucher_code', 'in', voucherCodes.map((c) => c.trim().toUpperCase())).execute()
    : []
  for (const code of voucherCodes) {
    const v = vouchers.find((x) => x.voucher_code === code.trim().toUpperCase())
    if (!v || v.status !== 'issued') throw new PatronError('VOUCHER_NOT_VALID', v ? `Voucher ${code} is ${v.status}` : `Unknown voucher ${code}`, { field: 'vouchers', code })
  }
  const redemptions = [...reserved, ...vouchers]
  for (const r of redemptions) {
    if (r.customer_id !== customerId) throw new PatronError('REWARD_CUSTOMER_MISMATCH', 'A reward on this cart belongs to another member', { field: 'customerId', redemptionId: r.id })
  }
  const ids = [...new Set(redemptions.map((r) => r.reward_id))]
  const rows = ids.length ? await db.selectFrom('rewards').selectAll().where('id', 'in', ids).execute() : []
  return { redemptions, rewards: new Map(rows.map((r) => [r.id, r])) }
}

/** The member's tier discount (a tier benefit): a percent off eligible lines, or null. */
export async function tierDiscountFor(db: Kysely<Database>, version: ProgramVersion, customerId: string): Promise<MemberDiscount | null> {
  const account = await db.selectFrom('loyalty_accounts').select('tier_id').where('customer_id', '=', customerId).executeTakeFirst()
  const tier = version.rules.tiers.find((t) => t.id === account?.tier_id)
  if (!tier?.discountPercent || percent(tier.discountPercent).num === 0n) return null
  return {
    name: `${tier.name} member discount`,
    percent: tier.discountPercent,
    nonEarningProductIds: new Set(version.rules.nonEarningProductIds),
    nonEarningCategoryIds: new Set(version.rules.nonEarningCategoryIds),
  }
}

export interface MemberDiscount {
  name: string
  percent: string
  nonEarningProductIds: Set<string>
  nonEarningCategoryIds: Set<string>
}

/**
 * Prices the cart, then applies the rewards (and the tier's standing discount on eligible lines)
 * to what each line still costs, then prices again with those as the lines' reward discounts.
 */
export function priceWithRewards(
  pricing: PricingStore,
  cart: CartInput,
  cartRewards: CartRewards,
  memberDiscount: MemberDiscount | null = null,
): { priced: PricedSale; applications: RewardApplication[]; memberDiscountMinor: number } {
  const first = priceSale(pricing, cart)
  if (cartRewards.redemptions.length === 0 && !memberDiscount) return { priced: first, applications: [], memberDiscountMinor: 0 }
  const defs = cartRewards.redemptions.map((r) => toRewardDefinition(cartRewards.rewards.get(r.reward_id)!))
  const open = first.lines.map((l) => ({
    productId: l.productId,
    categoryId: l.categoryId,
    quantity: l.quantity,
    unitPriceMinor: l.unitPriceMinor,
    weighed: l.weighed,
    openMinor: l.grossMinor - l.lineDiscountMinor - l.cartDiscountMinor,
  }))
  const { perLine, applications } = applyRewards(defs, open)
  let memberDiscountMinor = 0
  if (memberDiscount) {
    const pct = percent(memberDiscount.percent)
    first.lines.forEach((l, i) => {
      const eligible = !l.nonEarning && !(l.productId && memberDiscount.nonEarningProductIds.has(l.productId)) && !(l.categoryId && memberDiscount.nonEarningCategoryIds.has(l.categoryId))
      if (!eligible) return
      const v = Number(divRoundHalfAway(BigInt(Math.max(0, open[i].openMinor - perLine[i])) * pct.num, pct.den))
      perLine[i] += v
      memberDiscountMinor += v
    })
  }
  const priced = priceSale(pricing, { ...cart, lines: cart.lines.map((l, i) => ({ ...l, rewardDiscountMinor: perLine[i] })) })
  return { priced, applications, memberDiscountMinor }
}

/** With the sale: reservations are posted (reserved → redeemed) and vouchers marked used. */
export async function postCartRewards(trx: Trx, cartRewards: CartRewards, applications: RewardApplication[], saleId: string, at: string) {
  for (const [i, r] of cartRewards.redemptions.entries()) {
    const current = await trx.selectFrom('reward_redemptions').select('status').where('id', '=', r.id).executeTakeFirstOrThrow()
    const expected = r.channel === 'reservation' ? 'pending' : 'issued'
    if (current.status !== expected) {
      throw new PatronError('REWARD_RESERVATION_EXPIRED', 'A reward on this cart was released (timeout or void); apply it again', { redemptionId: r.id })
    }
    const applied = JSON.stringify([...applications[i].discounts].map(([lineIndex, minor]) => ({ lineNo: lineIndex + 1, discountMinor: minor })))
    if (r.channel === 'reservation') {
      await insertRewardTransfer(trx, { id: `${r.id}:commit`, orgId: r.org_id, customerId: r.customer_id, debit: PROGRAM_RESERVED, credit: PROGRAM_REDEEMED, points: r.points, kind: 'reservation_commit', reason: 'reward used in sale', at, saleId, programVersionId: r.program_version_id })
    }
    await trx.updateTable('reward_redemptions').set({ status: r.channel === 'reservation' ? 'posted' : 'used', sale_id: saleId, applied, decided_at: at }).where('id', '=', r.id).execute()
  }
}

/** A reward whose points a refund gave back (its discounted item came back). */
export interface RestoredReward {
  rewardId: string
  name: string
  points: number
}

/**
 * A refund that returns the whole of the only line a reward discounted gives the reward's points
 * back (loyalty.md); a reward spread over several lines stays used.
 */
export async function restoreRewardsForRefund(
  trx: Trx,
  dialect: DialectName,
  saleId: string,
  fullyReturnedLineNos: Set<number>,
  refundId: string,
  at: string,
): Promise<{ points: number; balance: number | null; rewards: RestoredReward[] }> {
  const used = await trx
    .selectFrom('reward_redemptions as rr')
    .innerJoin('rewards as rw', 'rw.id', 'rr.reward_id')
    .selectAll('rr')
    .select('rw.name as reward_name')
    .where('rr.sale_id', '=', saleId)
    .where('rr.status', 'in', ['posted', 'used'])
    .execute()
  let restored = 0
  let balance: number | null = null
  const rewards: RestoredReward[] = []
  for (const r of used) {
    const applied = JSON.parse(r.applied ?? '[]') as { lineNo: number; discountMinor: number }[]
    if (applied.length !== 1 || !fullyReturnedLineNos.has(applied[0].lineNo)) continue
    balance = await returnToLots(
      trx,
      { id: `${refundId}:restore:${r.id}`, orgId: r.org_id, customerId: r.customer_id, points: r.points, kind: 'reward_restore', programAccount: PROGRAM_REDEEMED, reason: 'the rewarded item was returned', at, saleId, refundId, programVersionId: r.program_version_id },
      JSON.parse(r.lots) as LotTake[],
      dialect,
    )
    await trx.updateTable('reward_redemptions').set({ status: 'released', decided_at: at }).where('id', '=', r.id).execute()
    restored += r.points
    rewards.push({ rewardId: r.reward_id, name: r.reward_name, points: r.points })
  }
  return { points: restored, balance, rewards }
}
