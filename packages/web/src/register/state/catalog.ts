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

/** Between the entries of SearchIndex.text: never in a query typed or scanned. */
const SEP = '\u0001'

interface SearchIndex {
  data: number
  /** Product id → position in `sorted`. */
  position: Map<string, number>
  /** Every distinct word of the names (split on spaces), sorted by code unit. */
  words: string[]
  /** For words[j]: the products (positions in `sorted`, ascending) whose name starts with it, and those with it later in the name. */
  firstOf: number[][]
  laterOf: number[][]
  /** Every product's haystack in name order, joined by SEP; `starts[i]` is where product i's begins. */
  text: string
  starts: Int32Array
  /** Per-search marks (products already in the results), reused: a search bumps `stamp`. */
  seen: Uint32Array
  stamp: number
  /** The last rank-3 scan that ran to the end with few hits: every product whose haystack contains q. */
  scan: { q: string; hits: readonly number[] } | null
}

/** Hits of a rank-3 scan kept for the next, longer query (beyond this many, the scan stops at `limit`). */
const SCAN_KEEP = 256

/** First position in `a` (sorted) whose value is ≥ x. */
function lowerBound(a: readonly string[], x: string): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First position in `a` (sorted) whose value is > x. */
function upperBound(a: Int32Array, x: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Visits the values of several ascending lists in ascending order (a value in two lists comes
 * twice) until `visit` returns false: the caller stops when it has enough, without collecting
 * and sorting every value first. A binary heap of the lists' heads.
 */
function mergeAscending(lists: readonly (readonly number[])[], visit: (value: number) => boolean): void {
  const ls = lists.filter((l) => l.length > 0)
  if (ls.length === 1) {
    const l = ls[0]
    for (let k = 0; k < l.length; k++) if (!visit(l[k])) return
    return
  }
  // heap[k]: a list index, ordered by its next value ls[l][at[l]].
  const at = new Int32Array(ls.length)
  const heap = ls.map((_, l) => l)
  const head = (l: number) => ls[l][at[l]]
  const down = (k: number) => {
    const n = heap.length
    for (;;) {
      const a = 2 * k + 1
      if (a >= n) return
      const b = a + 1
      const c = b < n && head(heap[b]) < head(heap[a]) ? b : a
      if (head(heap[c]) >= head(heap[k])) return
      const t = heap[k]
      heap[k] = heap[c]
      heap[c] = t
      k = c
    }
  }
  for (let k = (heap.length >> 1) - 1; k >= 0; k--) down(k)
  while (heap.length > 0) {
    const l = heap[0]
    if (!visit(ls[l][at[l]++])) return
    if (at[l] >= ls[l].length) {
      const last = heap.pop()!
      if (heap.length === 0) return
      heap[0] = last
    }
    down(0)
  }
}

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
  /** Bumped whenever the products in memory change; the memos below are per data version. */
  private dataVersion = 0
  private index: SearchIndex | null = null
  private nonEmptyMemo: { data: number; categories: CategoryView[]; result: CategoryView[] } | null = null

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

  /** The products of a category (all for null), in name order; at most `limit` (the rest is not computed). */
  inCategory(categoryId: string | null, limit = Infinity): ProductView[] {
    const out: ProductView[] = []
    for (const e of this.sorted) {
      if (out.length >= limit) break
      if (categoryId === null || e.product.categoryId === categoryId) out.push(e.product)
    }
    return out
  }

  /** The categories that have at least one product: computed once per catalogue version. */
  nonEmptyCategories(): CategoryView[] {
    const m = this.nonEmptyMemo
    if (m && m.data === this.dataVersion && m.categories === this.categories) return m.result
    const used = new Set<string | null>()
    for (const e of this.sorted) used.add(e.product.categoryId)
    const result = this.categories.filter((c) => used.has(c.id))
    this.nonEmptyMemo = { data: this.dataVersion, categories: this.categories, result }
    return result
  }

  /**
   * Search as you type, ranked: an exact barcode or SKU first, then name prefix, then a word of
   * the name, then anywhere in name, SKU or barcode; name order within each rank. Uses an index
   * built once per catalogue version (see SearchIndex), so a keystroke does not scan every product.
   */
  search(query: string, limit = 60): ProductView[] {
    const q = query.trim().toLowerCase()
    if (!q || limit <= 0) return []
    const ix = this.searchIndex()
    const sorted = this.sorted
    const stamp = ++ix.stamp
    const seen = ix.seen
    const out: ProductView[] = []
    const exact = this.lookupCode(query)
    if (exact) {
      const i = ix.position.get(exact.id)
      if (i !== undefined) {
        out.push(exact)
        seen[i] = stamp
      }
    }
    // Ranks 1 and 2 come from the words of the names: the products with a word that starts with
    // the query's first word are the candidates, then checked against the whole query.
    // The candidates in ascending position (= name order), merged from the words' lists as far
    // as needed: a short query (one letter: thousands of candidates) stops after `limit` results
    // instead of collecting and sorting every candidate first.
    const take = (lists: number[][], matches: (name: string) => boolean) =>
      mergeAscending(lists, (i) => {
        if (out.length >= limit) return false
        if (seen[i] !== stamp && matches(sorted[i].nameLower)) {
          seen[i] = stamp
          out.push(sorted[i].product)
        }
        return true
      })
    const head = q.split(' ')[0]
    const lo = lowerBound(ix.words, head)
    let hi = lo
    while (hi < ix.words.length && ix.words[hi].startsWith(head)) hi++
    const spaced = ' ' + q
    take(ix.firstOf.slice(lo, hi), (name) => name.startsWith(q))
    if (out.length < limit) take(ix.laterOf.slice(lo, hi), (name) => !name.startsWith(q) && name.includes(spaced))
    // Rank 3: anywhere in name, SKU or barcode, found with indexOf over one string of them all;
    // or, when the query contains the last query fully scanned (typing on: "sku-042" → "sku-0421"),
    // among that query's few hits only.
    if (out.length < limit && !q.includes(SEP)) {
      const hits: number[] = []
      const add = (i: number) => {
        hits.push(i)
        if (out.length < limit && seen[i] !== stamp) {
          seen[i] = stamp
          out.push(sorted[i].product)
        }
      }
      const prev = ix.scan
      if (prev && q.includes(prev.q)) {
        for (const i of prev.hits) if (sorted[i].haystack.includes(q)) add(i)
        ix.scan = { q, hits }
      } else {
        const { text, starts } = ix
        let from = 0
        let complete = false
        // Past `limit` the scan goes on only while the hits stay few enough to keep.
        while (out.length < limit || hits.length <= SCAN_KEEP) {
          const at = text.indexOf(q, from)
          if (at < 0) {
            complete = true
            break
          }
          const i = upperBound(starts, at) - 1
          add(i)
          from = i + 1 < starts.length ? starts[i + 1] : text.length
        }
        if (complete && hits.length <= SCAN_KEEP) ix.scan = { q, hits }
      }
    }
    return out
  }

  /** Builds the search index ahead of the first keystroke (after a load or refresh). */
  prepareSearch(): void {
    this.searchIndex()
  }

  private searchIndex(): SearchIndex {
    if (this.index?.data === this.dataVersion) return this.index
    const sorted = this.sorted
    const position = new Map<string, number>()
    const byWord = new Map<string, { first: number[]; later: number[] }>()
    const starts = new Int32Array(sorted.length)
    const parts: string[] = []
    let offset = 0
    for (let i = 0; i < sorted.length; i++) {
      const e = sorted[i]
      position.set(e.product.id, i)
      const ws = e.nameLower.split(' ')
      for (let k = 0; k < ws.length; k++) {
        const w = ws[k]
        if (!w) continue
        let lists = byWord.get(w)
        if (!lists) byWord.set(w, (lists = { first: [], later: [] }))
        const list = k === 0 ? lists.first : lists.later
        if (list.at(-1) !== i) list.push(i) // a word twice in a name: the product once
      }
      starts[i] = offset
      parts.push(e.haystack)
      offset += e.haystack.length + SEP.length
    }
    const words = [...byWord.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    this.index = {
      data: this.dataVersion,
      position,
      words,
      firstOf: words.map((w) => byWord.get(w)!.first),
      laterOf: words.map((w) => byWord.get(w)!.later),
      text: parts.join(SEP),
      starts,
      seen: new Uint32Array(sorted.length),
      stamp: 0,
      scan: null,
    }
    return this.index
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
    this.dataVersion++
    this.index = null
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
    this.dataVersion++
    this.index = null
    // The index is built once per version, soon after the change rather than on the first keystroke.
    setTimeout(() => this.prepareSearch(), 0)
  }
}

export const catalog = new Catalog()
