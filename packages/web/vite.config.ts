import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'

/**
 * Every file of the build also as .br and .gz beside it: the server sends the one the browser
 * accepts (packages/server/src/http/web-app.ts, @fastify/static preCompressed), compressed once
 * here instead of on every request. The register's JS at start is ~290 kB, ~90 kB gzipped.
 */
function precompress(): Plugin {
  let outDir = ''
  return {
    name: 'patron-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir)
    },
    closeBundle() {
      const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
      for (const file of walk(outDir)) {
        if (/\.(br|gz)$/.test(file)) continue
        const body = fs.readFileSync(file)
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }))
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }))
      }
    },
  }
}

// The register is served by the Patron server at /register/ (packages/server/src/http/web-app.ts).
// Its build goes to dist/register so the back office and portal can sit beside it later.
export default defineConfig({
  base: '/register/',
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist/register',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev -w @patron/web` next to `npm start`: the API comes from the Patron server.
    proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 3000}` },
  },
})
