import { PatronError } from '@patron/core'
import type { AppContext } from '../../context'
import { nowIso } from '../../util'
import { createSession } from './login'
import { verifySecret } from './passwords'

const MAX_FAILURES = 5
const LOCK_SECONDS = 60

/**
 * Cashier login at a registered terminal with a 4–6 digit PIN. The PIN identifies the staff
 * member among those with a PIN in the organisation (PINs are unique per organisation, checked
 * when set). A PIN of staff not assigned to the terminal's store is refused with its own code.
 * Five bad PINs lock the terminal's PIN pad for a minute.
 */
export async function loginWithPin(ctx: AppContext, terminalId: string, pin: string, staffId?: string) {
  const db = ctx.db.kysely
  const now = ctx.now()
  const terminal = await db
    .selectFrom('terminals as t')
    .innerJoin('stores as s', 's.id', 't.store_id')
    .select(['t.id', 't.store_id', 't.failed_pins', 't.locked_until', 's.org_id'])
    .where('t.id', '=', terminalId)
    .executeTakeFirst()
  if (!terminal) throw new PatronError('TERMINAL_NOT_FOUND', 'This terminal is not registered', { terminalId })
  if (terminal.locked_until && terminal.locked_until > nowIso(now)) {
    throw new PatronError('PIN_LOCKED', 'Too many wrong PINs; the PIN pad is locked for a minute', { retryAfter: terminal.locked_until })
  }
  let q = db
    .selectFrom('staff')
    .select(['id', 'pin_hash', 'store_ids', 'name', 'role'])
    .where('org_id', '=', terminal.org_id)
    .where('active', '=', 1)
    .where('pin_hash', 'is not', null)
  if (staffId) q = q.where('id', '=', staffId)
  const candidates = await q.execute()
  let match: (typeof candidates)[number] | undefined
  for (const c of candidates) {
    if (await verifySecret(c.pin_hash, pin)) {
      match = c
      break
    }
  }
  if (!match) {
    const failures = terminal.failed_pins + 1
    const lock = failures >= MAX_FAILURES
    await ctx.writer.run((trx) =>
      trx
        .updateTable('terminals')
        .set({ failed_pins: lock ? 0 : failures, locked_until: lock ? nowIso(new Date(now.getTime() + LOCK_SECONDS * 1000)) : null })
        .where('id', '=', terminalId)
        .execute(),
    )
    throw new PatronError('INVALID_PIN', 'Wrong PIN', { attemptsLeft: lock ? 0 : MAX_FAILURES - failures })
  }
  const storeIds: string[] | null = match.store_ids ? JSON.parse(match.store_ids) : null
  if (storeIds && !storeIds.includes(terminal.store_id)) {
    throw new PatronError('STAFF_NOT_IN_STORE', `${match.name} is not assigned to this terminal's store`, { storeId: terminal.store_id })
  }
  if (terminal.failed_pins > 0) {
    await ctx.writer.run((trx) => trx.updateTable('terminals').set({ failed_pins: 0, locked_until: null }).where('id', '=', terminalId).execute())
  }
  return createSession(ctx, match.id, terminal.id, terminal.store_id, false)
}
