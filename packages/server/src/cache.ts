/**
 * A small time-bounded cache for data read on every request and rarely changed (stores, tax
 * rates, terminals, program versions, sessions, API keys). Changes made through this instance
 * clear their entries at once; other instances see a change within the TTL, which is why
 * TTLs are seconds, not minutes. Loads of the same key in flight are shared.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; until: number }>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now()
    const hit = this.entries.get(key)
    if (hit && hit.until > now) return hit.value
    if (this.entries.size >= this.maxEntries) this.entries.clear()
    const value = load()
    this.entries.set(key, { value, until: now + this.ttlMs })
    // A failed load is not cached: the next request tries again.
    value.catch(() => this.entries.delete(key))
    return value
  }

  delete(key: string): void {
    this.entries.delete(key)
  }

  clear(): void {
    this.entries.clear()
  }
}
