/**
 * The "floor" of docs/BENCHMARKS.md: a bare Fastify endpoint that does a checkout's database
 * writes with the product's commit strategy, and nothing else. Patron's checkout is compared
 * with it in the same run, on the same machine, with the same requests.
 *
 * Per sale, inside its own savepoint of a group-commit transaction:
 *   1 select of the sale's products (prices, tax classes),
 *   1 update of the terminal's receipt counter (returning the number),
 *   1 update of the member's account (balance, lifetime, sales count, last sale; returning the balance),
 *   2 ledger-ish rows (the earn transfer and its lot),
 *   the sale row, its lines, its tax rows, its tender,
 *   a stock update and a stock movement per line,
 *   1 outbox event.
 * Pricing is plain arithmetic (net × rate) and points are 1 per 1.00: no validation framework,
 * no auth lookup, no earn engine, no read-back of the sale; the answer is a small JSON.
 *
 * Group commit as in packages/server/src/db/writer.ts: waiting sales go into ONE transaction,
 * each in a savepoint, and every caller is answered after the commit. SQLite: one writer with raw
 * better-sqlite3 prepared statements (synchronous=FULL, WAL, as connect.ts). PostgreSQL: pg with
 * named prepared statements and one writer (see PG_LANES).
 */
import fs from 'node:fs'
import Fastify, { type FastifyInstance } from 'fastify'
import SqliteDatabase from 'better-sqlite3'
import pg from 'pg'

const MAX_BATCH = 256
// The brief of the floor is "a single writer committing all waiting requests in one transaction".
// The product runs 4 lanes on PostgreSQL; with 4 lanes the floor deadlocks as the product does
// (batches lock stock rows in random order), so 1 is the default and 4 an experiment.
const PG_LANES = Number(process.env.BENCH_FLOOR_PG_LANES || 1)

interface SaleBody {
  id: string
  terminalId?: string
  storeId?: string
  customerId?: string | null
  lines: { productId: string; quantity: number }[]
  tenders: { kind: string; amountMinor: number }[]
}

interface ProductRow {
  id: string
  sku: string
  name: string
  category_id: string | null
  price_minor: number
  tax_class_id: string
}

interface ShopFacts {
  orgId: string
  storeId: string
  storeCode: string
  currency: string
  programVersionId: string
  /** tax class → [rate id, name, percent text, percent number] (first rate only; the bench has one each). */
  rates: Map<string, { id: string; name: string; percent: string; value: number }>
  /** terminal id → { code, open cash session } */
  terminals: Map<string, { code: string; cashSessionId: string | null }>
  webTerminalId: string
}

/** What a sale writes, worked out in plain JavaScript once the products are known. */
function planSale(shop: ShopFacts, body: SaleBody, products: Map<string, ProductRow>, at: string) {
  const lines = body.lines.map((l, i) => {
    const p = products.get(l.productId)
    if (!p) throw Object.assign(new Error(`Unknown product ${l.productId}`), { statusCode: 422 })
    const net = Number(p.price_minor) * l.quantity
    const rate = shop.rates.get(p.tax_class_id)
    const tax = rate ? Math.round((net * rate.value) / 100) : 0
    return { lineNo: i + 1, p, quantity: l.quantity, net, tax, total: net + tax, rate }
  })
  const taxes = new Map<string, { id: string; name: string; percent: string; base: number; tax: number }>()
  for (const l of lines) {
    if (!l.rate) continue
    const t = taxes.get(l.rate.id) ?? { id: l.rate.id, name: l.rate.name, percent: l.rate.percent, base: 0, tax: 0 }
    t.base += l.net
    t.tax += l.tax
    taxes.set(l.rate.id, t)
  }
  const gross = lines.reduce((s, l) => s + l.net, 0)
  const tax = lines.reduce((s, l) => s + l.tax, 0)
  const total = gross + tax
  const tendered = body.tenders.reduce((s, t) => s + t.amountMinor, 0)
  if (tendered < total) throw Object.assign(new Error('The tenders do not cover the amount due'), { statusCode: 422 })
  const points = Math.floor(gross / 100)
  const terminalId = body.terminalId ?? shop.webTerminalId
  const terminal = shop.terminals.get(terminalId)
  if (!terminal) throw Object.assign(new Error('Unknown terminal'), { statusCode: 404 })
  return { at, lines, taxes: [...taxes.values()], gross, tax, total, tendered, change: tendered - total, points, terminalId, terminal, channel: body.terminalId ? 'pos' : 'online' }
}

