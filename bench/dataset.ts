/**
 * Benchmark dataset: a shop with many members and products, written FAST straight into a fresh
 * database (bulk inserts in big transactions, not through the HTTP API).
 *
 * What it makes:
 * - the organisation, store, tax classes, first terminal, owner and loyalty program through
 *   createOrganisation (the product's own use case), with 3 earn rules (a category multiplier,
 *   a spend threshold bonus, a per-visit bonus) and 2 tiers;
 * - `terminals` registers (the first one is createOrganisation's), each with an open cash session;
 * - a cashier with a PIN, signed in on every terminal through loginWithPin (one cookie per terminal);
 * - an API key with `sales:write` (createApiKey) for online orders;
 * - `products` products in 20 categories with a stock row each;
 * - `members` customers with their loyalty accounts, every account on a tier (Silver or Gold).
 *
 * Run alone: `node --import tsx bench/dataset.ts --db sqlite:/tmp/patron-bench.db --members 100000`
 */
import crypto from 'node:crypto'
import os from 'node:os'
import pg from 'pg'
import { validateRules, type PricingStore, type ProgramRules } from '@patron/core'
import { loadConfig } from '../packages/server/src/config'
import { migrate } from '../packages/server/src/db/connect'
import { closeContext, createContext } from '../packages/server/src/main'
import type { AppContext } from '../packages/server/src/context'
import { createOrganisation } from '../packages/server/src/features/setup/create-organisation'
import { createStaff } from '../packages/server/src/features/staff/create-staff'
import { loginWithPin } from '../packages/server/src/features/staff/pin-login'
import { createApiKey } from '../packages/server/src/features/apikeys/create-api-key'
import { getStore, pricingStore } from '../packages/server/src/features/stores/stores.queries'
import { newId } from '../packages/server/src/util'

export interface DatasetOptions {
  /** DATABASE_URL of a fresh, empty database (sqlite:/path or postgres://…). */
  url: string
  members: number
  products: number
  /** Registers to make, each with an open cash session and a signed-in cashier. */
  terminals: number
  seed?: number
}

export interface BenchProduct {
  id: string
  priceMinor: number
  taxClassId: string
  categoryId: string
}

export interface Dataset {
  orgId: string
  storeId: string
  terminalIds: string[]
  /** Cookie header value (patron_session=…) of the cashier signed in on terminalIds[i]. */
  terminalCookies: string[]
  apiKey: string
  products: BenchProduct[]
  customerIds: string[]
  pricing: PricingStore
  timings: { setupMs: number; bulkMs: number; sessionsMs: number; totalMs: number }
}

/** Deterministic PRNG (mulberry32): the same seed makes the same shop. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const CATEGORY_COUNT = 20
const CASHIER_PIN = '4321'
export const TIER_SILVER = 'tier-silver'
export const TIER_GOLD = 'tier-gold'

/** The program the benchmark sells under: base 1 pt per 1.00, 3 earn rules, 2 tiers, 12-month expiry. */
export function benchRules(doubleCategoryIds: string[]): ProgramRules {
  return {
    pointsName: 'points',
    baseRate: '1',
    nonEarningProductIds: [],
    nonEarningCategoryIds: [],
    multipliers: [{ id: 'mult-fresh', name: 'Fresh ×2', categoryIds: doubleCategoryIds, multiplier: '2' }],
    tierMetric: 'points',
    tiers: [
      { id: TIER_SILVER, name: 'Silver', threshold: 0, multiplier: '1' },
      { id: TIER_GOLD, name: 'Gold', threshold: 1000, multiplier: '1.5' },
    ],
    promotions: [],
    bonuses: [
      { id: 'bonus-30', name: 'Spend ≥ 30.00', kind: 'threshold', points: 50, thresholdMinor: 3000 },
      { id: 'bonus-visit', name: 'Visit', kind: 'visit', points: 5 },
    ],
    caps: { perSale: null, perDay: null },
    pointsTender: null,
    expiry: { kind: 'rolling', months: 12 },
    costPerPointMinor: '1',
  }
}

