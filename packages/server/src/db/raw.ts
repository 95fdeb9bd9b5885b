import { CompiledQuery, SqliteAdapter, type Kysely } from 'kysely'
import type { Database } from './schema'

/**
 * Hand-written SQL for the checkout's hottest statements.
 *
 * Building a query with Kysely (operation nodes, freezing, visiting, compiling to text) costs
 * 10–30 µs of CPU per statement, more than SQLite takes to run most of the checkout's
 * statements; with ~25 of them per sale that was a quarter of the server's time. These texts are
 * written once with `?` placeholders; PostgreSQL gets `$1…$n`, converted once per text. They run
 * through Kysely's executor, so inside the caller's transaction (a Transaction is a Kysely) and,
 * on SQLite, through the prepared-statement cache of connect.ts — which also finds a constant
 * text faster than a freshly built one (its hash is computed once).
 *
 * Only SQL that SQLite (≥ 3.35: RETURNING) and PostgreSQL both accept; identifiers are quoted.
 */
type Db = Kysely<Database>

const pgTexts = new Map<string, string>()

function isSqlite(db: Db): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter
}

function textFor(db: Db, sqlText: string): string {
  if (isSqlite(db)) return sqlText
  let text = pgTexts.get(sqlText)
  if (text === undefined) {
    let n = 0
    text = sqlText.replace(/\?/g, () => `$${++n}`)
    // Bounded: texts vary by row counts (a sale's lines), so a long-lived process could collect many.
    if (pgTexts.size >= 2000) pgTexts.clear()
    pgTexts.set(sqlText, text)
  }
  return text
}

/** What connect.ts gives for a SQLite database: better-sqlite3's prepare behind its statement cache. */
export interface SqliteStatements {
  prepare(sqlText: string): { reader: boolean; all(params: unknown[]): unknown[]; run(params: unknown[]): unknown }
}

// Per Kysely adapter: a database and its transactions share their adapter object, and every
// connect() makes its own, so this finds the right connection when a process has several.
const sqliteStatements = new WeakMap<object, SqliteStatements>()

/** Lets rawQuery run a SQLite transaction's statements on the connection directly (see there). */
export function registerSqliteStatements(db: Db, statements: SqliteStatements): void {
  sqliteStatements.set(db.getExecutor().adapter, statements)
}

/**
 * Runs `sqlText` (with `?` placeholders) and returns its rows (RETURNING rows for writes).
 *
 * Inside a SQLite transaction the statement runs on the connection directly, as Kysely's SQLite
 * driver would (the same prepared statement, `all` for statements that return rows, `run` for
 * the others), without Kysely's connection-provider and result promises: the transaction holds
 * SQLite's only connection, so nothing else can be using it meanwhile. A checkout runs ~17
 * statements inside the write queue's transaction, the time that the single writer holds.
 * Outside a transaction the statement goes through Kysely, which waits for the connection.
 */
export async function rawQuery<R = Record<string, unknown>>(db: Db, sqlText: string, params: readonly unknown[]): Promise<R[]> {
  if (db.isTransaction) {
    const executor = db.getExecutor()
    const direct = executor.plugins.length === 0 ? sqliteStatements.get(executor.adapter) : undefined
    if (direct) {
      const stmt = direct.prepare(sqlText)
      if (stmt.reader) return stmt.all(params as unknown[]) as R[]
      stmt.run(params as unknown[])
      return []
    }
  }
  const result = await db.executeQuery<R>(CompiledQuery.raw(textFor(db, sqlText), params as unknown[]))
  return result.rows
}

/** One SQL statement with its parameters, not run yet (see writeAll). */
export interface Statement {
  text: string
  params: unknown[]
}

/**
 * Writes that need nothing from each other, in this order; returns the last one's rows.
 * On PostgreSQL they go to the server as ONE statement with data-modifying CTEs
 * (`with "w0" as (insert …), "w1" as (insert …) insert …`): one round trip instead of n, and
 * round trips are what the write lane spends its time waiting on. PostgreSQL runs every
 * sub-statement exactly once, checks foreign keys at the end of the statement (a sale and its
 * lines may go together) and reports a constraint violation as the separate statement would
 * have. SQLite has no network to save and no data-modifying CTEs: it runs them one by one.
 */
export async function writeAll<R = Record<string, unknown>>(db: Db, statements: readonly Statement[]): Promise<R[]> {
  if (statements.length === 0) return []
  if (statements.length === 1 || isSqlite(db)) {
    let rows: R[] = []
    for (const st of statements) rows = await rawQuery<R>(db, st.text, st.params)
    return rows
  }
  const last = statements[statements.length - 1]
  const text = `with ${statements.slice(0, -1).map((st, i) => `"w${i}" as (${st.text})`).join(', ')} ${last.text}`
  return rawQuery<R>(db, text, statements.flatMap((st) => st.params))
}

/** `for update` on PostgreSQL (row lock for the rest of the transaction); SQLite has one writer and no such clause. */
export function forUpdate(db: Db): string {
  return isSqlite(db) ? '' : ' for update'
}

/** `?, ?, ?` — n placeholders, e.g. for an `in (…)` list. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ')
}

/**
 * A multi-row `insert into table (columns) values (…), (…)` for a fixed column list: the text is
 * built once per row count (a sale has 1–N lines), the parameters taken from the rows in column
 * order. `suffix` is appended (e.g. an `on conflict … returning …`).
 */
export function rowInserter<C extends string>(table: string, columns: readonly C[], suffix = '') {
  const texts: string[] = []
  const tuple = `(${placeholders(columns.length)})`
  const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `
  return {
    text(rows: number): string {
      return (texts[rows] ??= head + Array.from({ length: rows }, () => tuple).join(', ') + suffix)
    },
    statement(rows: readonly { readonly [K in C]: unknown }[]): Statement {
      const params: unknown[] = []
      for (const row of rows) for (const c of columns) params.push(row[c])
      return { text: this.text(rows.length), params }
    },
    run<R = Record<string, unknown>>(db: Db, rows: readonly { readonly [K in C]: unknown }[]): Promise<R[]> {
      const st = this.statement(rows)
      return rawQuery<R>(db, st.text, st.params)
    },
  }
}
