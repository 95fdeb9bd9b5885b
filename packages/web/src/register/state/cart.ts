import {
  applyRewards,
  divRoundHalfAway,
  evaluateEarn,
  percent,
  priceSale,
  roundToIncrementMinor,
  storeLocalDate,
  type CartInput,
  type CompiledRules,
  type DiscountInput,
  type EarnMember,
  type EarnResult,
  type PricedSale,
  type PricingStore,
  type ProgramRules,
  type RewardApplication,
  type RewardDefinition,
  type TenderInput,
} from '@patron/core'
import type { CustomerView, LoyaltyView, ProductView, Role } from '../../api/types'
import { uuid } from './storage'

/** A discount as the API takes it: an amount in minor units, or a percent as a decimal string. */
export type Discount = { kind: 'amount'; amountMinor: number } | { kind: 'percent'; percent: string }

export interface CartLine {
  /** The line's own key in the cart (stable while quantities change). */
  key: string
  productId: string
  name: string
  sku: string
  categoryId: string | null
  taxClassId: string
  nonEarning: boolean
  weighed: boolean
  /** Units, or grams for weighed items. */
  quantity: number
  /** The catalogue price when the line was added (per unit, or per kg). */
  listPriceMinor: number
  /** A price override (needs a manager for cashiers); null = the list price. */
  priceOverrideMinor: number | null
  discount: Discount | null
}

export interface CartMember {
  customer: CustomerView
  loyalty: LoyaltyView | null
}

export interface Approval {
  staffId: string
  name: string
  /** Sent with the sale, where the server checks it again. Never written to storage. */
  pin: string
  /** What the manager saw and approved: a bigger discount or another price asks again. */
  covers?: ApprovalCover
}

export interface ApprovalCover {
  discountMinor: number
  /** Line key → the unit price approved for it. */
  prices: Record<string, number>
}

/** What an approval given now covers: the cart's discounts and changed prices as they stand. */
export function approvalCover(cart: Cart, priced: PricedSale): ApprovalCover {
  const prices: Record<string, number> = {}
  for (const l of cart.lines) if (l.priceOverrideMinor !== null && l.priceOverrideMinor !== l.listPriceMinor) prices[l.key] = l.priceOverrideMinor
  return { discountMinor: priced.lineDiscountMinor + priced.cartDiscountMinor, prices }
}

/** True when the cart asks for no more than the approval covered (no bigger discount, no other price). */
export function approvalCovers(approval: Approval | null, cart: Cart, priced: PricedSale): boolean {
  if (!approval?.covers) return false
  const now = approvalCover(cart, priced)
  if (now.discountMinor > approval.covers.discountMinor) return false
  return Object.entries(now.prices).every(([key, price]) => approval.covers!.prices[key] === price)
}

/** A reward applied to this cart: its points are reserved on the server for the cart's id. */
export interface CartReward {
  reservationId: string
  points: number
  reward: RewardDefinition
}

export interface Cart {
  /** The sale's client-generated id, made when the cart opened: its idempotency key. */
  id: string
  openedAt: string
  lines: CartLine[]
  cartDiscount: Discount | null
  member: CartMember | null
  approval: Approval | null
  /** Rewards reserved for this cart, in the order applied (the server applies them in that order). Absent in carts saved before rewards. */
  rewards?: CartReward[]
}

export function newCart(): Cart {
  return { id: uuid(), openedAt: new Date().toISOString(), lines: [], cartDiscount: null, member: null, approval: null, rewards: [] }
}

export function lineFromProduct(p: ProductView, quantity = 1): CartLine {
  return {
    key: uuid().slice(0, 8),
    productId: p.id,
    name: p.name,
    sku: p.sku,
    categoryId: p.categoryId,
    taxClassId: p.taxClassId,
    nonEarning: p.nonEarning,
    weighed: p.weighed,
    quantity,
    listPriceMinor: p.priceMinor,
    priceOverrideMinor: null,
    discount: null,
  }
}

/**
 * Adds a product: a unit product already in the cart as a plain line (no override, no
 * discount) gets one more; anything else is a new line. Returns the cart and the line's key.
 */
export function addProduct(cart: Cart, p: ProductView, quantity = 1): { cart: Cart; key: string } {
  if (!p.weighed) {
    const same = cart.lines.find((l) => l.productId === p.id && l.priceOverrideMinor === null && l.discount === null && !l.weighed)
    if (same) {
      return { cart: { ...cart, lines: cart.lines.map((l) => (l === same ? { ...l, quantity: l.quantity + quantity } : l)) }, key: same.key }
    }
  }
  const line = lineFromProduct(p, quantity)
  return { cart: { ...cart, lines: [...cart.lines, line] }, key: line.key }
}

export function toDiscountInput(d: Discount | null): DiscountInput | null {
  if (!d) return null
  return d.kind === 'amount' ? { kind: 'amount', amountMinor: d.amountMinor } : { kind: 'percent', percent: percent(d.percent) }
}

