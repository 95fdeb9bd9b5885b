import { promisify } from 'node:util'
import zlib from 'node:zlib'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/schema'

const gzip = promisify(zlib.gzip)

/** The columns of a snapshot row, in order: a product of GET /products without createdAt and active. */
export const SNAPSHOT_COLUMNS = ['id', 'sku', 'barcode', 'name', 'categoryId', 'priceMinor', 'taxClassId', 'nonEarning', 'trackStock', 'weighed', 'updatedAt'] as const

/**
 * Every active product of an organisation in one answer, for a register's first download: rows of
 * values under one list of column names, the category and tax class ids as positions in lists of
 * those (`values`): half the JSON of product objects. In name order, gzipped once and kept.
 * 100k products: ~14 MB of JSON, ~3 MB gzipped, one request instead of 200 pages.
 *
 * A snapshot may lag the catalogue: while a newer one is being built, the last one is served
 * (from STALE_FROM products, and unless their number moved by more than STALE_COUNT_LIMIT). That is safe because a
 * register continues from the snapshot's `asOf` with the incremental GET /products?updatedSince=,
 * which brings every product changed since, deactivations included.
 */
export interface CatalogSnapshot {
  /** The catalogue state it was built from: count, newest edit, writes through this process. */
  key: string
  etag: string
  /** The newest updatedAt of any product (active or not) when taken; an incremental refresh continues from it. */
  asOf: string | null
  /** Active products in it. */
  count: number
  /** All products of the organisation (active or not) when built: what a request's state is compared with. */
  total: number
  json: Buffer
  gzip: Buffer
  /** How long the build took (ms): answered as Server-Timing. */
  buildMs: number
}

/** Rows read (and stringified) per step; the event loop gets a turn between steps. */
const CHUNK = 5000
/** Beyond this change in the number of products, a request waits for the new snapshot instead of taking the last one. */
const STALE_COUNT_LIMIT = 1000
/** Below this many products a build takes a few milliseconds: a request waits for the fresh snapshot. */
const STALE_FROM = 5000
/** A product write schedules a rebuild this long after the last one (a bulk edit: one rebuild). */
const REBUILD_DEBOUNCE_MS = 2000

/** Names compare as the register sorts them (it re-sorts only what is out of this order: little or nothing). */
const collator = new Intl.Collator('en')

/** Distinct values in order of first use, and each one's position. */
class Positions {
  readonly list: string[] = []
  private readonly at = new Map<string, number>()
  of(value: string): number {
    let i = this.at.get(value)
    if (i === undefined) {
      i = this.list.length
      this.list.push(value)
      this.at.set(value, i)
    }
    return i
  }
}

const caches = new WeakMap<object, SnapshotCache>()

