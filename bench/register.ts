/**
 * `npm run bench:register`: the register's speed with a big shop (issue #4, speed section).
 *
 * Targets: product search ≤ 16 ms per keystroke in the browser, member lookup round trip ≤ 50 ms,
 * scan-to-line ≤ 50 ms, register JS ≤ 300 kB gzip, first load to interactive ≤ 1 s on localhost;
 * with 100k products and 1M members in the database.
 *
 * One run (about 5 minutes on 2 cores at 100k/1M; 2 minutes with --products 10000):
 *   1. `node scripts/build-web.mjs --strict` (a no-op when the build is up to date), then the JS in
 *      packages/web/dist/register/assets gzipped (e);
 *   2. a fresh SQLite database in a temp folder filled by bench/dataset.ts (bulk inserts in big
 *      transactions): 100k products with barcodes, 1M members, a terminal with an open cash
 *      session and a cashier with PIN 4321; the products then get varied grocery names
 *      (bench/register-names.ts) so that search has something to tell apart;
 *   3. the real server (bench/serve.ts, BENCH_TARGET=patron) in a child process on 127.0.0.1 and a
 *      free port, with the built register;
 *   4. member lookups from Node (d): GET /api/v1/customers?q= for a phone, a phone prefix, an
 *      email, an email prefix and a card code, one at a time, with the cashier's cookie; and the
 *      short prefixes the member dialog sends while typing (from 2 characters);
 *   5. headless Chromium (Playwright): the terminal set-up through the UI (owner password, store,
 *      till), then (a) first load of /register/ to a usable PIN pad in fresh browser contexts
 *      (cold: no HTTP cache, no service worker) and reloads (warm), PIN sign-in to the sell
 *      screen and to the catalogue downloaded and cached (first sync of 100k products), a reload
 *      signed in (catalogue from IndexedDB); (b) search keystrokes typed one by one, measured in
 *      the page from the keydown event to the end of the frame that shows the results; (c)
 *      barcodes typed as a keyboard wedge does + Enter, from Enter to the frame that shows the
 *      new cart line; (d) the same member lookups from the page (fetch).
 * Everything is bounded in time; the server stops on its own; the temp folder is removed.
 *
 * Options: --products N (100000) --members N (1000000) --lookups N (240) --scans N (60)
 *          --cold-loads N (3) --search-budget S (100) --scan-budget S (100): the keystroke and scan
 *          phases stop early when their time is up (a slow register gets fewer samples, not a
 *          longer run); --same-updated-at (every product edited in the same second, as the
 *          generator makes them: the register's refresh then re-fetches the whole catalogue);
 *          --no-build --out FILE (JSON) --keep (keep the temp database) --trace (where a
 *          keystroke's time goes, from a Chromium trace of a few queries typed again)
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath, pathToFileURL } from 'node:url'
import Sqlite from 'better-sqlite3'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { currency, formatMoney } from '@patron/core'
import { generateDataset, prng } from './dataset'
import { productName } from './register-names'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const DIST = path.join(root, 'packages/web/dist/register')

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`)
}
function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}

const opts = {
  products: Number(option('products', '100000')),
  members: Number(option('members', '1000000')),
  lookups: Number(option('lookups', '240')),
  scans: Number(option('scans', '60')),
  coldLoads: Number(option('cold-loads', '3')),
  /** Time limits of the keystroke and scan phases: a slow register gets fewer samples, not a longer run. */
  searchBudgetS: Number(option('search-budget', '100')),
  scanBudgetS: Number(option('scan-budget', '100')),
  build: !flag('no-build'),
  sameUpdatedAt: flag('same-updated-at'),
  out: option('out', ''),
  keep: flag('keep'),
  trace: flag('trace'),
}

const TARGETS = { searchMs: 16, lookupMs: 50, scanMs: 50, jsGzipKb: 300, firstLoadMs: 1000 }
const OWNER = { email: 'owner@bench.patron', password: 'bench-owner-password' }
const PIN = '4321'
const RUN_LIMIT_MS = (240 + opts.searchBudgetS + opts.scanBudgetS) * 1000
const CHROMIUM = process.env.PATRON_CHROMIUM || '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']

// ---------------------------------------------------------------------------------------------
// Small helpers

interface Stats {
  n: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

function stats(xs: number[]): Stats {
  if (xs.length === 0) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN }
  const s = [...xs].sort((a, b) => a - b)
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]
  return { n: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length }
}

const ms = (x: number) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '–')
const fmt = (s: Stats) => `p50 ${ms(s.p50)} · p95 ${ms(s.p95)} · p99 ${ms(s.p99)} · max ${ms(s.max)} ms (n=${s.n})`
const log = (...xs: unknown[]) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s]`, ...xs)
const sleep = (t: number) => new Promise((r) => setTimeout(r, t))
const started = performance.now()

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer))
}

// ---------------------------------------------------------------------------------------------
// Clean-up: the server child, the browser and the temp folder go whatever happens.

let tmpDir = ''
let server: ChildProcess | null = null
let browser: Browser | null = null
let cleaning: Promise<void> | null = null

/** Idempotent: every caller waits for the same clean-up. */
function cleanup(): Promise<void> {
  cleaning ??= doCleanup()
  return cleaning
}

async function doCleanup() {
  await browser?.close().catch(() => {})
  if (server && server.exitCode === null) {
    const exited = new Promise<void>((r) => server!.once('exit', () => r()))
    server.send('stop')
    const kill = setTimeout(() => server?.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(kill)
  }
  if (tmpDir && !opts.keep) fs.rmSync(tmpDir, { recursive: true, force: true })
  else if (tmpDir) console.log(`kept ${tmpDir}`)
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void cleanup().finally(() => process.exit(130))
  })
}
setTimeout(() => {
  console.error(`bench/register.ts: stopping after ${RUN_LIMIT_MS / 1000} s (run limit)`)
  void cleanup().finally(() => process.exit(2))
}, RUN_LIMIT_MS).unref()

// ---------------------------------------------------------------------------------------------
// (e) register JS size

interface JsSize {
  files: { file: string; bytes: number; gzip: number; initial: boolean }[]
  totalGzip: number
  initialGzip: number
  totalBytes: number
  cssGzip: number
}

function jsSize(): JsSize {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8')
  const assets = path.join(DIST, 'assets')
  const files = fs
    .readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => {
      const buf = fs.readFileSync(path.join(assets, f))
      return { file: f, bytes: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length, initial: html.includes(`assets/${f}`) }
    })
  const cssGzip = fs
    .readdirSync(assets)
    .filter((f) => f.endsWith('.css'))
    .reduce((a, f) => a + zlib.gzipSync(fs.readFileSync(path.join(assets, f)), { level: 9 }).length, 0)
  return {
    files,
    totalGzip: files.reduce((a, f) => a + f.gzip, 0),
    initialGzip: files.filter((f) => f.initial).reduce((a, f) => a + f.gzip, 0),
    totalBytes: files.reduce((a, f) => a + f.bytes, 0),
    cssGzip,
  }
}

// ---------------------------------------------------------------------------------------------
// Server

function startServer(url: string, storeId: string, lifetimeS: number): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(path.join(here, 'serve.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_TARGET: 'patron', DATABASE_URL: url, BENCH_STORE_ID: storeId, BENCH_MAX_LIFETIME_S: String(lifetimeS) },
    // The request log (info) is written as `patron start` writes it, to nowhere.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('the server did not start within 60 s'))
    }, 60_000)
    child.once('message', (m: { ready?: boolean; port?: number }) => {
      clearTimeout(timer)
      if (m?.ready && m.port) resolve({ child, port: m.port })
      else reject(new Error(`unexpected message from the server: ${JSON.stringify(m)}`))
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited early (code ${code})`))
    })
  })
}

