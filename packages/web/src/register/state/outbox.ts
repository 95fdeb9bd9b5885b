import { ApiError, api, NetworkError } from '../../api/client'
import type { SaleView } from '../../api/types'
import { load, save } from './storage'
import { createStore } from './store'

/**
 * The one way a sale (or a void) leaves the register: an outbound queue in localStorage keyed
 * by the sale's client id. Sending is retried with the very same id and body, so a sale that
 * reached the server before the connection dropped is recognised there and never recorded
 * twice. A sale the server refuses (a 4xx with a code) stops in the queue as "failed", never
 * silently dropped.
 */
export interface OutboundItem {
  id: string
  kind: 'sale' | 'void'
  path: string
  body: unknown
  createdAt: string
  attempts: number
  state: 'pending' | 'failed'
  lastError: { code: string; message: string } | null
  /** What the screen showed as the total, to compare with what the server recorded. */
  shownTotalMinor?: number
}

export type SendResult =
  | { status: 'sent'; response: SaleView | unknown }
  | { status: 'queued'; reason: string }
  | { status: 'rejected'; error: ApiError }

// The manager's PIN of an approval is kept in memory only, never in storage: a queued sale
// that needs one and was left by a reload has to be approved again.
const secrets = new Map<string, { staffId: string; pin: string }>()

function persistable(items: OutboundItem[]) {
  return items.map((i) => (i.kind === 'sale' && (i.body as { approval?: unknown }).approval ? { ...i, body: { ...(i.body as object), approval: null } } : i))
}

export const outbox = createStore<OutboundItem[]>(load<OutboundItem[]>('outbox', []), (items) => save('outbox', persistable(items)))

let paused = false
let flushing: Promise<void> | null = null

export function enqueue(item: Omit<OutboundItem, 'attempts' | 'state' | 'lastError' | 'createdAt'>): void {
  const approval = (item.body as { approval?: { staffId: string; pin: string } | null }).approval
  if (approval) secrets.set(item.id, approval)
  outbox.set((xs) => (xs.some((x) => x.id === item.id) ? xs : [...xs, { ...item, createdAt: new Date().toISOString(), attempts: 0, state: 'pending', lastError: null }]))
}

function bodyOf(item: OutboundItem): unknown {
  const secret = secrets.get(item.id)
  return secret ? { ...(item.body as object), approval: secret } : item.body
}

function update(id: string, patch: Partial<OutboundItem>) {
  outbox.set((xs) => xs.map((x) => (x.id === id ? { ...x, ...patch } : x)))
}

function remove(id: string) {
  secrets.delete(id)
  outbox.set((xs) => xs.filter((x) => x.id !== id))
}

/**
 * Sends one item now (the payment screen waits for this). A refusal of a sale being paid is
 * handed back to the screen and the item leaves the queue (the cart is still open there); a
 * network failure leaves it queued.
 */
export async function sendNow(id: string, { dropOnReject = true } = {}): Promise<SendResult> {
  const item = outbox.get().find((x) => x.id === id)
  if (!item) return { status: 'queued', reason: 'not in the queue' }
  update(id, { attempts: item.attempts + 1 })
  try {
    // No Idempotency-Key header: the sale's id is its key on the server, and a header would
    // also pin a refusal (422) to the id, so the corrected cart could not be sent with it.
    const response = await api.post(item.path, bodyOf(item), { timeoutMs: 20_000 })
    remove(id)
    return { status: 'sent', response }
  } catch (e) {
    if (e instanceof NetworkError) {
      update(id, { lastError: { code: 'OFFLINE', message: e.message } })
      return { status: 'queued', reason: e.message }
    }
    if (e instanceof ApiError) {
      if (e.retryable || e.status === 401) {
        update(id, { lastError: { code: e.code, message: e.message } })
        if (e.status === 401) paused = true
        return { status: 'queued', reason: e.message }
      }
      // A void of a cart the server already completed or voided is done as far as we care.
      if (item.kind === 'void' && (e.code === 'SALE_ALREADY_COMPLETED' || e.code === 'SALE_VOIDED')) {
        remove(id)
        return { status: 'sent', response: null }
      }
      if (dropOnReject) remove(id)
      else update(id, { state: 'failed', lastError: { code: e.code, message: e.message } })
      return { status: 'rejected', error: e }
    }
    update(id, { lastError: { code: 'ERROR', message: String(e) } })
    return { status: 'queued', reason: String(e) }
  }
}

/** Sends everything pending, oldest first; stops at the first network failure. */
export function flush(): Promise<void> {
  if (paused) return Promise.resolve()
  if (flushing) return flushing
  const run = async () => {
    // Yield first: `flushing` must be set before the loop can finish and clear it.
    await Promise.resolve()
    try {
      for (const item of outbox.get()) {
        if (item.state !== 'pending') continue
        const r = await sendNow(item.id, { dropOnReject: false })
        if (r.status === 'queued') break
      }
    } finally {
      flushing = null
    }
  }
  flushing = run()
  return flushing
}

/** After a new sign-in: sending may go on. */
export function resume(): void {
  paused = false
  void flush()
}

export function retry(id: string): void {
  update(id, { state: 'pending', lastError: null })
  void flush()
}

export function discard(id: string): void {
  remove(id)
}

let timer: number | null = null
/** Retries every 15 s and at once when the browser says it is back online. */
export function startOutbox(): () => void {
  const onOnline = () => void flush()
  window.addEventListener('online', onOnline)
  timer = window.setInterval(() => {
    if (outbox.get().some((x) => x.state === 'pending')) void flush()
  }, 15_000)
  void flush()
  return () => {
    window.removeEventListener('online', onOnline)
    if (timer !== null) window.clearInterval(timer)
  }
}
