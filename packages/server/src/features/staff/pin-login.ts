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
  const locked = (retryAfter: string | null) => new PatronError('PIN_LOCKED', 'Too many wrong PINs; the PIN pad is locked for a minute', { retryAfter })
  if (terminal.locked_until && terminal.locked_until > nowIso(now)) throw locked(terminal.locked_until)
  // Each attempt takes its place in the count BEFORE its PIN is checked, in one atomic UPDATE:
  // counting after the check (read, verify, write back) let parallel guesses all see the same
  // count, so 20 wrong PINs sent at once were all tried and the pad never locked.
  const attempt = await ctx.writer.run((trx) =>
    trx
      .updateTable('terminals')
      .set((eb) => ({ failed_pins: eb('failed_pins', '+', 1) }))
      .where('id', '=', terminalId)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso(now))]))
      .returning('failed_pins')
      .executeTakeFirst(),
  )
  if (!attempt || attempt.failed_pins > MAX_FAILURES) {
    const t = await db.selectFrom('terminals').select('locked_until').where('id', '=', terminalId).executeTakeFirst()
    throw locked(t?.locked_until ?? null)
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
    const lock = attempt.failed_pins >= MAX_FAILURES
    if (lock) {
      await ctx.writer.run((trx) =>
        trx
          .updateTable('terminals')
          .set({ failed_pins: 0, locked_until: nowIso(new Date(now.getTime() + LOCK_SECONDS * 1000)) })
          .where('id', '=', terminalId)
          .execute(),
      )
    }
    throw new PatronError('INVALID_PIN', 'Wrong PIN', { attemptsLeft: MAX_FAILURES - attempt.failed_pins })
  }
  const storeIds: string[] | null = match.store_ids ? JSON.parse(match.store_ids) : null
  if (storeIds && !storeIds.includes(terminal.store_id)) {
    // A right PIN at the wrong store is not a wrong PIN: the attempt is given back.
    await ctx.writer.run((trx) =>
      trx
        .updateTable('terminals')
        .set((eb) => ({ failed_pins: eb('failed_pins', '-', 1) }))
        .where('id', '=', terminalId)
        .where('failed_pins', '>', 0)
        .execute(),
    )
    throw new PatronError('STAFF_NOT_IN_STORE', `${match.name} is not assigned to this terminal's store`, { storeId: terminal.store_id })
  }
  // A good PIN clears the count; a lock set meanwhile by other attempts stays.
  await ctx.writer.run((trx) => trx.updateTable('terminals').set({ failed_pins: 0 }).where('id', '=', terminalId).execute())
  return createSession(ctx, match.id, terminal.id, terminal.store_id, false)
}
