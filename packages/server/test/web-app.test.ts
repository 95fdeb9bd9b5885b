import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerWebApp } from '../src/http/web-app'

// The register as a build leaves it: index.html, a hashed asset, and their .br/.gz copies
// (packages/web/vite.config.ts writes them), plus an asset left without copies.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'patron-web-app-'))
const js = `export const register = ${JSON.stringify('Patron register '.repeat(400))}\n`
const html = '<!doctype html><title>Patron register</title><script type="module" src="/register/assets/index-abc123.js"></script>'
function write(rel: string, body: string, copies = true) {
  const file = path.join(root, rel)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, body)
  if (!copies) return
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(Buffer.from(body)))
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(Buffer.from(body)))
}
write('index.html', html)
write('assets/index-abc123.js', js)
write('assets/plain-def456.js', js, false)

const app = Fastify()
beforeAll(async () => {
  await registerWebApp(app, root)
  await app.ready()
})
afterAll(async () => {
  await app.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('the register web app', () => {
  it('sends an asset brotli-compressed to a browser that accepts it, gzip to one that takes only gzip, as it is to one that takes neither', async () => {
    const br = await app.inject({ url: '/register/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip, deflate, br' } })
    expect(br.statusCode).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['content-type']).toMatch(/javascript/)
    expect(br.headers['cache-control']).toMatch(/immutable/)
    expect(br.headers.vary).toMatch(/accept-encoding/i)
    expect(br.rawPayload.length).toBeLessThan(js.length / 4)
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(js)

    const gz = await app.inject({ url: '/register/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe(js)

    const plain = await app.inject({ url: '/register/assets/index-abc123.js', headers: { 'accept-encoding': 'identity' } })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.payload).toBe(js)
  })

  it('sends the page compressed too, never cached, also for a path the app routes itself', async () => {
    for (const url of ['/register/', '/register/some/view']) {
      const res = await app.inject({ url, headers: { 'accept-encoding': 'br' } })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-encoding']).toBe('br')
      expect(res.headers['content-type']).toMatch(/text\/html/)
      expect(res.headers['cache-control']).toBe('no-cache')
      expect(zlib.brotliDecompressSync(res.rawPayload).toString()).toBe(html)
    }
  })

  it('sends a file the build left without compressed copies as it is, and a missing asset is a 404', async () => {
    const res = await app.inject({ url: '/register/assets/plain-def456.js', headers: { 'accept-encoding': 'gzip, br' } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.payload).toBe(js)
    const missing = await app.inject({ url: '/register/assets/gone-000000.js', headers: { 'accept-encoding': 'br' } })
    expect(missing.statusCode).toBe(404)
  })
})
