import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import pg from 'pg'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely'
import type { Config } from '../config'
import type { Database } from './schema'
import { registerSqliteStatements } from './raw'
import * as m001 from './migrations/001_initial'
import * as m002 from './migrations/002_tiers_referrals_jobs'
import * as m003 from './migrations/003_rewards'
import * as m004 from './migrations/004_program_history'
import * as m005 from './migrations/005_returns_without_receipt'
import * as m006 from './migrations/006_redemption_version'
import * as m007 from './migrations/007_last_visit'
import * as m008 from './migrations/008_refund_kept'

export type DialectName = 'sqlite' | 'postgres'

export interface Db {
  kysely: Kysely<Database>
  dialect: DialectName
  /** The raw better-sqlite3 handle (SQLite only), for pragmas and backups. */
  sqlite: SqliteDatabase.Database | null
  close(): Promise<void>
}

// PostgreSQL returns int8 and numeric (sum() of int8) as strings. Patron's amounts and points
// are safe integers, so convert them once here rather than at every call site.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => (v === null ? null : Number(v))
    return pg.types.getTypeParser(oid, format as any)
  },
}

/**
 * better-sqlite3 for Kysely with its prepared statements kept. Kysely's SQLite driver prepares
 * every query anew, and parsing a checkout's ~40 statements cost more than running them. The
 * cache is bounded (oldest out first; a hot statement comes back at once). A statement busy in
 * an iterate() (a streamed query) is never handed out twice.
 */
function withStatementCache(db: SqliteDatabase.Database, max = 1000) {
  const cache = new Map<string, SqliteDatabase.Statement>()
  return {
    close: () => db.close(),
    prepare(sqlText: string) {
      const cached = cache.get(sqlText)
      if (cached && !cached.busy) return cached
      const stmt = db.prepare(sqlText)
      if (cached) return stmt
      cache.set(sqlText, stmt)
      if (cache.size > max) cache.delete(cache.keys().next().value!)
      return stmt
    },
  }
}

export function connect(database: Config['database']): Db {
  if (database.kind === 'sqlite') {
    if (database.file !== ':memory:') fs.mkdirSync(path.dirname(database.file), { recursive: true })
    const sqlite = new SqliteDatabase(database.file)
    sqlite.pragma('journal_mode = WAL')
    // Durable commits: an acknowledged sale survives a power cut, not only a process crash.
    sqlite.pragma('synchronous = FULL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('busy_timeout = 5000')
    // Rollback data of savepoints and statements (the "sub-journal") in memory, not in a temp
    // file: every sale runs in its own savepoint of the group-commit transaction, and with
    // file-based temp storage each transaction opened a file in /var/tmp and wrote ~70 % of a
    // checkout's pwrite calls to it. It only serves a rollback inside the open transaction, so
    // crash recovery (the WAL) and durability are untouched.
    sqlite.pragma('temp_store = MEMORY')
    const statements = withStatementCache(sqlite)
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) })
    registerSqliteStatements(kysely, statements)
    return {
      kysely,
      dialect: 'sqlite',
      sqlite,
      close: () => kysely.destroy(),
    }
  }
  const pool = new pg.Pool({ connectionString: database.url, max: 10, types: pgTypes as any })
  // An idle connection dropped by the server (restart, failover, admin) must not crash the
  // process: the pool discards it and the next query opens a new one.
  pool.on('error', (e) => {
    if ((e as { code?: string }).code !== '57P01') console.error('PostgreSQL idle connection error:', e.message)
  })
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return { kysely, dialect: 'postgres', sqlite: null, close: () => kysely.destroy() }
}

const MIGRATIONS: Record<string, { up: (db: Kysely<any>, dialect: DialectName) => Promise<void> }> = {
  '001_initial': m001,
  '002_tiers_referrals_jobs': m002,
  '003_rewards': m003,
  '004_program_history': m004,
  '005_returns_without_receipt': m005,
  '006_redemption_version': m006,
  '007_last_visit': m007,
  '008_refund_kept': m008,
}

/** Runs pending migrations; safe to call from several instances at once (Kysely locks). */
export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db: db.kysely,
    migrationTableName: 'patron_migrations',
    migrationLockTableName: 'patron_migrations_lock',
    provider: {
      async getMigrations() {
        const out: Record<string, Migration> = {}
        for (const [name, m] of Object.entries(MIGRATIONS)) out[name] = { up: (k) => m.up(k, db.dialect) }
        return out
      },
    },
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
