import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PROGRAM_ACCOUNTS, memberAccount, memberIdOf, transferDirectionAllowed } from './accounts'
import { checkInvariants, createLedgerChecker, type LedgerTransferRow } from './invariants'

const alice = memberAccount('c-alice')
const bob = memberAccount('c-bob')

// Alice earns 100, redeems 30, has 10 expire; Bob earns 20, gets 50 clawed back (debt 30).
const transfers: LedgerTransferRow[] = [
  { id: 't1', kind: 'earn', debitAccount: PROGRAM_ACCOUNTS.issued, creditAccount: alice, points: 100 },
  { id: 't2', kind: 'redeem', debitAccount: alice, creditAccount: PROGRAM_ACCOUNTS.redeemed, points: 30 },
  { id: 't3', kind: 'expire', debitAccount: alice, creditAccount: PROGRAM_ACCOUNTS.expired, points: 10 },
  { id: 't4', kind: 'earn', debitAccount: PROGRAM_ACCOUNTS.issued, creditAccount: bob, points: 20 },
  { id: 't5', kind: 'clawback', debitAccount: bob, creditAccount: PROGRAM_ACCOUNTS.clawback, points: 50 },
]
const healthy = {
  transfers,
  balances: [
    { account: alice, balance: 60 },
    { account: bob, balance: -30 },
    { account: PROGRAM_ACCOUNTS.issued, balance: -120 },
  ],
  lots: [
    { account: alice, remaining: 45 },
    { account: alice, remaining: 15 },
    { account: alice, remaining: 0 },
    { account: bob, remaining: 0 },
  ],
}
const codes = (input: Parameters<typeof checkInvariants>[0]) => checkInvariants(input).map((v) => v.code)

describe('accounts', () => {
  it('names member and program accounts', () => {
    expect(alice).toBe('member:c-alice')
    expect(memberIdOf(alice)).toBe('c-alice')
    expect(memberIdOf(PROGRAM_ACCOUNTS.issued)).toBeNull()
    expect(memberIdOf('member:')).toBeNull()
    expect(Object.values(PROGRAM_ACCOUNTS)).toEqual(
      expect.arrayContaining(['program:issued', 'program:redeemed', 'program:expired', 'program:adjusted', 'program:referral', 'program:partner', 'program:clawback']),
    )
  })

  it('knows which way each kind moves points', () => {
    expect(transferDirectionAllowed('earn', PROGRAM_ACCOUNTS.issued, alice)).toBe(true)
    expect(transferDirectionAllowed('earn', alice, PROGRAM_ACCOUNTS.issued)).toBe(false)
    expect(transferDirectionAllowed('adjust', alice, PROGRAM_ACCOUNTS.adjusted)).toBe(true)
    expect(transferDirectionAllowed('adjust', PROGRAM_ACCOUNTS.adjusted, alice)).toBe(true)
    expect(transferDirectionAllowed('reservation_commit', PROGRAM_ACCOUNTS.reserved, PROGRAM_ACCOUNTS.redeemed)).toBe(true)
  })
})