// ---------------------------------------------------------------------------------------------
// (d) member lookups

type LookupKind = 'phone' | 'phone prefix (100 hits)' | 'email' | 'email prefix (100 hits)' | 'card code'
const LOOKUP_KINDS: LookupKind[] = ['phone', 'phone prefix (100 hits)', 'email', 'email prefix (100 hits)', 'card code']

/** Terms for member number i (1-based), as bench/dataset.ts makes them. */
function lookupTerm(kind: LookupKind, i: number): string {
  const n = String(i).padStart(7, '0')
  switch (kind) {
    case 'phone':
      return `+49151${n}`
    case 'phone prefix (100 hits)':
      return `+49151${n.slice(0, 5)}`
    case 'email':
      return `member${n}@bench.patron`
    case 'email prefix (100 hits)':
      return `member${n.slice(0, 5)}`
    case 'card code':
      return `B${n}`
  }
}

/** What the member dialog sends while a cashier types (from 2 characters, 200 ms debounce). */
const TYPING_PREFIXES = ['+4', '+49', '+491', 'me', 'mem', 'memb']

function lookupPlan(count: number, members: number, seed: number): { kind: LookupKind; term: string }[] {
  const random = prng(seed)
  return Array.from({ length: count }, (_, i) => {
    const kind = LOOKUP_KINDS[i % LOOKUP_KINDS.length]
    return { kind, term: lookupTerm(kind, 1 + Math.floor(random() * members)) }
  })
}

async function nodeLookup(base: string, cookie: string, term: string): Promise<{ ms: number; hits: number }> {
  const t = performance.now()
  const res = await fetch(`${base}/api/v1/customers?q=${encodeURIComponent(term)}&limit=8`, { headers: { cookie }, signal: AbortSignal.timeout(15_000) })
  const body = (await res.json()) as { items?: unknown[] }
  const took = performance.now() - t
  if (res.status !== 200) throw new Error(`lookup ${term}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`)
  return { ms: took, hits: body.items?.length ?? 0 }
}

// ---------------------------------------------------------------------------------------------
// In-page instrumentation (a plain script: the bench's tsconfig has no DOM types)

const PAGE_SCRIPT = String.raw`(() => {
  const B = (window.__bench = { marks: {}, clicks: [], longTasks: [], armed: false, t0: 0, keyFrame: 0, lastMut: 0, lastMutFrame: 0, scan: null });
  try { performance.setResourceTimingBufferSize(20000) } catch {}
  // React commits, counted through the DevTools hook React looks for at start (production builds too).
  B.commits = [];
  if (!window.__REACT_DEVTOOLS_GLOBAL_HOOK__) window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = { supportsFiber: true, renderers: new Map(), inject() { return 1 }, checkDCE() {}, onScheduleFiberRoot() {}, onCommitFiberRoot() { B.commits.push(performance.now()) }, onCommitFiberUnmount() {}, onPostCommitFiberRoot() {} };
  // The instrument keeps off the page's main thread as far as it can: one message channel for
  // every "after this task" (a new MessageChannel per call cost the page ~0.5 ms a keystroke),
  // one animation frame callback per frame, and no polling while a keystroke is handled.
  const tasks = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { const now = performance.now(); for (const cb of tasks.splice(0)) cb(now) };
  /** cb(time) in a task after the current one (its handlers, React's synchronous render and commit). */
  const afterTask = (cb) => { if (tasks.push(cb) === 1) channel.port2.postMessage(0) };
  const frames = [];
  /** cb(time) after the next frame: its requestAnimationFrame, then a task (style, layout and paint done). */
  const afterPaint = (cb) => { if (frames.push(cb) === 1) requestAnimationFrame(() => { const cbs = frames.splice(0); afterTask((now) => { for (const f of cbs) f(now) }) }) };
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) B.longTasks.push([e.startTime, e.duration]) }).observe({ type: 'longtask', buffered: true }) } catch {}
  const want = { setup: '.setup', pinPad: '[role="group"][aria-label="PIN pad"] button', search: 'input[type="search"]', tile: '.tile' };
  const inMain = (n) => { const el = n && (n.nodeType === 1 ? n : n.parentElement); return !!(el && el.closest && el.closest('.register__main')) };
  const lines = () => document.querySelectorAll('.order__lines [role="listitem"]').length;
  const mo = new MutationObserver((records) => {
    const now = performance.now();
    if (!B.armed && !B.scan) for (const k in want) if (!(k in B.marks) && document.querySelector(want[k])) { B.marks[k] = now; afterPaint((t) => { B.marks[k + 'Painted'] = t }) }
    if (B.armed && records.some((r) => inMain(r.target))) { B.lastMut = now; afterPaint((t) => { if (t > B.lastMutFrame) B.lastMutFrame = t }) }
    const s = B.scan;
    if (s && s.enter && !s.line && lines() >= s.expect) { s.line = now; afterPaint((t) => { s.lineFrame = t; if (s.done) s.done() }) }
  });
  const observe = () => mo.observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });
  if (document.documentElement) observe(); else document.addEventListener('readystatechange', observe, { once: true });
  addEventListener('click', () => B.clicks.push(performance.now()), true);
  addEventListener('keydown', (e) => {
    const s = B.scan;
    if (s) { if (!s.first) s.first = e.timeStamp; if (e.key === 'Enter') { s.enter = e.timeStamp; afterTask((t) => { s.processed = t }) } }
    if (!B.armed) return;
    B.t0 = e.timeStamp; B.keyFrame = 0; B.lastMut = 0; B.lastMutFrame = 0; B.processed = 0;
    afterTask((t) => { if (t > B.processed) B.processed = t });
    afterPaint((t) => { B.keyFrame = t });
  }, true);
  addEventListener('input', () => { if (B.armed) afterTask((t) => { if (t > B.processed) B.processed = t }) }, true);
  /** Ends when the page has been quiet for quietMs: from the keydown to the end of the last frame it changed. */
  B.settle = (quietMs) => new Promise((resolve) => {
    const t = performance.now();
    const check = () => {
      const now = performance.now();
      if (now - t > 30000) return resolve({ start: B.t0, dom: NaN, end: NaN });
      const quietAt = Math.max(B.lastMut, B.t0) + quietMs;
      if (B.keyFrame && B.processed && (!B.lastMut || B.lastMutFrame) && now >= quietAt) resolve({ start: B.t0, dom: Math.max(B.processed, B.lastMut), end: Math.max(B.keyFrame, B.lastMutFrame) });
      // first look when the page should be quiet: no timer runs while the keystroke is handled
      else setTimeout(check, Math.max(5, quietAt - now));
    };
    setTimeout(check, Math.max(5, B.t0 + quietMs - t));
  });
  B.armScan = (expect) => { B.scan = { expect, first: 0, enter: 0, processed: 0, line: 0, lineFrame: 0 } };
  /** The scan's times once its line is painted (or after limitMs); no polling meanwhile. */
  B.waitScan = (limitMs) => new Promise((resolve) => {
    const s = B.scan;
    const finish = () => { clearTimeout(timer); if (B.scan === s) B.scan = null; resolve({ first: s.first, enter: s.enter, processed: s.processed, line: s.line, lineFrame: s.lineFrame }) };
    const timer = setTimeout(finish, limitMs);
    if (s.lineFrame) finish(); else s.done = finish;
  });
  B.lines = lines;
})()`

