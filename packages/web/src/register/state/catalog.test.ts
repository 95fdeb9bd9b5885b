import { describe, expect, it } from 'vitest'
import type { ProductView } from '../../api/types'
import { Catalog } from './catalog'

/** The search as it was before the index (a scan of every product), to compare against. */
function scanSearch(products: ProductView[], query: string, limit = 60): ProductView[] {
  const q = query.trim().toLowerCase()
  if (!q) return []
  const sorted = products
    .filter((p) => p.active)
    .map((p) => ({ p, nameLower: p.name.toLowerCase(), haystack: `${p.name.toLowerCase()}\u0000${p.sku.toLowerCase()}\u0000${(p.barcode ?? '').toLowerCase()}` }))
    .sort((a, b) => a.nameLower.localeCompare(b.nameLower) || (a.p.id < b.p.id ? -1 : a.p.id > b.p.id ? 1 : 0))
  const first: ProductView[] = []
  const word: ProductView[] = []
  const rest: ProductView[] = []
  for (const e of sorted) {
    if (e.nameLower.startsWith(q)) first.push(e.p)
    else if (e.haystack.includes(q)) {
      if (e.nameLower.includes(' ' + q)) word.push(e.p)
      else rest.push(e.p)
    }
    if (first.length >= limit) break
  }
  return [...first, ...word, ...rest].slice(0, limit)
}

const BRANDS = ['Alpen', 'Bio Gold', 'Choco', 'Dark', 'Éclair', 'milk', 'Milka', 'Oat', 'Zebra']
const ITEMS = ['Chocolate', 'Dark Chocolate', 'Oat Milk', 'Coffee Beans', 'Apple Juice', 'choc chip cookies', 'Bread']

function products(n: number): ProductView[] {
  let seed = 7
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % k
  }
  return Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    sku: `SKU-${String(i).padStart(5, '0')}`,
    barcode: i % 5 === 0 ? null : String(4000000000000 + i * 7919),
    name: `${BRANDS[rnd(BRANDS.length)]} ${ITEMS[rnd(ITEMS.length)]} ${100 + rnd(900)}g`,
    priceMinor: 100 + i,
    categoryId: i % 3 === 0 ? 'c1' : i % 3 === 1 ? 'c2' : null,
    active: i % 50 !== 7,
    weighed: false,
  })) as unknown as ProductView[]
}

function catalogOf(list: ProductView[]): Catalog {
  const c = new Catalog()
  ;(c as unknown as { upsert(p: ProductView[]): void }).upsert(list)
  return c
}

describe('Catalog.search', () => {
  const list = products(3000)
  const c = catalogOf(list)
  const ids = (ps: ProductView[]) => ps.map((p) => p.id)

  it('ranks as the scan did: name prefix, a word of the name, then anywhere', () => {
    for (const q of ['a', 'c', 'ch', 'choc', 'chocolate', 'dark choc', 'milk', 'oat m', 'ocolat', '12', '500g', 'sku-0001', 'bio gold a', 'éc', 'zz', ' Dark ', 'e b', '0000']) {
      for (const limit of [60, 5, 1000]) {
        const want = scanSearch(list, q, limit)
        const exact = c.lookupCode(q)
        const got = c.search(q, limit)
        if (exact) expect(got[0].id).toBe(exact.id)
        expect(ids(got.filter((p) => p.id !== exact?.id)), `${q} / ${limit}`).toEqual(ids(want.filter((p) => p.id !== exact?.id)).slice(0, exact ? limit - 1 : limit))
      }
    }
  })

  it('builds its index and lookups in slices (when idle) to the same result, starting again after a change midway', () => {
    type Internals = Pick<Catalog, 'search' | 'lookupCode' | 'get'> & { buildIndex(stop: () => boolean): boolean; buildLookups(stop: () => boolean): boolean; replaceAll(p: ProductView[]): void; upsert(p: ProductView[]): void }
    const sliced = catalogOf(list) as unknown as Internals
    const whole = catalogOf(list) as unknown as typeof sliced
    const change = [{ ...list[5], name: 'Midway Melon' }, { ...list[6], active: false }]
    whole.upsert(change)
    let slices = 0
    while (!sliced.buildIndex(() => true)) if (++slices === 1) sliced.upsert(change)
    expect(slices).toBeGreaterThan(1)
    for (const q of ['m', 'midway', 'melon', 'choc', list[12].barcode!, 'sku-0000', list[6].sku]) expect(ids(sliced.search(q)), q).toEqual(ids(whole.search(q)))
    // Lookups after a snapshot: built in slices, a scan in between finishes them itself.
    const snap = new Catalog() as unknown as typeof sliced
    snap.replaceAll(list.filter((p) => p.active))
    expect(snap.buildLookups(() => true)).toBe(false)
    expect(snap.lookupCode(list[2999].sku)?.id).toBe(list[2999].active ? list[2999].id : undefined)
    expect(snap.get(list[1].id)?.id).toBe(list[1].id)
  })

  it('puts an exact barcode or SKU first', () => {
    const p = list[12]
    expect(c.search(p.barcode!)[0].id).toBe(p.id)
    expect(c.search(p.sku.toLowerCase())[0].id).toBe(p.id)
  })

  it('sees a change of the catalogue', () => {
    const d = catalogOf(list)
    expect(d.search('quux')).toEqual([])
    ;(d as unknown as { upsert(p: ProductView[]): void }).upsert([{ ...list[3], name: 'Quux Bar' }])
    expect(ids(d.search('quux'))).toEqual([list[3].id])
    expect(d.search('zebra chocolate').length).toBeGreaterThan(0)
  })
})

