import { describe, expect, it } from 'vitest'
import { RateLimit } from '../src/http/rate-limit'

describe('rate limits', () => {
  it('refuses past the limit within the window with TOO_MANY_REQUESTS, and lets through again after it', () => {
    const limit = new RateLimit(3, 60_000, 'tries')
    const t0 = 1_000_000
    for (let i = 0; i < 3; i++) limit.check('a', t0 + i)
    expect(() => limit.check('a', t0 + 10)).toThrow(expect.objectContaining({ code: 'TOO_MANY_REQUESTS', details: { retryAfterSeconds: 60 } }))
    limit.check('b', t0 + 10)
    limit.check('a', t0 + 60_001)
  })
})

describe('on the API', () => {
  it('slows password guessing from one address across accounts: 429 after 60 tries a minute', async () => {
    const { makeShop, anonymous } = await import('./harness')
    const shop = await makeShop('sqlite')
    try {
      const anon = anonymous(shop)
      const answers: number[] = []
      for (let i = 0; i < 61; i++) answers.push((await anon.post('/api/v1/auth/login', { email: `guess${i}@example.com`, password: 'password1' })).status)
      expect(answers.slice(0, 60).every((s) => s === 401)).toBe(true)
      const last = await anon.post('/api/v1/auth/login', { email: 'owner@test.shop', password: 'owner-password' })
      expect(last.status).toBe(429)
      expect(last.body.error.code).toBe('TOO_MANY_REQUESTS')
    } finally {
      await shop.close()
    }
  })
})
