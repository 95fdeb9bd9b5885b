import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import crypto from 'node:crypto'
import util from 'node:util'
import pg from 'pg'
import { z } from 'zod'
import type { ProgramRules } from '@patron/core'
import { loadConfig } from '../src/config'
import { buildApp, type App } from '../src/app'
import { migrate } from '../src/db/connect'
import { closeContext, createContext } from '../src/main'
import type { AppContext } from '../src/context'
import { createOrganisation } from '../src/features/setup/create-organisation'
import { createStaff } from '../src/features/staff/create-staff'
import { createApiKey } from '../src/features/apikeys/create-api-key'
import { RESPONSES, type ResponseDoc } from '../src/http/openapi-responses'

export type DialectName = 'sqlite' | 'postgres'

/**
 * The dialects every integration suite runs on. PostgreSQL runs when PATRON_TEST_PG_URL is set;
 * with CI=true it is required, so a missing database fails the run instead of skipping it.
 */
export const DIALECTS: DialectName[] = (() => {
  const pgUrl = process.env.PATRON_TEST_PG_URL
  if (!pgUrl && process.env.CI === 'true') throw new Error('CI=true needs PATRON_TEST_PG_URL: PostgreSQL tests may not be skipped in CI')
  if (!pgUrl && !process.env.PATRON_PG_SKIP_WARNED) {
    process.env.PATRON_PG_SKIP_WARNED = '1'
    console.warn('\n*** PostgreSQL tests SKIPPED: set PATRON_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/postgres to run them ***\n')
  }
  return pgUrl ? ['sqlite', 'postgres'] : ['sqlite']
})()

