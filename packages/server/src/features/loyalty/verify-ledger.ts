import { createLedgerChecker, memberAccount, type Violation } from '@patron/core'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'

const PAGE = 5000

/**
 * Checks the ledger's invariants over the whole database (`patron verify-ledger`): transfers
 * positive, well-directed and each with its program version, entries summing to zero, every balance equal to the sum of its
 * entries, lots summing to the positive balance. Streams in pages, so memory stays flat.
 * With `orgId`, one organisation's ledger (what the API shows its owner); without, everything.
 */
export async function verifyLedger(db: Kysely<Database>, orgId?: string): Promise<{ transfers: number; accounts: number; violations: Violation[] }> {
  const checker = createLedgerChecker({ checkDuplicateIds: false })
  let transfers = 0
  let after = ''
  for (;;) {
    let q = db.selectFrom('ledger_transfers').select(['id', 'debit_account', 'credit_account', 'points', 'kind', 'program_version_id']).where('id', '>', after)
    if (orgId) q = q.where('org_id', '=', orgId)
    const rows = await q.orderBy('id').limit(PAGE).execute()
    for (const r of rows) checker.addTransfer({ id: r.id, debitAccount: r.debit_account, creditAccount: r.credit_account, points: Number(r.points), kind: r.kind, programVersionId: r.program_version_id })
    transfers += rows.length
    if (rows.length < PAGE) break
    after = rows[rows.length - 1].id
  }
  let accounts = 0
  after = ''
  for (;;) {
    let q = db.selectFrom('loyalty_accounts').select(['customer_id', 'balance']).where('customer_id', '>', after)
    if (orgId) q = q.where('org_id', '=', orgId)
    const rows = await q.orderBy('customer_id').limit(PAGE).execute()
    for (const r of rows) checker.addBalance({ account: memberAccount(r.customer_id), balance: Number(r.balance) })
    accounts += rows.length
    if (rows.length < PAGE) break
    after = rows[rows.length - 1].customer_id
  }
  after = ''
  for (;;) {
    let q = db.selectFrom('lots as l').innerJoin('loyalty_accounts as a', 'a.customer_id', 'l.customer_id').select(['l.id', 'l.customer_id', 'l.remaining']).where('l.id', '>', after)
    if (orgId) q = q.where('a.org_id', '=', orgId)
    const rows = await q.orderBy('l.id').limit(PAGE).execute()
    for (const r of rows) checker.addLot({ account: memberAccount(r.customer_id), remaining: Number(r.remaining) })
    if (rows.length < PAGE) break
    after = rows[rows.length - 1].id
  }
  return { transfers, accounts, violations: checker.finish() }
}
