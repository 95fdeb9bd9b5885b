import { localPeriodStart, type RewardDefinition } from '@patron/core'
import type { Row } from '../../db/schema'

export function toRewardDefinition(r: Row<'rewards'>): RewardDefinition {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    costPoints: r.cost_points,
    productId: r.product_id,
    categoryId: r.category_id,
    priceCeilingMinor: r.price_ceiling_minor,
    amountOffMinor: r.amount_off_minor,
    percentOff: r.percent_off,
  }
}

export function toRewardView(r: Row<'rewards'>) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    costPoints: r.cost_points,
    productId: r.product_id,
    categoryId: r.category_id,
    priceCeilingMinor: r.price_ceiling_minor,
    amountOffMinor: r.amount_off_minor,
    percentOff: r.percent_off,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    tierIds: r.tier_ids ? (JSON.parse(r.tier_ids) as string[]) : null,
    limitPerMember: r.limit_per_member,
    limitPeriod: r.limit_period,
    stock: r.stock,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export function toRedemptionView(r: Row<'reward_redemptions'>) {
  return {
    id: r.id,
    rewardId: r.reward_id,
    customerId: r.customer_id,
    channel: r.channel,
    cartId: r.cart_id,
    voucherCode: r.voucher_code,
    points: r.points,
    status: r.status,
    saleId: r.sale_id,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
  }
}

/** Start of the period a per-member limit counts in: the store-local calendar day, week, month or year ("ever" = all time). */
export function periodStart(period: Row<'rewards'>['limit_period'], at: string, timeZone: string): string {
  return period === 'day' || period === 'week' || period === 'month' || period === 'year' ? localPeriodStart(period, at, timeZone) : '0000'
}