/** The cart as @patron/core prices it: the same inputs the server builds from the sale body. */
export function cartInput(cart: Cart): CartInput {
  return {
    lines: cart.lines.map((l) => ({
      ref: l.key,
      productId: l.productId,
      categoryId: l.categoryId,
      name: l.name,
      quantity: l.quantity,
      unitPriceMinor: l.priceOverrideMinor ?? l.listPriceMinor,
      weighed: l.weighed,
      taxClassId: l.taxClassId,
      nonEarning: l.nonEarning,
      discount: toDiscountInput(l.discount),
    })),
    cartDiscount: toDiscountInput(cart.cartDiscount),
  }
}

export interface PricedCart {
  priced: PricedSale
  /** What each reward took, in the order of cart.rewards. */
  applications: RewardApplication[]
  /** The member tier's standing discount, when the tier has one. */
  memberDiscountMinor: number
}

/**
 * The cart priced as the server's priceWithRewards does it: priceSale, then the rewards (and the
 * tier's standing discount on eligible lines) on what each line still costs after line and cart
 * discounts, then priceSale again with those as the lines' reward discounts. Throws
 * REWARD_NOT_APPLICABLE when a reward fits nothing left in the cart.
 */
export function priceCartDetailed(pricing: PricingStore, cart: Cart, rules: ProgramRules | null = null, extraRewards: readonly RewardDefinition[] = []): PricedCart | null {
  if (cart.lines.length === 0) return null
  const input = cartInput(cart)
  const first = priceSale(pricing, input)
  const defs = [...(cart.rewards ?? []).map((r) => r.reward), ...extraRewards]
  const tier = cart.member && rules ? rules.tiers.find((t) => t.id === cart.member!.loyalty?.tierId) : undefined
  const tierPct = tier?.discountPercent ? percent(tier.discountPercent) : null
  const memberDiscount = tierPct && tierPct.num !== 0n ? tierPct : null
  if (defs.length === 0 && !memberDiscount) return { priced: first, applications: [], memberDiscountMinor: 0 }
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
  if (memberDiscount && rules) {
    const products = new Set(rules.nonEarningProductIds)
    const categories = new Set(rules.nonEarningCategoryIds)
    first.lines.forEach((l, i) => {
      const eligible = !l.nonEarning && !(l.productId && products.has(l.productId)) && !(l.categoryId && categories.has(l.categoryId))
      if (!eligible) return
      const v = Number(divRoundHalfAway(BigInt(Math.max(0, open[i].openMinor - perLine[i])) * memberDiscount.num, memberDiscount.den))
      perLine[i] += v
      memberDiscountMinor += v
    })
  }
  const priced = priceSale(pricing, { ...input, lines: input.lines.map((l, i) => ({ ...l, rewardDiscountMinor: perLine[i] })) })
  return { priced, applications, memberDiscountMinor }
}

export function priceCart(pricing: PricingStore, cart: Cart, rules: ProgramRules | null = null): PricedSale | null {
  return priceCartDetailed(pricing, cart, rules)?.priced ?? null
}

/** Whole points that pay for `amountMinor`, or null when it is not a whole number of points. */
export function pointsFor(amountMinor: number, pointsPerUnit: number, unitMinor: number): number | null {
  const exact = amountMinor * pointsPerUnit
  return exact % unitMinor === 0 ? exact / unitMinor : null
}

/** The money a number of points pays (points tender), or null when it is not a whole minor amount. */
export function minorForPoints(points: number, pointsPerUnit: number, unitMinor: number): number | null {
  const exact = points * unitMinor
  return exact % pointsPerUnit === 0 ? exact / pointsPerUnit : null
}

export interface StaffLimits {
  role: Role
  maxDiscountPercent: string
}

/**
 * Why this cart needs a manager, or null: the same test as the server's checkAuthority (a
 * line discount over the limit against its line, the cart discount against the cart, any
 * price override), so the register asks before the server would refuse.
 */
export function approvalNeeded(cart: Cart, priced: PricedSale | null, staff: StaffLimits): 'price_override' | 'discount_above_limit' | null {
  if (staff.role !== 'cashier' || !priced) return null
  if (cart.lines.some((l) => l.priceOverrideMinor !== null && l.priceOverrideMinor !== l.listPriceMinor)) return 'price_override'
  const limit = percent(staff.maxDiscountPercent)
  const over = (discountMinor: number, baseMinor: number) => BigInt(discountMinor) > divRoundHalfAway(BigInt(baseMinor) * limit.num, limit.den)
  const cartBaseMinor = priced.lines.reduce((s, l) => s + l.grossMinor - l.lineDiscountMinor, 0)
  const overLimit = priced.lines.some((l) => over(l.lineDiscountMinor, l.grossMinor)) || over(priced.cartDiscountMinor, cartBaseMinor)
  return overLimit ? 'discount_above_limit' : null
}

/**
 * The member's state for the earn preview, built as the server's applySaleLoyalty does:
 * first purchase from the sales count, the visit bonus from the last visit's store-local day,
 * the birthday month from the birth date. The points already earned today are not known to
 * the register (0): the preview may show more than a per-day cap will allow.
 */
