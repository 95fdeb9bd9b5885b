/**
 * The server side of a benchmark run, in a child process of bench/checkout.ts so that the load
 * generator does not share the server's thread. BENCH_TARGET=patron starts the real app
 * (buildApp from packages/server), BENCH_TARGET=floor the bare endpoint of bench/floor.ts.
 * It listens on 127.0.0.1 on a free port, tells the parent the port over IPC, and stops on the
 * parent's "stop", when the parent goes away, or after BENCH_MAX_LIFETIME_S at the latest.
 */
import os from 'node:os'
import type { FastifyInstance } from 'fastify'
import { loadConfig } from '../packages/server/src/config'
import { buildApp } from '../packages/server/src/app'
import { closeContext, createContext } from '../packages/server/src/main'
import { WriteQueue } from '../packages/server/src/db/writer'
import { startPostgresFloor, startSqliteFloor } from './floor'

const target = process.env.BENCH_TARGET
const url = process.env.DATABASE_URL
const storeId = process.env.BENCH_STORE_ID
const maxLifetimeS = Number(process.env.BENCH_MAX_LIFETIME_S ?? 300)
if (!process.send || !url || !storeId || (target !== 'patron' && target !== 'floor')) {
  console.error('bench/serve.ts is started by bench/checkout.ts (needs IPC, DATABASE_URL, BENCH_STORE_ID, BENCH_TARGET)')
  process.exit(2)
}

let app: FastifyInstance
let close: () => Promise<void>
if (target === 'patron') {
  // Migrations were run by the dataset generator; this is the app as `patron start` builds it.
  const ctx = createContext(loadConfig({ ...process.env, DATABASE_URL: url, PATRON_DATA_DIR: os.tmpdir() }))
  if (process.env.BENCH_PATRON_LANES) {
    // An experiment (--patron-lanes): the product's write queue with another number of lanes.
    ctx.writer = new WriteQueue(ctx.db.kysely, { maxBatch: ctx.config.writeBatchMax, lanes: Number(process.env.BENCH_PATRON_LANES) })
  }
  app = await buildApp(ctx)
  close = async () => {
    await app.close()
    await closeContext(ctx)
  }
} else {
  const floor = url.startsWith('sqlite:') ? await startSqliteFloor(url.slice('sqlite:'.length), storeId) : await startPostgresFloor(url, storeId)
  app = floor.app
  close = floor.close
}
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.send!({ ready: true, port: typeof address === 'object' && address ? address.port : 0 })

let stopping = false
async function stop(code: number) {
  if (stopping) return
  stopping = true
  const force = setTimeout(() => process.exit(code), 10_000)
  force.unref()
  try {
    await close()
  } finally {
    // A normal exit, so that --cpu-prof writes its profile.
    process.exit(code)
  }
}
process.on('message', (m) => {
  if (m === 'stop') void stop(0)
})
process.on('disconnect', () => void stop(0))
setTimeout(() => {
  console.error(`bench/serve.ts: stopping after ${maxLifetimeS} s (lifetime limit)`)
  void stop(3)
}, maxLifetimeS * 1000).unref()