interface PageMarks {
  marks: Record<string, number>
  nav: { responseEnd: number; domContentLoaded: number; load: number }
  longTaskMs: number
  scripts: { name: string; transfer: number; decoded: number }[]
}

async function pageMarks(page: Page): Promise<PageMarks> {
  return page.evaluate(`(() => {
    const n = performance.getEntriesByType('navigation')[0] || {};
    return {
      marks: window.__bench.marks,
      nav: { responseEnd: n.responseEnd, domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd },
      longTaskMs: window.__bench.longTasks.reduce((a, x) => a + x[1], 0),
      scripts: performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js')).map((e) => ({ name: e.name.split('/').pop(), transfer: e.transferSize, decoded: e.decodedBodySize })),
    };
  })()`) as Promise<PageMarks>
}

async function waitMark(page: Page, mark: string, timeoutMs: number): Promise<number> {
  // A function, not a string: the register's CSP forbids eval in the page.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await page.waitForFunction((m) => (globalThis as any).__bench?.marks[m] !== undefined, mark, { timeout: timeoutMs, polling: 20 })
  return (await page.evaluate(`window.__bench.marks[${JSON.stringify(mark)}]`)) as number
}

interface ProductFetches {
  count: number
  bytes: number
  first: number
  last: number
}

async function productFetches(page: Page, since = 0): Promise<ProductFetches> {
  return page.evaluate(`(() => {
    const xs = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/products') && e.startTime >= ${since});
    return { count: xs.length, bytes: xs.reduce((a, e) => a + (e.encodedBodySize || 0), 0), first: xs.length ? Math.min(...xs.map((e) => e.startTime)) : 0, last: xs.length ? Math.max(...xs.map((e) => e.responseEnd)) : 0 };
  })()`) as Promise<ProductFetches>
}

/**
 * The register's catalogue refreshes after `since`, as [first request, last response + settleMs]
 * windows (product pages less than 2 s apart are one refresh; settleMs covers storing and
 * indexing what came). Measurements that overlap one are reported apart.
 */
async function refreshWindows(page: Page, since: number, settleMs: number): Promise<{ windows: [number, number][]; pages: number }> {
  const xs = (await page.evaluate(`performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/products') && e.startTime >= ${since}).map((e) => [e.startTime, e.responseEnd])`)) as [number, number][]
  xs.sort((a, b) => a[0] - b[0])
  const windows: [number, number][] = []
  for (const [start, end] of xs) {
    const last = windows[windows.length - 1]
    if (last && start - (last[1] - settleMs) < 2000) last[1] = Math.max(last[1], end + settleMs)
    else windows.push([start, end + settleMs])
  }
  return { windows, pages: xs.length }
}

function during(windows: [number, number][], k: { start: number; end: number }): boolean {
  return windows.some(([a, b]) => k.end >= a && k.start <= b)
}

/** Waits until no product page has been fetched for quietMs (the catalogue refresh is over). */
async function waitCatalogueQuiet(page: Page, quietMs: number, limitMs: number, since = 0): Promise<ProductFetches> {
  const t = Date.now()
  let last = await productFetches(page, since)
  let stableSince = Date.now()
  while (Date.now() - t < limitMs) {
    await sleep(250)
    const now = await productFetches(page, since)
    if (now.count !== last.count) {
      last = now
      stableSince = Date.now()
    } else if (Date.now() - stableSince >= quietMs) return now
  }
  return last
}

/** Waits until the page's main thread has had no long task for quietMs. */
async function waitIdle(page: Page, quietMs: number, limitMs: number): Promise<void> {
  const t = Date.now()
  while (Date.now() - t < limitMs) {
    const idleFor = (await page.evaluate(`(() => { const xs = window.__bench.longTasks; const last = xs.length ? Math.max(...xs.map((x) => x[0] + x[1])) : 0; return performance.now() - last })()`)) as number
    if (idleFor >= quietMs) return
    await sleep(250)
  }
}

async function longTasksBetween(page: Page, from: number, to: number): Promise<{ total: number; max: number; count: number }> {
  return page.evaluate(`(() => {
    const xs = window.__bench.longTasks.filter((x) => x[0] + x[1] >= ${from} && x[0] <= ${to});
    return { total: xs.reduce((a, x) => a + x[1], 0), max: xs.reduce((a, x) => Math.max(a, x[1]), 0), count: xs.length };
  })()`) as Promise<{ total: number; max: number; count: number }>
}

// ---------------------------------------------------------------------------------------------
// Browser steps

async function newContext(b: Browser, baseURL: string, storageState?: Awaited<ReturnType<BrowserContext['storageState']>>): Promise<{ context: BrowserContext; page: Page }> {
  const context = await b.newContext({ baseURL, viewport: { width: 1366, height: 768 }, storageState })
  await context.addInitScript({ content: PAGE_SCRIPT })
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  return { context, page }
}

/** The terminal set-up as a manager does it (e2e/register.ts), here as the bench shop's owner. */
async function setUpTerminal(page: Page) {
  await page.goto('/register/')
  await page.getByRole('heading', { name: 'Set up this register' }).waitFor()
  await page.getByLabel('Email').fill(OWNER.email)
  await page.getByLabel('Password').fill(OWNER.password)
  await page.getByRole('button', { name: 'Sign in as manager' }).click()
  await page.getByRole('heading', { name: 'Which till is this?' }).waitFor()
  const store = page.getByRole('button', { name: /Bench Store/ })
  if ((await store.getAttribute('aria-pressed')) !== 'true') await store.click()
  await page.getByRole('button', { name: /Till 1/ }).click()
  await page.getByRole('button', { name: /Use this browser as Till 1/ }).click()
  await page.getByRole('heading', { name: 'Enter your PIN' }).waitFor()
}