export function earnMember(member: CartMember, at: string, timeZone: string): EarnMember {
  const l = member.loyalty
  const lastVisit = l?.lastVisitAt === undefined ? l?.lastSaleAt : l.lastVisitAt
  const sameDay = !!lastVisit && storeLocalDate(lastVisit, timeZone) === storeLocalDate(at, timeZone)
  return {
    tierId: l?.tierId ?? null,
    firstPurchase: (l?.salesCount ?? 0) === 0,
    visitCountedToday: sameDay,
    birthMonth: member.customer.birthDate ? Number(member.customer.birthDate.slice(5, 7)) : null,
    pointsEarnedToday: 0,
  }
}

/** The points this cart will earn, with the explanation: evaluateEarn on the cached program. */
export function previewEarn(
  rules: CompiledRules | null,
  priced: PricedSale | null,
  member: CartMember | null,
  store: { id: string; timeZone: string },
  at = new Date().toISOString(),
  pointsTenderMinor = 0,
): EarnResult | null {
  if (!rules || !priced || !member) return null
  try {
    return evaluateEarn(
      rules,
      {
        currencyExponent: priced.currency.exponent,
        storeId: store.id,
        channel: 'pos',
        at,
        timeZone: store.timeZone,
        lines: priced.lines.map((l) => ({ productId: l.productId, categoryId: l.categoryId, eligibleMinor: l.eligibleMinor })),
        totalMinor: priced.totalMinor,
        pointsTenderMinor,
      },
      earnMember(member, at, store.timeZone),
    )
  } catch {
    return null
  }
}

export interface TenderState {
  roundingMinor: number
  amountDueMinor: number
  tenderedMinor: number
  remainingMinor: number
  changeMinor: number
  /** The cash still to take, rounded as cash is (what "exact cash" means). */
  cashDueMinor: number
  covered: boolean
}

/**
 * Where the payment stands, before it is complete: the same cash rounding as settleTenders
 * (on the cash part only, once there is cash), which throws until the tenders cover the total.
 */
export function tenderState(store: Pick<PricingStore, 'cashRoundingMinor'>, totalMinor: number, tenders: readonly TenderInput[]): TenderState {
  const nonCashMinor = tenders.reduce((s, t) => (t.kind === 'cash' ? s : s + t.amountMinor), 0)
  const cashGivenMinor = tenders.reduce((s, t) => (t.kind === 'cash' ? s + t.amountMinor : s), 0)
  const hasCash = tenders.some((t) => t.kind === 'cash')
  const cashDue = Math.max(0, totalMinor - nonCashMinor)
  const roundedCashDue = roundToIncrementMinor(cashDue, store.cashRoundingMinor)
  const roundingMinor = hasCash ? roundedCashDue - cashDue : 0
  const amountDueMinor = totalMinor + roundingMinor
  const tenderedMinor = nonCashMinor + cashGivenMinor
  return {
    roundingMinor,
    amountDueMinor,
    tenderedMinor,
    remainingMinor: Math.max(0, amountDueMinor - tenderedMinor),
    changeMinor: Math.max(0, tenderedMinor - amountDueMinor),
    cashDueMinor: Math.max(0, roundedCashDue - cashGivenMinor),
    covered: tenderedMinor >= amountDueMinor && tenders.length > 0,
  }
}

/** The sale as POST /api/v1/sales takes it. */
export function saleBody(cart: Cart, terminalId: string, tenders: readonly TenderInput[], soldAt: string) {
  return {
    id: cart.id,
    terminalId,
    customerId: cart.member?.customer.id ?? null,
    lines: cart.lines.map((l) => ({
      productId: l.productId,
      quantity: l.quantity,
      ...(l.priceOverrideMinor !== null && l.priceOverrideMinor !== l.listPriceMinor ? { unitPriceMinor: l.priceOverrideMinor } : {}),
      ...(l.discount ? { discount: l.discount } : {}),
    })),
    cartDiscount: cart.cartDiscount,
    tenders: tenders.map((t) => ({ kind: t.kind, amountMinor: t.amountMinor, reference: t.reference ?? null })),
    soldAt,
    approval: cart.approval ? { staffId: cart.approval.staffId, pin: cart.approval.pin } : null,
  }
}

/** Quick cash amounts above what is due: rounded up to the next 1, 5 and 10 units, then the notes above it. */
export function quickCashAmounts(dueMinor: number, unitMinor: number, notesMinor: readonly number[]): number[] {
  if (dueMinor <= 0) return []
  const out = new Set<number>()
  for (const step of [unitMinor, 5 * unitMinor, 10 * unitMinor]) {
    const v = Math.ceil(dueMinor / step) * step
    if (v > dueMinor) out.add(v)
  }
  for (const note of notesMinor) if (note > dueMinor) out.add(note)
  return [...out].sort((a, b) => a - b).slice(0, 4)
}

export function cartItemCount(cart: Cart): number {
  return cart.lines.reduce((s, l) => s + (l.weighed ? 1 : l.quantity), 0)
}