type Plan = ReturnType<typeof planSale>

async function loadShop(query: (text: string, params: unknown[]) => Promise<any[]>, storeId: string): Promise<ShopFacts> {
  const [store] = await query('select id, org_id, code, currency from stores where id = $1', [storeId])
  const [version] = await query('select v.id from program_versions v join loyalty_programs p on p.id = v.program_id where p.org_id = $1 order by v.version desc limit 1', [store.org_id])
  const rateRows = await query('select id, tax_class_id, name, rate_percent from tax_rates where store_id = $1 order by position', [storeId])
  const rates = new Map<string, { id: string; name: string; percent: string; value: number }>()
  for (const r of rateRows) if (!rates.has(r.tax_class_id)) rates.set(r.tax_class_id, { id: r.id, name: r.name, percent: r.rate_percent, value: Number(r.rate_percent) })
  const terminalRows = await query(
    "select t.id, t.code, (select c.id from cash_sessions c where c.terminal_id = t.id and c.status = 'open') as cash_session_id from terminals t where t.store_id = $1",
    [storeId],
  )
  const terminals = new Map<string, { code: string; cashSessionId: string | null }>()
  for (const t of terminalRows) terminals.set(t.id, { code: t.code, cashSessionId: t.cash_session_id })
  const web = terminalRows.find((t) => t.code === 'FLR')
  return { orgId: store.org_id, storeId, storeCode: store.code, currency: store.currency, programVersionId: version.id, rates, terminals, webTerminalId: web?.id ?? '' }
}

function receiptNo(shop: ShopFacts, plan: Plan, n: number) {
  return `${shop.storeCode}-${plan.terminal.code}-${String(n).padStart(6, '0')}`
}

function answer(body: SaleBody, plan: Plan, receipt: string, balance: number | null) {
  return { id: body.id, receiptNo: receipt, totalMinor: plan.total, changeMinor: plan.change, pointsEarned: body.customerId ? plan.points : 0, balanceAfter: balance }
}

export interface Floor {
  app: FastifyInstance
  close(): Promise<void>
}

function bareApp(handle: (body: SaleBody) => Promise<unknown>): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 })
  app.post('/api/v1/sales', async (req, reply) => reply.status(201).send(await handle(req.body as SaleBody)))
  return app
}

// ---------------------------------------------------------------------------------------------
// SQLite: one synchronous writer; a batch is whatever arrived since the last flush.

