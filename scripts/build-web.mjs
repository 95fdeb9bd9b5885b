#!/usr/bin/env node
// Builds the register web app (packages/web → packages/web/dist/register) when the build is
// missing or older than its sources (packages/web and packages/core, which it bundles).
// `npm start` runs it first (prestart); `--force` always builds (npm run build).
// A failed build never stops the server from starting: the API still works, and /register
// says how to build.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const web = path.join(root, 'packages/web')
const out = path.join(web, 'dist/register/index.html')
const force = process.argv.includes('--force')
const strict = process.argv.includes('--strict')

function newest(p) {
  let stat
  try {
    stat = fs.statSync(p)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let max = 0
  for (const name of fs.readdirSync(p)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue
    max = Math.max(max, newest(path.join(p, name)))
  }
  return max
}

const sources = [path.join(web, 'src'), path.join(web, 'public'), path.join(web, 'index.html'), path.join(web, 'vite.config.ts'), path.join(web, 'package.json'), path.join(root, 'packages/core/src')]
const built = fs.existsSync(out) ? fs.statSync(out).mtimeMs : 0
const stale = !built || sources.some((s) => newest(s) > built)
if (!force && !stale) {
  console.log('Register build is up to date (packages/web/dist/register).')
  process.exit(0)
}

console.log(built ? 'Rebuilding the register (sources changed)…' : 'Building the register (first run)…')
const r = spawnSync('npm', ['run', 'build', '--silent', '-w', '@patron/web'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
if (r.status !== 0) {
  const message = `\n*** The register could not be built (npm run build -w @patron/web exited ${r.status}). ${fs.existsSync(out) ? 'Serving the previous build.' : 'The API works; /register will say it is not built.'} ***\n`
  console.error(message)
  process.exit(strict ? 1 : 0)
}
