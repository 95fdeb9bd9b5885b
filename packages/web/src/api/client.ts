/**
 * The register's only way to the server: JSON over fetch with the session cookie. Writes always
 * send Content-Type: application/json (the server's CSRF rule for cookie sessions), and every
 * failure becomes either an ApiError (the server answered: status + stable code) or a
 * NetworkError (it did not: offline, server down), which is what the outbound queue retries.
 */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: Record<string, unknown>
  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }
  /** Worth retrying with the same request: the server failed, not the request. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429
  }
}

export class NetworkError extends Error {
  constructor(message = 'No connection to the Patron server') {
    super(message)
    this.name = 'NetworkError'
  }
}

type Listener = () => void
const unauthenticatedListeners = new Set<Listener>()
/** Called when the server says the session is gone (expired, logged out elsewhere). */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener)
  return () => unauthenticatedListeners.delete(listener)
}

const onlineListeners = new Set<(online: boolean) => void>()
let lastOnline = typeof navigator === 'undefined' ? true : navigator.onLine
/** Reachability as the register last saw it: every request reports whether the server answered. */
export function onReachability(listener: (online: boolean) => void): () => void {
  onlineListeners.add(listener)
  return () => onlineListeners.delete(listener)
}
export function isReachable(): boolean {
  return lastOnline
}
function report(online: boolean) {
  if (online === lastOnline) return
  lastOnline = online
  for (const l of onlineListeners) l(online)
}

export interface RequestOptions {
  /** Extra headers (Idempotency-Key). */
  headers?: Record<string, string>
  /** Abort a slow request (search as you type). */
  signal?: AbortSignal
  /** Don't treat a 401 as "the session is gone" (the PIN and password logins). */
  quiet401?: boolean
  timeoutMs?: number
}

export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, body, options)
  const type = res.headers.get('content-type') ?? ''
  if (type.includes('json')) return (await res.json()) as T
  return (await res.text()) as unknown as T
}

/**
 * The answer itself, for a caller that reads it its own way (the catalogue snapshot: its text is
 * what the register keeps, its ETag what it asks with next time). A 304 to an If-None-Match is an
 * answer, not an error.
 */
export function fetchResponse(path: string, options: RequestOptions = {}): Promise<Response> {
  return send('GET', path, undefined, options)
}

async function send(method: string, path: string, body: unknown, options: RequestOptions): Promise<Response> {
  const write = method !== 'GET' && method !== 'HEAD'
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  if (write) headers['content-type'] = 'application/json'
  const timeout = new AbortController()
  const timer = window.setTimeout(() => timeout.abort(), options.timeoutMs ?? 15_000)
  const signal = options.signal ? anySignal([options.signal, timeout.signal]) : timeout.signal
  let res: Response
  try {
    res = await fetch(path.startsWith('/api/') ? path : `/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: write ? JSON.stringify(body ?? {}) : undefined,
      signal,
    })
  } catch (e) {
    if (options.signal?.aborted) throw e
    report(false)
    throw new NetworkError()
  } finally {
    window.clearTimeout(timer)
  }
  report(true)
  if (res.ok || (res.status === 304 && headers['if-none-match'])) return res
  const type = res.headers.get('content-type') ?? ''
  let code = 'HTTP_' + res.status
  let message = res.statusText || 'Request failed'
  let details: Record<string, unknown> = {}
  if (type.includes('json')) {
    const payload = await res.json().catch(() => null)
    if (payload?.error) ({ code, message, details = {} } = payload.error)
  }
  if (res.status === 401 && code === 'UNAUTHENTICATED' && !options.quiet401) for (const l of unauthenticatedListeners) l()
  // A proxy's 502/503/504 means the server is not there: the same as being offline.
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    if (!type.includes('json')) {
      report(false)
      throw new NetworkError('The Patron server is not answering')
    }
  }
  throw new ApiError(res.status, code, message, details)
}

function anySignal(signals: AbortSignal[]): AbortSignal {
  const c = new AbortController()
  for (const s of signals) {
    if (s.aborted) c.abort()
    else s.addEventListener('abort', () => c.abort(), { once: true })
  }
  return c.signal
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body, options),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
}

/** A message for people from any error. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError || e instanceof NetworkError) return e.message
  if (e instanceof Error) return e.message
  return String(e)
}
