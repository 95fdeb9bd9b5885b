// The register's service worker: keeps the app itself (index.html and its hashed assets) in the
// browser so a register reloaded without a connection still starts and sells from its cached
// catalogue. The API is never cached here: sales go through the app's outbound queue.
const CACHE = 'patron-register-shell-v1'
const SHELL = '/register/'

// Installing keeps the current page and everything it loads, so the very first visit already
// works offline on the next start.
self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE)
      const res = await fetch(SHELL, { cache: 'no-cache' })
      if (res.ok) {
        const html = await res.clone().text()
        await cache.put(SHELL, res)
        const assets = [...new Set([...html.matchAll(/\/register\/assets\/[^"']+/g)].map((m) => m[0]))]
        await cache.addAll(assets)
      }
      await self.skipWaiting()
    })(),
  )
})
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/register/')) return
  if (url.pathname.startsWith('/register/assets/')) {
    // Hashed file names never change content: cache first.
    event.respondWith(
      caches.open(CACHE).then(async (cache) => {
        const hit = await cache.match(event.request)
        if (hit) return hit
        const res = await fetch(event.request)
        if (res.ok) await cache.put(event.request, res.clone())
        return res
      }),
    )
    return
  }
  if (event.request.mode === 'navigate' || url.pathname === SHELL || url.pathname === `${SHELL}index.html`) {
    // The page: the network first (a new build is picked up at once), the cached copy offline.
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE)
        try {
          const res = await fetch(event.request)
          if (res.ok) {
            const html = await res.clone().text()
            await cache.put(SHELL, res.clone())
            await prune(cache, html)
          }
          return res
        } catch (e) {
          const hit = await cache.match(SHELL)
          if (hit) return hit
          throw e
        }
      })(),
    )
  }
})

/** Drops cached assets the current page no longer refers to (older builds). */
async function prune(cache, html) {
  const used = new Set([...html.matchAll(/\/register\/assets\/[^"']+/g)].map((m) => m[0]))
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname
    if (path.startsWith('/register/assets/') && !used.has(path)) await cache.delete(req)
  }
}
