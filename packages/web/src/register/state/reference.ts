import { compileRules, currency, percent, type CompiledRules, type PricingStore, type TaxRate } from '@patron/core'
import { api } from '../../api/client'
import type { Page, ProgramView, StoreView, TaxClassView } from '../../api/types'
import { load, save } from './storage'
import { createStore } from './store'

/** What the register needs to price and to preview points, cached for an offline start. */
export interface Reference {
  store: StoreView
  taxClasses: TaxClassView[]
  program: ProgramView | null
  fetchedAt: string
}

export const reference = createStore<Reference | null>(load<Reference | null>('reference', null), (r) => save('reference', r))

/** Loads the store, its tax rates and the loyalty program in force; keeps the cache when offline. */
export async function refreshReference(storeId: string): Promise<Reference> {
  const [stores, taxClasses, program] = await Promise.all([
    api.get<Page<StoreView>>('/stores'),
    api.get<Page<TaxClassView>>('/tax-classes'),
    api.get<ProgramView>('/loyalty/program').catch((e) => {
      // A shop without a published program sells without points.
      if (e?.status === 404) return null
      throw e
    }),
  ])
  const store = stores.items.find((s) => s.id === storeId)
  if (!store) throw new Error('This terminal’s store is not visible to you')
  const next: Reference = { store, taxClasses: taxClasses.items, program, fetchedAt: new Date().toISOString() }
  reference.set(next)
  return next
}

let pricingMemo: { ref: Reference; pricing: PricingStore } | null = null
/**
 * The store as @patron/core prices it, built exactly like the server's pricingStore(): every
 * tax class of the organisation, with this store's rates in their order (none = zero-rated).
 */
export function pricingOf(ref: Reference): PricingStore {
  if (pricingMemo?.ref === ref) return pricingMemo.pricing
  const byClass: Record<string, TaxRate[]> = {}
  for (const c of ref.taxClasses) {
    byClass[c.id] = c.rates.filter((r) => r.storeId === ref.store.id).map((r) => ({ id: r.id, name: r.name, rate: percent(r.ratePercent) }))
  }
  const pricing: PricingStore = {
    currency: currency(ref.store.currency),
    taxMode: ref.store.taxMode,
    cashRoundingMinor: ref.store.cashRoundingMinor,
    taxRatesByClass: byClass,
  }
  pricingMemo = { ref, pricing }
  return pricing
}

let rulesMemo: { program: ProgramView; compiled: CompiledRules } | null = null
/** The program's rules compiled once per version (the earn preview runs on every cart change). */
export function compiledRules(program: ProgramView | null): CompiledRules | null {
  if (!program) return null
  if (rulesMemo?.program.versionId === program.versionId) return rulesMemo.compiled
  try {
    rulesMemo = { program, compiled: compileRules(program.rules) }
    return rulesMemo.compiled
  } catch {
    return null
  }
}
