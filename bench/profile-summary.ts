/**
 * Reads a V8 .cpuprofile (node --cpu-prof, see `npm run bench -- --profile DIR`) and prints
 * where the time went: self time by area (Patron's code, @patron/core, Kysely, Fastify, zod,
 * the SQLite/pg drivers, node internals, GC, idle) and the top functions, plus inclusive time
 * of a few functions named on the command line.
 *
 *   node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top 30] [--per N] [--inclusive completeSale,getSaleView]
 * --per N divides by N (e.g. the number of sales served) to print µs per sale.
 */
import fs from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount: number
  children?: number[]
}
interface Profile {
  nodes: Node[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

function option(name: string, fallback: string) {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}

const file = process.argv[2]
if (!file) {
  console.error('usage: bench/profile-summary.ts FILE.cpuprofile [--top N] [--per N] [--inclusive fnA,fnB]')
  process.exit(2)
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
const top = Number(option('top', '30'))
const per = Number(option('per', '0'))
const inclusiveNames = option('inclusive', '').split(',').filter(Boolean)

// Self time per node from the samples and their time deltas (µs).
const selfUs = new Map<number, number>()
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const totalUs = profile.endTime - profile.startTime

function area(n: Node): string {
  const { url, functionName } = n.callFrame
  if (functionName === '(idle)') return 'idle'
  if (functionName === '(garbage collector)') return 'GC'
  if (functionName === '(program)') return 'V8/native (program)'
  if (url.includes('/packages/server/src/')) return 'patron server'
  if (url.includes('/packages/core/src/')) return '@patron/core'
  if (url.includes('/node_modules/kysely/')) return 'kysely'
  if (url.includes('/node_modules/better-sqlite3/')) return 'better-sqlite3 (incl. SQLite)'
  if (url.includes('/node_modules/pg') || url.includes('/node_modules/pg-')) return 'pg driver'
  if (url.includes('/node_modules/zod/')) return 'zod'
  if (url.includes('/node_modules/fastify-type-provider-zod/')) return 'fastify-type-provider-zod'
  if (url.includes('/node_modules/fastify/') || url.includes('/node_modules/@fastify/') || url.includes('/node_modules/find-my-way/') || url.includes('/node_modules/light-my-request/') || url.includes('/node_modules/avvio/')) return 'fastify'
  if (url.includes('/node_modules/fast-json-stringify/') || url.includes('/node_modules/secure-json-parse/')) return 'fastify json'
  if (url.includes('/node_modules/')) return `other: ${url.split('/node_modules/').pop()!.split('/')[0]}`
  if (url.includes('/bench/')) return 'bench'
  if (url.startsWith('node:')) return 'node internals'
  if (url === '') return `native: ${functionName || '(anonymous)'}`
  return `other: ${url}`
}

const areas = new Map<string, number>()
const functions = new Map<string, number>()
for (const [id, us] of selfUs) {
  const n = byId.get(id)!
  areas.set(area(n), (areas.get(area(n)) ?? 0) + us)
  const where = n.callFrame.url ? `${n.callFrame.url.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${n.callFrame.lineNumber + 1}` : ''
  const key = `${n.callFrame.functionName || '(anonymous)'} ${where}`
  functions.set(key, (functions.get(key) ?? 0) + us)
}

const busyUs = totalUs - (areas.get('idle') ?? 0)
const show = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((us / totalUs) * 100).toFixed(1).padStart(5)} %${per ? `  ${(us / per).toFixed(1).padStart(7)} µs/sale` : ''}`
console.log(`${file}: ${(totalUs / 1e6).toFixed(1)} s profiled, ${(busyUs / 1e6).toFixed(1)} s busy${per ? `, ${per} sales → ${(busyUs / per).toFixed(0)} µs busy per sale` : ''}`)
console.log('\nself time by area:')
for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1])) console.log(`${show(us)}  ${a}`)
console.log(`\ntop ${top} functions by self time:`)
for (const [f, us] of [...functions].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${show(us)}  ${f}`)

if (inclusiveNames.length > 0) {
  // Inclusive time: a sample counts once for a function if the function is on its stack.
  const inclusive = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur)!.callFrame.functionName
      if (inclusiveNames.includes(name) && !seen.has(name)) {
        seen.add(name)
        inclusive.set(name, (inclusive.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0))
      }
    }
  })
  console.log('\ninclusive time:')
  for (const name of inclusiveNames) console.log(`${show(inclusive.get(name) ?? 0)}  ${name}`)
}