export async function generateDataset(options: DatasetOptions): Promise<Dataset> {
  const t0 = performance.now()
  const random = prng(options.seed ?? 42)
  const config = loadConfig({ DATABASE_URL: options.url, PATRON_DATA_DIR: os.tmpdir() })
  const ctx = createContext(config)
  try {
    await migrate(ctx.db)
    const categoryIds = Array.from({ length: CATEGORY_COUNT }, () => newId())
    const rules = benchRules(categoryIds.slice(0, 3))
    validateRules(rules)
    const org = await createOrganisation(ctx, {
      name: 'Bench Shop',
      store: { code: 'BS', name: 'Bench Store', currency: 'EUR', taxMode: 'exclusive', timeZone: 'Europe/Berlin', locale: 'en' },
      standardTaxPercent: '19',
      reducedTaxPercent: '7',
      owner: { name: 'Owner', email: 'owner@bench.patron', password: 'bench-owner-password' },
      program: { name: 'Bench Rewards', rules },
    })
    const cashier = await createStaff(ctx, org.orgId, { name: 'Bench Cashier', role: 'cashier', pin: CASHIER_PIN, storeIds: [org.storeId] })
    const setupMs = performance.now() - t0

    const t1 = performance.now()
    const at = new Date().toISOString()
    const terminalIds = [org.terminalId, ...Array.from({ length: Math.max(0, options.terminals - 1) }, () => newId())]
    const taxClasses = [org.taxClassIds.standard, org.taxClassIds.standard, org.taxClassIds.standard, org.taxClassIds.reduced!]
    const products: BenchProduct[] = Array.from({ length: options.products }, (_, i) => ({
      id: newId(),
      priceMinor: 99 + Math.floor(random() * 4900),
      taxClassId: taxClasses[i % taxClasses.length],
      categoryId: categoryIds[i % CATEGORY_COUNT],
    }))
    const customerIds = Array.from({ length: options.members }, () => newId())
    const rows: BulkRows = {
      orgId: org.orgId,
      storeId: org.storeId,
      cashierId: cashier.id,
      at,
      categoryIds,
      terminals: terminalIds.map((id, i) => ({ id, code: String(i + 1).padStart(2, '0'), sessionId: newId(), isNew: i > 0 })),
      products,
      customerIds,
      random,
    }
    if (ctx.db.dialect === 'sqlite') bulkSqlite(ctx, rows)
    else await bulkPostgres(options.url, rows)
    const bulkMs = performance.now() - t1

    const t2 = performance.now()
    const terminalCookies: string[] = []
    for (const id of terminalIds) {
      const session = await loginWithPin(ctx, id, CASHIER_PIN)
      terminalCookies.push(`patron_session=${session.token}`)
    }
    const apiKey = (await createApiKey(ctx, org.orgId, 'bench online orders', ['sales:write'])).key
    const pricing = await pricingStore(ctx.db.kysely, await getStore(ctx.db.kysely, org.orgId, org.storeId))
    const sessionsMs = performance.now() - t2
    return {
      orgId: org.orgId,
      storeId: org.storeId,
      terminalIds,
      terminalCookies,
      apiKey,
      products,
      customerIds,
      pricing,
      timings: { setupMs, bulkMs, sessionsMs, totalMs: performance.now() - t0 },
    }
  } finally {
    await closeContext(ctx)
  }
}

interface BulkRows {
  orgId: string
  storeId: string
  cashierId: string
  at: string
  categoryIds: string[]
  terminals: { id: string; code: string; sessionId: string; isNew: boolean }[]
  products: BenchProduct[]
  customerIds: string[]
  random: () => number
}

const STOCK_START = 1_000_000

