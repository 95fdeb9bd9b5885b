import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

/** Where `npm run build -w @patron/web` puts the register (packages/web/dist/register). */
export const REGISTER_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist/register')

/**
 * Serves the register web app at /register/: hashed assets cached for a year, everything else
 * falls back to index.html (the app routes inside the page), which is never cached so a new
 * build is picked up on the next load. The folder is looked at per request, so a build made
 * while the server runs is served without a restart. Files are sent brotli- or gzip-compressed
 * when the browser accepts it, from the .br/.gz copies the build writes beside them (the
 * register's JS at start: ~290 kB, ~80 kB as brotli); a build without them is sent as it is.
 */
export async function registerWebApp(app: FastifyInstance, root = REGISTER_DIST): Promise<void> {
  // serve: false: only reply.sendFile, with send's path checks (no "..", no dotfiles); the
  // routes below decide what a path means.
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true })

  app.get('/register', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/register/'))
  app.get('/register/*', { schema: { hide: true } }, async (req, reply) => {
    if (!fs.existsSync(path.join(root, 'index.html'))) {
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>Register not built</title><p>The register is not built yet: run <code>npm run build</code> (or <code>npm start</code>, which builds it).</p>')
    }
    // Fastify has already decoded the wildcard.
    const rel = (req.params as { '*'?: string })['*'] ?? ''
    const file = path.resolve(root, rel)
    const inside = file.startsWith(root + path.sep)
    // The body depends on Accept-Encoding (a cache between must keep both).
    reply.header('vary', 'accept-encoding')
    if (rel && inside && fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
      if (rel.startsWith('assets/')) return reply.sendFile(rel, { maxAge: '365d', immutable: true })
      return reply.header('cache-control', 'no-cache').sendFile(rel, { cacheControl: false })
    }
    // A missing asset is a 404, not the page: a stale tab asking for an old chunk must fail loudly.
    if (rel.startsWith('assets/')) return reply.callNotFound()
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false })
  })
}
