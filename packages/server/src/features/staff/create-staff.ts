import { PatronError } from '@patron/core'
import type { AppContext, Role } from '../../context'
import type { Trx } from '../../db/writer'
import { newId, nowIso } from '../../util'
import { hashSecret, PIN_PATTERN, verifySecret } from './passwords'

export interface NewStaff {
  name: string
  email?: string | null
  role: Role
  password?: string | null
  pin?: string | null
  storeIds?: string[] | null
  maxDiscountPercent?: string
  /** Points a day this person may adjust by hand; null = no limit. Defaults by role. */
  dailyAdjustLimit?: number | null
}

const DEFAULT_ADJUST_LIMIT: Record<Role, number | null> = { owner: null, manager: 1000, cashier: 0 }

/** Creates a staff member. Hashing happens before the write transaction (it is slow on purpose). */
export async function createStaff(ctx: AppContext, orgId: string, input: NewStaff, trx?: Trx) {
  if (input.pin && !PIN_PATTERN.test(input.pin)) {
    throw new PatronError('VALIDATION_FAILED', 'A PIN is 4 to 6 digits', { fields: [{ field: 'pin', message: '4 to 6 digits' }] })
  }
  if (input.pin) await assertPinUnused(ctx, orgId, input.pin)
  const row = {
    id: newId(),
    org_id: orgId,
    name: input.name,
    email: input.email ? input.email.toLowerCase() : null,
    role: input.role,
    password_hash: input.password ? await hashSecret(input.password) : null,
    pin_hash: input.pin ? await hashSecret(input.pin) : null,
    store_ids: input.storeIds ? JSON.stringify(input.storeIds) : null,
    max_discount_percent: input.maxDiscountPercent ?? (input.role === 'cashier' ? '10' : '100'),
    active: 1 as const,
    failed_logins: 0,
    locked_until: null,
    created_at: nowIso(ctx.now()),
    daily_adjust_limit: input.dailyAdjustLimit === undefined ? DEFAULT_ADJUST_LIMIT[input.role] : input.dailyAdjustLimit,
  }
  const write = async (t: Trx) => {
    if (row.email) {
      const taken = await t.selectFrom('staff').select('id').where('email', '=', row.email).executeTakeFirst()
      if (taken) throw new PatronError('CONFLICT', 'A staff member with this email exists', { field: 'email' })
    }
    await t.insertInto('staff').values(row).execute()
  }
  if (trx) await write(trx)
  else await ctx.writer.run(write)
  return row
}

/** PINs identify the cashier at the till, so two staff of one organisation may not share one. */
async function assertPinUnused(ctx: AppContext, orgId: string, pin: string) {
  const rows = await ctx.db.kysely.selectFrom('staff').select(['pin_hash']).where('org_id', '=', orgId).where('pin_hash', 'is not', null).execute()
  for (const r of rows) {
    if (await verifySecret(r.pin_hash, pin)) throw new PatronError('CONFLICT', 'Another staff member uses this PIN', { field: 'pin' })
  }
}
