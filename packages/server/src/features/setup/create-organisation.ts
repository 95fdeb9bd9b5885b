import { currency, defaultRules, PatronError, type ProgramRules } from '@patron/core'
import type { AppContext } from '../../context'
import type { Trx } from '../../db/writer'
import { newId, nowIso } from '../../util'
import { createStaff } from '../staff/create-staff'

export interface NewStore {
  code: string
  name: string
  currency: string
  taxMode: 'inclusive' | 'exclusive'
  timeZone: string
  locale: string
  cashRoundingMinor?: number
  address?: string | null
}

export interface NewOrganisation {
  name: string
  store: NewStore
  /** Standard tax rate in percent for the default tax class, e.g. "19". */
  standardTaxPercent: string
  reducedTaxPercent?: string | null
  owner: { name: string; email: string; password: string; pin?: string | null }
  terminal?: { code: string; name: string }
  program?: { name: string; rules?: ProgramRules }
}

export function assertTimeZone(tz: string) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
  } catch {
    throw new PatronError('UNKNOWN_TIME_ZONE', `Unknown time zone "${tz}"`, { field: 'timeZone', value: tz })
  }
}

export function validateStore(s: NewStore) {
  currency(s.currency) // throws UNKNOWN_CURRENCY
  assertTimeZone(s.timeZone)
  try {
    new Intl.NumberFormat(s.locale)
  } catch {
    throw new PatronError('VALIDATION_FAILED', `Unknown locale "${s.locale}"`, { fields: [{ field: 'locale', message: 'unknown locale' }] })
  }
}

export async function insertStore(trx: Trx, orgId: string, s: NewStore, at: string) {
  const id = newId()
  await trx
    .insertInto('stores')
    .values({
      id,
      org_id: orgId,
      code: s.code,
      name: s.name,
      currency: currency(s.currency).code,
      tax_mode: s.taxMode,
      time_zone: s.timeZone,
      locale: s.locale,
      cash_rounding_minor: s.cashRoundingMinor ?? 0,
      address: s.address ?? null,
      created_at: at,
    })
    .execute()
  return id
}

/**
 * A real shop's first run (`patron init`) and the demo's start: the organisation, its first
 * store with tax classes and rates, a terminal, the owner, and a loyalty program (version 1).
 */
export async function createOrganisation(ctx: AppContext, input: NewOrganisation) {
  validateStore(input.store)
  const at = nowIso(ctx.now())
  const orgId = newId()
  const ids = await ctx.writer.run(async (trx) => {
    await trx.insertInto('organisations').values({ id: orgId, name: input.name, created_at: at }).execute()
    const storeId = await insertStore(trx, orgId, input.store, at)
    const standard = newId()
    await trx.insertInto('tax_classes').values({ id: standard, org_id: orgId, name: 'Standard', created_at: at }).execute()
    await trx
      .insertInto('tax_rates')
      .values({ id: newId(), store_id: storeId, tax_class_id: standard, name: `Tax ${input.standardTaxPercent} %`, rate_percent: input.standardTaxPercent, position: 0 })
      .execute()
    let reduced: string | null = null
    if (input.reducedTaxPercent) {
      reduced = newId()
      await trx.insertInto('tax_classes').values({ id: reduced, org_id: orgId, name: 'Reduced', created_at: at }).execute()
      await trx
        .insertInto('tax_rates')
        .values({ id: newId(), store_id: storeId, tax_class_id: reduced, name: `Tax ${input.reducedTaxPercent} %`, rate_percent: input.reducedTaxPercent, position: 0 })
        .execute()
    }
    const zero = newId()
    await trx.insertInto('tax_classes').values({ id: zero, org_id: orgId, name: 'Zero-rated', created_at: at }).execute()
    const terminalId = newId()
    const t = input.terminal ?? { code: '01', name: 'Till 1' }
    await trx.insertInto('terminals').values({ id: terminalId, store_id: storeId, code: t.code, name: t.name, last_receipt_no: 0, failed_pins: 0, locked_until: null, created_at: at }).execute()
    const programId = newId()
    const rules = input.program?.rules ?? defaultRules('points')
    await trx
      .insertInto('loyalty_programs')
      .values({ id: programId, org_id: orgId, name: input.program?.name ?? `${input.name} Rewards`, draft_rules: JSON.stringify(rules), created_at: at, updated_at: at })
      .execute()
    await trx
      .insertInto('program_versions')
      .values({ id: newId(), program_id: programId, version: 1, rules: JSON.stringify(rules), effective_at: at, published_at: at, published_by: null })
      .execute()
    await trx
      .insertInto('audit_log')
      .values({ org_id: orgId, actor_type: 'system', actor_id: null, action: 'organisation.created', target_type: 'organisation', target_id: orgId, details: JSON.stringify({ name: input.name }), created_at: at })
      .execute()
    return { storeId, terminalId, taxClassIds: { standard, reduced, zero }, programId }
  })
  const owner = await createStaff(ctx, orgId, { name: input.owner.name, email: input.owner.email, role: 'owner', password: input.owner.password, pin: input.owner.pin ?? null })
  return { orgId, ownerId: owner.id, ...ids }
}
