import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRules, type ProgramRules } from '@patron/core'
import { addStaff, apiKeyClient, DIALECTS, loginPassword, loginPin, makeShop, type Client, type TestShop } from './harness'
import { expectError, uuid } from './support'

describe.each(DIALECTS)('program drafts, publishing and versions on %s', (dialect) => {
  let shop: TestShop
  let owner: Client
  let manager: Client
  let api: Client
  let mug: { id: string }

  const count = async (table: 'program_versions' | 'audit_log' | 'outbox') =>
    Number((await shop.ctx.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const putDraft = (c: Client, rules: unknown) => c.request('PUT', '/api/v1/loyalty/program/draft', rules)
  /** An online order of one mug (9.99 net, exclusive tax): 9 points per 1 pt/1.00. */
  const buyMug = async (customerId: string) => {
    const res = await api.post('/api/v1/sales', { id: uuid(), storeId: shop.storeId, customerId, lines: [{ productId: mug.id, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 999 + 190 }] })
    expect(res.status, res.text).toBe(201)
    return res.body
  }

  beforeAll(async () => {
    shop = await makeShop(dialect)
    await addStaff(shop)
    owner = await loginPassword(shop.app, shop.owner.email, shop.owner.password)
    manager = await loginPassword(shop.app, 'manager@test.shop', 'manager-password')
    api = await apiKeyClient(shop, ['catalog:write', 'customers:write', 'sales:write', 'sales:read', 'refunds:write', 'loyalty:read'])
    mug = (await api.post('/api/v1/products', { sku: 'MUG', name: 'Mug', priceMinor: 999, taxClassId: shop.taxClassIds.standard })).body
  })
  afterAll(async () => shop?.close())

  it('publishes the draft as version 2 from its effective time; earlier sales keep version 1', async () => {
    const member = (await api.post('/api/v1/customers', { name: 'Vera Version', email: 'vera@example.com' })).body
    const draft = await owner.get('/api/v1/loyalty/program/draft')
    expect(draft.status).toBe(200)
    expect(draft.body.rules.baseRate).toBe('1')

    const doubled: ProgramRules = { ...draft.body.rules, baseRate: '2' }
    const saved = await putDraft(owner, doubled)
    expect(saved.status, saved.text).toBe(200)
    expect(saved.body.rules).toEqual(doubled)
    expect((await manager.get('/api/v1/loyalty/program/draft')).body.rules.baseRate).toBe('2')

    const audit = await count('audit_log')
    const outbox = await count('outbox')
    const effectiveAt = new Date(shop.clock.now.getTime() + 3600_000).toISOString()
    const published = await owner.post('/api/v1/loyalty/program/publish', { effectiveAt })
    expect(published.status, published.text).toBe(201)
    expect(published.body).toMatchObject({ version: 2, effectiveAt, publishedBy: shop.owner.id, rules: doubled })
    expect(await count('audit_log')).toBe(audit + 1)
    expect(await count('outbox')).toBe(outbox + 1)
    const log = await shop.ctx.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'program.published').executeTakeFirstOrThrow()
    expect(log).toMatchObject({ actor_type: 'staff', actor_id: shop.owner.id, target_id: published.body.versionId })
    const event = await shop.ctx.db.kysely.selectFrom('outbox').selectAll().where('topic', '=', 'program.published').executeTakeFirstOrThrow()
    expect(JSON.parse(event.payload)).toEqual({ programId: shop.programId, versionId: published.body.versionId, version: 2, effectiveAt })

    // Before the effective time the sale is earned with version 1 …
    const before = await buyMug(member.id)
    expect(before.loyalty).toMatchObject({ programVersion: 1, pointsEarned: 9 })
    let versions = await manager.get('/api/v1/loyalty/program/versions')
    expect(versions.body.items.map((v: any) => [v.version, v.inForce])).toEqual([[2, false], [1, true]])
    expect((await owner.get('/api/v1/loyalty/program')).body.version).toBe(1)

    // … after it with version 2, and the earlier sale still shows version 1.
    shop.clock.advance(3600_000 + 1)
    const after = await buyMug(member.id)
    expect(after.loyalty).toMatchObject({ programVersion: 2, programVersionId: published.body.versionId, pointsEarned: 19 })
    expect((await api.get(`/api/v1/sales/${before.id}`)).body.loyalty).toMatchObject({ programVersion: 1, pointsEarned: 9 })
    expect((await api.get(`/api/v1/sales/${after.id}`)).body.loyalty).toMatchObject({ programVersion: 2, pointsEarned: 19 })
    versions = await manager.get('/api/v1/loyalty/program/versions')
    expect(versions.body.items.map((v: any) => [v.version, v.inForce])).toEqual([[2, true], [1, false]])
    expect(versions.body.items[0]).toMatchObject({ effectiveAt, publishedAt: '2026-03-03T10:00:00.000Z' })

    // A sale the terminal recorded before the effective time (offline) arrives now: version 1.
    const offline = await api.post('/api/v1/sales', { id: uuid(), storeId: shop.storeId, customerId: member.id, soldAt: new Date(Date.parse(effectiveAt) - 60_000).toISOString(), lines: [{ productId: mug.id, quantity: 1 }], tenders: [{ kind: 'card', amountMinor: 999 + 190 }] })
    expect(offline.status, offline.text).toBe(201)
    expect(offline.body.loyalty).toMatchObject({ programVersion: 1, pointsEarned: 9 })
    // A refund under version 2 recomputes the version-1 sale with version 1: 9 back, not 19,
    // and its ledger entry records version 1.
    const refund = await api.post(`/api/v1/sales/${before.id}/refunds`, { id: uuid(), lines: [{ lineNo: 1, quantity: 1 }] })
    expect(refund.status, refund.text).toBe(201)
    expect(refund.body.pointsClawedBack).toBe(9)
    const clawback = await shop.ctx.db.kysely.selectFrom('ledger_transfers').select(['program_version_id', 'points']).where('refund_id', '=', refund.body.id).where('kind', '=', 'clawback').executeTakeFirstOrThrow()
    expect(clawback).toMatchObject({ program_version_id: before.loyalty.programVersionId, points: 9 })
    expect(before.loyalty.programVersionId).not.toBe(published.body.versionId)
    expect((await api.get(`/api/v1/customers/${member.id}/loyalty`)).body.balance).toBe(19 + 9)

    const v1 = await manager.get('/api/v1/loyalty/program/versions/1')
    expect(v1.status).toBe(200)
    expect(v1.body).toMatchObject({ version: 1, rules: { baseRate: '1' }, publishedBy: null })
    expect((await manager.get('/api/v1/loyalty/program/versions/2')).body.rules).toEqual(doubled)
    expectError(await manager.get('/api/v1/loyalty/program/versions/9'), 404, 'PROGRAM_VERSION_NOT_FOUND')

    const page = await manager.get('/api/v1/loyalty/program/versions?limit=1')
    expect(page.body.items.map((v: any) => v.version)).toEqual([2])
    const next = await manager.get(`/api/v1/loyalty/program/versions?limit=1&cursor=${page.body.nextCursor}`)
    expect(next.body).toMatchObject({ items: [{ version: 1 }], nextCursor: null })
  })

  it('never publishes into the past; a time within the last minute takes effect now', async () => {
    const versions = await count('program_versions')
    const audit = await count('audit_log')
    const past = new Date(shop.clock.now.getTime() - 2 * 60_000).toISOString()
    const res = await owner.post('/api/v1/loyalty/program/publish', { effectiveAt: past })
    expectError(res, 422, 'EFFECTIVE_IN_PAST')
    expect(res.body.error.details.field).toBe('effectiveAt')
    expect(await count('program_versions')).toBe(versions)
    expect(await count('audit_log')).toBe(audit)

    const skewed = await owner.post('/api/v1/loyalty/program/publish', { effectiveAt: new Date(shop.clock.now.getTime() - 30_000).toISOString() })
    expect(skewed.status, skewed.text).toBe(201)
    expect(skewed.body).toMatchObject({ version: versions + 1, effectiveAt: shop.clock.now.toISOString() })
    // Without a time: now.
    const now = await owner.post('/api/v1/loyalty/program/publish', {})
    expect(now.body).toMatchObject({ version: versions + 2, effectiveAt: shop.clock.now.toISOString() })
  })

  it('refuses bad drafts with their codes and the field, and writes nothing', async () => {
    const good: ProgramRules = { ...defaultRules('stars'), tiers: [{ id: 'base', name: 'Base', threshold: 0, multiplier: '1' }, { id: 'gold', name: 'Gold', threshold: 500, multiplier: '1.5' }] }
    expect((await putDraft(owner, good)).status).toBe(200)
    const stored = async () => (await shop.ctx.db.kysely.selectFrom('loyalty_programs').select(['draft_rules', 'updated_at']).executeTakeFirstOrThrow())
    const before = await stored()
    const audit = await count('audit_log')
    const promo = { id: 'tue', name: 'Tuesdays', multiplier: '2', daysOfWeek: [2] }
    const cases: [string, unknown, number, string, string][] = [
      ['tier threshold not above the previous', { ...good, tiers: [good.tiers[0], { ...good.tiers[1], threshold: 0 }] }, 422, 'TIER_THRESHOLD_ORDER', 'tiers[1].threshold'],
      ['tiers out of order', { ...good, tiers: [good.tiers[1], { ...good.tiers[0] }] }, 422, 'TIER_THRESHOLD_ORDER', 'tiers[1].threshold'],
      ['two tiers with one id', { ...good, tiers: [good.tiers[0], { ...good.tiers[1], id: 'base' }] }, 422, 'INVALID_PROGRAM', 'tiers[1].id'],
      ['two multipliers with one id', { ...good, multipliers: [{ id: 'm', name: 'A', multiplier: '2' }, { id: 'm', name: 'B', multiplier: '3' }] }, 422, 'INVALID_PROGRAM', 'multipliers[1].id'],
      ['reversed time window', { ...good, promotions: [{ ...promo, startTime: '18:00', endTime: '09:00' }] }, 422, 'INVALID_WINDOW', 'promotions[0].endTime'],
      ['empty time window', { ...good, promotions: [{ ...promo, startTime: '09:00', endTime: '09:00' }] }, 422, 'INVALID_WINDOW', 'promotions[0].endTime'],
      ['reversed dates', { ...good, promotions: [{ ...promo, fromDate: '2026-05-01', toDate: '2026-04-30' }] }, 422, 'INVALID_WINDOW', 'promotions[0].toDate'],
      ['overlapping windows', { ...good, promotions: [{ id: 'q', name: 'Quiet hours', multiplier: '2', windows: [{ daysOfWeek: [1, 2], startTime: '08:00', endTime: '10:00' }, { daysOfWeek: [2], startTime: '09:30', endTime: '11:00' }] }] }, 422, 'OVERLAPPING_WINDOWS', 'promotions[0].windows[1]'],
      ['a decimal that is not one', { ...good, baseRate: 'one' }, 422, 'INVALID_PROGRAM', 'baseRate'],
      ['a decimal sent as a number', { ...good, costPerPointMinor: 0.5 }, 422, 'INVALID_PROGRAM', 'costPerPointMinor'],
      ['a multiplier below 1', { ...good, multipliers: [{ id: 'm', name: 'A', multiplier: '0.5' }] }, 422, 'INVALID_PROGRAM', 'multipliers[0].multiplier'],
      ['a fractional threshold', { ...good, tiers: [good.tiers[0], { ...good.tiers[1], threshold: 1.5 }] }, 422, 'INVALID_PROGRAM', 'tiers[1].threshold'],
      ['a missing field', { ...good, expiry: undefined }, 422, 'INVALID_PROGRAM', 'expiry'],
      ['a misspelt field', { ...good, multipler: [] }, 422, 'INVALID_PROGRAM', 'multipler'],
      ['an unknown bonus kind', { ...good, bonuses: [{ id: 'b', name: 'B', kind: 'lottery', points: 5 }] }, 422, 'INVALID_PROGRAM', 'bonuses[0].kind'],
      ['nothing at all', {}, 422, 'INVALID_PROGRAM', 'pointsName'],
    ]
    for (const [what, rules, status, code, field] of cases) {
      const res = await putDraft(owner, rules)
      expectError(res, status, code)
      expect(res.body.error.details.field, what).toBe(field)
      expect(res.body.error.details.issues.length, what).toBeGreaterThan(0)
    }
    // Every problem is listed, not only the first.
    const many = await putDraft(owner, { ...good, baseRate: 'x', costPerPointMinor: 'y' })
    expect(many.body.error.details.issues.map((i: any) => i.field)).toEqual(['baseRate', 'costPerPointMinor'])

    expect(await stored()).toEqual(before)
    expect(await count('audit_log')).toBe(audit)
  })

  it('lets owners and loyalty:write keys edit and publish; managers, cashiers and readers may not', async () => {
    const draft = (await owner.get('/api/v1/loyalty/program/draft')).body.rules
    expectError(await putDraft(manager, draft), 403, 'FORBIDDEN')
    expectError(await manager.post('/api/v1/loyalty/program/publish', {}), 403, 'FORBIDDEN')
    const cashier = await loginPin(shop.app, shop.terminalId, '1234')
    expectError(await cashier.get('/api/v1/loyalty/program/draft'), 403, 'FORBIDDEN')
    expectError(await cashier.get('/api/v1/loyalty/program/versions'), 403, 'FORBIDDEN')

    const reader = await apiKeyClient(shop, ['loyalty:read'])
    expect((await reader.get('/api/v1/loyalty/program/versions')).status).toBe(200)
    expectError(await putDraft(reader, draft), 403, 'FORBIDDEN')
    const writer = await apiKeyClient(shop, ['loyalty:write'])
    expect((await putDraft(writer, { ...draft, pointsName: 'beans' })).status).toBe(200)
    const published = await writer.post('/api/v1/loyalty/program/publish', {})
    expect(published.status).toBe(201)
    expect(published.body.rules.pointsName).toBe('beans')
    const log = await shop.ctx.db.kysely.selectFrom('audit_log').selectAll().where('target_id', '=', published.body.versionId).executeTakeFirstOrThrow()
    expect(log).toMatchObject({ action: 'program.published', actor_type: 'api_key', actor_id: published.body.publishedBy })
  })

  it('keeps published versions immutable in the database itself', async () => {
    const db = shop.ctx.db.kysely
    await expect(db.updateTable('program_versions').set({ rules: '{}' }).where('version', '=', 1).execute()).rejects.toThrow(/append-only/)
    await expect(db.deleteFrom('program_versions').where('version', '=', 1).execute()).rejects.toThrow(/append-only/)
    const v1 = await db.selectFrom('program_versions').select('rules').where('version', '=', 1).executeTakeFirstOrThrow()
    expect(JSON.parse(v1.rules).baseRate).toBe('1')
  })
})
