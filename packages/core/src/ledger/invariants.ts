import { isMemberAccount, isProgramAccount, isTransferKind, transferDirectionAllowed } from './accounts'

/**
 * The ledger's invariants (loyalty.md "Ledger"), checked by tests and by `patron verify-ledger`:
 * - every transfer moves a positive whole number of points between two different, known accounts
 *   (and, when it names its kind, in a direction that kind allows; when it carries its program
 *   version field, that names a version: every entry records the version that produced it);
 * - the sum of all entries is zero;
 * - each recorded balance equals the sum of its account's entries (credits − debits), and every
 *   member account whose entries do not sum to zero has a recorded balance;
 * - lots are whole numbers ≥ 0, belong to member accounts, and the lots of an account sum to
 *   max(balance, 0) (a negative balance is a clawback debt and has no lots).
 */

export type ViolationCode =
  | 'TRANSFER_AMOUNT'
  | 'TRANSFER_SAME_ACCOUNT'
  | 'TRANSFER_ACCOUNT'
  | 'TRANSFER_KIND'
  | 'TRANSFER_DIRECTION'
  | 'TRANSFER_DUPLICATE_ID'
  | 'TRANSFER_VERSION'
  | 'ENTRIES_SUM'
  | 'BALANCE_MISMATCH'
  | 'BALANCE_MISSING'
  | 'BALANCE_DUPLICATE'
  | 'LOT_NEGATIVE'
  | 'LOT_ACCOUNT'
  | 'LOTS_MISMATCH'
  | 'TOO_MANY_VIOLATIONS'

export interface Violation {
  readonly code: ViolationCode
  readonly message: string
  readonly account?: string
  readonly transferId?: string
}

export interface LedgerTransferRow {
  readonly id: string
  readonly debitAccount: string
  readonly creditAccount: string
  readonly points: number
  /** Optional: when given, the direction is checked against TRANSFER_KINDS. */
  readonly kind?: string | null
  /** Optional: when the key is given, it must name the program version that produced the entry. */
  readonly programVersionId?: string | null
}

export interface LedgerBalanceRow {
  readonly account: string
  readonly balance: number
}

export interface LedgerLotRow {
  readonly account: string
  readonly remaining: number
}

export interface LedgerCheckOptions {
  /** Keep every transfer id to find duplicates (memory grows with the ledger). Default true. */
  readonly checkDuplicateIds?: boolean
  /** Stop listing after this many (one TOO_MANY_VIOLATIONS is added). Default 10,000. */
  readonly maxViolations?: number
}

export interface LedgerChecker {
  addTransfer(t: LedgerTransferRow): void
  addBalance(b: LedgerBalanceRow): void
  addLot(l: LedgerLotRow): void
  /** All violations found; call once, after every row was added. */
  finish(): Violation[]
}

/**
 * A streaming checker for large ledgers: feed it rows in any order (e.g. from a database
 * cursor), then `finish()`. Memory is one number per account (plus one id per transfer when
 * `checkDuplicateIds`).
 */
