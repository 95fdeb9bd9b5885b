import type { Kysely } from 'kysely'
import { currency, percent, type PricingStore, type TaxRate } from '@patron/core'
import type { Database, Row } from '../../db/schema'
import { notFound } from '../../http/errors'
import { TtlCache } from '../../cache'

// Read on every sale, changed rarely: kept a few seconds (see TtlCache).
const stores = new TtlCache<Row<'stores'> | undefined>(5_000)
const terminals = new TtlCache<Row<'terminals'> | undefined>(5_000)
const pricing = new TtlCache<PricingStore>(5_000)

/** After a change to stores, terminals or tax rates through this instance. */
export function forgetStores(): void {
  stores.clear()
  terminals.clear()
  pricing.clear()
}

export async function getStore(db: Kysely<Database>, orgId: string, storeId: string) {
  const store = await stores.get(`${orgId}:${storeId}`, () => db.selectFrom('stores').selectAll().where('id', '=', storeId).where('org_id', '=', orgId).executeTakeFirst())
  if (!store) throw notFound('STORE_NOT_FOUND', 'Store', { storeId })
  return store
}

export async function getTerminal(db: Kysely<Database>, orgId: string, terminalId: string) {
  const t = await terminals.get(`${orgId}:${terminalId}`, () =>
    db
      .selectFrom('terminals as t')
      .innerJoin('stores as s', 's.id', 't.store_id')
      .selectAll('t')
      .where('t.id', '=', terminalId)
      .where('s.org_id', '=', orgId)
      .executeTakeFirst(),
  )
  if (!t) throw notFound('TERMINAL_NOT_FOUND', 'Terminal', { terminalId })
  return t
}

/** The store as the pricing in @patron/core needs it: currency, tax mode, rates per class. */
export function pricingStore(db: Kysely<Database>, store: Row<'stores'>): Promise<PricingStore> {
  return pricing.get(store.id, () => loadPricingStore(db, store))
}

async function loadPricingStore(db: Kysely<Database>, store: Row<'stores'>): Promise<PricingStore> {
  const rates = await db.selectFrom('tax_rates').selectAll().where('store_id', '=', store.id).orderBy('position').execute()
  const classes = await db.selectFrom('tax_classes').select('id').where('org_id', '=', store.org_id).execute()
  const byClass: Record<string, TaxRate[]> = {}
  // Every class of the organisation is known in every store: a class without rates here is zero-rated.
  for (const c of classes) byClass[c.id] = []
  for (const r of rates) byClass[r.tax_class_id].push({ id: r.id, name: r.name, rate: percent(r.rate_percent) })
  return {
    currency: currency(store.currency),
    taxMode: store.tax_mode,
    cashRoundingMinor: store.cash_rounding_minor,
    taxRatesByClass: byClass,
  }
}

export function toStoreView(s: Row<'stores'>) {
  return {
    id: s.id,
    code: s.code,
    name: s.name,
    currency: s.currency,
    taxMode: s.tax_mode,
    timeZone: s.time_zone,
    locale: s.locale,
    cashRoundingMinor: s.cash_rounding_minor,
    address: s.address,
    createdAt: s.created_at,
  }
}
