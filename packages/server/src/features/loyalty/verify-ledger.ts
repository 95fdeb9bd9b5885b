import { createLedgerChecker, memberAccount, type Violation } from '@patron/core'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'

const PAGE = 5000

/**
 * Checks the ledger's invariants over the whole database (`patron verify-ledger`): transfers
 * positive and well-directed, entries summing to zero, every balance equal to the sum of its
 * entries, lots summing to the positive balance. Streams in pages, so memory stays flat.
 */
export async function verifyLedger(db: Kysely<Database>): Promise<{ transfers: number; accounts: number; violations: Violation[] }> {
  const checker = createLedgerChecker({ checkDuplicateIds: false })
  let transfers = 0
  let after = ''
  for (;;) {
    const rows = await db.selectFrom('ledger_transfers').select(['id', 'debit_account', 'credit_account', 'points', 'kind']).where('id', '>', after).orderBy('id').limit(PAGE).execute()
    for (const r of rows) checker.addTransfer({ id: r.id, debitAccount: r.debit_account, creditAccount: r.credit_account, points: Number(r.points), kind: r.kind })
    transfers += rows.length
    if (rows.length < PAGE) break
    after = rows[rows.length - 1].id
  }
  let accounts = 0
  after = ''
  for (;;) {
    const rows = await db.selectFrom('loyalty_accounts').select(['customer_id', 'balance']).where('customer_id', '>', after).orderBy('customer_id').limit(PAGE).execute()
    for (const r of rows) checker.addBalance({ account: memberAccount(r.customer_id), balance: Number(r.balance) })
    accounts += rows.length
    if (rows.length < PAGE) break
    after = rows[rows.length - 1].customer_id
  }
  after = ''
  for (;;) {
    const rows = await db.selectFrom('lots').select(['id', 'customer_id', 'remaining']).where('id', '>', after).orderBy('id').limit(PAGE).execute()
    for (const r of rows) checker.addLot({ account: memberAccount(r.customer_id), remaining: Number(r.remaining) })
    if (rows.length < PAGE) break
    after = rows[rows.length - 1].id
  }
  return { transfers, accounts, violations: checker.finish() }
}