describe('checkInvariants', () => {
  it('finds nothing wrong with a healthy ledger (a debt has no lots)', () => {
    expect(checkInvariants(healthy)).toEqual([])
  })

  it('rejects amounts that are not whole positive numbers', () => {
    for (const points of [0, -5, 1.5]) {
      const bad = { ...healthy, transfers: [...transfers, { id: 'x', debitAccount: alice, creditAccount: bob, points }] }
      expect(codes(bad)).toContain('TRANSFER_AMOUNT')
    }
  })

  it('rejects unknown accounts, self-transfers, wrong directions and duplicate ids', () => {
    const extra = (t: LedgerTransferRow) => codes({ ...healthy, transfers: [...transfers, t] })
    expect(extra({ id: 'x', debitAccount: 'program:nowhere', creditAccount: PROGRAM_ACCOUNTS.issued, points: 1 })).toContain('TRANSFER_ACCOUNT')
    expect(extra({ id: 'x', debitAccount: PROGRAM_ACCOUNTS.issued, creditAccount: PROGRAM_ACCOUNTS.issued, points: 1 })).toEqual(['TRANSFER_SAME_ACCOUNT'])
    expect(extra({ id: 'x', kind: 'earn', debitAccount: PROGRAM_ACCOUNTS.redeemed, creditAccount: PROGRAM_ACCOUNTS.expired, points: 1 })).toEqual([
      'TRANSFER_DIRECTION',
    ])
    expect(extra({ id: 'x', kind: 'gift', debitAccount: PROGRAM_ACCOUNTS.redeemed, creditAccount: PROGRAM_ACCOUNTS.expired, points: 1 })).toEqual([
      'TRANSFER_KIND',
    ])
    expect(codes({ ...healthy, transfers: [...transfers, transfers[0]] })).toEqual(['TRANSFER_DUPLICATE_ID', 'BALANCE_MISMATCH', 'BALANCE_MISMATCH', 'LOTS_MISMATCH'])
  })

  it('reports an entry that records no program version, when the rows carry the field', () => {
    const versioned = transfers.map((t) => ({ ...t, programVersionId: 'v1' }))
    expect(codes({ ...healthy, transfers: versioned })).toEqual([])
    const missing = versioned.map((t, i) => (i === 1 ? { ...t, programVersionId: null } : t))
    expect(checkInvariants({ ...healthy, transfers: missing })).toEqual([expect.objectContaining({ code: 'TRANSFER_VERSION', transferId: 't2' })])
  })

  it('finds balances that differ from their entries, or are missing, or recorded twice', () => {
    expect(checkInvariants({ ...healthy, balances: [{ account: alice, balance: 61 }, healthy.balances[1]] })).toEqual([
      expect.objectContaining({ code: 'BALANCE_MISMATCH', account: alice }),
    ])
    expect(codes({ ...healthy, balances: [healthy.balances[0]] })).toEqual(['BALANCE_MISSING'])
    expect(codes({ ...healthy, balances: [...healthy.balances, healthy.balances[0]] })).toEqual(['BALANCE_DUPLICATE'])
    expect(codes({ ...healthy, balances: [...healthy.balances, { account: memberAccount('ghost'), balance: 5 }] })).toEqual(['BALANCE_MISMATCH'])
  })

  it('checks that lots are non-negative and sum to the positive balance', () => {
    expect(codes({ ...healthy, lots: [{ account: alice, remaining: 70 }, { account: alice, remaining: -10 }] })).toEqual(['LOT_NEGATIVE'])
    expect(codes({ ...healthy, lots: [{ account: alice, remaining: 59 }] })).toEqual(['LOTS_MISMATCH'])
    expect(codes({ ...healthy, lots: [...healthy.lots, { account: bob, remaining: 1 }] })).toEqual(['LOTS_MISMATCH'])
    expect(codes({ ...healthy, lots: [...healthy.lots, { account: PROGRAM_ACCOUNTS.issued, remaining: 0 }] })).toEqual(['LOT_ACCOUNT'])
  })

  it('streams, and stops listing after maxViolations', () => {
    const checker = createLedgerChecker({ maxViolations: 2, checkDuplicateIds: false })
    for (let i = 0; i < 5; i++) checker.addTransfer({ id: 'same', debitAccount: alice, creditAccount: alice, points: 1 })
    expect(checker.finish().map((v) => v.code)).toEqual(['TRANSFER_SAME_ACCOUNT', 'TRANSFER_SAME_ACCOUNT', 'TOO_MANY_VIOLATIONS'])
  })

  it('holds for any sequence of well-formed transfers with balances kept alongside', () => {
    const members = ['a', 'b', 'c'].map(memberAccount)
    const arbTransfer = fc.record({
      kind: fc.constantFrom('earn', 'redeem', 'expire', 'referral'),
      member: fc.constantFrom(...members),
      points: fc.integer({ min: 1, max: 1000 }),
    })
    fc.assert(
      fc.property(fc.array(arbTransfer, { maxLength: 40 }), (moves) => {
        const balance = new Map<string, number>()
        const rows: LedgerTransferRow[] = moves.map((m, i) => {
          const incoming = m.kind === 'earn' || m.kind === 'referral'
          const program = { earn: PROGRAM_ACCOUNTS.issued, referral: PROGRAM_ACCOUNTS.referral, redeem: PROGRAM_ACCOUNTS.redeemed, expire: PROGRAM_ACCOUNTS.expired }[m.kind]
          for (const [account, delta] of [[m.member, incoming ? m.points : -m.points], [program, incoming ? -m.points : m.points]] as const) {
            balance.set(account, (balance.get(account) ?? 0) + delta)
          }
          return { id: `t${i}`, kind: m.kind, debitAccount: incoming ? program : m.member, creditAccount: incoming ? m.member : program, points: m.points }
        })
        const balances = [...balance].map(([account, b]) => ({ account, balance: b }))
        const lots = members.map((account) => ({ account, remaining: Math.max(0, balance.get(account) ?? 0) }))
        expect(checkInvariants({ transfers: rows, balances, lots })).toEqual([])
      }),
    )
  })
})