/** The snapshot cache of an app context (one per running app). */
export function snapshotsOf(ctx: { db: { kysely: Kysely<Database> } }): SnapshotCache {
  let cache = caches.get(ctx)
  if (!cache) caches.set(ctx, (cache = new SnapshotCache(ctx.db.kysely)))
  return cache
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

interface Slot {
  /** The last snapshot built. */
  current: CatalogSnapshot | null
  /** A build in flight, and for which state. */
  building: { key: string; value: Promise<CatalogSnapshot> } | null
  timer: NodeJS.Timeout | null
}

/**
 * The snapshots of the organisations asked for lately, one each. A request checks the catalogue's
 * state (one indexed max() and count()) and gets the snapshot of that state, or the last one while
 * the next is built (see CatalogSnapshot). Product writes through this process rebuild in the
 * background; builds read in chunks, so other requests are not held up behind one.
 */
export class SnapshotCache {
  private readonly slots = new Map<string, Slot>()
  private readonly generations = new Map<string, number>()
  private closed = false

  private readonly maxOrgs: number
  private readonly staleFrom: number

  constructor(
    private readonly db: Kysely<Database>,
    options: { maxOrgs?: number; staleFrom?: number } = {},
  ) {
    this.maxOrgs = options.maxOrgs ?? 16
    this.staleFrom = options.staleFrom ?? STALE_FROM
  }

  async get(orgId: string): Promise<CatalogSnapshot> {
    const { key, count } = await this.state(orgId)
    const slot = this.slot(orgId)
    if (slot.current?.key === key) return slot.current
    const fresh = this.build(orgId, slot, key)
    const stale = slot.current
    if (stale && stale.count >= this.staleFrom && Math.abs(stale.total - count) <= STALE_COUNT_LIMIT) {
      fresh.catch(() => {})
      return stale
    }
    return fresh
  }

  /** A product of the organisation was written through this process. */
  changed(orgId: string): void {
    this.generations.set(orgId, (this.generations.get(orgId) ?? 0) + 1)
    const slot = this.slots.get(orgId)
    // Kept up to date only where registers have asked for one.
    if (!slot || this.closed) return
    if (slot.timer) clearTimeout(slot.timer)
    slot.timer = setTimeout(() => {
      slot.timer = null
      this.get(orgId).catch(() => {})
    }, REBUILD_DEBOUNCE_MS)
    slot.timer.unref()
  }

  /** Builds the snapshots of the organisations with terminals, so no register waits for the first one. */
  async warm(): Promise<void> {
    const orgs = await this.db
      .selectFrom('terminals')
      .innerJoin('stores', 'stores.id', 'terminals.store_id')
      .select('stores.org_id')
      .distinct()
      .limit(this.maxOrgs)
      .execute()
    for (const { org_id } of orgs) {
      if (this.closed) return
      await this.get(org_id)
    }
  }

  close(): void {
    this.closed = true
    for (const slot of this.slots.values()) if (slot.timer) clearTimeout(slot.timer)
  }

  private slot(orgId: string): Slot {
    let slot = this.slots.get(orgId)
    if (!slot) {
      if (this.slots.size >= this.maxOrgs) this.slots.delete(this.slots.keys().next().value!)
      slot = { current: null, building: null, timer: null }
      this.slots.set(orgId, slot)
    }
    return slot
  }

  private async state(orgId: string): Promise<{ key: string; count: number; newest: string | null }> {
    const head = await this.db
      .selectFrom('products')
      .select([sql<string | null>`max(updated_at)`.as('newest'), sql<number | string>`count(*)`.as('n')])
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow()
    const count = Number(head.n)
    return { key: `${count}|${head.newest ?? ''}|${this.generations.get(orgId) ?? 0}`, count, newest: head.newest }
  }

  private build(orgId: string, slot: Slot, key: string): Promise<CatalogSnapshot> {
    if (slot.building?.key === key) return slot.building.value
    const value = this.read(orgId, key).then((snap) => {
      // A build that finished after a newer one does not replace it.
      if (!slot.current || slot.current.key !== key) slot.current = snap
      return snap
    })
    slot.building = { key, value }
    const clear = () => {
      if (slot.building?.value === value) slot.building = null
    }
    value.then(clear, clear)
    return value
  }

  private async read(orgId: string, key: string): Promise<CatalogSnapshot> {
    const started = performance.now()
    const { newest, count: total } = await this.state(orgId)
    const products: { id: string; sku: string; barcode: string | null; name: string; category_id: string | null; price_minor: number; tax_class_id: string; non_earning: number; track_stock: number; weighed: number; updated_at: string }[] = []
    for (let after = ''; ; ) {
      if (this.closed) throw new Error('closed')
      const chunk = await this.db
        .selectFrom('products')
        .select(['id', 'sku', 'barcode', 'name', 'category_id', 'price_minor', 'tax_class_id', 'non_earning', 'track_stock', 'weighed', 'updated_at'])
        .where('org_id', '=', orgId)
        .where('active', '=', 1)
        .where('id', '>', after)
        .orderBy('id')
        .limit(CHUNK)
        .execute()
      for (const p of chunk) products.push(p)
      if (chunk.length < CHUNK) break
      after = chunk[chunk.length - 1].id
      await turn()
    }
    // Name order: by code unit first (fast), then the collator's order, which the first leaves
    // nearly in place (the sort then only mends: one pass of comparisons).
    const lower = products.map((p) => p.name.toLowerCase())
    const order = products.map((_, i) => i)
    order.sort((a, b) => (lower[a] < lower[b] ? -1 : lower[a] > lower[b] ? 1 : products[a].id < products[b].id ? -1 : 1))
    order.sort((a, b) => collator.compare(lower[a], lower[b]) || (products[a].id < products[b].id ? -1 : 1))
    // Category and tax class ids repeat on every row: each is written once, rows carry its position.
    const categories = new Positions()
    const taxClasses = new Positions()
    const parts: string[] = []
    for (let from = 0; from < order.length; from += CHUNK) {
      if (from > 0) await turn()
      const rows = order.slice(from, from + CHUNK).map((i) => {
        const p = products[i]
        const category = p.category_id === null ? null : categories.of(p.category_id)
        return [p.id, p.sku, p.barcode, p.name, category, Number(p.price_minor), taxClasses.of(p.tax_class_id), p.non_earning === 1, p.track_stock === 1, p.weighed === 1, p.updated_at]
      })
      parts.push(JSON.stringify(rows).slice(1, -1))
    }
    const head = { asOf: newest, count: products.length, columns: SNAPSHOT_COLUMNS, values: { categoryId: categories.list, taxClassId: taxClasses.list } }
    const json = Buffer.from(`${JSON.stringify(head).slice(0, -1)},"rows":[${parts.join(',')}]}`)
    const packed = await gzip(json, { level: 4 })
    return { key, etag: `"cat-${Buffer.from(key).toString('base64url')}"`, asOf: newest, count: products.length, total, json, gzip: packed, buildMs: performance.now() - started }
  }
}
