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
        await keepAssets(cache, html)
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
    // A new build's assets, the chunks loaded later included, are kept once the page is served.
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE)
        try {
          const res = await fetch(event.request)
          if (res.ok) {
            const html = await res.clone().text()
            await cache.put(SHELL, res.clone())
            event.waitUntil(keepAssets(cache, html).then((used) => prune(cache, used)).catch(() => {}))
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

/**
 * Puts every asset of the page in the cache: those the page names, and the chunks the app loads
 * later (the register behind the PIN pad, the receipt printer, the camera scanner), which its
 * scripts name in turn (Vite lists them as "assets/<name>-<hash>.js"). Returns their paths.
 */
async function keepAssets(cache, html) {
  const found = new Set([...html.matchAll(/\/register\/assets\/[^"'`?#\s]+/g)].map((m) => m[0]))
  const queue = [...found]
  while (queue.length > 0) {
    const path = queue.pop()
    let res = await cache.match(path)
    if (!res) {
      res = await fetch(path)
      if (!res.ok) continue
      await cache.put(path, res.clone())
    }
    if (!path.endsWith('.js')) continue
    const text = await res.text()
    for (const m of text.matchAll(/assets\/[A-Za-z0-9_.-]+\.(?:js|css)/g)) {
      const next = `/register/${m[0]}`
      if (!found.has(next)) {
        found.add(next)
        queue.push(next)
      }
    }
  }
  return found
}

/** Drops cached assets the current build no longer uses (older builds). */
async function prune(cache, used) {
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname
    if (path.startsWith('/register/assets/') && !used.has(path)) await cache.delete(req)
  }
}