export async function startSqliteFloor(file: string, storeId: string): Promise<Floor> {
  if (!fs.existsSync(file)) throw new Error(`No database at ${file}`)
  const db = new SqliteDatabase(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('temp_store = MEMORY')
  // The floor's online orders number on their own terminal, like the product's per-store WEB one.
  db.prepare("insert or ignore into terminals (id, store_id, code, name, last_receipt_no, failed_pins, locked_until, created_at) values (?, ?, 'FLR', 'Floor online', 0, 0, null, ?)").run(
    `floor-web-${storeId}`,
    storeId,
    new Date().toISOString(),
  )
  const shop = await loadShop(async (text, params) => db.prepare(text.replace(/\$\d+/g, '?')).all(...params), storeId)

  const productStatements = new Map<number, SqliteDatabase.Statement>()
  const selectProducts = (ids: string[]) => {
    let s = productStatements.get(ids.length)
    if (!s) {
      s = db.prepare(`select id, sku, name, category_id, price_minor, tax_class_id from products where org_id = ? and active = 1 and id in (${ids.map(() => '?').join(', ')})`)
      productStatements.set(ids.length, s)
    }
    return s.all(shop.orgId, ...ids) as ProductRow[]
  }
  const s = {
    receipt: db.prepare('update terminals set last_receipt_no = last_receipt_no + 1 where id = ? returning last_receipt_no'),
    account: db.prepare(
      'update loyalty_accounts set balance = balance + ?, lifetime_earned = lifetime_earned + ?, sales_count = sales_count + 1, last_sale_at = ?, updated_at = ? where customer_id = ? returning balance',
    ),
    transfer: db.prepare(
      "insert into ledger_transfers (id, org_id, debit_account, credit_account, points, kind, customer_id, sale_id, refund_id, program_version_id, staff_id, terminal_id, reason, explanation, created_at) values (?, ?, 'program:issued', ?, ?, 'earn', ?, ?, null, ?, null, ?, null, ?, ?)",
    ),
    lot: db.prepare('insert into lots (id, customer_id, transfer_id, sale_id, points, remaining, earned_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, null)'),
    sale: db.prepare(
      `insert into sales (id, org_id, store_id, terminal_id, cash_session_id, staff_id, api_key_id, customer_id, receipt_no, status, channel, currency, tax_mode, gross_minor, discount_minor, tax_minor, total_minor, rounding_minor, tendered_minor, change_minor, eligible_minor, points_earned, points_redeemed, program_version_id, tier_id, loyalty, cart_discount, request_hash, external_ref, sold_at, created_at, voided_at)
       values (?, ?, ?, ?, ?, null, null, ?, ?, 'completed', ?, ?, 'exclusive', ?, 0, ?, ?, 0, ?, ?, ?, ?, 0, ?, null, ?, null, 'floor', null, ?, ?, null)`,
    ),
    line: db.prepare(
      `insert into sale_lines (sale_id, line_no, product_id, sku, name, category_id, quantity, unit_price_minor, weighed, tax_class_id, non_earning, gross_minor, line_discount_minor, cart_discount_minor, reward_discount_minor, net_minor, tax_minor, total_minor, eligible_minor, taxes, returned_quantity)
       values (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, 0, 0, 0, ?, ?, ?, ?, ?, 0)`,
    ),
    tax: db.prepare('insert into sale_taxes (sale_id, rate_id, name, rate_percent, base_minor, tax_minor) values (?, ?, ?, ?, ?, ?)'),
    tender: db.prepare('insert into sale_tenders (sale_id, seq, kind, amount_minor, points, reference) values (?, ?, ?, ?, null, null)'),
    stock: db.prepare('update stock_levels set quantity = quantity - ?, updated_at = ? where product_id = ? and store_id = ?'),
    movement: db.prepare("insert into stock_movements (product_id, store_id, delta, reason, sale_id, refund_id, created_at) values (?, ?, ?, 'sale', ?, null, ?)"),
    outbox: db.prepare("insert into outbox (org_id, topic, aggregate_id, payload, created_at, published_at) values (?, 'sale.completed', ?, ?, ?, null)"),
    begin: db.prepare('begin'),
    commit: db.prepare('commit'),
    savepoint: db.prepare('savepoint floor_job'),
    release: db.prepare('release savepoint floor_job'),
    rollbackTo: db.prepare('rollback to savepoint floor_job'),
  }

  function writeSale(body: SaleBody) {
    const at = new Date().toISOString()
    const ids = [...new Set(body.lines.map((l) => l.productId))]
    const plan = planSale(shop, body, new Map(selectProducts(ids).map((p) => [p.id, p])), at)
    const n = (s.receipt.get(plan.terminalId) as { last_receipt_no: number }).last_receipt_no
    const receipt = receiptNo(shop, plan, n)
    let balance: number | null = null
    if (body.customerId) {
      const row = s.account.get(plan.points, plan.points, at, at, body.customerId) as { balance: number } | undefined
      if (!row) throw Object.assign(new Error('Unknown customer'), { statusCode: 422 })
      balance = row.balance
      if (plan.points > 0) {
        const transferId = `${body.id}:earn`
        s.transfer.run(transferId, shop.orgId, `member:${body.customerId}`, plan.points, body.customerId, body.id, shop.programVersionId, plan.terminalId, JSON.stringify({ base: plan.points }), at)
        s.lot.run(transferId, body.customerId, transferId, body.id, plan.points, plan.points, at)
      }
    }
    s.sale.run(
      body.id, shop.orgId, shop.storeId, plan.terminalId, plan.terminal.cashSessionId, body.customerId ?? null, receipt, plan.channel, shop.currency,
      plan.gross, plan.tax, plan.total, plan.tendered, plan.change, plan.gross, body.customerId ? plan.points : 0, shop.programVersionId, body.customerId ? JSON.stringify({ points: plan.points }) : null, at, at,
    )
    for (const l of plan.lines) {
      const taxes = l.rate ? JSON.stringify([{ rateId: l.rate.id, name: l.rate.name, ratePercent: l.rate.percent, baseMinor: l.net, taxMinor: l.tax }]) : '[]'
      s.line.run(body.id, l.lineNo, l.p.id, l.p.sku, l.p.name, l.p.category_id, l.quantity, l.p.price_minor, l.p.tax_class_id, l.net, l.net, l.tax, l.total, l.net, taxes)
    }
    for (const t of plan.taxes) s.tax.run(body.id, t.id, t.name, t.percent, t.base, t.tax)
    body.tenders.forEach((t, i) => s.tender.run(body.id, i + 1, t.kind, t.amountMinor))
    for (const l of plan.lines) {
      s.stock.run(l.quantity, at, l.p.id, shop.storeId)
      s.movement.run(l.p.id, shop.storeId, -l.quantity, body.id, at)
    }
    s.outbox.run(shop.orgId, body.id, JSON.stringify({ saleId: body.id, receiptNo: receipt, storeId: shop.storeId, customerId: body.customerId ?? null, totalMinor: plan.total, currency: shop.currency, pointsEarned: plan.points }), at)
    return answer(body, plan, receipt, balance)
  }

  interface Job {
    body: SaleBody
    resolve: (v: unknown) => void
    reject: (e: unknown) => void
  }
  let queue: Job[] = []
  let scheduled = false
  const flush = () => {
    scheduled = false
    const batch = queue.splice(0, MAX_BATCH)
    const outcomes: { ok: boolean; value: unknown }[] = []
    try {
      s.begin.run()
      for (const job of batch) {
        s.savepoint.run()
        try {
          outcomes.push({ ok: true, value: writeSale(job.body) })
          s.release.run()
        } catch (error) {
          s.rollbackTo.run()
          s.release.run()
          outcomes.push({ ok: false, value: error })
        }
      }
      s.commit.run()
    } catch (e) {
      if (db.inTransaction) db.prepare('rollback').run()
      for (const job of batch) job.reject(e)
      return
    } finally {
      if (queue.length > 0 && !scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    }
    batch.forEach((job, i) => (outcomes[i].ok ? job.resolve(outcomes[i].value) : job.reject(outcomes[i].value)))
  }
  const app = bareApp(
    (body) =>
      new Promise((resolve, reject) => {
        queue.push({ body, resolve, reject })
        if (!scheduled) {
          scheduled = true
          setImmediate(flush)
        }
      }),
  )
  await app.ready()
  return {
    app,
    async close() {
      await app.close()
      queue = []
      db.close()
    },
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: lanes of batches over pooled connections, named prepared statements.

export async function startPostgresFloor(url: string, storeId: string): Promise<Floor> {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === 20 || oid === 1700) return (v: string) => Number(v)
      return pg.types.getTypeParser(oid, format as any)
    },
  }
  const pool = new pg.Pool({ connectionString: url, max: 10, types: types as any })
  await pool.query(
    "insert into terminals (id, store_id, code, name, last_receipt_no, failed_pins, locked_until, created_at) values ($1, $2, 'FLR', 'Floor online', 0, 0, null, $3) on conflict do nothing",
    [`floor-web-${storeId}`, storeId, new Date().toISOString()],
  )
  const shop = await loadShop(async (text, params) => (await pool.query(text, params)).rows, storeId)

  const q = (c: pg.PoolClient, name: string, text: string, values: unknown[]) => c.query({ name, text, values })
  async function writeSale(c: pg.PoolClient, body: SaleBody) {
    const at = new Date().toISOString()
    const ids = [...new Set(body.lines.map((l) => l.productId))]
    const rows = (await q(c, 'f_products', 'select id, sku, name, category_id, price_minor, tax_class_id from products where org_id = $1 and active = 1 and id = any($2::text[])', [shop.orgId, ids])).rows as ProductRow[]
    const plan = planSale(shop, body, new Map(rows.map((p) => [p.id, p])), at)
    const n = (await q(c, 'f_receipt', 'update terminals set last_receipt_no = last_receipt_no + 1 where id = $1 returning last_receipt_no', [plan.terminalId])).rows[0].last_receipt_no
    const receipt = receiptNo(shop, plan, n)
    let balance: number | null = null
    if (body.customerId) {
      const r = await q(
        c,
        'f_account',
        'update loyalty_accounts set balance = balance + $1, lifetime_earned = lifetime_earned + $1, sales_count = sales_count + 1, last_sale_at = $2, updated_at = $2 where customer_id = $3 returning balance',
        [plan.points, at, body.customerId],
      )
      if (r.rows.length === 0) throw Object.assign(new Error('Unknown customer'), { statusCode: 422 })
      balance = r.rows[0].balance
      if (plan.points > 0) {
        const transferId = `${body.id}:earn`
        await q(
          c,
          'f_transfer',
          "insert into ledger_transfers (id, org_id, debit_account, credit_account, points, kind, customer_id, sale_id, refund_id, program_version_id, staff_id, terminal_id, reason, explanation, created_at) values ($1, $2, 'program:issued', $3, $4, 'earn', $5, $6, null, $7, null, $8, null, $9, $10)",
          [transferId, shop.orgId, `member:${body.customerId}`, plan.points, body.customerId, body.id, shop.programVersionId, plan.terminalId, JSON.stringify({ base: plan.points }), at],
        )
        await q(c, 'f_lot', 'insert into lots (id, customer_id, transfer_id, sale_id, points, remaining, earned_at, expires_at) values ($1, $2, $1, $3, $4, $4, $5, null)', [transferId, body.customerId, body.id, plan.points, at])
      }
    }
    await q(
      c,
      'f_sale',
      `insert into sales (id, org_id, store_id, terminal_id, cash_session_id, staff_id, api_key_id, customer_id, receipt_no, status, channel, currency, tax_mode, gross_minor, discount_minor, tax_minor, total_minor, rounding_minor, tendered_minor, change_minor, eligible_minor, points_earned, points_redeemed, program_version_id, tier_id, loyalty, cart_discount, request_hash, external_ref, sold_at, created_at, voided_at)
       values ($1, $2, $3, $4, $5, null, null, $6, $7, 'completed', $8, $9, 'exclusive', $10, 0, $11, $12, 0, $13, $14, $10, $15, 0, $16, null, $17, null, 'floor', null, $18, $18, null)`,
      [body.id, shop.orgId, shop.storeId, plan.terminalId, plan.terminal.cashSessionId, body.customerId ?? null, receipt, plan.channel, shop.currency, plan.gross, plan.tax, plan.total, plan.tendered, plan.change, body.customerId ? plan.points : 0, shop.programVersionId, body.customerId ? JSON.stringify({ points: plan.points }) : null, at],
    )
    const L = plan.lines
    await q(
      c,
      'f_lines',
      `insert into sale_lines (sale_id, line_no, product_id, sku, name, category_id, quantity, unit_price_minor, weighed, tax_class_id, non_earning, gross_minor, line_discount_minor, cart_discount_minor, reward_discount_minor, net_minor, tax_minor, total_minor, eligible_minor, taxes, returned_quantity)
       select $1, line_no, product_id, sku, name, category_id, quantity, unit_price_minor, 0, tax_class_id, 0, net, 0, 0, 0, net, tax, total, net, taxes, 0
       from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[], $13::text[])
         as l(line_no, product_id, sku, name, category_id, quantity, unit_price_minor, tax_class_id, net, tax, total, taxes)`,
      [
        body.id,
        L.map((l) => l.lineNo),
        L.map((l) => l.p.id),
        L.map((l) => l.p.sku),
        L.map((l) => l.p.name),
        L.map((l) => l.p.category_id),
        L.map((l) => l.quantity),
        L.map((l) => l.p.price_minor),
        L.map((l) => l.p.tax_class_id),
        L.map((l) => l.net),
        L.map((l) => l.tax),
        L.map((l) => l.total),
        L.map((l) => (l.rate ? JSON.stringify([{ rateId: l.rate.id, name: l.rate.name, ratePercent: l.rate.percent, baseMinor: l.net, taxMinor: l.tax }]) : '[]')),
      ],
    )
    const T = plan.taxes
    if (T.length > 0) {
      await q(c, 'f_taxes', 'insert into sale_taxes (sale_id, rate_id, name, rate_percent, base_minor, tax_minor) select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])', [
        body.id,
        T.map((t) => t.id),
        T.map((t) => t.name),
        T.map((t) => t.percent),
        T.map((t) => t.base),
        T.map((t) => t.tax),
      ])
    }
    await q(c, 'f_tenders', 'insert into sale_tenders (sale_id, seq, kind, amount_minor, points, reference) select $1, seq, kind, amount, null, null from unnest($2::int[], $3::text[], $4::bigint[]) as t(seq, kind, amount)', [
      body.id,
      body.tenders.map((_, i) => i + 1),
      body.tenders.map((t) => t.kind),
      body.tenders.map((t) => t.amountMinor),
    ])
    // One statement per line, in line order, as the product does (4 stock updates).
    for (const l of L) await q(c, 'f_stock', 'update stock_levels set quantity = quantity - $1, updated_at = $2 where product_id = $3 and store_id = $4', [l.quantity, at, l.p.id, shop.storeId])
    await q(c, 'f_movements', "insert into stock_movements (product_id, store_id, delta, reason, sale_id, refund_id, created_at) select product_id, $2, delta, 'sale', $3, null, $4 from unnest($1::text[], $5::bigint[]) as m(product_id, delta)", [
      L.map((l) => l.p.id),
      shop.storeId,
      body.id,
      at,
      L.map((l) => -l.quantity),
    ])
    await q(c, 'f_outbox', "insert into outbox (org_id, topic, aggregate_id, payload, created_at, published_at) values ($1, 'sale.completed', $2, $3, $4, null)", [
      shop.orgId,
      body.id,
      JSON.stringify({ saleId: body.id, receiptNo: receipt, storeId: shop.storeId, customerId: body.customerId ?? null, totalMinor: plan.total, currency: shop.currency, pointsEarned: plan.points }),
      at,
    ])
    return answer(body, plan, receipt, balance)
  }

  interface Job {
    body: SaleBody
    resolve: (v: unknown) => void
    reject: (e: unknown) => void
  }
  let queue: Job[] = []
  let active = 0
  async function flush(batch: Job[]) {
    const c = await pool.connect()
    const outcomes: { ok: boolean; value: unknown }[] = []
    try {
      await c.query('begin')
      for (const job of batch) {
        await c.query('savepoint floor_job')
        try {
          outcomes.push({ ok: true, value: await writeSale(c, job.body) })
          await c.query('release savepoint floor_job')
        } catch (error) {
          await c.query('rollback to savepoint floor_job')
          await c.query('release savepoint floor_job')
          outcomes.push({ ok: false, value: error })
        }
      }
      await c.query('commit')
    } catch (e) {
      await c.query('rollback').catch(() => {})
      c.release()
      for (const job of batch) job.reject(e)
      return
    }
    c.release()
    batch.forEach((job, i) => (outcomes[i].ok ? job.resolve(outcomes[i].value) : job.reject(outcomes[i].value)))
  }
  function pump() {
    while (active < PG_LANES && queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH)
      active++
      void flush(batch).finally(() => {
        active--
        pump()
      })
    }
  }
  const app = bareApp(
    (body) =>
      new Promise((resolve, reject) => {
        queue.push({ body, resolve, reject })
        pump()
      }),
  )
  await app.ready()
  return {
    app,
    async close() {
      await app.close()
      queue = []
      await pool.end()
    },
  }
}
