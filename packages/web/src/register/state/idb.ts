/**
 * The smallest IndexedDB wrapper the catalogue cache needs: one database, a "products" store
 * keyed by id and a "meta" store of small values. Falls back to nothing (memory only) where
 * IndexedDB is unavailable.
 */
const DB_NAME = 'patron-register'
const VERSION = 1

let opening: Promise<IDBDatabase | null> | null = null

function open(): Promise<IDBDatabase | null> {
  opening ??= new Promise((resolve) => {
    try {
      const req = indexedDB.open(DB_NAME, VERSION)
      req.onupgradeneeded = () => {
        const db = req.result
        if (!db.objectStoreNames.contains('products')) db.createObjectStore('products', { keyPath: 'id' })
        if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta')
      }
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => resolve(null)
      req.onblocked = () => resolve(null)
    } catch {
      resolve(null)
    }
  })
  return opening
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
    tx.onabort = () => reject(tx.error)
  })
}

export async function getAll<T>(store: 'products'): Promise<T[]> {
  const db = await open()
  if (!db) return []
  return new Promise((resolve) => {
    const req = db.transaction(store).objectStore(store).getAll()
    req.onsuccess = () => resolve(req.result as T[])
    req.onerror = () => resolve([])
  })
}

export async function putAll(store: 'products', values: unknown[]): Promise<void> {
  const db = await open()
  if (!db || values.length === 0) return
  const tx = db.transaction(store, 'readwrite')
  const os = tx.objectStore(store)
  for (const v of values) os.put(v)
  await done(tx)
}

export async function clear(store: 'products' | 'meta'): Promise<void> {
  const db = await open()
  if (!db) return
  const tx = db.transaction(store, 'readwrite')
  tx.objectStore(store).clear()
  await done(tx)
}

export async function getMeta<T>(key: string): Promise<T | undefined> {
  const db = await open()
  if (!db) return undefined
  return new Promise((resolve) => {
    const req = db.transaction('meta').objectStore('meta').get(key)
    req.onsuccess = () => resolve(req.result as T | undefined)
    req.onerror = () => resolve(undefined)
  })
}

export async function setMeta(key: string, value: unknown): Promise<void> {
  const db = await open()
  if (!db) return
  const tx = db.transaction('meta', 'readwrite')
  tx.objectStore('meta').put(value, key)
  await done(tx)
}

/**
 * Puts a new catalogue snapshot in place in one transaction: the snapshot and what goes with it
 * in "meta", and the products changed since the old one (the "products" store) dropped. A
 * register closed half-way keeps the old state whole, never a new snapshot with old changes.
 */
export async function replaceSnapshot(meta: Record<string, unknown>): Promise<void> {
  const db = await open()
  if (!db) return
  const tx = db.transaction(['products', 'meta'], 'readwrite')
  tx.objectStore('products').clear()
  const m = tx.objectStore('meta')
  for (const [key, value] of Object.entries(meta)) m.put(value, key)
  await done(tx)
}
