#!/usr/bin/env node
// `npm test`: unit and integration tests (vitest), then browser tests (Playwright in Debian's
// Chromium). Outside CI a missing PostgreSQL URL or browser is skipped LOUDLY; with CI=true
// nothing may be skipped. Ends with one summary line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process'
import net from 'node:net'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const tmp = path.join(root, '.tmp')
fs.mkdirSync(tmp, { recursive: true })
const ci = process.env.CI === 'true'
const chromium = process.env.PATRON_CHROMIUM || '/usr/bin/chromium'
let failedToRun = false
const totals = { passed: 0, failed: 0, skipped: 0 }

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  return r.status ?? 1
}

if (ci && !process.env.PATRON_TEST_PG_URL) {
  console.error('CI=true but PATRON_TEST_PG_URL is not set: PostgreSQL tests may not be skipped in CI.')
  process.exit(1)
}

// 1. Unit and integration tests.
const vitestJson = path.join(tmp, 'vitest.json')
fs.rmSync(vitestJson, { force: true })
const vitestStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`])
if (fs.existsSync(vitestJson)) {
  const r = JSON.parse(fs.readFileSync(vitestJson, 'utf8'))
  totals.passed += r.numPassedTests
  totals.failed += r.numFailedTests
  totals.skipped += r.numPendingTests + r.numTodoTests
} else failedToRun = true
if (vitestStatus !== 0 && totals.failed === 0) failedToRun = true

// 2. Browser tests.
if (!fs.existsSync(chromium)) {
  if (ci) {
    console.error(`CI=true but no Chromium at ${chromium}: browser tests may not be skipped in CI.`)
    failedToRun = true
  } else {
    console.warn(`\n*** BROWSER TESTS SKIPPED: no Chromium at ${chromium} (apt-get install chromium, or set PATRON_CHROMIUM) ***\n`)
  }
} else {
  const pwJson = path.join(tmp, 'playwright.json')
  fs.rmSync(pwJson, { force: true })
  // A free port of this machine's choosing, so a server left running elsewhere cannot collide.
  const port = process.env.PATRON_E2E_PORT || (await new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(String(port)))
    })
  }))
  const status = run('npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson, PATRON_CHROMIUM: chromium, PATRON_E2E_PORT: port })
  if (fs.existsSync(pwJson)) {
    const s = JSON.parse(fs.readFileSync(pwJson, 'utf8')).stats
    totals.passed += s.expected
    totals.failed += s.unexpected + (s.flaky ?? 0)
    totals.skipped += s.skipped
  } else failedToRun = true
  if (status !== 0 && totals.failed === 0) failedToRun = true
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(totals.failed > 0 || failedToRun ? 1 : 0)
