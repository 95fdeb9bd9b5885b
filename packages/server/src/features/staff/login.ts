import { PatronError } from '@patron/core'
import type { AppContext } from '../../context'
import { forgetSession, newSessionToken } from '../../http/auth'
import { nowIso, sha256 } from '../../util'
import { findStaffByEmail } from './staff.queries'
import { verifySecret } from './passwords'

const MAX_FAILURES = 5
const LOCK_MINUTES = 15

/** Password login for the back office. Five bad passwords lock the account for 15 minutes. */
export async function loginWithPassword(ctx: AppContext, email: string, password: string) {
  const now = ctx.now()
  const staff = await findStaffByEmail(ctx.db.kysely, email)
  if (staff?.locked_until && staff.locked_until > nowIso(now)) {
    throw new PatronError('TOO_MANY_ATTEMPTS', 'Too many failed sign-ins; try again later', { retryAfter: staff.locked_until })
  }
  const ok = staff !== undefined && staff.active === 1 && (await verifySecret(staff.password_hash, password))
  if (!ok) {
    if (staff) {
      const failures = staff.failed_logins + 1
      await ctx.writer.run((trx) =>
        trx
          .updateTable('staff')
          .set({
            failed_logins: failures >= MAX_FAILURES ? 0 : failures,
            locked_until: failures >= MAX_FAILURES ? nowIso(new Date(now.getTime() + LOCK_MINUTES * 60_000)) : staff.locked_until,
          })
          .where('id', '=', staff.id)
          .execute(),
      )
    }
    throw new PatronError('INVALID_CREDENTIALS', 'Email or password is wrong')
  }
  return createSession(ctx, staff!.id, null, null, staff!.failed_logins > 0)
}

export async function createSession(ctx: AppContext, staffId: string, terminalId: string | null, storeId: string | null, resetFailures: boolean) {
  const token = newSessionToken()
  const now = ctx.now()
  const expiresAt = nowIso(new Date(now.getTime() + ctx.config.sessionTtlMinutes * 60_000))
  await ctx.writer.run(async (trx) => {
    await trx
      .insertInto('staff_sessions')
      .values({ id: sha256(token), staff_id: staffId, terminal_id: terminalId, store_id: storeId, created_at: nowIso(now), expires_at: expiresAt })
      .execute()
    if (resetFailures) await trx.updateTable('staff').set({ failed_logins: 0, locked_until: null }).where('id', '=', staffId).execute()
  })
  return { token, expiresAt, staffId }
}

export async function logout(ctx: AppContext, sessionId: string) {
  await ctx.writer.run((trx) => trx.deleteFrom('staff_sessions').where('id', '=', sessionId).execute())
  forgetSession(sessionId)
}