export function createLedgerChecker(options: LedgerCheckOptions = {}): LedgerChecker {
  const maxViolations = options.maxViolations ?? 10_000
  const seenIds = options.checkDuplicateIds === false ? null : new Set<string>()
  const computed = new Map<string, number>()
  const recorded = new Map<string, number>()
  const lotSums = new Map<string, number>()
  const violations: Violation[] = []
  let truncated = false
  let debits = 0
  let credits = 0

  const report = (v: Violation) => {
    if (violations.length < maxViolations) violations.push(v)
    else truncated = true
  }
  const knownAccount = (a: unknown) => typeof a === 'string' && (isMemberAccount(a) || isProgramAccount(a))
  const bump = (account: string, delta: number) => computed.set(account, (computed.get(account) ?? 0) + delta)

  return {
    addTransfer(t) {
      if (seenIds !== null) {
        if (seenIds.has(t.id)) report({ code: 'TRANSFER_DUPLICATE_ID', message: `Transfer id ${t.id} appears more than once`, transferId: t.id })
        seenIds.add(t.id)
      }
      if (typeof t.points !== 'number' || !Number.isSafeInteger(t.points) || t.points <= 0) {
        report({ code: 'TRANSFER_AMOUNT', message: `Transfer ${t.id} moves ${String(t.points)} points; must be a whole number > 0`, transferId: t.id })
      }
      for (const account of [t.debitAccount, t.creditAccount]) {
        if (!knownAccount(account)) {
          report({ code: 'TRANSFER_ACCOUNT', message: `Transfer ${t.id} names an unknown account "${String(account)}"`, transferId: t.id, account: String(account) })
        }
      }
      if (t.debitAccount === t.creditAccount) {
        report({ code: 'TRANSFER_SAME_ACCOUNT', message: `Transfer ${t.id} debits and credits the same account`, transferId: t.id, account: t.debitAccount })
      }
      if (t.programVersionId === null || t.programVersionId === '') {
        report({ code: 'TRANSFER_VERSION', message: `Transfer ${t.id} records no program version`, transferId: t.id })
      }
      if (t.kind !== undefined && t.kind !== null) {
        if (!isTransferKind(t.kind)) {
          report({ code: 'TRANSFER_KIND', message: `Transfer ${t.id} has an unknown kind "${t.kind}"`, transferId: t.id })
        } else if (!transferDirectionAllowed(t.kind, t.debitAccount, t.creditAccount)) {
          report({
            code: 'TRANSFER_DIRECTION',
            message: `Transfer ${t.id} (${t.kind}) may not move points from ${t.debitAccount} to ${t.creditAccount}`,
            transferId: t.id,
          })
        }
      }
      // An amount that is not even an integer is reported above and left out of the sums,
      // where it would only make every later comparison on those accounts meaningless.
      if (typeof t.points !== 'number' || !Number.isSafeInteger(t.points)) return
      debits += t.points
      credits += t.points
      bump(t.debitAccount, -t.points)
      bump(t.creditAccount, t.points)
    },

    addBalance(b) {
      if (recorded.has(b.account)) {
        report({ code: 'BALANCE_DUPLICATE', message: `Account ${b.account} has more than one balance row`, account: b.account })
        return
      }
      recorded.set(b.account, b.balance)
    },

    addLot(l) {
      if (typeof l.remaining !== 'number' || !Number.isSafeInteger(l.remaining) || l.remaining < 0) {
        report({ code: 'LOT_NEGATIVE', message: `A lot of ${l.account} has ${String(l.remaining)} points left; must be a whole number ≥ 0`, account: l.account })
      }
      if (!isMemberAccount(l.account)) {
        report({ code: 'LOT_ACCOUNT', message: `A lot belongs to ${l.account}, which is not a member account`, account: l.account })
      }
      if (typeof l.remaining === 'number' && Number.isFinite(l.remaining)) lotSums.set(l.account, (lotSums.get(l.account) ?? 0) + l.remaining)
    },

    finish() {
      let sum = 0
      for (const v of computed.values()) sum += v
      if (sum !== 0 || debits !== credits) {
        report({ code: 'ENTRIES_SUM', message: `The ledger's entries sum to ${sum}, not 0` })
      }
      for (const [account, balance] of recorded) {
        const fromEntries = computed.get(account) ?? 0
        if (balance !== fromEntries) {
          report({ code: 'BALANCE_MISMATCH', message: `Account ${account} records a balance of ${balance} but its entries sum to ${fromEntries}`, account })
        }
      }
      for (const [account, fromEntries] of computed) {
        if (fromEntries !== 0 && !recorded.has(account) && isMemberAccount(account)) {
          report({ code: 'BALANCE_MISSING', message: `Member account ${account} has entries summing to ${fromEntries} but no balance row`, account })
        }
      }
      const lotAccounts = new Set<string>(lotSums.keys())
      for (const account of computed.keys()) if (isMemberAccount(account)) lotAccounts.add(account)
      for (const account of lotAccounts) {
        const lots = lotSums.get(account) ?? 0
        const expected = Math.max(computed.get(account) ?? 0, 0)
        if (lots !== expected) {
          report({ code: 'LOTS_MISMATCH', message: `The lots of ${account} hold ${lots} points but its positive balance is ${expected}`, account })
        }
      }
      if (truncated) {
        violations.push({ code: 'TOO_MANY_VIOLATIONS', message: `More than ${maxViolations} violations; the rest are not listed` })
      }
      return violations
    },
  }
}

/** Checks a whole ledger held in memory (tests, small databases). See `createLedgerChecker`. */
export function checkInvariants(
  input: {
    readonly transfers: readonly LedgerTransferRow[]
    readonly balances: readonly LedgerBalanceRow[]
    readonly lots: readonly LedgerLotRow[]
  },
  options: LedgerCheckOptions = {},
): Violation[] {
  const checker = createLedgerChecker(options)
  for (const t of input.transfers) checker.addTransfer(t)
  for (const b of input.balances) checker.addBalance(b)
  for (const l of input.lots) checker.addLot(l)
  return checker.finish()
}
