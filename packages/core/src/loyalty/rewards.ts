import { PatronError } from '../errors'
import { allocate } from '../money/allocate'
import { percent } from '../money/ratio'
import { divRoundHalfAway } from '../money/round'

/** A reward of the catalogue, as the checkout needs it (loyalty.md "Rewards and redemption"). */
export interface RewardDefinition {
  readonly id: string
  readonly name: string
  readonly kind: 'free_product' | 'amount_off' | 'percent_off' | 'free_delivery' | 'experience'
  readonly costPoints: number
  /** free_product: one unit of this product, or of any product of the category. */
  readonly productId?: string | null
  readonly categoryId?: string | null
  /** free_product: the most the free unit may be worth (minor units); null = any price. */
  readonly priceCeilingMinor?: number | null
  /** amount_off: minor units off the cart. */
  readonly amountOffMinor?: number | null
  /** percent_off: decimal percent ("10"); with categoryId only that category's lines. */
  readonly percentOff?: string | null
}

/** A cart line as the reward sees it: after line and cart discounts, before rewards. */
export interface RewardLine {
  readonly productId: string | null
  readonly categoryId: string | null
  readonly quantity: number
  readonly unitPriceMinor: number
  readonly weighed: boolean
  /** gross − line discount − allocated cart discount − rewards applied so far. */
  readonly openMinor: number
}

/** Which lines a reward discounts and by how much (line index → minor units). */
export interface RewardApplication {
  readonly rewardId: string
  readonly discounts: ReadonlyMap<number, number>
  readonly totalMinor: number
}

/**
 * What a reward takes off a cart. Pure: the register previews with it, the server records it.
 * A reward that fits no line is REWARD_NOT_APPLICABLE (the cashier must add the item first).
 */
export function applyReward(reward: RewardDefinition, lines: readonly RewardLine[]): RewardApplication {
  const discounts = new Map<number, number>()
  const matches = (l: RewardLine) =>
    (reward.productId ? l.productId === reward.productId : true) && (reward.categoryId ? l.categoryId === reward.categoryId : true)
  switch (reward.kind) {
    case 'free_product': {
      // One unit free: of the matching units, the one worth most up to the ceiling.
      let best = -1
      let bestMinor = 0
      lines.forEach((l, i) => {
        if (!matches(l) || l.weighed || l.quantity < 1 || l.openMinor <= 0) return
        const unit = Math.min(l.unitPriceMinor, reward.priceCeilingMinor ?? Number.MAX_SAFE_INTEGER, l.openMinor)
        if (unit > bestMinor) {
          best = i
          bestMinor = unit
        }
      })
      if (best >= 0) discounts.set(best, bestMinor)
      break
    }
    case 'amount_off': {
      const open = lines.map((l) => Math.max(0, l.openMinor))
      const total = Math.min(reward.amountOffMinor ?? 0, open.reduce((s, v) => s + v, 0))
      if (total > 0) allocate(total, open).forEach((v, i) => v > 0 && discounts.set(i, v))
      break
    }
    case 'percent_off': {
      const pct = percent(reward.percentOff ?? '0')
      lines.forEach((l, i) => {
        if (reward.categoryId && l.categoryId !== reward.categoryId) return
        const v = Number(divRoundHalfAway(BigInt(Math.max(0, l.openMinor)) * pct.num, pct.den))
        if (v > 0) discounts.set(i, v)
      })
      break
    }
    case 'free_delivery':
      // Online orders: the delivery fee is not a cart line here; the redemption is recorded.
      return { rewardId: reward.id, discounts, totalMinor: 0 }
    case 'experience':
      throw new PatronError('REWARD_NOT_APPLICABLE', `"${reward.name}" is fulfilled by a code, not at the till`, { rewardId: reward.id })
  }
  const totalMinor = [...discounts.values()].reduce((s, v) => s + v, 0)
  if (totalMinor === 0) {
    throw new PatronError('REWARD_NOT_APPLICABLE', `"${reward.name}" does not apply to anything in this cart`, { rewardId: reward.id })
  }
  return { rewardId: reward.id, discounts, totalMinor }
}

/**
 * Several rewards on one cart, in the order applied; each sees what the earlier ones left.
 * Returns the reward discount per line (for priceSale's `rewardDiscountMinor`) and each reward's part.
 */
export function applyRewards(rewards: readonly RewardDefinition[], lines: readonly RewardLine[]) {
  const open = lines.map((l) => l.openMinor)
  const perLine = lines.map(() => 0)
  const applications: RewardApplication[] = []
  for (const r of rewards) {
    const a = applyReward(r, lines.map((l, i) => ({ ...l, openMinor: open[i] })))
    for (const [i, v] of a.discounts) {
      open[i] -= v
      perLine[i] += v
    }
    applications.push(a)
  }
  return { perLine, applications }
}