function customerRow(r: BulkRows, i: number) {
  const n = String(i + 1).padStart(7, '0')
  const birthMonth = String((i % 12) + 1).padStart(2, '0')
  return {
    id: r.customerIds[i],
    name: `Member ${n}`,
    name_lower: `member ${n}`,
    phone: `+49151${n}`,
    email: `member${n}@bench.patron`,
    card_code: `B${n}`,
    referral_code: `R${n}`,
    birth_date: `1980-${birthMonth}-15`,
  }
}

/** Every member on a tier: about one in five is Gold. */
function tierOf(r: BulkRows): string {
  return r.random() < 0.2 ? TIER_GOLD : TIER_SILVER
}

function bulkSqlite(ctx: AppContext, r: BulkRows) {
  const db = ctx.db.sqlite!
  const insertTerminal = db.prepare('insert into terminals (id, store_id, code, name, last_receipt_no, failed_pins, locked_until, created_at) values (?, ?, ?, ?, 0, 0, null, ?)')
  const insertSession = db.prepare(
    "insert into cash_sessions (id, store_id, terminal_id, status, opened_by, opened_at, opening_float_minor) values (?, ?, ?, 'open', ?, ?, 20000)",
  )
  const insertCategory = db.prepare('insert into categories (id, org_id, name, parent_id, created_at) values (?, ?, ?, null, ?)')
  const insertProduct = db.prepare(
    'insert into products (id, org_id, sku, barcode, name, category_id, price_minor, tax_class_id, non_earning, track_stock, weighed, active, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, 0, 1, 0, 1, ?, ?)',
  )
  const insertStock = db.prepare('insert into stock_levels (product_id, store_id, quantity, updated_at) values (?, ?, ?, ?)')
  const insertCustomer = db.prepare(
    'insert into customers (id, org_id, name, name_lower, phone, email, card_code, referral_code, referred_by, marketing_consent, birth_date, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, null, 1, ?, ?, ?)',
  )
  const insertAccount = db.prepare(
    'insert into loyalty_accounts (customer_id, org_id, balance, tier_id, lifetime_earned, sales_count, last_sale_at, created_at, updated_at) values (?, ?, 0, ?, 0, 0, null, ?, ?)',
  )
  db.transaction(() => {
    for (const t of r.terminals) {
      if (t.isNew) insertTerminal.run(t.id, r.storeId, t.code, `Till ${t.code}`, r.at)
      insertSession.run(t.sessionId, r.storeId, t.id, r.cashierId, r.at)
    }
    r.categoryIds.forEach((id, i) => insertCategory.run(id, r.orgId, `Category ${i + 1}`, r.at))
    r.products.forEach((p, i) => {
      const n = String(i + 1).padStart(6, '0')
      insertProduct.run(p.id, r.orgId, `SKU-${n}`, `400${n}`, `Product ${n}`, p.categoryId, p.priceMinor, p.taxClassId, r.at, r.at)
      insertStock.run(p.id, r.storeId, STOCK_START, r.at)
    })
  })()
  const CHUNK = 50_000
  for (let from = 0; from < r.customerIds.length; from += CHUNK) {
    db.transaction(() => {
      for (let i = from; i < Math.min(from + CHUNK, r.customerIds.length); i++) {
        const c = customerRow(r, i)
        insertCustomer.run(c.id, r.orgId, c.name, c.name_lower, c.phone, c.email, c.card_code, c.referral_code, c.birth_date, r.at, r.at)
        insertAccount.run(c.id, r.orgId, tierOf(r), r.at, r.at)
      }
    })()
  }
  db.pragma('optimize')
}

