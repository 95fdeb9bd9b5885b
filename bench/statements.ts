/**
 * Where a checkout's database time goes, statement by statement (SQLite). A CPU profile puts
 * all of SQLite's time on Kysely's executeQuery; this wraps better-sqlite3's prepare/run/all to
 * time each SQL text instead. In one process: the dataset, the real app (buildApp), and
 * `--concurrency` (32) callers posting sales through app.inject, the same bodies as the bench.
 *
 *   node --import tsx bench/statements.ts [--sales 2000] [--concurrency 32] [--top 30]
 */
import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import SqliteDatabase from 'better-sqlite3'
import { loadConfig } from '../packages/server/src/config'
import { buildApp } from '../packages/server/src/app'
import { closeContext, createContext } from '../packages/server/src/main'
import { newId } from '../packages/server/src/util'
import { generateDataset, prng } from './dataset'

function option(name: string, fallback: string) {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const salesWanted = Number(option('sales', '2000'))
const concurrency = Number(option('concurrency', '32'))
const top = Number(option('top', '30'))

interface Stat {
  calls: number
  execMs: number
  prepareMs: number
}
const stats = new Map<string, Stat>()
let measuring = false
const proto = (SqliteDatabase as unknown as { prototype: { prepare: (sql: string) => any } }).prototype
const originalPrepare = proto.prepare
proto.prepare = function (this: unknown, sqlText: string) {
  const t0 = performance.now()
  const stmt = originalPrepare.call(this, sqlText)
  const key = sqlText.replace(/\s+/g, ' ').slice(0, 120)
  let s = stats.get(key)
  if (!s) stats.set(key, (s = { calls: 0, execMs: 0, prepareMs: 0 }))
  if (measuring) s.prepareMs += performance.now() - t0
  for (const method of ['all', 'run', 'get'] as const) {
    const f = stmt[method]
    stmt[method] = function (...args: unknown[]) {
      const t = performance.now()
      try {
        return f.apply(stmt, args)
      } finally {
        if (measuring) {
          s.calls++
          s.execMs += performance.now() - t
        }
      }
    }
  }
  return stmt
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-statements-'))
const url = `sqlite:${path.join(dir, 'patron.db')}`
try {
  const d = await generateDataset({ url, members: 100_000, products: 10_000, terminals: concurrency })
  const ctx = createContext(loadConfig({ DATABASE_URL: url, PATRON_DATA_DIR: os.tmpdir() }))
  const app = await buildApp(ctx)
  const random = prng(3)
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]
  let started = 0
  let failures = 0
  const sell = async (conn: number) => {
    const picked = new Set<string>()
    while (picked.size < 4) picked.add(pick(d.products).id)
    const body = { id: newId(), terminalId: d.terminalIds[conn], customerId: pick(d.customerIds), lines: [...picked].map((productId) => ({ productId, quantity: 1 })), tenders: [{ kind: 'cash', amountMinor: 1_000_000 }] }
    const res = await app.inject({ method: 'POST', url: '/api/v1/sales', headers: { cookie: d.terminalCookies[conn], 'content-type': 'application/json' }, payload: JSON.stringify(body) })
    if (res.statusCode !== 201 && failures++ < 3) console.error(res.statusCode, res.body.slice(0, 300))
  }
  const run = (n: number) => {
    started = 0
    return Promise.all(Array.from({ length: concurrency }, async (_, c) => {
      while (started < n) {
        started++
        await sell(c)
      }
    }))
  }
  await run(300) // warm-up: JIT, statement cache
  measuring = true
  const t0 = performance.now()
  await run(salesWanted)
  const wallMs = performance.now() - t0
  measuring = false
  await app.close()
  await closeContext(ctx)

  const rows = [...stats].filter(([, s]) => s.calls > 0).sort((a, b) => b[1].execMs + b[1].prepareMs - a[1].execMs - a[1].prepareMs)
  const sum = (f: (s: Stat) => number) => rows.reduce((acc, [, s]) => acc + f(s), 0)
  const us = (ms: number) => ((ms * 1000) / salesWanted).toFixed(0).padStart(6)
  console.log(`${salesWanted} sales, ${concurrency} at a time, in ${(wallMs / 1000).toFixed(1)} s (${((salesWanted / wallMs) * 1000).toFixed(0)}/s, in-process app.inject), ${failures} failed`)
  console.log(`per sale: ${(sum((s) => s.calls) / salesWanted).toFixed(1)} statements, ${us(sum((s) => s.execMs)).trim()} µs executing, ${us(sum((s) => s.prepareMs)).trim()} µs preparing, ${us(wallMs).trim()} µs wall`)
  console.log('\n  µs/sale exec   prep  calls/sale  statement')
  for (const [sqlText, s] of rows.slice(0, top)) console.log(`  ${us(s.execMs)}    ${us(s.prepareMs)}  ${(s.calls / salesWanted).toFixed(2).padStart(6)}      ${sqlText}`)
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
process.exit(0)