/** A fresh, empty database for one test file: a temp SQLite file, or a new PostgreSQL database. */
export async function freshDatabaseUrl(dialect: DialectName): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-test-'))
    return { url: `sqlite:${path.join(dir, 'patron.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) }
  }
  const admin = process.env.PATRON_TEST_PG_URL!
  const name = `patron_test_${crypto.randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  await client.query(`create database ${name}`)
  await client.end()
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

export interface TestShop {
  app: App
  ctx: AppContext
  clock: { now: Date; advance(ms: number): void }
  orgId: string
  storeId: string
  terminalId: string
  taxClassIds: { standard: string; reduced: string | null; zero: string }
  programId: string
  owner: { id: string; email: string; password: string; pin: string }
  close(): Promise<void>
}

export interface ShopOptions {
  taxMode?: 'inclusive' | 'exclusive'
  currency?: string
  standardTaxPercent?: string
  reducedTaxPercent?: string | null
  cashRoundingMinor?: number
  rules?: ProgramRules
  timeZone?: string
}

/** A migrated database with one shop (exclusive 19 % by default), and the app over it. */
export async function makeShop(dialect: DialectName, options: ShopOptions = {}): Promise<TestShop> {
  const db = await freshDatabaseUrl(dialect)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-data-'))
  const config = loadConfig({ DATABASE_URL: db.url, PATRON_DATA_DIR: dataDir })
  const clock = {
    now: new Date('2026-03-03T10:00:00.000Z'),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms)
    },
  }
  const ctx = createContext(config, () => clock.now)
  await migrate(ctx.db)
  const owner = { email: 'owner@test.shop', password: 'owner-password', pin: '9999' }
  const org = await createOrganisation(ctx, {
    name: 'Test Shop',
    store: { code: 'TS', name: 'Test Store', currency: options.currency ?? 'EUR', taxMode: options.taxMode ?? 'exclusive', timeZone: options.timeZone ?? 'Europe/Berlin', locale: 'en', cashRoundingMinor: options.cashRoundingMinor ?? 0 },
    standardTaxPercent: options.standardTaxPercent ?? '19',
    reducedTaxPercent: options.reducedTaxPercent === undefined ? '7' : options.reducedTaxPercent,
    owner: { name: 'Owner', ...owner },
    program: options.rules ? { name: 'Test Rewards', rules: options.rules } : undefined,
  })
  const app = await buildApp(ctx)
  return {
    app,
    ctx,
    clock,
    orgId: org.orgId,
    storeId: org.storeId,
    terminalId: org.terminalId,
    taxClassIds: org.taxClassIds,
    programId: org.programId,
    owner: { id: org.ownerId, ...owner },
    async close() {
      await app.close()
      await closeContext(ctx)
      await db.drop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * Whether `Client.request` checks every 2xx answer of an /api/v1 route against the response the
 * OpenAPI document gives for it (src/http/openapi-responses.ts): on unless PATRON_CHECK_RESPONSES=0,
 * so every test that calls the API keeps the document honest.
 */
export const CHECK_RESPONSES = process.env.PATRON_CHECK_RESPONSES !== '0'

/**
 * The documented route (`METHOD /api/v1/pattern/:param`) a request was answered by: the entry of
 * openapi-responses.ts whose pattern matches the path with exactly the params Fastify's router
 * found. Throws for an /api/v1 route that has none.
 */
export function documentedRoute(app: App, method: string, path: string): { key: string; doc: ResponseDoc } | null {
  const found = app.findRoute({ method: method as 'GET', url: path })
  if (!found) return null
  const params: Record<string, string> = { ...(found.params as Record<string, string>) }
  for (const [key, doc] of Object.entries(RESPONSES)) {
    const [m, pattern] = key.split(' ')
    if (m !== method) continue
    const names: string[] = []
    // Fastify patterns here have only static segments and :params (no regexps or wildcards).
    const source = pattern
      .split('/')
      .map((segment) => (segment.startsWith(':') ? (names.push(segment.slice(1)), '([^/]+)') : segment.replace(/[.*+?^$|()[\]{}\\]/g, '\\$&')))
      .join('/')
    const re = new RegExp(`^${source}$`)
    const match = re.exec(path)
    if (!match) continue
    const got = Object.fromEntries(names.map((n, i) => [n, safeDecode(match[i + 1])]))
    if (util.isDeepStrictEqual(got, params)) return { key, doc }
  }
  throw new Error(`${method} ${path} answered, but src/http/openapi-responses.ts documents no response for its route`)
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** Paths where `actual` has a key that the parsed (documented) value dropped: undocumented fields. */
function undocumentedKeys(actual: unknown, documented: unknown, at = ''): string[] {
  if (Array.isArray(actual) && Array.isArray(documented)) return actual.flatMap((v, i) => undocumentedKeys(v, documented[i], `${at}[${i}]`))
  if (actual && typeof actual === 'object' && documented && typeof documented === 'object') {
    return Object.keys(actual).flatMap((k) =>
      k in documented ? undocumentedKeys((actual as Record<string, unknown>)[k], (documented as Record<string, unknown>)[k], `${at}.${k}`) : [`${at}.${k}`],
    )
  }
  return util.isDeepStrictEqual(actual, documented) ? [] : [`${at} (changed by the schema)`]
}

/**
 * Checks one answer against the document: a 2xx of an /api/v1 route must have the documented
 * status, a documented content type, and a JSON body the documented schema accepts with no
 * field it does not list. Throws, naming the route and what differs.
 */
export function checkDocumentedResponse(app: App, method: string, url: string, res: { status: number; contentType: string; text: string }): void {
  if (res.status < 200 || res.status >= 300) return
  const path = url.split('?')[0]
  if (!path.startsWith('/api/v1/')) return
  const route = documentedRoute(app, method, path)
  if (!route) return
  const { key, doc } = route
  const fail = (what: string) => {
    throw new Error(`The answer of ${method} ${url} does not match the OpenAPI document (${key} in src/http/openapi-responses.ts): ${what}\n${res.text.slice(0, 2000)}`)
  }
  if (res.status !== doc.status) fail(`status ${res.status}, documented ${doc.status}`)
  if (!doc.schema && !doc.alternatives) {
    if (res.text !== '') fail('a body, documented none')
    return
  }
  const type = res.contentType.split(';')[0].trim()
  if (type !== 'application/json') {
    const alternative = doc.alternatives?.[type]
    if (!alternative) return fail(`content type ${type || '(none)'} is not documented`)
    const parsed = alternative.safeParse(res.text)
    if (!parsed.success) fail(z.prettifyError(parsed.error))
    return
  }
  if (!doc.schema) return fail('JSON, documented only as ' + Object.keys(doc.alternatives ?? {}).join(', '))
  const body: unknown = JSON.parse(res.text)
  const parsed = doc.schema.safeParse(body)
  if (!parsed.success) return fail(z.prettifyError(parsed.error))
  const extra = undocumentedKeys(body, parsed.data)
  if (extra.length > 0) {
    // A union takes its first option that parses: say why the others did not.
    const options = doc.schema instanceof z.ZodUnion ? (doc.schema.options as z.ZodType[]) : []
    const why = options.map((o, i) => { const r = o.safeParse(body); return r.success ? '' : `\noption ${i + 1}: ${z.prettifyError(r.error)}` }).join('')
    fail(`fields not in the document: ${extra.slice(0, 20).join(', ')}${why}`)
  }
}

/** A signed-in client: cookie session or API key, with JSON helpers over app.inject. */
export class Client {
  constructor(
    private readonly app: App,
    private readonly auth: { cookie?: string; bearer?: string } = {},
  ) {}

  async request(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await this.app.inject({
      method,
      url,
      headers: {
        ...(this.auth.cookie ? { cookie: this.auth.cookie } : {}),
        ...(this.auth.bearer ? { authorization: `Bearer ${this.auth.bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      payload: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = res.body
    let json: any = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = null
    }
    if (CHECK_RESPONSES) checkDocumentedResponse(this.app, method, url, { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text })
    return { status: res.statusCode, body: json, text, headers: res.headers }
  }

  get(url: string) {
    return this.request('GET', url)
  }
  post(url: string, body: unknown = {}, headers?: Record<string, string>) {
    return this.request('POST', url, body, headers)
  }
  patch(url: string, body: unknown) {
    return this.request('PATCH', url, body)
  }
}

function sessionCookie(setCookie: string | string[] | undefined): string {
  const raw = Array.isArray(setCookie) ? setCookie[0] : setCookie
  if (!raw) throw new Error('no session cookie set')
  return raw.split(';')[0]
}

export async function loginPassword(app: App, email: string, password: string): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  return new Client(app, { cookie: sessionCookie(res.headers['set-cookie']) })
}

export async function loginPin(app: App, terminalId: string, pin: string): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/pin', payload: { terminalId, pin } })
  if (res.statusCode !== 200) throw new Error(`PIN login failed: ${res.statusCode} ${res.body}`)
  return new Client(app, { cookie: sessionCookie(res.headers['set-cookie']) })
}

export async function apiKeyClient(shop: TestShop, scopes: string[]): Promise<Client> {
  const key = await createApiKey(shop.ctx, shop.orgId, `test-${scopes.join('-')}`, scopes)
  return new Client(shop.app, { bearer: key.key })
}

/** A cashier with a PIN at the shop's store, and a manager. */
export async function addStaff(shop: TestShop) {
  const cashier = await createStaff(shop.ctx, shop.orgId, { name: 'Cass Cashier', role: 'cashier', pin: '1234', storeIds: [shop.storeId], maxDiscountPercent: '10' })
  const manager = await createStaff(shop.ctx, shop.orgId, { name: 'Mona Manager', role: 'manager', email: 'manager@test.shop', password: 'manager-password', pin: '5678' })
  return { cashier, manager }
}

export const anonymous = (shop: TestShop) => new Client(shop.app)