interface LoadFigures {
  pinPadVisible: number
  pinPadPainted: number
  domContentLoaded: number
  load: number
  longTaskMs: number
  jsTransferKb: number
  /** The same scripts as they are once decoded (transferred less than this: sent compressed). */
  jsDecodedKb: number
}

async function measureLoad(page: Page, how: 'goto' | 'reload'): Promise<LoadFigures> {
  if (how === 'goto') await page.goto('/register/', { waitUntil: 'commit' })
  else await page.reload({ waitUntil: 'commit' })
  await waitMark(page, 'pinPadPainted', 30_000)
  await page.waitForLoadState('load')
  const m = await pageMarks(page)
  return {
    pinPadVisible: m.marks.pinPad,
    pinPadPainted: m.marks.pinPadPainted,
    domContentLoaded: m.nav.domContentLoaded,
    load: m.nav.load,
    longTaskMs: m.longTaskMs,
    jsTransferKb: m.scripts.reduce((a, s) => a + (s.transfer || 0), 0) / 1024,
    jsDecodedKb: m.scripts.reduce((a, s) => a + (s.decoded || 0), 0) / 1024,
  }
}

/** Types a PIN on the pad; returns the page time of the click on "Sign in". */
async function pinLogin(page: Page): Promise<number> {
  const pad = page.getByRole('group', { name: 'PIN pad' })
  for (const digit of PIN) await pad.getByRole('button', { name: digit, exact: true }).click()
  await pad.getByRole('button', { name: 'Sign in' }).click()
  const clicks = (await page.evaluate('window.__bench.clicks')) as number[]
  return clicks[clicks.length - 1]
}

const QUERIES = [
  'milk',
  'alpina mi',
  'choc',
  'dark chocolate',
  'organic ban',
  'sonnberg',
  'tomato pass',
  'gouda 500',
  'sku-04217',
  '400031',
  'coffee beans',
  'xqz',
  'olive oil 1',
  'toothp',
]

/** How long after a key (or a scan's Enter) the bench waits before it asks the page for the times. */
const KEY_QUIET_MS = 50

interface KeyMeasure {
  query: string
  typed: string
  /** keydown → the frame that shows the results has been painted (includes waiting for the frame). */
  ms: number
  /** keydown → the results are in the DOM (event handlers, search, React's render and commit). */
  domMs: number
  start: number
  end: number
  /** React commits between the keydown and the painted frame. */
  commits: number
}

/**
 * --trace: the first queries typed again under Chromium's tracing; the main thread's time per
 * keystroke by kind of work (top-level events only: script in event handlers and tasks, style,
 * layout, paint).
 */
async function traceKeystrokes(browser: Browser, page: Page): Promise<string> {
  const file = path.join(os.tmpdir(), `patron-register-trace-${process.pid}.json`)
  await browser.startTracing(page, { path: file, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] })
  let n = 0
  await page.evaluate('window.__bench.armed = true')
  for (const q of QUERIES.slice(0, 4)) {
    for (let i = 0; i < q.length; i++, n++) await typeAndMeasure(page, q[i], q.slice(0, i + 1), q)
    await typeAndMeasure(page, 'Escape', '', q)
  }
  await page.evaluate('window.__bench.armed = false')
  await browser.stopTracing()
  // The same keystrokes under V8's sampling profiler: the functions with the most self time.
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
  await cdp.send('Profiler.start')
  await page.evaluate('window.__bench.armed = true')
  for (const q of QUERIES.slice(0, 4)) {
    for (let i = 0; i < q.length; i++) await typeAndMeasure(page, q[i], q.slice(0, i + 1), q)
    await typeAndMeasure(page, 'Escape', '', q)
  }
  await page.evaluate('window.__bench.armed = false')
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] } }
  await cdp.detach()
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const byFn = new Map<string, number>()
  for (const node of profile.nodes) {
    const t = self.get(node.id)
    if (!t) continue
    const f = node.callFrame
    if (f.functionName === '(idle)' || f.functionName === '(program)') continue
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`
    byFn.set(key, (byFn.get(key) ?? 0) + t / 1000)
  }
  log(`      the same keystrokes profiled, self time per keystroke: ${[...byFn].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, v]) => `${k} ${(v / n).toFixed(2)}`).join(' · ')}`)
  const trace = JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: { name: string; ph: string; dur?: number; pid: number; tid: number; args?: { name?: string } }[] }
  if (!process.env.BENCH_KEEP_TRACE) fs.rmSync(file, { force: true })
  else log(`      trace kept: ${file}`)
  const main = trace.traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  const kinds: Record<string, string> = { EventDispatch: 'event handlers', FunctionCall: 'other script tasks', TimerFire: 'timers', FireAnimationFrame: 'animation frames', RunMicrotasks: 'microtasks', UpdateLayoutTree: 'style', Layout: 'layout', PrePaint: 'pre-paint', Paint: 'paint', Layerize: 'layerize', HitTest: 'hit test' }
  const sums: Record<string, number> = {}
  const gc = new Map<string, { n: number; ms: number; max: number }>()
  for (const e of trace.traceEvents) {
    if (main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && /GC|Scavenge|Marking|Sweep/i.test(e.name)) {
      const g = gc.get(e.name) ?? { n: 0, ms: 0, max: 0 }
      g.n++
      g.ms += (e.dur ?? 0) / 1000
      g.max = Math.max(g.max, (e.dur ?? 0) / 1000)
      gc.set(e.name, g)
    }
    if (!main || e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || !(e.name in kinds)) continue
    sums[kinds[e.name]] = (sums[kinds[e.name]] ?? 0) + (e.dur ?? 0) / 1000
  }
  return Object.entries(sums)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${(v / n).toFixed(2)}`)
    .join(', ') + ` (${n} keystrokes; event handlers include what React renders in them, style and layout done inside script count there too); garbage collection inside those: ${[...gc].map(([k, g]) => `${k} ×${g.n} ${ms(g.ms)} ms (max ${ms(g.max)})`).join(', ')}`
}

async function typeAndMeasure(page: Page, key: string, typed: string, query: string): Promise<KeyMeasure> {
  if (key.length > 1) await page.keyboard.press(key)
  else await page.keyboard.type(key)
  // Asked once the keystroke has been handled: a CDP evaluate sent at once reached the page while
  // it handled the key, and took main-thread and CPU time from what it measured.
  await sleep(KEY_QUIET_MS)
  const r = (await page.evaluate('window.__bench.settle(60)')) as { start: number; dom: number; end: number }
  const commits = (await page.evaluate(`window.__bench.commits.filter((t) => t >= ${r.start} && t <= ${r.end}).length`)) as number
  return { query, typed, ms: r.end - r.start, domMs: r.dom - r.start, start: r.start, end: r.end, commits }
}

// ---------------------------------------------------------------------------------------------
// The register's catalogue code, timed in Node (same V8 as Chromium, no DOM, no React)

interface CatalogLike {
  categories: { id: string; orgId?: string; name: string; parentId: string | null }[]
  search(q: string, limit?: number): unknown[]
  inCategory(id: string | null): unknown[]
}

