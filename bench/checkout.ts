/**
 * `npm run bench`: checkout throughput and latency over HTTP, Patron beside its floor.
 *
 * For SQLite, then PostgreSQL (when reachable; --sqlite-only skips it), and for each target
 * (the real Patron server, then the bare floor of bench/floor.ts):
 *   1. a fresh database filled by bench/dataset.ts (same seed, so the same shop for both targets);
 *   2. the server in a CHILD process (bench/serve.ts) on 127.0.0.1 and a free port, so that the
 *      load generator, which stays in this process, does not share the server's thread;
 *   3. `--connections` keep-alive connections (default 32) posting sales for `--warmup` + `--duration`
 *      seconds: each request a new uuid sale id, 4 random products, a random member (every one
 *      on a tier); most connections are registers (a terminal with an open cash session and a
 *      cashier's cookie session), the rest online orders with an API key (`--online-share`);
 *   4. for Patron: the ledger verified (verifyLedger) and the sales rows counted against the 2xx.
 * Every non-2xx is counted and reported; the process exits 1 if any happened or a check failed.
 *
 * Options: --duration S (15) --warmup S (3) --connections N (32) --online-share F (0.25)
 *          --members N (100000) --products N (10000) --sqlite-only --postgres-only --only patron|floor
 *          --pg-url URL (postgres://postgres@127.0.0.1:5432/postgres, or PATRON_BENCH_PG_URL)
 *          --profile DIR (CPU profiles of the servers, node --cpu-prof, in DIR/patron and DIR/floor) --out FILE (JSON results)
 *          --uuid v7|v4 (sale ids, v7 by default like a register's) --patron-lanes N --floor-pg-lanes N (1)
 */
import { fork, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { sql } from 'kysely'
import { priceSale, type PricingStore } from '@patron/core'
import { loadConfig } from '../packages/server/src/config'
import { connect } from '../packages/server/src/db/connect'
import { verifyLedger } from '../packages/server/src/features/loyalty/verify-ledger'
import { newId } from '../packages/server/src/util'
import { freshPostgres, generateDataset, prng, type BenchProduct, type Dataset } from './dataset'
import { runLoad, type LoadResult } from './load'

const here = path.dirname(fileURLToPath(import.meta.url))

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`)
}
function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}

const opts = {
  durationS: Number(option('duration', '15')),
  warmupS: Number(option('warmup', '3')),
  connections: Number(option('connections', '32')),
  onlineShare: Number(option('online-share', '0.25')),
  members: Number(option('members', '100000')),
  products: Number(option('products', '10000')),
  sqliteOnly: flag('sqlite-only'),
  postgresOnly: flag('postgres-only'),
  only: option('only', ''),
  pgUrl: option('pg-url', process.env.PATRON_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'),
  profileDir: option('profile', ''),
  out: option('out', ''),
  /** Sale ids as a register makes them: v7 (time-ordered, Patron's own newId) or random v4. */
  uuid: option('uuid', 'v7'),
  /** Experiments: the product's write-queue lanes (default: its own, 1 on SQLite and 4 on PostgreSQL); the PostgreSQL floor's lanes. */
  patronLanes: option('patron-lanes', ''),
  floorPgLanes: option('floor-pg-lanes', '1'),
}

type Dialect = 'sqlite' | 'postgres'
type Target = 'patron' | 'floor'

interface RunReport {
  dialect: Dialect
  target: Target
  load: LoadResult
  /** CPU used during the load, in % of one core: the server's process (all its threads) and this one. */
  cpu: { serverPct: number; loaderPct: number; machineBusyPct: number; othersPct?: number }
  datasetS: number
  checks: string[]
  checkFailures: string[]
}

// ---------------------------------------------------------------------------------------------

/** Carts made before the run (prices and totals with @patron/core, as a register does), so the load generator only fills in ids. */
function makeCarts(products: BenchProduct[], pricing: PricingStore, count: number) {
  const random = prng(7)
  return Array.from({ length: count }, () => {
    const picked = new Set<number>()
    while (picked.size < 4) picked.add(Math.floor(random() * products.length))
    const lines = [...picked].map((i) => ({ product: products[i], quantity: 1 + Math.floor(random() * 3) }))
    const priced = priceSale(pricing, {
      lines: lines.map((l, i) => ({ ref: String(i + 1), productId: l.product.id, categoryId: l.product.categoryId, name: 'x', quantity: l.quantity, unitPriceMinor: l.product.priceMinor, taxClassId: l.product.taxClassId })),
    })
    const linesJson = JSON.stringify(lines.map((l) => ({ productId: l.product.id, quantity: l.quantity })))
    // At the register: cash, rounded up to the next 5.00 (change given). Online: the card pays the exact total.
    const cash = Math.ceil(priced.totalMinor / 500) * 500
    return {
      pos: `"lines":${linesJson},"tenders":[{"kind":"cash","amountMinor":${cash}}]`,
      online: `"lines":${linesJson},"tenders":[{"kind":"card","amountMinor":${priced.totalMinor},"reference":"bench"}]`,
    }
  })
}

function requestMaker(d: Dataset, posConnections: number) {
  const carts = makeCarts(d.products, d.pricing, 4096)
  const random = prng(11)
  const saleId = opts.uuid === 'v4' ? () => crypto.randomUUID() : newId
  return (conn: number): Buffer => {
    const cart = carts[Math.floor(random() * carts.length)]
    const customerId = d.customerIds[Math.floor(random() * d.customerIds.length)]
    const pos = conn < posConnections
    const body = pos
      ? `{"id":"${saleId()}","terminalId":"${d.terminalIds[conn]}","customerId":"${customerId}",${cart.pos}}`
      : `{"id":"${saleId()}","storeId":"${d.storeId}","customerId":"${customerId}",${cart.online}}`
    const auth = pos ? `Cookie: ${d.terminalCookies[conn]}` : `Authorization: Bearer ${d.apiKey}`
    return Buffer.from(`POST /api/v1/sales HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${auth}\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 'latin1')
  }
}

