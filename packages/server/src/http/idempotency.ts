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
/** status_code of a claim whose request is still being handled. */
const IN_PROGRESS = 0
/** A claim left by a process that died mid-request is taken over after this long. */
const STALE_CLAIM_MS = 60_000

/**
 * `Idempotency-Key` on every POST (api.md): the first response is stored and a replay with the
 * same body gets it again; the same key with another body is IDEMPOTENCY_KEY_REUSED.
 * Sales and refunds are idempotent by their own client-generated ids, inside their write
 * transaction; for other POSTs the key is claimed before the handler runs and the response
 * stored right after it. The claim is what stops a retry sent while the first request is still
 * running (a register timing out) from doing the write a second time: it gets 409 CONFLICT and
 * its next retry the stored response.
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
    const at = nowIso(ctx.now())
    const claimed = await ctx.writer.run((trx) =>
      trx
        .insertInto('idempotency_records')
        .values({ scope, key, request_hash: hash, status_code: IN_PROGRESS, response: '', created_at: at })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst(),
    )
    if (!claimed) {
      const prior = await ctx.db.kysely.selectFrom('idempotency_records').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow()
      if (prior.request_hash !== hash) throw new PatronError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request', { key })
      if (prior.status_code === IN_PROGRESS) {
        const stale = Date.parse(prior.created_at) <= ctx.now().getTime() - STALE_CLAIM_MS
        const takenOver =
          stale &&
          (await ctx.writer.run((trx) =>
            trx.updateTable('idempotency_records').set({ created_at: at }).where('scope', '=', scope).where('key', '=', key).where('status_code', '=', IN_PROGRESS).where('created_at', '=', prior.created_at).executeTakeFirst(),
          )).numUpdatedRows > 0
        if (!takenOver) throw new PatronError('CONFLICT', 'A request with this Idempotency-Key is still being handled; retry shortly', { key })
      } else {
        reply.header('idempotent-replayed', 'true')
        return reply.status(prior.status_code).type('application/json; charset=utf-8').send(prior.response)
      }
    }
    req.idempotency = { scope, key, hash }
  })

  app.addHook('onSend', async (req, reply, payload) => {
    const i = req.idempotency
    if (!i) return payload
    req.idempotency = null
    const keep = REPLAYABLE(reply.statusCode) && typeof payload === 'string'
    await ctx.writer.run<unknown>((trx) =>
      keep
        ? trx.updateTable('idempotency_records').set({ status_code: reply.statusCode, response: payload as string }).where('scope', '=', i.scope).where('key', '=', i.key).execute()
        : // A response that must not be replayed (auth, conflicts, server errors) frees the key for a retry.
          trx.deleteFrom('idempotency_records').where('scope', '=', i.scope).where('key', '=', i.key).where('status_code', '=', IN_PROGRESS).execute(),
    )
    return payload
  })
}
