import { api, ApiError, fetchResponse } from '../../api/client'
import type { CategoryView, Page, ProductView } from '../../api/types'
import * as idb from './idb'
import { load, save } from './storage'
import { createStore } from './store'

interface Entry {
  product: ProductView
  /** Its position in `sorted` as of the last search index built (set by the index build). */
  pos: number
  /** The name in lower case, for search as you type (with the codes: haystackOf). */
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

/** What the register keeps about the snapshot it started from; the snapshot's text is in meta "snapshot". */
interface SnapshotInfo {
  etag: string | null
  asOf: string | null
  count: number
  takenAt: string
  /** The snapshot's rows were in name order for the collator of this locale (checked when it arrived): a reload with the same collator need not check again. */
  orderedFor?: string
}

/** GET /products/snapshot: every active product as rows of values under one list of columns. */
interface SnapshotBody {
  asOf: string | null
  count: number
  columns: string[]
  /** categoryId and taxClassId: the ids, rows hold positions in these lists. */
  values: Record<string, string[]>
  rows: unknown[][]
}

/**
 * Products changed since the snapshot (kept one by one in the "products" store) beyond which the
 * next refresh takes a new snapshot instead: loading stays one parse of one text, and a terminal
 * that was away for long catches up in one download instead of hundreds of pages.
 */
const COMPACT_AFTER = 2000

/** The snapshot's rows as product views (every row is an active product). */
function snapshotProducts(body: SnapshotBody): ProductView[] {
  const col = (name: string) => {
    const i = body.columns.indexOf(name)
    if (i < 0) throw new Error(`The catalogue snapshot has no ${name} column`)
    return i
  }
  const [id, sku, barcode, name, categoryId, priceMinor, taxClassId, nonEarning, trackStock, weighed, updatedAt] = ['id', 'sku', 'barcode', 'name', 'categoryId', 'priceMinor', 'taxClassId', 'nonEarning', 'trackStock', 'weighed', 'updatedAt'].map(col)
  const categories = body.values?.categoryId
  const taxClasses = body.values?.taxClassId
  if (!categories || !taxClasses) throw new Error('The catalogue snapshot has no category or tax class ids')
  const out = new Array<ProductView>(body.rows.length)
  for (let k = 0; k < body.rows.length; k++) {
    const r = body.rows[k]
    out[k] = {
      id: r[id] as string,
      sku: r[sku] as string,
      barcode: r[barcode] as string | null,
      name: r[name] as string,
      categoryId: r[categoryId] === null ? null : categories[r[categoryId] as number],
      priceMinor: r[priceMinor] as number,
      taxClassId: taxClasses[r[taxClassId] as number],
      nonEarning: r[nonEarning] as boolean,
      trackStock: r[trackStock] as boolean,
      weighed: r[weighed] as boolean,
      active: true,
      updatedAt: r[updatedAt] as string,
    }
  }
  return out
}

/** Runs fn when the browser is idle (after the frames due are painted), within a second at most. */
function idle(fn: (deadline: IdleDeadline) => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 1000 })
  else {
    // No idle callbacks (Node, old browsers): slices of 10 ms.
    setTimeout(() => {
      const end = performance.now() + 10
      fn({ didTimeout: false, timeRemaining: () => Math.max(0, end - performance.now()) })
    }, 0)
  }
}

/** A User Timing mark (DevTools' performance panel, the register bench). */
function mark(name: string): void {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name)
}

/** Everything the register uses of a product is the same (an active one: the catalogue keeps only those). */
function sameProduct(a: ProductView, b: ProductView): boolean {
  return (
    b.active &&
    a.updatedAt === b.updatedAt &&
    a.sku === b.sku &&
    a.barcode === b.barcode &&
    a.name === b.name &&
    a.categoryId === b.categoryId &&
    a.priceMinor === b.priceMinor &&
    a.taxClassId === b.taxClassId &&
    a.nonEarning === b.nonEarning &&
    a.trackStock === b.trackStock &&
    a.weighed === b.weighed
  )
}

function addCodes(byCode: Map<string, ProductView>, p: ProductView): void {
  if (p.barcode) byCode.set(p.barcode, p)
  byCode.set(p.sku.toUpperCase(), p)
}

/** A product's codes, unless another product has taken them since. */
function dropCodes(byCode: Map<string, ProductView>, p: ProductView): void {
  if (p.barcode && byCode.get(p.barcode)?.id === p.id) byCode.delete(p.barcode)
  const sku = p.sku.toUpperCase()
  if (byCode.get(sku)?.id === p.id) byCode.delete(sku)
}

