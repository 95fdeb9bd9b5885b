/**
 * Ledger accounts and transfer kinds (loyalty.md "Ledger"). Every movement of points is a
 * transfer of a positive whole number of points from a debit account to a credit account.
 *
 * Sign convention: an account's balance = Σ points credited to it − Σ points debited from it.
 * So a member's balance is what they hold, `program:issued` goes negative by everything ever
 * issued, `program:redeemed` / `program:expired` grow with what was spent / lost, and the
 * balances of all accounts always sum to zero.
 */

export const MEMBER_ACCOUNT_PREFIX = 'member:'

/** The program's side of every transfer. */
export const PROGRAM_ACCOUNTS = {
  /** Source of points earned from sales (and opening balances imported). */
  issued: 'program:issued',
  /** Sink of points spent on rewards, vouchers and points-as-tender. */
  redeemed: 'program:redeemed',
  /** Sink of points lost to expiry. */
  expired: 'program:expired',
  /** Both ways: manual adjustments by staff (permission, reason code, note). */
  adjusted: 'program:adjusted',
  /** Source of referral rewards (kept apart: they do not qualify for tiers). */
  referral: 'program:referral',
  /** Both ways: points awarded by partners, and points converted out to partners. */
  partner: 'program:partner',
  /** Sink of points taken back by refunds. */
  clawback: 'program:clawback',
  /** Points held by a reward applied to an open cart, until the sale completes or is voided. */
  reserved: 'program:reserved',
} as const

export type ProgramAccountName = keyof typeof PROGRAM_ACCOUNTS
export type ProgramAccount = (typeof PROGRAM_ACCOUNTS)[ProgramAccountName]

export const PROGRAM_ISSUED = PROGRAM_ACCOUNTS.issued
export const PROGRAM_REDEEMED = PROGRAM_ACCOUNTS.redeemed
export const PROGRAM_EXPIRED = PROGRAM_ACCOUNTS.expired
export const PROGRAM_ADJUSTED = PROGRAM_ACCOUNTS.adjusted
export const PROGRAM_REFERRAL = PROGRAM_ACCOUNTS.referral
export const PROGRAM_PARTNER = PROGRAM_ACCOUNTS.partner
export const PROGRAM_CLAWBACK = PROGRAM_ACCOUNTS.clawback
export const PROGRAM_RESERVED = PROGRAM_ACCOUNTS.reserved

const PROGRAM_ACCOUNT_SET: ReadonlySet<string> = new Set(Object.values(PROGRAM_ACCOUNTS))

/** "member:<customerId>" */
export function memberAccount(customerId: string): string {
  return MEMBER_ACCOUNT_PREFIX + customerId
}

/** The customer id of a member account, or null if `account` is not one. */
export function memberIdOf(account: string): string | null {
  return account.startsWith(MEMBER_ACCOUNT_PREFIX) && account.length > MEMBER_ACCOUNT_PREFIX.length
    ? account.slice(MEMBER_ACCOUNT_PREFIX.length)
    : null
}

export function isMemberAccount(account: string): boolean {
  return memberIdOf(account) !== null
}

export function isProgramAccount(account: string): account is ProgramAccount {
  return PROGRAM_ACCOUNT_SET.has(account)
}

/** Either side of a kind's transfer: a program account, or any member account. */
type Side = ProgramAccount | 'member'

/**
 * What each transfer kind moves, debit → credit. Reservations are two-phase: `reservation`
 * holds the reward's cost (member → reserved) at once, so a second register sees the lower
 * balance; the completed sale posts it (`reservation_commit`, reserved → redeemed); a voided
 * cart or a timeout gives it back (`reservation_release`, reserved → member).
 */
export const TRANSFER_KINDS = {
  earn: [[PROGRAM_ISSUED, 'member']],
  redeem: [['member', PROGRAM_REDEEMED]],
  clawback: [['member', PROGRAM_CLAWBACK]],
  expire: [['member', PROGRAM_EXPIRED]],
  adjust: [[PROGRAM_ADJUSTED, 'member'], ['member', PROGRAM_ADJUSTED]],
  referral: [[PROGRAM_REFERRAL, 'member']],
  /** A voucher that expired unused, or a refunded line a reward paid for: points come back. */
  reward_restore: [[PROGRAM_REDEEMED, 'member']],
  partner_award: [[PROGRAM_PARTNER, 'member']],
  partner_convert: [['member', PROGRAM_PARTNER]],
  reservation: [['member', PROGRAM_RESERVED]],
  reservation_commit: [[PROGRAM_RESERVED, PROGRAM_REDEEMED]],
  reservation_release: [[PROGRAM_RESERVED, 'member']],
  /** Imported opening balance of a member migrated from another system. */
  opening_balance: [[PROGRAM_ISSUED, 'member']],
  /** Merging a duplicate member into the kept one. */
  merge: [['member', 'member']],
} as const satisfies Record<string, readonly (readonly [Side, Side])[]>

export type TransferKind = keyof typeof TRANSFER_KINDS

export function isTransferKind(kind: string): kind is TransferKind {
  return Object.prototype.hasOwnProperty.call(TRANSFER_KINDS, kind)
}

/** Whether a transfer of `kind` may move points from `debitAccount` to `creditAccount`. */
export function transferDirectionAllowed(kind: TransferKind, debitAccount: string, creditAccount: string): boolean {
  const fits = (side: Side, account: string) => (side === 'member' ? isMemberAccount(account) : side === account)
  return TRANSFER_KINDS[kind].some(([debit, credit]) => fits(debit, debitAccount) && fits(credit, creditAccount))
}