/** PostgreSQL: one `insert … select from unnest(arrays)` per chunk of rows. */
async function bulkPostgres(url: string, r: BulkRows) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('begin')
    for (const t of r.terminals) {
      if (t.isNew) {
        await client.query('insert into terminals (id, store_id, code, name, last_receipt_no, failed_pins, locked_until, created_at) values ($1, $2, $3, $4, 0, 0, null, $5)', [t.id, r.storeId, t.code, `Till ${t.code}`, r.at])
      }
      await client.query(
        "insert into cash_sessions (id, store_id, terminal_id, status, opened_by, opened_at, opening_float_minor) values ($1, $2, $3, 'open', $4, $5, 20000)",
        [t.sessionId, r.storeId, t.id, r.cashierId, r.at],
      )
    }
    await client.query('insert into categories (id, org_id, name, parent_id, created_at) select id, $2, name, null, $3 from unnest($1::text[], $4::text[]) as c(id, name)', [
      r.categoryIds,
      r.orgId,
      r.at,
      r.categoryIds.map((_, i) => `Category ${i + 1}`),
    ])
    const CHUNK = 20_000
    for (let from = 0; from < r.products.length; from += CHUNK) {
      const part = r.products.slice(from, from + CHUNK)
      const ns = part.map((_, i) => String(from + i + 1).padStart(6, '0'))
      await client.query(
        `insert into products (id, org_id, sku, barcode, name, category_id, price_minor, tax_class_id, non_earning, track_stock, weighed, active, created_at, updated_at)
         select id, $2, sku, barcode, name, category_id, price_minor, tax_class_id, 0, 1, 0, 1, $3, $3
         from unnest($1::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[]) as p(id, sku, barcode, name, category_id, price_minor, tax_class_id)`,
        [part.map((p) => p.id), r.orgId, r.at, ns.map((n) => `SKU-${n}`), ns.map((n) => `400${n}`), ns.map((n) => `Product ${n}`), part.map((p) => p.categoryId), part.map((p) => p.priceMinor), part.map((p) => p.taxClassId)],
      )
      await client.query('insert into stock_levels (product_id, store_id, quantity, updated_at) select id, $2, $3, $4 from unnest($1::text[]) as s(id)', [part.map((p) => p.id), r.storeId, STOCK_START, r.at])
    }
    for (let from = 0; from < r.customerIds.length; from += CHUNK) {
      const cs = Array.from({ length: Math.min(CHUNK, r.customerIds.length - from) }, (_, i) => customerRow(r, from + i))
      await client.query(
        `insert into customers (id, org_id, name, name_lower, phone, email, card_code, referral_code, referred_by, marketing_consent, birth_date, created_at, updated_at)
         select id, $2, name, name_lower, phone, email, card_code, referral_code, null, 1, birth_date, $3, $3
         from unnest($1::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) as c(id, name, name_lower, phone, email, card_code, referral_code, birth_date)`,
        [cs.map((c) => c.id), r.orgId, r.at, cs.map((c) => c.name), cs.map((c) => c.name_lower), cs.map((c) => c.phone), cs.map((c) => c.email), cs.map((c) => c.card_code), cs.map((c) => c.referral_code), cs.map((c) => c.birth_date)],
      )
      await client.query(
        `insert into loyalty_accounts (customer_id, org_id, balance, tier_id, lifetime_earned, sales_count, last_sale_at, created_at, updated_at)
         select id, $2, 0, tier_id, 0, 0, null, $3, $3 from unnest($1::text[], $4::text[]) as a(id, tier_id)`,
        [cs.map((c) => c.id), r.orgId, r.at, cs.map(() => tierOf(r))],
      )
    }
    await client.query('commit')
    // Fresh statistics, so the planner sees 100k members rather than an empty table.
    await client.query('analyze')
  } finally {
    await client.end()
  }
}

/** A fresh PostgreSQL database next to `adminUrl`, and how to drop it. */
export async function freshPostgres(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `patron_bench_${crypto.randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

// Stand-alone: generate into a given database and print the timings.
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? process.argv[i + 1] : fallback
  }
  const url = arg('db', `sqlite:${os.tmpdir()}/patron-bench-${process.pid}.db`)
  const d = await generateDataset({ url, members: Number(arg('members', '100000')), products: Number(arg('products', '10000')), terminals: Number(arg('terminals', '4')) })
  console.log(`${url}: ${d.customerIds.length} members, ${d.products.length} products in ${(d.timings.totalMs / 1000).toFixed(1)} s`, d.timings)
}