describe('Catalog order', () => {
  const named = (c: Catalog) => c.all().map((e) => e.product.id)
  const reference = (ps: ProductView[]) => {
    const collator = new Intl.Collator()
    return ps
      .filter((p) => p.active)
      .sort((a, b) => collator.compare(a.name.toLowerCase(), b.name.toLowerCase()) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((p) => p.id)
  }

  it.each(['changes merged in', 'a snapshot (lookups built later), then changes'])('keeps name order through renames, new products and deactivations, as a full sort would: %s', (how) => {
    let current = products(2000)
    let c = catalogOf(current)
    if (how !== 'changes merged in') {
      c = new Catalog()
      const active = current.filter((p) => p.active)
      // A snapshot: active products, in an order close to the collator's (here: code units).
      ;(c as unknown as { replaceAll(p: ProductView[]): void }).replaceAll(active.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1)))
    }
    expect(named(c)).toEqual(reference(current))
    let seed = 11
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % k
    }
    for (let round = 0; round < 20; round++) {
      const changes: ProductView[] = []
      for (let k = 0; k < 1 + rnd(40); k++) {
        const i = rnd(current.length + 5)
        const base = current[i] ?? { ...current[0], id: `new${round}-${k}`, sku: `NEW-${round}-${k}`, barcode: null }
        const kind = rnd(3)
        changes.push(kind === 0 ? { ...base, name: `${BRANDS[rnd(BRANDS.length)]} renamed ${rnd(50)}` } : kind === 1 ? { ...base, active: !base.active } : { ...base, priceMinor: base.priceMinor + 1 })
      }
      // Sometimes the same product twice in one batch: the last one counts.
      if (round % 5 === 0) changes.push({ ...changes[0], name: 'Zebra last word' })
      ;(c as unknown as { upsert(p: ProductView[]): void }).upsert(changes)
      const byId = new Map(current.map((p) => [p.id, p]))
      for (const p of changes) byId.set(p.id, p)
      current = [...byId.values()]
      expect(named(c), `round ${round}`).toEqual(reference(current))
      for (const p of changes) expect(c.lookupCode(p.sku)?.id).toBe(p.active ? p.id : undefined)
    }
  })

  it('a snapshot in name order is taken as it is, one out of order is sorted, and one kept as ordered is not checked again', () => {
    const active = products(500).filter((p) => p.active)
    const replaceAll = (c: Catalog, ps: ProductView[], ordered?: boolean) => (c as unknown as { replaceAll(p: ProductView[], ordered?: boolean): boolean }).replaceAll(ps, ordered)
    const inOrder = reference(active)
    const byId = new Map(active.map((p) => [p.id, p]))
    const ordered = inOrder.map((id) => byId.get(id)!)
    let c = new Catalog()
    expect(replaceAll(c, ordered)).toBe(true)
    expect(named(c)).toEqual(inOrder)
    c = new Catalog()
    expect(replaceAll(c, [...ordered].reverse())).toBe(false)
    expect(named(c)).toEqual(inOrder)
    expect(c.search('choc').length).toBeGreaterThan(0)
    // Kept as ordered for this collator: taken as given (the check ran when it arrived).
    c = new Catalog()
    expect(replaceAll(c, ordered, true)).toBe(true)
    expect(named(c)).toEqual(inOrder)
  })

  it('a barcode moved to another product finds the new one, not nothing', () => {
    const ps = products(10)
    const c = catalogOf(ps)
    const code = ps[1].barcode!
    ;(c as unknown as { upsert(p: ProductView[]): void }).upsert([{ ...ps[2], barcode: code }, { ...ps[1], barcode: null }])
    expect(c.lookupCode(code)?.id).toBe(ps[2].id)
  })
})

describe('Catalog categories', () => {
  it('lists the non-empty categories once per version and limits a category view', () => {
    const c = catalogOf(products(300))
    c.categories = [
      { id: 'c1', name: 'One' },
      { id: 'c2', name: 'Two' },
      { id: 'c3', name: 'Empty' },
    ] as never
    const a = c.nonEmptyCategories()
    expect(a.map((x) => x.id)).toEqual(['c1', 'c2'])
    expect(c.nonEmptyCategories()).toBe(a)
    expect(c.inCategory(null, 120)).toHaveLength(120)
    expect(c.inCategory('c1', 10).every((p) => p.categoryId === 'c1')).toBe(true)
    expect(c.inCategory('c1')).toHaveLength(c.all().filter((e) => e.product.categoryId === 'c1').length)
  })
})
