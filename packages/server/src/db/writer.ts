import { SqliteAdapter, type Kysely, type Transaction } from 'kysely'
import type { Database } from './schema'
import { rawQuery } from './raw'

const NO_PARAMS: readonly unknown[] = []

export type Trx = Transaction<Database>

interface Job<T> {
  fn: (trx: Trx) => Promise<T>
  resolve: (v: T) => void
  reject: (e: unknown) => void
  /** Times the job was chosen as a deadlock or serialization victim and queued again. */
  conflicts?: number
}

/**
 * PostgreSQL's deadlock (40P01) and serialization (40001) failures: the job lost a race with
 * another lane's batch, its savepoint was rolled back, and running it again is the remedy.
 */
function isLockConflict(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return code === '40P01' || code === '40001'
}
const MAX_CONFLICT_RETRIES = 3

// Constant texts: two of these run per job, and building them with `sql` each time cost CPU for
// nothing. Run with rawQuery, which inside a SQLite transaction goes to the connection directly.
const SAVEPOINT = 'savepoint patron_job'
const RELEASE = 'release savepoint patron_job'
const ROLLBACK_TO = 'rollback to savepoint patron_job'
const RELEASE_AND_SAVEPOINT = 'release savepoint patron_job; savepoint patron_job'

/**
 * Group commit. Every write of the application goes through `run`: waiting jobs are taken
 * together into ONE transaction, each inside its own savepoint (so a job that fails rolls back
 * alone), and every caller is answered only after that transaction has committed. One durable
 * commit (fsync) then carries many sales, which is what lets a single SQLite writer pass
 * thousands of checkouts a second; on PostgreSQL it saves round trips and WAL flushes.
 *
 * SQLite has one writer anyway; PostgreSQL gets `lanes` concurrent batches (row locks in the
 * use cases keep them correct).
 */
export class WriteQueue {
  private queue: Job<any>[] = []
  private active = 0
  private closed = false
  private scheduled = false
  /** Whether the database takes several statements in one query (PostgreSQL, not better-sqlite3). */
  private readonly multiStatement: boolean

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: { maxBatch: number; lanes: number },
  ) {
    this.multiStatement = !(db.getExecutor().adapter instanceof SqliteAdapter)
  }

  run<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The write queue is closed'))
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve, reject })
      this.schedule()
    })
  }

  /**
   * An idle writer starts its batch on the next turn of the event loop, not on the first job:
   * the requests read from the sockets in this turn join the same transaction. Starting at once
   * made batches of one sale under load (each paying its own fsync) while the others waited.
   */
  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.pump()
    })
  }

  /** Waits for queued work to finish and refuses new work. */
  async close(): Promise<void> {
    this.closed = true
    while (this.active > 0 || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5))
  }

  private pump(): void {
    while (this.active < this.options.lanes && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch)
      this.active++
      void this.flush(batch).finally(() => {
        this.active--
        this.pump()
      })
    }
  }

  private async flush(batch: Job<any>[]): Promise<void> {
    if (batch.length === 1) {
      // No savepoint needed: the transaction itself is the unit.
      const job = batch[0]
      try {
        job.resolve(await this.db.transaction().execute((trx) => job.fn(trx)))
      } catch (e) {
        if (!this.retryLater(job, e)) job.reject(e)
      }
      return
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = []
    try {
      await this.db.transaction().execute(async (trx) => {
        // The previous job's savepoint is released just before the next one is set: on
        // PostgreSQL both go in one simple query (several statements, no parameters), one round
        // trip per job less on the write lane. better-sqlite3 takes one statement at a time.
        let toRelease = false
        for (const job of batch) {
          if (toRelease && this.multiStatement) await rawQuery(trx, RELEASE_AND_SAVEPOINT, NO_PARAMS)
          else {
            if (toRelease) await rawQuery(trx, RELEASE, NO_PARAMS)
            await rawQuery(trx, SAVEPOINT, NO_PARAMS)
          }
          toRelease = false
          try {
            const value = await job.fn(trx)
            toRelease = true
            outcomes.push({ ok: true, value })
          } catch (error) {
            await rawQuery(trx, ROLLBACK_TO, NO_PARAMS)
            toRelease = true
            outcomes.push({ ok: false, error })
          }
        }
        if (toRelease) await rawQuery(trx, RELEASE, NO_PARAMS)
      })
    } catch (commitError) {
      // The whole batch failed to commit (e.g. a serialization failure): nothing of it is
      // durable, so retry each job on its own rather than failing innocent requests.
      for (const job of batch) {
        try {
          job.resolve(await this.db.transaction().execute((trx) => job.fn(trx)))
        } catch (e) {
          job.reject(e)
        }
      }
      return
    }
    batch.forEach((job, i) => {
      const o = outcomes[i]
      if (o.ok) job.resolve(o.value)
      else if (!this.retryLater(job, o.error)) job.reject(o.error)
    })
  }

  /** A lock-conflict victim goes to the front of the queue for the next batch (a few times at most). */
  private retryLater(job: Job<any>, error: unknown): boolean {
    if (!isLockConflict(error) || (job.conflicts ?? 0) >= MAX_CONFLICT_RETRIES) return false
    job.conflicts = (job.conflicts ?? 0) + 1
    this.queue.unshift(job)
    return true
  }
}
