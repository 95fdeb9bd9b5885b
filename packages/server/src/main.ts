import type { Config } from './config'
import type { AppContext } from './context'
import { connect, migrate } from './db/connect'
import { WriteQueue } from './db/writer'
import { buildApp, type App } from './app'
import { scheduleDailyJobs } from './jobs/daily'
import { createMailer } from './mail/mailer'

/** Wires a context from configuration: the database, the write queue, the clock. */
export function createContext(config: Config, now: () => Date = () => new Date()): AppContext {
  const db = connect(config.database)
  // One write lane on both databases: on PostgreSQL, parallel batches deadlocked on the shared
  // counters (receipt numbers, stock, member accounts) and each deadlock costs a second; one lane
  // measured 2–3× faster (docs/BENCHMARKS.md). Several instances still write in parallel.
  const writer = new WriteQueue(db.kysely, { maxBatch: config.writeBatchMax, lanes: 1 })
  return { config, db, writer, now, sendMail: createMailer(config) }
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.writer.close()
  await ctx.db.close()
}

/** Migrates, builds the app and listens; SIGINT/SIGTERM drain the write queue before exit. */
export async function serve(ctx: AppContext, options: { logger?: boolean } = {}): Promise<App> {
  await migrate(ctx.db)
  const app = await buildApp(ctx, { logger: options.logger ? { level: ctx.config.logLevel } : false })
  await app.listen({ host: ctx.config.host, port: ctx.config.port })
  const stopJobs = scheduleDailyJobs(ctx, (msg) => app.log.info(msg))
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info(`${signal}: finishing requests in flight`)
    stopJobs()
    await app.close()
    await closeContext(ctx)
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
  return app
}