const collator = new Intl.Collator()
/** The locale whose order the catalogue keeps (a kept snapshot says which order it was in). */
const COLLATOR_LOCALE = collator.resolvedOptions().locale

/** Name order (the collator's: case and accents do not split it), then id. */
function byName(a: Entry, b: Entry): number {
  return collator.compare(a.nameLower, b.nameLower) || (a.product.id < b.product.id ? -1 : a.product.id > b.product.id ? 1 : 0)
}

function entryOf(p: ProductView): Entry {
  return { product: p, pos: -1, nameLower: p.name.toLowerCase() }
}

/** What rank 3 of a search looks in: the name, the SKU and the barcode (made when the index is). */
function haystackOf(e: Entry): string {
  return `${e.nameLower}\u0000${e.product.sku.toLowerCase()}\u0000${(e.product.barcode ?? '').toLowerCase()}`
}

/** True when the entries are in name order already (one pass: a snapshot usually is). */
function inNameOrder(sorted: readonly Entry[]): boolean {
  for (let i = 1; i < sorted.length; i++) if (byName(sorted[i - 1], sorted[i]) > 0) return false
  return true
}

/** Two lists in name order as one. */
function mergeByName(a: readonly Entry[], b: readonly Entry[]): Entry[] {
  if (b.length === 0) return a.slice()
  const out = new Array<Entry>(a.length + b.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.length && j < b.length) out[k++] = byName(b[j], a[i]) < 0 ? b[j++] : a[i++]
  while (i < a.length) out[k++] = a[i++]
  while (j < b.length) out[k++] = b[j++]
  return out
}

/** Between the entries of SearchIndex.text: never in a query typed or scanned. */
const SEP = '\u0001'

/** Words (32 bits) in a name's signature: 128 bits. */
const SIG_WORDS = 4

/**
 * Sets in `sig` (from `at`) the signature of `text`: one bit per pair of neighbouring characters,
 * hashed into 128. A name that contains a query has every bit of the query's signature, so the
 * search reads only the names whose signature covers the query's ("alpina m": the Alpina products
 * with a word that starts with m, not every Alpina product).
 */
function signInto(sig: Uint32Array, at: number, text: string): void {
  for (let k = 1; k < text.length; k++) {
    const b = (Math.imul(text.charCodeAt(k - 1), 0x9e3779b1) ^ Math.imul(text.charCodeAt(k), 0x85ebca77)) >>> 25
    sig[at + (b >>> 5)] |= 1 << (b & 31)
  }
}

/** A query's signature as the [word, bits] pairs it needs (words with no bit left out). */
function queryMask(q: string): number[] {
  const sig = new Uint32Array(SIG_WORDS)
  signInto(sig, 0, q)
  const out: number[] = []
  for (let w = 0; w < SIG_WORDS; w++) if (sig[w] !== 0) out.push(w, sig[w] | 0)
  return out
}

interface SearchIndex {
  data: number
  /** Every distinct word of the names (split on spaces), sorted by code unit. */
  words: string[]
  /** For words[j]: the products (positions in `sorted`, ascending) whose name starts with it, and those with it later in the name. */
  firstOf: number[][]
  laterOf: number[][]
  /** Product i's name signature (signInto of its lower-case name) at nameSig[i * SIG_WORDS …]. */
  nameSig: Uint32Array
  /** Every product's haystack (haystackOf) in name order. */
  hay: string[]
  /** The haystacks joined by SEP; `starts[i]` is where product i's begins. */
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
  /** By id, and by barcode and SKU (upper case): built from `sorted` when first needed, so a snapshot shows before they exist. */
  private maps: { entries: Map<string, Entry>; byCode: Map<string, ProductView> } | null = { entries: new Map(), byCode: new Map() }
  private sorted: Entry[] = []
  categories: CategoryView[] = load<CategoryView[]>('categories', [])
  private syncing: Promise<void> | null = null
  /** Bumped whenever the products in memory change; the memos below are per data version. */
  private dataVersion = 0
  private index: SearchIndex | null = null
  /** A search index being built when idle, for data version `data`, up to product `at`. */
  private indexBuild: { data: number; at: number; byWord: Map<string, { first: number[]; later: number[] }>; starts: Int32Array; nameSig: Uint32Array; parts: string[]; offset: number } | null = null
  /** The lookup maps being built when idle, from `sorted` as it was, up to entry `at`. */
  private lookupsBuild: { sorted: readonly Entry[]; at: number; entries: Map<string, Entry>; byCode: Map<string, ProductView> } | null = null
  /** The snapshot the products in memory start from (null: none yet, the next refresh takes one). */
  private snapshot: SnapshotInfo | null = null
  /** Products changed since that snapshot, kept one by one in IndexedDB. */
  private readonly changedIds = new Set<string>()
  private nonEmptyMemo: { data: number; categories: CategoryView[]; result: CategoryView[] } | null = null

