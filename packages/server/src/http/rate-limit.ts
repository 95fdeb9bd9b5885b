import { PatronError } from '@patron/core'

/**
 * A sliding-window limit per key (api.md: rate limits on login and enrolment). In memory, per
 * instance: it stops a script hammering one instance; the lockouts stored in the database
 * (PINs, passwords) are what hold across instances.
 */
export class RateLimit {
  private readonly hits = new Map<string, number[]>()

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly what: string,
  ) {}

  check(key: string, now = Date.now()): void {
    const since = now - this.windowMs
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since)
    if (recent.length >= this.max) {
      const retryAfterSeconds = Math.ceil((recent[0] + this.windowMs - now) / 1000)
      throw new PatronError('TOO_MANY_REQUESTS', `Too many ${this.what}; try again in ${retryAfterSeconds} s`, { retryAfterSeconds })
    }
    recent.push(now)
    this.hits.set(key, recent)
    if (this.hits.size > 50_000) this.hits.clear()
  }
}