// ---------------------------------------------------------------------------------------------

function startServer(target: Target, url: string, storeId: string): Promise<{ child: ChildProcess; port: number }> {
  const execArgv = ['--import', 'tsx']
  if (opts.profileDir) {
    const dir = path.join(opts.profileDir, target)
    fs.mkdirSync(dir, { recursive: true })
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${dir}`)
  }
  const lifetimeS = Math.ceil(opts.warmupS + opts.durationS + 120)
  const child = fork(path.join(here, 'serve.ts'), [], {
    execArgv,
    env: {
      ...process.env,
      BENCH_TARGET: target,
      DATABASE_URL: url,
      BENCH_STORE_ID: storeId,
      BENCH_MAX_LIFETIME_S: String(lifetimeS),
      BENCH_PATRON_LANES: opts.patronLanes,
      BENCH_FLOOR_PG_LANES: opts.floorPgLanes,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${target} server did not start within 60 s`))
    }, 60_000)
    child.once('message', (m: any) => {
      clearTimeout(timer)
      if (m?.ready) resolve({ child, port: m.port })
      else reject(new Error(`unexpected message from the ${target} server: ${JSON.stringify(m)}`))
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${target} server exited early (code ${code})`))
    })
  })
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.send('stop')
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  await exited
  clearTimeout(timer)
}

/** CPU time of the whole machine so far (all cores), busy and total, from /proc/stat (Linux). */
function machineCpuMs(): { busy: number; total: number } {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number)
    const busy = user + nice + system + irq + softirq + steal
    return { busy: busy * 10, total: (busy + idle + iowait) * 10 }
  } catch {
    return { busy: NaN, total: NaN }
  }
}

/** User + system CPU time of a process so far, from /proc (Linux). */
function processCpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // utime + stime, in clock ticks of 1/100 s
  } catch {
    return NaN
  }
}

async function freshDatabase(dialect: Dialect): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-bench-'))
    return { url: `sqlite:${path.join(dir, 'patron.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) }
  }
  return freshPostgres(opts.pgUrl)
}

/** After Patron's run: the ledger's invariants hold and every 2xx is one sales row. */
async function verifyPatron(url: string, load: LoadResult, checks: string[], failures: string[]) {
  const db = connect(loadConfig({ DATABASE_URL: url, PATRON_DATA_DIR: os.tmpdir() }).database)
  try {
    const { sales } = await db.kysely.selectFrom('sales').select(sql<number>`count(*)`.as('sales')).executeTakeFirstOrThrow()
    const { earned } = await db.kysely.selectFrom('sales').select(sql<number>`count(*)`.as('earned')).where('points_earned', '>', 0).executeTakeFirstOrThrow()
    const { transfers } = await db.kysely.selectFrom('ledger_transfers').select(sql<number>`count(*)`.as('transfers')).where('kind', '=', 'earn').executeTakeFirstOrThrow()
    const line = `sales rows ${Number(sales)} vs 2xx answers ${load.total.ok}`
    if (Number(sales) === load.total.ok) checks.push(`${line}: equal`)
    else failures.push(`${line}: DIFFERENT`)
    if (Number(earned) === Number(transfers)) checks.push(`earn transfers ${Number(transfers)} = sales with points ${Number(earned)}`)
    else failures.push(`earn transfers ${Number(transfers)} ≠ sales with points ${Number(earned)}`)
    const t = performance.now()
    const ledger = await verifyLedger(db.kysely)
    const v = `verify-ledger: ${ledger.transfers} transfers, ${ledger.accounts} accounts, ${ledger.violations.length} violations (${((performance.now() - t) / 1000).toFixed(1)} s)`
    if (ledger.violations.length === 0) checks.push(v)
    else failures.push(`${v}: ${JSON.stringify(ledger.violations.slice(0, 3))}`)
  } finally {
    await db.close()
  }
}

async function runOne(dialect: Dialect, target: Target): Promise<RunReport> {
  const db = await freshDatabase(dialect)
  try {
    const posConnections = Math.round(opts.connections * (1 - opts.onlineShare))
    const t = performance.now()
    const d = await generateDataset({ url: db.url, members: opts.members, products: opts.products, terminals: Math.max(1, posConnections) })
    const datasetS = (performance.now() - t) / 1000
    log(`  ${target}: dataset ${d.customerIds.length} members, ${d.products.length} products in ${datasetS.toFixed(1)} s; starting the server`)
    const { child, port } = await startServer(target, db.url, d.storeId)
    let load: LoadResult
    let cpu: RunReport['cpu']
    try {
      const nextRequest = requestMaker(d, posConnections)
      const before = { server: processCpuMs(child.pid!), loader: process.cpuUsage(), machine: machineCpuMs(), at: performance.now() }
      load = await runLoad({ port, connections: opts.connections, warmupMs: opts.warmupS * 1000, durationMs: opts.durationS * 1000, nextRequest })
      const wallMs = performance.now() - before.at
      const loader = process.cpuUsage(before.loader)
      const machineNow = machineCpuMs()
      cpu = {
        serverPct: ((processCpuMs(child.pid!) - before.server) / wallMs) * 100,
        loaderPct: ((loader.user + loader.system) / 1000 / wallMs) * 100,
        machineBusyPct: ((machineNow.busy - before.machine.busy) / (machineNow.total - before.machine.total)) * 100 * os.availableParallelism(),
      }
      cpu.othersPct = cpu.machineBusyPct - cpu.serverPct - cpu.loaderPct
    } finally {
      await stopServer(child)
    }
    const checks: string[] = []
    const failures: string[] = []
    if (load.total.non2xx + load.total.failed > 0) failures.push(`${load.total.non2xx} non-2xx and ${load.total.failed} failed requests: ${JSON.stringify(load.statusCounts)}; e.g. ${load.errorSamples.slice(0, 3).join(' | ')}`)
    else checks.push(`0 non-2xx of ${load.total.sent} requests`)
    if (target === 'patron') await verifyPatron(db.url, load, checks, failures)
    log(
      `  ${target}: ${fmt(load.throughputPerS, 0)} sales/s, p50 ${fmt(load.latencyMs.p50, 1)} ms, p99 ${fmt(load.latencyMs.p99, 1)} ms, ${load.total.non2xx + load.total.failed} errors; CPU (% of one core): server process ${fmt(cpu.serverPct, 0)}, load generator ${fmt(cpu.loaderPct, 0)}, everything else ${fmt(cpu.othersPct!, 0)}${dialect === 'postgres' ? ' (PostgreSQL and other processes)' : ' (other processes)'}`,
    )
    for (const c of checks) log(`    ok: ${c}`)
    for (const f of failures) log(`    FAILED: ${f}`)
    return { dialect, target, load, cpu, datasetS, checks, checkFailures: failures }
  } finally {
    await db.drop()
  }
}

// ---------------------------------------------------------------------------------------------

function log(s: string) {
  console.log(s)
}
function fmt(n: number, digits: number) {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—'
}

async function postgresReachable(): Promise<string | null> {
  const c = new pg.Client({ connectionString: opts.pgUrl, connectionTimeoutMillis: 3000 })
  try {
    await c.connect()
    const r = await c.query('show server_version')
    return r.rows[0].server_version
  } catch {
    return null
  } finally {
    await c.end().catch(() => {})
  }
}

async function machine(pgVersion: string | null) {
  const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model ?? 'unknown'
  const { default: Sqlite } = await import('better-sqlite3')
  const mem = new Sqlite(':memory:')
  const sqliteVersion = (mem.prepare('select sqlite_version() as v').get() as { v: string }).v
  mem.close()
  return {
    nproc: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    cpu,
    node: process.version,
    sqlite: sqliteVersion,
    postgres: pgVersion,
  }
}

const wallStart = performance.now()
const pgVersion = opts.sqliteOnly ? null : await postgresReachable()
const m = await machine(pgVersion)
log(`machine: ${m.nproc} cores, ${m.memoryGiB} GiB, ${m.cpu}; Node ${m.node}, SQLite ${m.sqlite}, PostgreSQL ${m.postgres ?? '(not run)'}`)
log(`load: ${opts.connections} connections (${Math.round(opts.connections * (1 - opts.onlineShare))} registers, ${opts.connections - Math.round(opts.connections * (1 - opts.onlineShare))} online), ${opts.warmupS} s warm-up + ${opts.durationS} s measured; server in a child process, load generator in this one`)
if (!opts.sqliteOnly && !pgVersion) log(`PostgreSQL not reachable at ${opts.pgUrl}: skipped`)

const dialects: Dialect[] = opts.postgresOnly ? (pgVersion ? ['postgres'] : []) : pgVersion ? ['sqlite', 'postgres'] : ['sqlite']
const targets: Target[] = opts.only === 'patron' ? ['patron'] : opts.only === 'floor' ? ['floor'] : ['patron', 'floor']
const reports: RunReport[] = []
for (const dialect of dialects) {
  log(`${dialect}:`)
  for (const target of targets) reports.push(await runOne(dialect, target))
}

log('')
log('| database | target | sales/s | p50 ms | p99 ms | errors | Patron / floor |')
log('| --- | --- | ---: | ---: | ---: | ---: | ---: |')
for (const dialect of dialects) {
  const floor = reports.find((r) => r.dialect === dialect && r.target === 'floor')
  for (const r of reports.filter((x) => x.dialect === dialect)) {
    const ratio = r.target === 'patron' && floor ? `${fmt((r.load.throughputPerS / floor.load.throughputPerS) * 100, 0)} %` : ''
    log(`| ${dialect} | ${r.target} | ${fmt(r.load.throughputPerS, 0)} | ${fmt(r.load.latencyMs.p50, 1)} | ${fmt(r.load.latencyMs.p99, 1)} | ${r.load.total.non2xx + r.load.total.failed} | ${ratio} |`)
  }
}
const failed = reports.flatMap((r) => r.checkFailures.map((f) => `${r.dialect}/${r.target}: ${f}`))
log('')
log(failed.length === 0 ? 'all checks passed' : `CHECKS FAILED:\n${failed.join('\n')}`)
log(`wall time ${((performance.now() - wallStart) / 1000).toFixed(0)} s`)
if (opts.out) fs.writeFileSync(opts.out, JSON.stringify({ machine: m, options: opts, reports }, null, 2))
process.exit(failed.length === 0 ? 0 : 1)
