import { parseArgs } from 'node:util'
import readline from 'node:readline/promises'
import { isPatronError } from '@patron/core'
import { ConfigError, loadConfig } from './config'
import { closeContext, createContext, serve } from './main'
import { migrate } from './db/connect'
import type { AppContext } from './context'
import { SCOPES } from './context'
import { createApiKey } from './features/apikeys/create-api-key'
import { createOrganisation } from './features/setup/create-organisation'
import { DEMO_CREDENTIALS, seedDemo } from './features/setup/seed-demo'
import { verifyLedger } from './features/loyalty/verify-ledger'
import { runDailyJobs } from './jobs/daily'
import { simulationTable } from './features/loyalty/simulation-table'

const HELP = `patron — point of sale and loyalty

Usage: patron <command> [options]

  start                 Demo mode: migrate, seed the demo shop if the database is empty, serve
  serve                 Migrate and serve register, back office, portal and API
  migrate               Run database migrations
  init                  Set up a real shop: organisation, store, currency, tax, owner
                        (--org --store-name --store-code --currency --tax-mode inclusive|exclusive
                         --time-zone --locale --tax-rate --reduced-tax-rate --owner-name
                         --owner-email --owner-password --owner-pin; prompts for what is missing)
  seed --demo           Seed the café-and-shop demo into an empty database
  apikey create --name N --scopes a,b   Create an API key (printed as the last line)
  verify-ledger         Check the ledger's invariants; exit 1 and a report on any violation
  backup --to FILE      SQLite: a consistent copy of the live database (safe while serving);
                        PostgreSQL: use pg_dump (the command prints how)
  jobs run [--at ISO]   Run the daily jobs now (expiry, expiry warnings, tier review); each runs
                        once a day across instances (the server also runs them every hour)
  simulate --from YYYY-MM-DD --to YYYY-MM-DD [--rules file.json] [--org ID]
                        Replay the period's member sales (UTC days) under the draft (or the
                        rules in the file) and their own versions: points, cost, tiers, changes

Environment: DATABASE_URL, PATRON_DATA_DIR, PORT, HOST, LOG_LEVEL (see README).
Scopes: ${SCOPES.join(', ')}`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP)
    return command ? 0 : 1
  }
  const config = loadConfig()
  const ctx = createContext(config)
  const keepOpen = command === 'serve' || command === 'start'
  try {
    switch (command) {
      case 'migrate': {
        const applied = await migrate(ctx.db)
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
        return 0
      }
      case 'serve': {
        await serve(ctx, { logger: true })
        console.log(`Patron is serving on http://${displayHost(config.host)}:${config.port} (${ctx.db.dialect})`)
        return 0
      }
      case 'start': {
        await migrate(ctx.db)
        let seeded: Awaited<ReturnType<typeof seedDemo>> | null = null
        if (await isEmpty(ctx)) {
          console.log('Empty database: seeding the demo shop (about half a minute)…')
          seeded = await seedDemo(ctx)
        }
        await serve(ctx, { logger: false })
        printWelcome(ctx, seeded !== null)
        return 0
      }
      case 'seed': {
        const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' } } })
        if (!values.demo) throw new UsageError('Only the demo seed exists: patron seed --demo')
        await migrate(ctx.db)
        if (!(await isEmpty(ctx))) throw new UsageError('The database already has an organisation; the demo seeds an empty one only')
        const r = await seedDemo(ctx)
        console.log(`Seeded ${r.products} products, ${r.members} members, ${r.sales} sales.`)
        printCredentials()
        return 0
      }
      case 'init':
        return await init(ctx, rest)
      case 'apikey': {
        const [sub, ...args] = rest
        if (sub !== 'create') throw new UsageError('Usage: patron apikey create --name N --scopes a,b [--org ID]')
        const { values } = parseArgs({ args, options: { name: { type: 'string' }, scopes: { type: 'string' }, org: { type: 'string' } } })
        if (!values.name || !values.scopes) throw new UsageError('Usage: patron apikey create --name N --scopes a,b [--org ID]')
        await migrate(ctx.db)
        const orgId = values.org ?? (await onlyOrg(ctx))
        const key = await createApiKey(ctx, orgId, values.name, values.scopes.split(',').map((s) => s.trim()).filter(Boolean))
        console.log(`API key "${key.name}" with scopes ${key.scopes.join(', ')} (shown once; keep it secret):`)
        console.log(key.key)
        return 0
      }
      case 'verify-ledger': {
        await migrate(ctx.db)
        const r = await verifyLedger(ctx.db.kysely)
        console.log(`Checked ${r.transfers} transfers and ${r.accounts} member accounts: ${r.violations.length} violations.`)
        for (const v of r.violations.slice(0, 100)) console.log(`  ${v.code}: ${v.message}`)
        return r.violations.length === 0 ? 0 : 1
      }
      case 'backup': {
        const { values } = parseArgs({ args: rest, options: { to: { type: 'string' } } })
        if (ctx.db.dialect === 'postgres') {
          console.log('PostgreSQL: back up with its own tools, e.g.  pg_dump --format=custom --file=patron.dump "$DATABASE_URL"')
          return 0
        }
        if (!values.to) throw new UsageError('Usage: patron backup --to /path/to/patron-backup.db')
        // SQLite's online backup: a consistent snapshot page by page, while the server keeps writing.
        await ctx.db.sqlite!.backup(values.to)
        const check = new (await import('better-sqlite3')).default(values.to, { readonly: true })
        const ok = check.pragma('integrity_check', { simple: true })
        check.close()
        console.log(`Backed up to ${values.to} (integrity check: ${ok})`)
        return ok === 'ok' ? 0 : 1
      }
      case 'jobs': {
        const [sub, ...args] = rest
        if (sub !== 'run') throw new UsageError('Usage: patron jobs run [--at 2026-01-31T03:00:00Z]')
        const { values } = parseArgs({ args, options: { at: { type: 'string' } } })
        await migrate(ctx.db)
        const at = values.at ? new Date(values.at) : new Date()
        if (Number.isNaN(at.getTime())) throw new UsageError('--at must be an ISO 8601 time')
        const results = await runDailyJobs(ctx, at.toISOString())
        for (const [job, r] of Object.entries(results)) console.log(`${job}: ${r === null ? 'already ran today' : JSON.stringify(r)}`)
        return 0
      }
      case 'simulate': {
        const { values } = parseArgs({ args: rest, options: { from: { type: 'string' }, to: { type: 'string' }, rules: { type: 'string' }, org: { type: 'string' } } })
        if (!values.from || !values.to) throw new UsageError('Usage: patron simulate --from YYYY-MM-DD --to YYYY-MM-DD [--rules file.json] [--org ID]')
        await migrate(ctx.db)
        console.log(await simulationTable(ctx, values.org ?? (await onlyOrg(ctx)), { from: values.from, to: values.to, rules: values.rules }))
        return 0
      }
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${HELP}`)
    }
  } finally {
    if (!keepOpen) await closeContext(ctx)
  }
}

class UsageError extends Error {}

async function isEmpty(ctx: AppContext) {
  return (await ctx.db.kysely.selectFrom('organisations').select('id').limit(1).executeTakeFirst()) === undefined
}

async function onlyOrg(ctx: AppContext): Promise<string> {
  const orgs = await ctx.db.kysely.selectFrom('organisations').select(['id', 'name']).limit(2).execute()
  if (orgs.length === 0) throw new UsageError('No organisation yet: run `patron init` (or `npm start` for the demo) first')
  if (orgs.length > 1) throw new UsageError('Several organisations: pass --org ID')
  return orgs[0].id
}

function displayHost(host: string) {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host === '127.0.0.1' ? 'localhost' : host
}

function printCredentials() {
  const c = DEMO_CREDENTIALS
  console.log(`
  Demo sign-ins (Harbour Coffee Co.)
    Owner     ${c.owner.email} / ${c.owner.password}   PIN ${c.owner.pin}
    Manager   ${c.manager.email} / ${c.manager.password}   PIN ${c.manager.pin}
    Cashier   ${c.cafeCashier.name}   PIN ${c.cafeCashier.pin}  (Harbour Café)
    Cashier   ${c.shopCashier.name}   PIN ${c.shopCashier.pin}  (Corner Shop)`)
}

function printWelcome(ctx: AppContext, seededNow: boolean) {
  const base = `http://${displayHost(ctx.config.host)}:${ctx.config.port}`
  console.log(`
  Patron is running${seededNow ? ' with a fresh demo shop' : ''} (${ctx.db.dialect}${ctx.db.dialect === 'sqlite' && ctx.config.database.kind === 'sqlite' ? `: ${ctx.config.database.file}` : ''})

    Start here      ${base}/
    Register        ${base}/register/   (a manager sets up the till once, then cashier PINs)
    API docs        ${base}/api/docs
    Health          ${base}/api/health
`)
  printCredentials()
  console.log(`
  An API key for integrations:  npx patron apikey create --name my-shop --scopes sales:write,customers:write,loyalty:read
  Stop with Ctrl+C.`)
}

async function init(ctx: AppContext, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      org: { type: 'string' },
      'store-name': { type: 'string' },
      'store-code': { type: 'string' },
      currency: { type: 'string' },
      'tax-mode': { type: 'string' },
      'time-zone': { type: 'string' },
      locale: { type: 'string' },
      'tax-rate': { type: 'string' },
      'reduced-tax-rate': { type: 'string' },
      'cash-rounding': { type: 'string' },
      'owner-name': { type: 'string' },
      'owner-email': { type: 'string' },
      'owner-password': { type: 'string' },
      'owner-pin': { type: 'string' },
    },
  })
  await migrate(ctx.db)
  if (!(await isEmpty(ctx))) throw new UsageError('This database already has a shop. Use another DATABASE_URL or PATRON_DATA_DIR for a new one.')
  const rl = process.stdin.isTTY ? readline.createInterface({ input: process.stdin, output: process.stdout }) : null
  const ask = async (key: keyof typeof values, question: string, fallback?: string): Promise<string> => {
    const given = values[key]
    if (given) return given
    if (!rl) {
      if (fallback !== undefined) return fallback
      throw new UsageError(`Missing --${key} (no terminal to ask on)`)
    }
    const answer = (await rl.question(`${question}${fallback ? ` [${fallback}]` : ''}: `)).trim()
    return answer || fallback || (await ask(key, question, fallback))
  }
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
    const input = {
      name: await ask('org', 'Business name'),
      store: {
        name: await ask('store-name', 'First store name'),
        code: (await ask('store-code', 'Store code (short, on receipts)', 'S1')).toUpperCase(),
        currency: (await ask('currency', 'Currency (ISO code)', 'EUR')).toUpperCase(),
        taxMode: (await ask('tax-mode', 'Prices include tax? inclusive/exclusive', 'inclusive')) as 'inclusive' | 'exclusive',
        timeZone: await ask('time-zone', 'Time zone', zone),
        locale: await ask('locale', 'Locale', 'en'),
        cashRoundingMinor: Number(await ask('cash-rounding', 'Cash rounding in minor units (0 = none, 5 = to 0.05)', '0')),
      },
      standardTaxPercent: await ask('tax-rate', 'Standard tax rate in percent', '20'),
      reducedTaxPercent: (await ask('reduced-tax-rate', 'Reduced tax rate in percent (empty = none)', '')) || null,
      owner: {
        name: await ask('owner-name', 'Your name'),
        email: await ask('owner-email', 'Your email (back office sign-in)'),
        password: await ask('owner-password', 'A password (8+ characters)'),
        pin: (await ask('owner-pin', 'A 4–6 digit PIN for the register (empty = none)', '')) || null,
      },
    }
    if (!['inclusive', 'exclusive'].includes(input.store.taxMode)) throw new UsageError('--tax-mode must be inclusive or exclusive')
    if (input.owner.password.length < 8) throw new UsageError('The password needs 8 characters or more')
    if (!/^\d+(\.\d+)?$/.test(input.standardTaxPercent)) throw new UsageError('--tax-rate must be a percent such as 19 or 8.875')
    const r = await createOrganisation(ctx, input)
    console.log(`\nYour shop is ready: ${input.name}, store ${input.store.code}, terminal 01. Sign in as ${input.owner.email}.`)
    console.log(`Start it with: npx patron serve   (organisation ${r.orgId})`)
    return 0
  } finally {
    rl?.close()
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0 || !['serve', 'start'].includes(process.argv[2] ?? '')) process.exit(code)
  },
  (e) => {
    if (e instanceof UsageError || e instanceof ConfigError) console.error(e.message)
    else if (isPatronError(e)) console.error(`${e.code}: ${e.message}`)
    else console.error(e)
    process.exit(e instanceof UsageError || e instanceof ConfigError || isPatronError(e) ? 2 : 1)
  },
)