  get(id: string): ProductView | undefined {
    return this.lookups().entries.get(id)?.product
  }

  /** Exact barcode or SKU: what a scanner sends. */
  lookupCode(code: string): ProductView | undefined {
    const c = code.trim()
    const byCode = this.lookups().byCode
    return byCode.get(c) ?? byCode.get(c.toUpperCase())
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
      const i = this.lookups().entries.get(exact.id)?.pos ?? -1
      if (i >= 0 && sorted[i]?.product === exact) {
        out.push(exact)
        seen[i] = stamp
      }
    }
    // Ranks 1 and 2 come from the words of the names: the products with a word that starts with
    // the query's first word are the candidates, then checked against the whole query.
    // The candidates in ascending position (= name order), merged from the words' lists as far
    // as needed: a short query (one letter: thousands of candidates) stops after `limit` results
    // instead of collecting and sorting every candidate first.
    // Only names whose signature covers the query's can hold it: checked before the name.
    const mask = queryMask(q)
    const { nameSig } = ix
    const covers = (i: number) => {
      const at = i * SIG_WORDS
      for (let k = 0; k < mask.length; k += 2) if ((nameSig[at + mask[k]] & mask[k + 1]) !== mask[k + 1]) return false
      return true
    }
    const take = (lists: number[][], matches: (name: string) => boolean) =>
      mergeAscending(lists, (i) => {
        if (out.length >= limit) return false
        if (seen[i] !== stamp && covers(i) && matches(sorted[i].nameLower)) {
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
        for (const i of prev.hits) if (ix.hay[i].includes(q)) add(i)
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

  private searchIndex(): SearchIndex {
    if (this.index?.data !== this.dataVersion) this.buildIndex(() => false)
    return this.index!
  }

  /**
   * Builds the search index, or goes on with the one begun for this version; stops (false) when
   * `stop` says so between slices of products, so that building when idle never holds the page
   * for long. The index is in place when it returns true.
   */
  private buildIndex(stop: () => boolean): boolean {
    let b = this.indexBuild
    if (!b || b.data !== this.dataVersion) b = this.indexBuild = { data: this.dataVersion, at: 0, byWord: new Map(), starts: new Int32Array(this.sorted.length), nameSig: new Uint32Array(this.sorted.length * SIG_WORDS), parts: [], offset: 0 }
    const sorted = this.sorted
    const { byWord, starts, nameSig, parts } = b
    while (b.at < sorted.length) {
      const i = b.at++
      const e = sorted[i]
      e.pos = i
      const ws = e.nameLower.split(' ')
      for (let k = 0; k < ws.length; k++) {
        const w = ws[k]
        if (!w) continue
        let lists = byWord.get(w)
        if (!lists) byWord.set(w, (lists = { first: [], later: [] }))
        const list = k === 0 ? lists.first : lists.later
        if (list.at(-1) !== i) list.push(i) // a word twice in a name: the product once
      }
      signInto(nameSig, i * SIG_WORDS, e.nameLower)
      starts[i] = b.offset
      const hay = haystackOf(e)
      parts.push(hay)
      b.offset += hay.length + SEP.length
      if ((b.at & 2047) === 0 && stop()) return false
    }
    const words = [...byWord.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    this.index = {
      data: this.dataVersion,
      words,
      firstOf: words.map((w) => byWord.get(w)!.first),
      laterOf: words.map((w) => byWord.get(w)!.later),
      nameSig,
      hay: parts,
      text: parts.join(SEP),
      starts,
      seen: new Uint32Array(sorted.length),
      stamp: 0,
      scan: null,
    }
    this.indexBuild = null
    return true
  }

  private cacheLoad: Promise<void> | null = null

  /**
   * The catalogue as this browser last saw it: the snapshot, then the products changed since.
   * Read once per page (a reload starts it before the register's chunk has arrived; the register
   * then waits for the same read); a reset reads again.
   */
  loadCached(): Promise<void> {
    this.cacheLoad ??= this.readCache().catch((e) => {
      this.cacheLoad = null
      throw e
    })
    return this.cacheLoad
  }

  private async readCache(): Promise<void> {
    const [kept, info, changed, syncedAt] = await Promise.all([
      idb.getMeta<Blob | string>('snapshot'),
      idb.getMeta<SnapshotInfo>('snapshotInfo'),
      idb.getAll<ProductView>('products'),
      idb.getMeta<string>('syncedAt'),
    ])
    mark('catalog:cache-read')
    if (kept && info) {
      try {
        const text = typeof kept === 'string' ? kept : await kept.text()
        mark('catalog:cache-text')
        const body = JSON.parse(text) as SnapshotBody
        mark('catalog:cache-parsed')
        this.replaceAll(snapshotProducts(body), info.orderedFor === COLLATOR_LOCALE)
        this.snapshot = info
        mark('catalog:cache-in-memory')
      } catch {
        // A damaged copy: the next refresh downloads a new snapshot.
      }
    }
    for (const p of changed) this.changedIds.add(p.id)
    this.upsert(changed)
    this.status.set((s) => ({ ...s, ready: this.sorted.length > 0 || s.ready, syncedAt: syncedAt ?? null, version: s.version + 1, count: this.sorted.length }))
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
    this.cacheLoad = null
    await idb.clear('products')
    await idb.clear('meta')
    this.maps = { entries: new Map(), byCode: new Map() }
    this.sorted = []
    this.snapshot = null
    this.changedIds.clear()
    this.dataVersion++
    this.index = null
    this.status.set((s) => ({ ...s, ready: false, syncedAt: null, version: s.version + 1, count: 0 }))
  }

  private async doRefresh(): Promise<void> {
    this.status.set((s) => ({ ...s, syncing: true, error: null }))
    try {
      const cats = await api.get<Page<CategoryView>>('/categories')
      this.categories = cats.items
      save('categories', cats.items)
      // The first time (or after many changes): every product in one download.
      if (!this.snapshot || this.changedIds.size > COMPACT_AFTER) {
        try {
          await this.takeSnapshot()
        } catch (e) {
          // A server without snapshots (older than this register): the pages below bring everything.
          if (!(e instanceof ApiError && (e.status === 404 || e.status === 405))) throw e
        }
      }
      const since = await idb.getMeta<string>('updatedSince')
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
      // Only what differs from the products here is kept (the refresh after a snapshot brings the
      // newest second again).
      const applied = this.upsert(changed)
      await idb.putAll('products', applied)
      for (const p of applied) this.changedIds.add(p.id)
      // One second back: a product saved in the same millisecond as the newest one seen, but
      // committed after this read, is fetched again next time rather than missed.
      if (newest) await idb.setMeta('updatedSince', new Date(Date.parse(newest) - 1000).toISOString())
      const syncedAt = new Date().toISOString()
      await idb.setMeta('syncedAt', syncedAt)
      this.status.set((s) => ({ ...s, ready: true, syncing: false, syncedAt, version: s.version + 1, count: this.sorted.length }))
    } catch (e) {
      this.status.set((s) => ({ ...s, syncing: false, error: e instanceof Error ? e.message : String(e), ready: s.ready || this.sorted.length > 0 }))
      throw e
    }
  }

  /**
   * Downloads the snapshot (unless the one kept is still current: 304), puts it in memory and on
   * screen, then in IndexedDB with the point the incremental refresh continues from.
   */
  private async takeSnapshot(): Promise<void> {
    const res = await fetchResponse('/products/snapshot', { headers: this.snapshot?.etag ? { 'if-none-match': this.snapshot.etag } : {}, timeoutMs: 120_000 })
    if (res.status === 304) return
    // Kept as the Blob it arrived as: IndexedDB stores a Blob by reference, where a string of
    // megabytes would be copied on the main thread.
    const blob = await res.blob()
    const text = await blob.text()
    mark('catalog:snapshot-downloaded')
    const body = JSON.parse(text) as SnapshotBody
    mark('catalog:snapshot-parsed')
    const ordered = this.replaceAll(snapshotProducts(body))
    mark('catalog:snapshot-in-memory')
    const info: SnapshotInfo = { etag: res.headers.get('etag'), asOf: body.asOf, count: body.count, takenAt: new Date().toISOString(), ...(ordered ? { orderedFor: COLLATOR_LOCALE } : {}) }
    this.snapshot = info
    this.changedIds.clear()
    this.status.set((s) => ({ ...s, ready: true, version: s.version + 1, count: this.sorted.length }))
    // One second back, as for every refresh (see doRefresh).
    const since = body.asOf ? new Date(Date.parse(body.asOf) - 1000).toISOString() : null
    await idb.replaceSnapshot({ snapshot: blob, snapshotInfo: info, updatedSince: since })
    mark('catalog:snapshot-stored')
  }

  /** Every product in memory replaced by these (active ones, near or in name order: a snapshot). */
  /**
   * `ordered`: they are known to be in name order for this collator (a kept snapshot, checked
   * when it arrived), so not even checked. Returns whether they were in name order as given.
   */
  private replaceAll(products: ProductView[], ordered = false): boolean {
    const sorted = new Array<Entry>(products.length)
    for (let i = 0; i < products.length; i++) sorted[i] = entryOf(products[i])
    // A snapshot is in name order already when the server sorts as this browser does: one pass.
    const inOrder = ordered || inNameOrder(sorted)
    if (!inOrder) sorted.sort(byName)
    this.sorted = sorted
    this.maps = null
    this.changed()
    return inOrder
  }

  /** Products added, changed or deactivated: the name order is kept by merging, not sorting everything again. */
  /** Applies changes; returns those that changed anything (a product as it is already is skipped: no new version, no new index). */
  private upsert(changes: ProductView[]): ProductView[] {
    if (changes.length === 0) return []
    // The same product twice in one batch: the last one counts.
    const products = new Map(changes.map((p) => [p.id, p]))
    // Without the lookup maps yet (a snapshot just loaded: they are built later from the list),
    // the products already here are found in one pass over it.
    const maps = this.maps
    let before: Map<string, Entry>
    if (maps) before = maps.entries
    else {
      before = new Map()
      for (const e of this.sorted) if (products.has(e.product.id)) before.set(e.product.id, e)
    }
    const applied: ProductView[] = []
    const replaced = new Set<string>()
    const added: Entry[] = []
    for (const p of products.values()) {
      const old = before.get(p.id)
      if (old ? sameProduct(old.product, p) : !p.active) continue
      applied.push(p)
      if (old) {
        replaced.add(p.id)
        if (maps) {
          dropCodes(maps.byCode, old.product)
          maps.entries.delete(p.id)
        }
      }
      if (!p.active) continue
      const e = entryOf(p)
      if (maps) {
        maps.entries.set(p.id, e)
        addCodes(maps.byCode, p)
      }
      added.push(e)
    }
    if (applied.length === 0) return []
    const kept = replaced.size > 0 ? this.sorted.filter((e) => !replaced.has(e.product.id)) : this.sorted
    this.sorted = mergeByName(kept, added.sort(byName))
    this.changed()
    return applied
  }

  private lookups(): { entries: Map<string, Entry>; byCode: Map<string, ProductView> } {
    if (!this.maps) this.buildLookups(() => false)
    return this.maps!
  }

  /** Builds the lookup maps, or goes on with those begun; as buildIndex, stops when `stop` says so. */
  private buildLookups(stop: () => boolean): boolean {
    if (this.maps) return true
    let b = this.lookupsBuild
    if (!b || b.sorted !== this.sorted) b = this.lookupsBuild = { sorted: this.sorted, at: 0, entries: new Map(), byCode: new Map() }
    const { sorted, entries, byCode } = b
    while (b.at < sorted.length) {
      const e = sorted[b.at++]
      entries.set(e.product.id, e)
      addCodes(byCode, e.product)
      if ((b.at & 2047) === 0 && stop()) return false
    }
    this.maps = { entries, byCode }
    this.lookupsBuild = null
    return true
  }

  private changed(): void {
    this.dataVersion++
    this.index = null
    // The lookup maps and the search index are built soon after the change rather than on the
    // first scan or keystroke: when the browser is idle (after the products are painted), in
    // slices of a few milliseconds, so a key pressed meanwhile is handled at once (and finishes
    // what is left itself if it needs it).
    const version = this.dataVersion
    const step = (build: (stop: () => boolean) => boolean, done: string, next?: () => void) => {
      const run = (deadline: IdleDeadline) => {
        if (version !== this.dataVersion) return
        if (!build(() => deadline.timeRemaining() < 2)) return idle(run)
        mark(done)
        next?.()
      }
      idle(run)
    }
    step(
      (stop) => this.buildLookups(stop),
      'catalog:lookups-built',
      () => step((stop) => this.index?.data === version || this.buildIndex(stop), 'catalog:search-index-built'),
    )
  }

}

export const catalog = new Catalog()
