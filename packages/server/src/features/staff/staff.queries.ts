import type { Kysely } from 'kysely'
import type { Database, Row } from '../../db/schema'

export function findStaffByEmail(db: Kysely<Database>, email: string) {
  return db.selectFrom('staff').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst()
}

export function listStaff(db: Kysely<Database>, orgId: string) {
  return db.selectFrom('staff').selectAll().where('org_id', '=', orgId).orderBy('name').execute()
}

export function toStaffView(row: Row<'staff'>) {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    storeIds: row.store_ids ? (JSON.parse(row.store_ids) as string[]) : null,
    maxDiscountPercent: row.max_discount_percent,
    active: row.active === 1,
    hasPin: row.pin_hash !== null,
    dailyAdjustLimit: row.daily_adjust_limit,
    createdAt: row.created_at,
  }
}