async function catalogueAlgorithms(dbFile: string) {
  const db = new Sqlite(dbFile, { readonly: true })
  const rows = db.prepare('select * from products').all() as Record<string, string | number | null>[]
  const categories = (db.prepare('select id, name from categories').all() as { id: string; name: string }[]).map((c) => ({ ...c, parentId: null }))
  db.close()
  const products = rows.map((p) => ({
    id: p.id, sku: p.sku, barcode: p.barcode, name: p.name, categoryId: p.category_id, priceMinor: p.price_minor, taxClassId: p.tax_class_id,
    nonEarning: p.non_earning === 1, trackStock: p.track_stock === 1, weighed: p.weighed === 1, active: p.active === 1, createdAt: p.created_at, updatedAt: p.updated_at,
  }))
  // A computed path: the bench is type-checked without the DOM types the web package needs.
  const file = path.join(root, 'packages/web/src/register/state/catalog.ts')
  const mod = (await import(pathToFileURL(file).href)) as { Catalog: new () => CatalogLike }
  const cat = new mod.Catalog()
  cat.categories = categories
  const time = (fn: () => unknown) => {
    const t = performance.now()
    fn()
    return performance.now() - t
  }
  // upsert is private in the class; it is what loadCached and every refresh with changes run.
  const upsertMs = time(() => (cat as unknown as { upsert(p: unknown[]): void }).upsert(products))
  const searchTimes: number[] = []
  for (let round = 0; round < 2; round++) for (const q of QUERIES) for (let i = 1; i <= q.length; i++) searchTimes.push(time(() => cat.search(q.slice(0, i))))
  const chips: number[] = []
  const all: number[] = []
  for (let i = 0; i < 5; i++) {
    chips.push(time(() => cat.categories.filter((c) => cat.inCategory(c.id).length > 0)))
    all.push(time(() => cat.inCategory(null)))
  }
  // Each tile's price: formatMoney builds a new Intl.NumberFormat per call (up to 120 tiles a render).
  const money: number[] = []
  for (let i = 0; i < 5; i++) money.push(time(() => products.slice(0, 120).forEach((p) => formatMoney(Number(p.priceMinor), currency('EUR'), 'en'))))
  const r = { products: products.length, upsertMs, search: stats(searchTimes), chipsPerRender: stats(chips), allProducts: stats(all), formatMoney120: stats(money) }
  log(`catalogue code in Node over ${products.length.toLocaleString('en')} products: upsert (index + sort by name) ${ms(upsertMs)} ms; search() per keystroke ${fmt(r.search)}; the category chips SellView computes on every render (20 × inCategory) ${ms(r.chipsPerRender.p50)} ms; inCategory(null) ${ms(r.allProducts.p50)} ms; formatMoney × 120 tiles ${ms(r.formatMoney120.p50)} ms`)
  return r
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const report: Record<string, unknown> = {}
  const machine = {
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadavgAtStart: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    chromium: '',
  }
  report.machine = machine
  report.options = opts
  log(`machine: ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadavgAtStart}`)

  // 1. build and JS size
  if (opts.build) {
    const t = performance.now()
    const r = spawnSync(process.execPath, ['scripts/build-web.mjs', '--strict'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000, encoding: 'utf8' })
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-3).join(' / ')
    if (r.status !== 0) {
      if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error(`the register build failed and there is no previous build: ${out}`)
      log(`WARNING: node scripts/build-web.mjs --strict exited ${r.status}; measuring the previous build in packages/web/dist (${out})`)
      report.buildWarning = `build-web exited ${r.status}: ${out}`
    } else log(`build: ${out} (${((performance.now() - t) / 1000).toFixed(1)} s)`)
  }
  const indexBefore = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8')
  const js = jsSize()
  report.js = js
  log(`(e) register JS: ${(js.totalGzip / 1024).toFixed(1)} kB gzip in ${js.files.length} files (${(js.totalBytes / 1024).toFixed(0)} kB raw); loaded at start ${(js.initialGzip / 1024).toFixed(1)} kB gzip; CSS ${(js.cssGzip / 1024).toFixed(1)} kB gzip`)

  // 2. dataset
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-register-bench-'))
  const dbFile = path.join(tmpDir, 'patron.db')
  const url = `sqlite:${dbFile}`
  log(`dataset: ${opts.products.toLocaleString('en')} products, ${opts.members.toLocaleString('en')} members into ${dbFile} …`)
  const td = performance.now()
  const d = await generateDataset({ url, members: opts.members, products: opts.products, terminals: 1 })
  const tn = performance.now()
  {
    const db = new Sqlite(dbFile)
    const ids = db.prepare('select id from products order by sku').pluck().all() as string[]
    // Names, and (unless --same-updated-at) edit times one minute apart over the past weeks as in
    // a shop that grew its catalogue: the generator gives every product the same updated_at, and
    // then the register's incremental refresh (updatedSince = newest − 1 s) fetches all of them.
    const newest = Date.parse((db.prepare('select max(updated_at) from products').pluck().get() as string) ?? new Date().toISOString())
    const update = opts.sameUpdatedAt ? db.prepare('update products set name = ? where id = ?') : db.prepare('update products set name = ?, updated_at = ? where id = ?')
    db.transaction(() =>
      ids.forEach((id, i) => (opts.sameUpdatedAt ? update.run(productName(i), id) : update.run(productName(i), new Date(newest - (ids.length - 1 - i) * 60_000).toISOString(), id))),
    )()
    db.close()
  }
  const datasetS = (performance.now() - td) / 1000
  const dbMb = fs.statSync(dbFile).size / 2 ** 20
  report.dataset = { seconds: datasetS, generator: d.timings, namesMs: performance.now() - tn, dbMb }
  log(`dataset: ${datasetS.toFixed(1)} s (setup ${(d.timings.setupMs / 1000).toFixed(1)} s, bulk inserts ${(d.timings.bulkMs / 1000).toFixed(1)} s, sessions ${(d.timings.sessionsMs / 1000).toFixed(1)} s, names ${((performance.now() - tn) / 1000).toFixed(1)} s), ${dbMb.toFixed(0)} MB`)

  // Where a keystroke's time goes: the register's own Catalog class (packages/web), in Node,
  // over the same 100k products, doing what SellView does on every render.
  report.catalogue = await catalogueAlgorithms(dbFile)

  // 3. server
  const s = await startServer(url, d.storeId, RUN_LIMIT_MS / 1000)
  server = s.child
  const base = `http://127.0.0.1:${s.port}`
  log(`server: ${base}`)

  // 4. member lookups from Node
  const cookie = d.terminalCookies[0]
  for (const { term } of lookupPlan(20, opts.members, 7)) await nodeLookup(base, cookie, term)
  const plan = lookupPlan(opts.lookups, opts.members, 11)
  const nodeTimes: { kind: LookupKind; ms: number; hits: number }[] = []
  for (const { kind, term } of plan) nodeTimes.push({ kind, ...(await nodeLookup(base, cookie, term)) })
  const nodeAll = stats(nodeTimes.map((x) => x.ms))
  const nodeByKind = Object.fromEntries(LOOKUP_KINDS.map((k) => [k, stats(nodeTimes.filter((x) => x.kind === k).map((x) => x.ms))]))
  log(`(d) member lookup from Node, ${plan.length} lookups: ${fmt(nodeAll)}`)
  for (const k of LOOKUP_KINDS) log(`      ${k.padEnd(24)} ${fmt(nodeByKind[k])}`)
  const typing: { term: string; ms: number; hits: number }[] = []
  for (let round = 0; round < 2; round++) for (const term of TYPING_PREFIXES) typing.push({ term, ...(await nodeLookup(base, cookie, term)) })
  const typingStats = stats(typing.map((x) => x.ms))
  log(`(d) as-you-type prefixes (${TYPING_PREFIXES.join(', ')}; the member dialog sends from 2 characters): ${fmt(typingStats)}`)
  report.lookupsNode = { all: nodeAll, byKind: nodeByKind, typing: typingStats, typingSamples: typing }

  // The SQLite plans behind those numbers (the statement searchCustomers builds, written out).
  {
    const db = new Sqlite(dbFile, { readonly: true })
    const where = {
      phone: ['(phone >= ? and phone < ? and phone like ?) or card_code = ?', (t: string) => [t, `${t}\uffff`, `${t}%`, t.toUpperCase()]],
      other: ['card_code = ? or (name_lower >= ? and name_lower < ? and name_lower like ?) or (email >= ? and email < ? and email like ?)', (t: string) => [t.toUpperCase(), t, `${t}\uffff`, `${t}%`, t, `${t}\uffff`, `${t}%`]],
    } as const
    const plans: Record<string, string> = {}
    for (const [name, [w, params]] of Object.entries(where)) {
      const sql = `explain query plan select * from customers where org_id = ? and (${w}) order by id limit 9`
      plans[name] = (db.prepare(sql).all(d.orgId, ...params(name === 'phone' ? '+4' : 'me')) as { detail: string }[]).map((r) => r.detail).join(' | ')
    }
    db.close()
    report.customerPlans = plans
    log(`      SQLite plan for a phone search: ${plans.phone}`)
  }

  // 5. browser
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  machine.chromium = browser.version()
  log(`browser: Chromium ${machine.chromium}`)

  // Terminal set-up through the UI, once; its localStorage is this browser's terminal.
  const setup = await newContext(browser, base)
  await setUpTerminal(setup.page)
  const storageState = await setup.context.storageState()
  await setup.context.close()

  // (a) first load: fresh contexts (no HTTP cache, no service worker, no IndexedDB) …
  const cold: LoadFigures[] = []
  for (let i = 0; i < opts.coldLoads; i++) {
    const c = await newContext(browser, base, storageState)
    cold.push(await measureLoad(c.page, 'goto'))
    await c.context.close()
  }
  // … and reloads of one (HTTP cache and service worker warm), the last one signs in.
  const { context, page } = await newContext(browser, base, storageState)
  await measureLoad(page, 'goto')
  await sleep(500) // the service worker installs after "load"
  const warm: LoadFigures[] = []
  for (let i = 0; i < 3; i++) warm.push(await measureLoad(page, 'reload'))
  const coldPad = stats(cold.map((x) => x.pinPadPainted))
  const warmPad = stats(warm.map((x) => x.pinPadPainted))
  log(`(a) first load → PIN pad usable, cold: ${cold.map((x) => ms(x.pinPadPainted)).join(', ')} ms (DOMContentLoaded ${cold.map((x) => ms(x.domContentLoaded)).join(', ')}; JS transferred ${cold[0]?.jsTransferKb.toFixed(0)} kB for ${cold[0]?.jsDecodedKb.toFixed(0)} kB of scripts)`)
  log(`(a) reload → PIN pad usable, warm: ${warm.map((x) => ms(x.pinPadPainted)).join(', ')} ms`)

  // PIN sign-in with an empty IndexedDB: the first sync downloads the whole catalogue.
  const clickAt = await pinLogin(page)
  const sellAt = await waitMark(page, 'searchPainted', 30_000)
  const tileAt = await waitMark(page, 'tilePainted', 240_000)
  const firstSync = await productFetches(page)
  const syncTasks = await longTasksBetween(page, clickAt, tileAt)
  const login = { toSellMs: sellAt - clickAt, toCatalogueMs: tileAt - clickAt, productRequests: firstSync.count, productMb: firstSync.bytes / 2 ** 20, downloadMs: firstSync.last - firstSync.first, longTasks: syncTasks }
  await sleep(1500)
  const catalogMarks = async (from: number) =>
    ((await page.evaluate(`performance.getEntriesByType('mark').filter((m) => m.name.startsWith('catalog:') && m.startTime >= ${from}).map((m) => [m.name.slice(8), m.startTime])`)) as [string, number][])
      .map(([n, t]) => `${n} +${ms(t - from)}`)
      .join(', ')
  log(`(a) first sync, the register's marks after "Sign in": ${await catalogMarks(clickAt)}`)
  const requests = (await page.evaluate(`performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/') && e.startTime >= ${clickAt - 50}).map((e) => [e.name.replace(/^.*\\/api\\/v1/, '').split('?')[0], e.startTime, e.responseEnd])`)) as [string, number, number][]
  log(`(a) first sync, requests after "Sign in" (start–end, ms): ${requests.map(([n, a, b]) => `${n} ${ms(a - clickAt)}–${ms(b - clickAt)}`).join(', ')}`)
  log(`(a) PIN "Sign in" → sell screen ${ms(login.toSellMs)} ms; → catalogue downloaded, in IndexedDB and on screen ${ms(login.toCatalogueMs)} ms (${login.productRequests} requests, ${login.productMb.toFixed(1)} MB JSON over ${ms(login.downloadMs)} ms; main thread blocked ${ms(syncTasks.total)} ms in ${syncTasks.count} long tasks, longest ${ms(syncTasks.max)} ms)`)

  // Reload signed in: the catalogue comes from IndexedDB, then the background refresh.
  await sleep(1000)
  await page.reload({ waitUntil: 'commit' })
  const reSell = await waitMark(page, 'searchPainted', 30_000)
  const reTile = await waitMark(page, 'tilePainted', 60_000)
  const refresh = await waitCatalogueQuiet(page, 3000, 120_000)
  await waitIdle(page, 2000, 60_000)
  const refreshTasks = await longTasksBetween(page, 0, refresh.last + 3000)
  const reload = { toSellMs: reSell, toCatalogueMs: reTile, refreshRequests: refresh.count, refreshMb: refresh.bytes / 2 ** 20, refreshMs: refresh.last - refresh.first, longTasks: refreshTasks }
  log(`(a) reload, the register's marks after navigation start: ${await catalogMarks(0)}`)
  log(`(a) reload signed in → sell screen ${ms(reSell)} ms; → catalogue from IndexedDB on screen ${ms(reTile)} ms; then the background refresh fetched ${refresh.count} product pages (${reload.refreshMb.toFixed(1)} MB) in ${ms(reload.refreshMs)} ms; long tasks until then ${ms(refreshTasks.total)} ms (${refreshTasks.count}, longest ${ms(refreshTasks.max)} ms)`)
  report.firstLoad = { cold, warm, coldPad, warmPad, login, reload }

  // (b) search keystrokes. The floor first: a key that changes nothing (Shift) → the next frame.
  const searchBox = page.getByRole('searchbox', { name: /Search products/ })
  await searchBox.click()
  await page.evaluate('window.__bench.armed = true')
  const floorKeys: KeyMeasure[] = []
  for (let i = 0; i < 30; i++) floorKeys.push(await typeAndMeasure(page, 'Shift', '', '(floor)'))
  const floor = { painted: stats(floorKeys.map((k) => k.ms)), dom: stats(floorKeys.map((k) => k.domMs)) }
  log(`(b) floor, a key that changes nothing (Shift): keydown → task done ${fmt(floor.dom)}; → next frame painted ${fmt(floor.painted)}`)
  const keys: KeyMeasure[] = []
  const clears: KeyMeasure[] = []
  const searchDeadline = Date.now() + opts.searchBudgetS * 1000
  for (const q of QUERIES) {
    if (Date.now() > searchDeadline) break
    for (let i = 0; i < q.length && Date.now() <= searchDeadline; i++) keys.push(await typeAndMeasure(page, q[i], q.slice(0, i + 1), q))
    clears.push(await typeAndMeasure(page, 'Escape', '', q))
  }
  if (Date.now() > searchDeadline) log(`      (the search budget of ${opts.searchBudgetS} s ran out after ${keys.length} keystrokes)`)
  await page.evaluate('window.__bench.armed = false')
  // Keystrokes that overlapped the register's own catalogue refresh (every 60 s) are shown apart.
  const searchFrom = keys[0].start
  const sync = await refreshWindows(page, searchFrom - 20_000, 8000)
  const overlaps = (k: { start: number; end: number }) => during(sync.windows, k)
  const clean = keys.filter((k) => !overlaps(k))
  const searchDom = stats(clean.map((k) => k.domMs))
  const searchStats = stats(clean.map((k) => k.ms))
  const searchAll = stats(keys.map((k) => k.ms))
  const clearStats = stats(clears.filter((k) => !overlaps(k)).map((k) => k.domMs))
  const slowest = [...clean].sort((a, b) => b.domMs - a.domMs).slice(0, 6)
  const byLength = [1, 2, 3].map((n) => stats(clean.filter((k) => k.typed.length === n).map((k) => k.domMs)))
  const longer = stats(clean.filter((k) => k.typed.length > 3).map((k) => k.domMs))
  log(`(b) search, ${keys.length} keystrokes (${clean.length} outside a catalogue refresh): keydown → results in the DOM ${fmt(searchDom)}; over 16 ms: ${clean.filter((k) => k.domMs > TARGETS.searchMs).length}`)
  log(`      keydown → results painted ${fmt(searchStats)}`)
  log(`      in the DOM by query length: 1 char ${fmt(byLength[0])}; 2 ${fmt(byLength[1])}; 3 ${fmt(byLength[2])}; 4+ ${fmt(longer)}`)
  const commitCounts = clean.map((k) => k.commits).sort((a, b) => a - b)
  log(`      React commits per keystroke: median ${commitCounts[Math.floor(commitCounts.length / 2)] ?? '–'}, max ${commitCounts[commitCounts.length - 1] ?? '–'}`)
  log(`      slowest: ${slowest.map((k) => `"${k.typed}" ${ms(k.domMs)}`).join(', ')}`)
  log(`      clearing the field (Escape, back to all products), in the DOM: ${fmt(clearStats)}`)
  if (sync.pages) log(`      all keystrokes incl. ${keys.length - clean.length} during ${sync.windows.length} catalogue refresh(es) (${sync.pages} product pages), painted: ${fmt(searchAll)}`)
  report.search = { floor, dom: searchDom, painted: searchStats, all: searchAll, clear: clearStats, byLength, longer, refreshDuring: sync, keys }
  if (opts.trace) log(`      where a keystroke's time goes (Chromium trace of the first queries typed again, ms per keystroke on the page's main thread): ${await traceKeystrokes(browser, page)}`)

  // (c) scan-to-line: a wedge types the barcode fast and sends Enter; a new product each time.
  const random = prng(99)
  const picked = new Set<number>()
  while (picked.size < opts.scans) picked.add(1 + Math.floor(random() * opts.products))
  const codes = [...picked].map((n) => `400${String(n).padStart(6, '0')}`)
  await searchBox.click()
  const scans: { domMs: number; paintedMs: number; wholeMs: number; typingMs: number; lines: number; start: number; end: number }[] = []
  const scanDeadline = Date.now() + opts.scanBudgetS * 1000
  for (let i = 0; i < codes.length; i++) {
    if (Date.now() > scanDeadline) {
      log(`      (the scan budget of ${opts.scanBudgetS} s ran out after ${scans.length} scans)`)
      break
    }
    if (i > 0 && i % 10 === 0) {
      // Park the sale (F8): the next scans start a new cart, as at a real till.
      await page.keyboard.press('F8')
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await page.waitForFunction(() => (globalThis as any).__bench.lines() === 0, undefined, { timeout: 10_000 })
      await searchBox.click()
    }
    const before = (await page.evaluate('window.__bench.lines()')) as number
    await page.evaluate(`window.__bench.armScan(${before + 1})`)
    await page.keyboard.type(codes[i])
    await page.keyboard.press('Enter')
    await sleep(KEY_QUIET_MS)
    const r = (await page.evaluate('window.__bench.waitScan(30000)')) as { first: number; enter: number; processed: number; line: number; lineFrame: number }
    if (!r.lineFrame) throw new Error(`scan ${codes[i]}: no cart line within 30 s`)
    scans.push({ domMs: Math.max(r.line, r.processed) - r.enter, paintedMs: r.lineFrame - r.enter, wholeMs: r.lineFrame - r.first, typingMs: r.enter - r.first, lines: before + 1, start: r.first, end: r.lineFrame })
    await sleep(50)
  }
  const scanSync = await refreshWindows(page, scans[0].start - 20_000, 8000)
  const scanClean = scans.filter((k) => !during(scanSync.windows, k))
  const scanDom = stats(scanClean.map((x) => x.domMs))
  const scanStats = stats(scanClean.map((x) => x.paintedMs))
  log(`(c) scan-to-line, ${scans.length} scans (${scanClean.length} outside a catalogue refresh), Enter → line in the DOM: ${fmt(scanDom)}`)
  const scanWhole = stats(scanClean.map((x) => x.wholeMs))
  const scanTyping = stats(scanClean.map((x) => x.typingMs))
  log(`      first character of the barcode → line painted: ${fmt(scanWhole)}; of which Playwright typing the 9 characters (first keydown → Enter keydown; a wedge scanner takes ~10–20 ms): ${fmt(scanTyping)}`)
  log(`      Enter → line painted: ${fmt(scanStats)}; in the DOM, 1st line of a cart ${fmt(stats(scanClean.filter((x) => x.lines === 1).map((x) => x.domMs)))}; 10th ${fmt(stats(scanClean.filter((x) => x.lines === 10).map((x) => x.domMs)))}`)
  report.scan = { dom: scanDom, painted: scanStats, whole: scanWhole, typing: scanTyping, refreshDuring: scanSync, scans }

  // (d) member lookups from the page
  const pagePlan = lookupPlan(opts.lookups, opts.members, 13)
  const pageTimes = (await withTimeout(
    page.evaluate(`(async (terms) => {
      const out = [];
      for (const t of terms) {
        const t0 = performance.now();
        const r = await fetch('/api/v1/customers?q=' + encodeURIComponent(t) + '&limit=8', { credentials: 'same-origin' });
        const body = await r.json();
        out.push({ ms: performance.now() - t0, status: r.status, hits: (body.items || []).length });
      }
      return out;
    })(${JSON.stringify(pagePlan.map((p) => p.term))})`) as Promise<{ ms: number; status: number; hits: number }[]>,
    120_000,
    'member lookups from the page',
  ))
  const bad = pageTimes.filter((x) => x.status !== 200)
  if (bad.length) throw new Error(`${bad.length} member lookups from the page failed (HTTP ${bad[0].status})`)
  const pageAll = stats(pageTimes.map((x) => x.ms))
  const pageByKind = Object.fromEntries(LOOKUP_KINDS.map((k) => [k, stats(pageTimes.filter((_, i) => pagePlan[i].kind === k).map((x) => x.ms))]))
  log(`(d) member lookup from the page (fetch), ${pageTimes.length} lookups: ${fmt(pageAll)}`)
  report.lookupsPage = { all: pageAll, byKind: pageByKind }

  await context.close()
  const indexAfter = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8')
  if (indexAfter !== indexBefore) {
    log('WARNING: packages/web/dist was rebuilt during the run (someone else built the register); the figures may mix two builds')
    report.distChanged = true
  }
  machine.loadavgAtStart += ` / at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`

  // Summary beside the targets
  const rows: [string, string, string, boolean | null][] = [
    ['product search per keystroke: keydown → results in the DOM', `≤ ${TARGETS.searchMs} ms`, `p50 ${ms(searchDom.p50)} · p95 ${ms(searchDom.p95)} · max ${ms(searchDom.max)} ms (floor p50 ${ms(floor.dom.p50)})`, searchDom.p95 <= TARGETS.searchMs],
    ['… keydown → results painted', `(≤ ${TARGETS.searchMs} ms)`, `p50 ${ms(searchStats.p50)} · p95 ${ms(searchStats.p95)} · max ${ms(searchStats.max)} ms (floor p50 ${ms(floor.painted.p50)})`, searchStats.p95 <= TARGETS.searchMs],
    ['member lookup round trip, from Node', `≤ ${TARGETS.lookupMs} ms`, `p50 ${ms(nodeAll.p50)} · p99 ${ms(nodeAll.p99)} ms`, nodeAll.p99 <= TARGETS.lookupMs],
    ['member lookup round trip, from the page', `≤ ${TARGETS.lookupMs} ms`, `p50 ${ms(pageAll.p50)} · p99 ${ms(pageAll.p99)} ms`, pageAll.p99 <= TARGETS.lookupMs],
    ['member lookup while typing (2–4 character prefixes)', `≤ ${TARGETS.lookupMs} ms`, `p50 ${ms(typingStats.p50)} · max ${ms(typingStats.max)} ms`, typingStats.max <= TARGETS.lookupMs],
    ['scan-to-line: Enter → line in the DOM', `≤ ${TARGETS.scanMs} ms`, `p50 ${ms(scanDom.p50)} · p95 ${ms(scanDom.p95)} · max ${ms(scanDom.max)} ms`, scanDom.p95 <= TARGETS.scanMs],
    ['… Enter → line painted', `(≤ ${TARGETS.scanMs} ms)`, `p50 ${ms(scanStats.p50)} · p95 ${ms(scanStats.p95)} · max ${ms(scanStats.max)} ms`, scanStats.p95 <= TARGETS.scanMs],
    ['… first barcode character → line painted (includes the bench typing)', '–', `p50 ${ms(scanWhole.p50)} · p95 ${ms(scanWhole.p95)} · max ${ms(scanWhole.max)} ms, of which the bench typing p50 ${ms(scanTyping.p50)} ms`, null],
    ['register JS, gzip (all chunks)', `≤ ${TARGETS.jsGzipKb} kB`, `${(js.totalGzip / 1024).toFixed(1)} kB (${(js.initialGzip / 1024).toFixed(1)} kB at start)`, js.totalGzip / 1024 <= TARGETS.jsGzipKb],
    ['first load → PIN pad usable, cold', `≤ ${TARGETS.firstLoadMs} ms`, `median ${ms(coldPad.p50)} · max ${ms(coldPad.max)} ms`, coldPad.max <= TARGETS.firstLoadMs],
    ['reload → PIN pad usable, warm', `≤ ${TARGETS.firstLoadMs} ms`, `median ${ms(warmPad.p50)} · max ${ms(warmPad.max)} ms`, warmPad.max <= TARGETS.firstLoadMs],
    ['PIN sign-in → catalogue cached, sell screen ready (first sync)', `(≤ ${TARGETS.firstLoadMs} ms)`, `${ms(login.toCatalogueMs)} ms (sell screen ${ms(login.toSellMs)} ms)`, login.toCatalogueMs <= TARGETS.firstLoadMs],
    ['reload signed in → sell screen with catalogue from IndexedDB', `(≤ ${TARGETS.firstLoadMs} ms)`, `${ms(reload.toCatalogueMs)} ms`, reload.toCatalogueMs <= TARGETS.firstLoadMs],
  ]
  report.summary = rows.map(([what, target, measured, ok]) => ({ what, target, measured, ok }))
  console.log('\n| what | target | measured | |\n| --- | --- | --- | --- |')
  // null: a figure for context, with no target of its own.
  for (const [what, target, measured, ok] of rows) console.log(`| ${what} | ${target} | ${measured} | ${ok === null ? 'context' : ok ? 'met' : '**missed**'} |`)
  console.log(`\nmachine: ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, Chromium ${machine.chromium}, load average ${machine.loadavgAtStart}`)
  console.log(`dataset: ${opts.products.toLocaleString('en')} products, ${opts.members.toLocaleString('en')} members on SQLite in ${datasetS.toFixed(1)} s; run ${((performance.now() - started) / 1000).toFixed(0)} s`)
  if (opts.out) fs.writeFileSync(opts.out, JSON.stringify(report, null, 2))
}

try {
  await main()
  await cleanup()
  process.exit(0)
} catch (e) {
  console.error(e)
  await cleanup()
  process.exit(1)
}
