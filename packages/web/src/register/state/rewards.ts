import type { RewardDefinition } from '@patron/core'
import { api, NetworkError } from '../../api/client'
import type { LoyaltyView } from '../../api/types'
import type { Cart, CartReward } from './cart'
import { cart as cartStore } from './session'
import { uuid } from './storage'

/** A reward of the catalogue as GET /rewards?customerId= returns it for one member. */
export interface RewardView extends RewardDefinition {
  description: string | null
  tierIds: string[] | null
  stock: number | null
  active: boolean
  available?: boolean
  unavailableReason?: 'inactive' | 'online_only' | 'not_in_dates' | 'not_entitled' | 'out_of_stock' | 'not_enough_points' | null
}

export interface RedemptionView {
  id: string
  rewardId: string
  customerId: string
  cartId: string | null
  points: number
  status: string
}

export const UNAVAILABLE_TEXT: Record<string, string> = {
  inactive: 'Switched off',
  online_only: 'Online orders only',
  not_in_dates: 'Not on offer today',
  not_entitled: 'Not for this member’s tier',
  out_of_stock: 'Out of stock',
  not_enough_points: 'Not enough points yet',
}

/** What a refused reservation means, for the cashier. */
export function rewardErrorText(code: string, message: string, pointsName: string): string {
  switch (code) {
    case 'INSUFFICIENT_POINTS':
      return `Not enough ${pointsName}: the member cannot afford this reward.`
    case 'REWARD_NOT_ENTITLED':
      return 'This reward is not available for the member’s tier.'
    case 'REWARD_LIMIT_REACHED':
      return 'The member has already used this reward as often as allowed.'
    case 'REWARD_OUT_OF_STOCK':
      return 'This reward is out of stock.'
    case 'REWARD_NOT_APPLICABLE':
      return `${message}. Add the item to the sale first.`
    default:
      return message
  }
}

export function toDefinition(r: RewardView): RewardDefinition {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    costPoints: r.costPoints,
    productId: r.productId ?? null,
    categoryId: r.categoryId ?? null,
    priceCeilingMinor: r.priceCeilingMinor ?? null,
    amountOffMinor: r.amountOffMinor ?? null,
    percentOff: r.percentOff ?? null,
  }
}

export async function fetchRewards(customerId: string, signal?: AbortSignal): Promise<{ balance: number; items: RewardView[] }> {
  return api.get(`/rewards?customerId=${encodeURIComponent(customerId)}`, { signal })
}

/** The member's balance after a reservation or a release (the reserved points have left it). */
async function refreshBalance(customerId: string) {
  try {
    const loyalty = await api.get<LoyaltyView>(`/customers/${customerId}/loyalty`)
    cartStore.set((c) => (c.member?.customer.id === customerId ? { ...c, member: { ...c.member, loyalty } } : c))
  } catch {
    /* the panel keeps the last balance */
  }
}

/** Reserves the reward's points for this cart and adds it to the cart. */
export async function applyReward(cart: Cart, reward: RewardView): Promise<CartReward> {
  const customerId = cart.member!.customer.id
  // One key for the request and its retry: a reservation whose answer was lost on the way is
  // answered again, not made twice (its points would be held until the timeout).
  const options = { headers: { 'idempotency-key': uuid() } }
  const reserve = () => api.post<RedemptionView>(`/rewards/${reward.id}/reservations`, { cartId: cart.id, customerId }, options)
  let r: RedemptionView
  try {
    r = await reserve()
  } catch (e) {
    if (!(e instanceof NetworkError)) throw e
    r = await reserve()
  }
  const entry: CartReward = { reservationId: r.id, points: r.points, reward: toDefinition(reward) }
  cartStore.set((c) => (c.id === cart.id ? { ...c, rewards: [...(c.rewards ?? []), entry] } : c))
  await refreshBalance(customerId)
  return entry
}

/** Gives the reserved points back and takes the reward off the cart. */
export async function removeReward(cart: Cart, reservationId: string): Promise<void> {
  await api.post(`/reward-reservations/${reservationId}/release`, {})
  cartStore.set((c) => (c.id === cart.id ? { ...c, rewards: (c.rewards ?? []).filter((x) => x.reservationId !== reservationId) } : c))
  if (cart.member) await refreshBalance(cart.member.customer.id)
}

/** Releases every reward of a cart (the member is taken off it); failures are left to the server's timeout. */
export async function releaseAll(cart: Cart): Promise<void> {
  await Promise.all((cart.rewards ?? []).map((r) => api.post(`/reward-reservations/${r.reservationId}/release`, {}).catch(() => {})))
}
