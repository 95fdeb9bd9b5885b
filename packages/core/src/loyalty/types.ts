/**
 * The rules of one program version, exactly as stored (JSON) and as the API shows them.
 * Decimals are strings ("1", "0.1", "1.5") so they stay exact; the engine parses them.
 * A published version is immutable: every ledger entry records the version that produced it.
 */
export interface ProgramRules {
  readonly pointsName: string
  /** Points per one major currency unit on the eligible amount, e.g. "1" or "0.1". */
  readonly baseRate: string
  readonly nonEarningProductIds: readonly string[]
  readonly nonEarningCategoryIds: readonly string[]
  readonly multipliers: readonly MultiplierRule[]
  readonly tierMetric: 'points' | 'spend'
  /** Ordered by threshold ascending; the first is usually the entry tier (threshold 0). */
  readonly tiers: readonly TierRule[]
  readonly promotions: readonly PromotionRule[]
  readonly bonuses: readonly BonusRule[]
  readonly caps: { readonly perSale?: number | null; readonly perDay?: number | null }
  /** Points as tender: `pointsPerUnit` points pay 1.00 (one major unit). Absent = not allowed. */
  readonly pointsTender?: { readonly pointsPerUnit: number } | null
  readonly expiry: ExpiryPolicy
  /** Cost of one point in minor units of the currency, decimal string (e.g. "0.5" = half a cent). */
  readonly costPerPointMinor: string
  /** Referrals: both members earn once the referee's first qualifying sale completes. Absent = off. */
  readonly referral?: ReferralPolicy | null
}

export interface ReferralPolicy {
  /** Points to the member who referred. */
  readonly referrerPoints: number
  /** Points to the new member (the referee). */
  readonly refereePoints: number
  /** The referee's first sale qualifies when its eligible amount reaches this (minor units). */
  readonly minEligibleMinor: number
  /** At most this many referral rewards per referrer per calendar month (fraud rule). */
  readonly maxPerReferrerPerMonth: number
}

export interface MultiplierRule {
  readonly id: string
  readonly name: string
  readonly productIds?: readonly string[]
  readonly categoryIds?: readonly string[]
  /** e.g. "2" for double points. */
  readonly multiplier: string
}

export interface TierRule {
  readonly id: string
  readonly name: string
  /** Qualifying points, or qualifying spend in minor units, over a rolling 365 days. */
  readonly threshold: number
  /** Earn multiplier, e.g. "1.5". "1" = no bonus. */
  readonly multiplier: string
  /** Standing discount on eligible lines, percent decimal string, e.g. "5". */
  readonly discountPercent?: string | null
  readonly perks?: readonly string[]
}

export interface PromotionRule {
  readonly id: string
  readonly name: string
  readonly multiplier: string
  /** 0 = Sunday … 6 = Saturday, store-local. Absent = every day. */
  readonly daysOfWeek?: readonly number[]
  /** Store-local "HH:MM" window, end exclusive. */
  readonly startTime?: string | null
  readonly endTime?: string | null
  /**
   * Several store-local windows instead of the one above (e.g. weekday mornings and Saturday
   * afternoons). They may not overlap: an overlap would count the same minute twice.
   */
  readonly windows?: readonly PromotionWindow[]
  /** Store-local dates "YYYY-MM-DD", inclusive. */
  readonly fromDate?: string | null
  readonly toDate?: string | null
  readonly storeIds?: readonly string[]
  readonly channels?: readonly SaleChannel[]
  readonly categoryIds?: readonly string[]
}

export interface PromotionWindow {
  /** 0 = Sunday … 6 = Saturday, store-local. Absent = every day. */
  readonly daysOfWeek?: readonly number[]
  /** Store-local "HH:MM", end exclusive. */
  readonly startTime: string
  readonly endTime: string
}

export type BonusRule =
  | { readonly id: string; readonly name: string; readonly kind: 'threshold'; readonly points: number; readonly thresholdMinor: number }
  | { readonly id: string; readonly name: string; readonly kind: 'visit' | 'first_purchase' | 'birthday'; readonly points: number }

export type ExpiryPolicy =
  | { readonly kind: 'none' }
  | { readonly kind: 'rolling'; readonly months: number; readonly endOfMonth?: boolean; readonly warnDaysBefore?: number | null }
  | { readonly kind: 'inactivity'; readonly months: number; readonly warnDaysBefore?: number | null }

/** Days ahead of an expiry that members are warned, unless the policy says otherwise (0 = never). */
export const DEFAULT_EXPIRY_WARNING_DAYS = 30

export type SaleChannel = 'pos' | 'online'

/** The sale as the engine sees it: eligible amounts per line, already priced by sale/. */
export interface EarnSale {
  readonly currencyExponent: number
  readonly storeId: string
  readonly channel: SaleChannel
  /** ISO 8601 instant of the sale (offline sales: the time the terminal recorded). */
  readonly at: string
  /** IANA time zone of the store, for promotions, visits and birthdays. */
  readonly timeZone: string
  readonly lines: readonly EarnLine[]
  /** Sale total and the part paid with points, minor units (for the points-tender reduction). */
  readonly totalMinor: number
  readonly pointsTenderMinor: number
}

export interface EarnLine {
  readonly productId: string | null
  readonly categoryId: string | null
  /** Line net without tax, after all discounts; the engine zeroes non-earning products. */
  readonly eligibleMinor: number
}

/** What the engine needs to know of the member at the sale's time. */
export interface EarnMember {
  readonly tierId: string | null
  /** True if this is the member's first completed sale. */
  readonly firstPurchase: boolean
  /** True if a sale with eligible amount > 0 already earned a visit bonus this store-local day. */
  readonly visitCountedToday: boolean
  /** 1–12, or null if unknown. */
  readonly birthMonth: number | null
  /** Points already earned today (store-local day), for the per-day cap. */
  readonly pointsEarnedToday: number
}

export type EarnComponentCode =
  | 'base'
  | 'multiplier'
  | 'tier'
  | 'promotion'
  | 'bonus_threshold'
  | 'bonus_visit'
  | 'bonus_first_purchase'
  | 'bonus_birthday'
  | 'cap'

export interface EarnComponent {
  readonly code: EarnComponentCode
  /** The rule that produced it, where there is one. */
  readonly ruleId?: string
  /** For people: "Base 1 pt/1.00", "Coffee ×2", "Gold ×1.5", "Spend ≥ 50.00". */
  readonly label: string
  /** Signed: the cap component is negative. */
  readonly points: number
}

export interface EarnResult {
  readonly components: readonly EarnComponent[]
  readonly total: number
  /** Σ eligible after non-earning and points-tender reduction, minor units. */
  readonly eligibleMinor: number
  /** Points that count toward tiers: earned from the sale before caps (no referral/adjustment). */
  readonly qualifyingPoints: number
  /** Also shown once per sale: "Base 1 pt/1.00: 12 · Coffee ×2: +4 · …". */
  readonly explanation: string
}
