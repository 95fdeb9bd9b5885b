import type { FastifyInstance } from 'fastify'
import { PatronError } from '@patron/core'
import type { AppContext } from '../context'
import { hashRequest, nowIso } from '../util'

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string; hash: string } | null
  }
}

const REPLAYABLE = (status: number) => status < 500 && ![401, 403, 409, 429].includes(status)

/**
 * `Idempotency-Key` on every POST (api.md): the first response is stored and a replay with the
 * same body gets it again; the same key with another body is IDEMPOTENCY_KEY_REUSED.
 * Sales and refunds are idempotent by their own client-generated ids, inside their write
 * transaction; for other POSTs the record is written right after the response's commit.
 */
export function registerIdempotency(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('idempotency', null)

  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST') return
    const key = req.headers['idempotency-key']
    if (typeof key !== 'string' || key === '') return
    if (key.length > 200) throw new PatronError('VALIDATION_FAILED', 'Idempotency-Key is at most 200 characters', { fields: [{ field: 'Idempotency-Key', message: 'too long' }] })
    const who = req.principal ? (req.principal.kind === 'staff' ? `staff:${req.principal.staffId}` : `key:${req.principal.keyId}`) : 'anonymous'
    const scope = `${who} ${req.routeOptions.url}`
    const hash = hashRequest({ params: req.params, body: req.body ?? null })
    const prior = await ctx.db.kysely.selectFrom('idempotency_records').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst()
    if (prior) {
      if (prior.request_hash !== hash) throw new PatronError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request', { key })
      reply.header('idempotent-replayed', 'true')
      return reply.status(prior.status_code).type('application/json; charset=utf-8').send(prior.response)
    }
    req.idempotency = { scope, key, hash }
  })

  app.addHook('onSend', async (req, reply, payload) => {
    const i = req.idempotency
    if (!i || !REPLAYABLE(reply.statusCode) || typeof payload !== 'string') return payload
    await ctx.writer.run((trx) =>
      trx
        .insertInto('idempotency_records')
        .values({ scope: i.scope, key: i.key, request_hash: i.hash, status_code: reply.statusCode, response: payload, created_at: nowIso(ctx.now()) })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .execute(),
    )
    return payload
  })
}
