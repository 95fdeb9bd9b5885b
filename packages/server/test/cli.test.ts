import { spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, freshDatabaseUrl } from './harness'

const bin = path.resolve(__dirname, '../bin/patron.js')

function patron(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
  })
}

describe.each(DIALECTS)('the patron command, as a new shop uses it, on %s', (dialect) => {
  let env: Record<string, string>
  let drop: () => Promise<void>
  let server: ReturnType<typeof spawn> | null = null
  let base = ''

  beforeAll(async () => {
    const db = await freshDatabaseUrl(dialect)
    drop = db.drop
    env = { DATABASE_URL: db.url, HOST: '127.0.0.1', PORT: String(await freePort()), LOG_LEVEL: 'warn' }
    base = `http://127.0.0.1:${env.PORT}`
  })
  afterAll(async () => {
    server?.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 300))
    await drop?.()
  })

  it('sets up a shop with init, serves it, sells with an API key made by the CLI, and verifies the ledger', async () => {
    const init = patron(
      ['init', '--org', 'Corner Books', '--store-name', 'Main Street', '--store-code', 'MS', '--currency', 'USD', '--tax-mode', 'exclusive', '--time-zone', 'America/New_York', '--locale', 'en-US', '--tax-rate', '8.875', '--reduced-tax-rate', '', '--cash-rounding', '0', '--owner-name', 'Bea', '--owner-email', 'bea@corner.example', '--owner-password', 'books-and-more', '--owner-pin', '2468'],
      env,
    )
    expect(init.status, init.stderr).toBe(0)
    expect(init.stdout).toContain('Your shop is ready')
    expect(patron(['init', '--org', 'Again'], env).status).toBe(2)

    const key = patron(['apikey', 'create', '--name', 'web shop', '--scopes', 'catalog:read,catalog:write,customers:write,sales:write,refunds:write,loyalty:read'], env)
    expect(key.status, key.stderr).toBe(0)
    const apiKey = key.stdout.trim().split('\n').at(-1)!
    expect(apiKey).toMatch(/^ptr_/)
    expect(patron(['apikey', 'create', '--name', 'x', '--scopes', 'everything'], env).status).toBe(2)

    server = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env }, stdio: 'ignore' })
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false)
      if (ok) break
      await new Promise((r) => setTimeout(r, 200))
    }
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${base}/api/v1${url}`, { method, headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined })
      return { status: res.status, body: (await res.json()) as any }
    }
    expect(((await fetch(`${base}/api/health`).then((r) => r.json())) as { database: string }).database).toBe(dialect)
    const taxClass = (await call('GET', '/tax-classes')).body.items.find((c: any) => c.name === 'Standard')
    const store = (await call('GET', '/stores')).body.items[0]
    const book = (await call('POST', '/products', { sku: 'BK-1', name: 'A good book', priceMinor: 2000, taxClassId: taxClass.id })).body
    const reader = (await call('POST', '/customers', { email: 'reader@example.com' })).body
    const saleId = crypto.randomUUID()
    // 2 × 20.00 = 40.00 + 8.875 % = 3.55 → 43.55.
    const sale = await call('POST', '/sales', { id: saleId, storeId: store.id, customerId: reader.id, lines: [{ productId: book.id, quantity: 2 }], tenders: [{ kind: 'card', amountMinor: 4355 }] })
    expect(sale.status).toBe(201)
    expect(sale.body.receiptNo).toBe('MS-WEB-000001')
    expect(sale.body.loyalty.pointsEarned).toBe(40)
    const refund = await call('POST', `/sales/${saleId}/refunds`, { id: crypto.randomUUID(), lines: [{ lineNo: 1, quantity: 1 }] })
    expect(refund.status).toBe(201)
    expect(refund.body.pointsClawedBack).toBe(20)
    const ledger = (await call('GET', `/customers/${reader.id}/ledger`)).body.items
    expect(ledger.map((e: any) => [e.kind, e.points])).toEqual([['clawback', -20], ['earn', 40]])

    const verify = patron(['verify-ledger'], env)
    expect(verify.status, verify.stdout).toBe(0)
    expect(verify.stdout).toContain('0 violations')

    if (dialect === 'sqlite') {
      // A backup taken while the server runs is a whole, consistent database with the sale in it.
      const copy = path.join(path.dirname(env.DATABASE_URL.slice('sqlite:'.length)), 'backup.db')
      const backup = patron(['backup', '--to', copy], env)
      expect(backup.status, backup.stderr).toBe(0)
      expect(backup.stdout).toContain('integrity check: ok')
      expect(patron(['verify-ledger'], { ...env, DATABASE_URL: `sqlite:${copy}` }).stdout).toContain('Checked 2 transfers')
    }
  })

  it('verify-ledger exits 1 with a report when the ledger and a balance disagree', async () => {
    // Tamper with a balance behind the ledger's back, as a bad manual fix would.
    const tamper = spawnSync(process.execPath, ['--import', 'tsx', '-e', `
      import('${path.resolve(__dirname, '../src/db/connect.ts').replace(/\\/g, '/')}').then(async ({ connect }) => {
        const { loadConfig } = await import('${path.resolve(__dirname, '../src/config.ts').replace(/\\/g, '/')}')
        const db = connect(loadConfig().database)
        await db.kysely.updateTable('loyalty_accounts').set({ balance: 999 }).execute()
        await db.close()
      })`], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 })
    expect(tamper.status, tamper.stderr).toBe(0)
    const verify = patron(['verify-ledger'], env)
    expect(verify.status).toBe(1)
    expect(verify.stdout).toMatch(/BALANCE_MISMATCH/)
  })
})
