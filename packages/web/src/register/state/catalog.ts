import { api } from '../../api/client'
import type { CategoryView, Page, ProductView } from '../../api/types'
import * as idb from './idb'
import { load, save } from './storage'
import { createStore } from './store'

interface Entry {
  product: ProductView
  /** name, sku and barcode in lower case, for search as you type. */
  haystack: string
  nameLower: string
}

export interface CatalogStatus {
  /** Bumped on every change, so screens re-read. */
  version: number
  ready: boolean
  syncing: boolean
  syncedAt: string | null
  error: string | null
  count: number
}

const PAGE = 500

/**
 * The catalogue in the browser: every active product in memory (search and barcode lookup
 * never wait for the network), persisted in IndexedDB, refreshed incrementally with
 * updatedSince. Works offline from the last refresh.
 */
export class Catalog {
  readonly status = createStore<CatalogStatus>({ version: 0, ready: false, syncing: false, syncedAt: null, error: null, count: 0 })
  private entries = new Map<string, Entry>()
  private byCode = new Map<string, ProductView>()
  private sorted: Entry[] = []
  categories: CategoryView[] = load<CategoryView[]>('categories', [])
  private syncing: Promise<void> | null = null

  get(id: string): ProductView | undefined {
    return this.entries.get(id)?.product
  }

  /** Exact barcode or SKU: what a scanner sends. */
  lookupCode(code: string): ProductView | undefined {
    const c = code.trim()
    return this.byCode.get(c) ?? this.byCode.get(c.toUpperCase())
  }

  all(): readonly Entry[] {
    return this.sorted
  }

  inCategory(categoryId: string | null): ProductView[] {
    return this.sorted.filter((e) => categoryId === null || e.product.categoryId === categoryId).map((e) => e.product)
  }

  /**
   * Search as you type: name prefix first, then a word of the name, then anywhere in name, SKU
   * or barcode. One pass over the products in memory (100k in a few ms).
   */
  search(query: string, limit = 60): ProductView[] {
    const q = query.trim().toLowerCase()
    if (!q) return []
    const first: ProductView[] = []
    const word: ProductView[] = []
    const rest: ProductView[] = []
    for (const e of this.sorted) {
      if (e.nameLower.startsWith(q)) first.push(e.product)
      else if (e.haystack.includes(q)) {
        if (e.nameLower.includes(' ' + q)) word.push(e.product)
        else rest.push(e.product)
      }
      if (first.length >= limit) break
    }
    return [...first, ...word, ...rest].slice(0, limit)
  }

  async loadCached(): Promise<void> {
    const products = await idb.getAll<ProductView>('products')
    this.upsert(products)
    const syncedAt = (await idb.getMeta<string>('syncedAt')) ?? null
    this.status.set((s) => ({ ...s, ready: products.length > 0 || s.ready, syncedAt, version: s.version + 1, count: this.entries.size }))
  }

  /** Fetches what changed since the last refresh (everything the first time). */
  refresh(): Promise<void> {
    this.syncing ??= this.doRefresh().finally(() => {
      this.syncing = null
    })
    return this.syncing
  }

  /** Drops the cache (another organisation's terminal, or a reset). */
  async reset(): Promise<void> {
    await idb.clear('products')
    await idb.clear('meta')
    this.entries.clear()
    this.byCode.clear()
    this.sorted = []
    this.status.set((s) => ({ ...s, ready: false, syncedAt: null, version: s.version + 1, count: 0 }))
  }

  private async doRefresh(): Promise<void> {
    this.status.set((s) => ({ ...s, syncing: true, error: null }))
    try {
      const since = await idb.getMeta<string>('updatedSince')
      const cats = await api.get<Page<CategoryView>>('/categories')
      this.categories = cats.items
      save('categories', cats.items)
      let cursor: string | null | undefined
      let newest = since ?? ''
      const changed: ProductView[] = []
      do {
        const params = new URLSearchParams({ limit: String(PAGE) })
        if (since) params.set('updatedSince', since)
        if (cursor) params.set('cursor', cursor)
        const page = await api.get<Page<ProductView>>(`/products?${params}`)
        for (const p of page.items) {
          changed.push(p)
          if (p.updatedAt > newest) newest = p.updatedAt
        }
        cursor = page.nextCursor
      } while (cursor)
      await idb.putAll('products', changed)
      this.upsert(changed)
      // One second back: a product saved in the same millisecond as the newest one seen, but
      // committed after this read, is fetched again next time rather than missed.
      if (newest) await idb.setMeta('updatedSince', new Date(Date.parse(newest) - 1000).toISOString())
      const syncedAt = new Date().toISOString()
      await idb.setMeta('syncedAt', syncedAt)
      this.status.set((s) => ({ ...s, ready: true, syncing: false, syncedAt, version: s.version + 1, count: this.entries.size }))
    } catch (e) {
      this.status.set((s) => ({ ...s, syncing: false, error: e instanceof Error ? e.message : String(e), ready: s.ready || this.entries.size > 0 }))
      throw e
    }
  }

  private upsert(products: ProductView[]): void {
    if (products.length === 0) return
    for (const p of products) {
      const old = this.entries.get(p.id)
      if (old) {
        if (old.product.barcode) this.byCode.delete(old.product.barcode)
        this.byCode.delete(old.product.sku.toUpperCase())
      }
      if (!p.active) {
        this.entries.delete(p.id)
        continue
      }
      const nameLower = p.name.toLowerCase()
      this.entries.set(p.id, { product: p, nameLower, haystack: `${nameLower}\u0000${p.sku.toLowerCase()}\u0000${(p.barcode ?? '').toLowerCase()}` })
      if (p.barcode) this.byCode.set(p.barcode, p)
      this.byCode.set(p.sku.toUpperCase(), p)
    }
    this.sorted = [...this.entries.values()].sort((a, b) => a.nameLower.localeCompare(b.nameLower))
  }
}

export const catalog = new Catalog()
