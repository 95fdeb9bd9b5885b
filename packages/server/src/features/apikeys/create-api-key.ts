import crypto from 'node:crypto'
import { PatronError } from '@patron/core'
import type { AppContext } from '../../context'
import { SCOPES } from '../../context'
import { newId, nowIso, sha256 } from '../../util'

/**
 * Creates an API key for integrations. Only its SHA-256 is stored: the key itself is shown
 * once. Keys are long random strings, so a plain hash is enough (no password stretching).
 */
export async function createApiKey(ctx: AppContext, orgId: string, name: string, scopes: string[]) {
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s))
  if (unknown.length > 0 || scopes.length === 0) {
    throw new PatronError('VALIDATION_FAILED', `Unknown scopes: ${unknown.join(', ') || '(none given)'}. Known: ${SCOPES.join(', ')}`, { fields: [{ field: 'scopes', message: 'unknown scope' }] })
  }
  const key = `ptr_${crypto.randomBytes(24).toString('base64url')}`
  const id = newId()
  await ctx.writer.run(async (trx) => {
    await trx.insertInto('api_keys').values({ id, org_id: orgId, name, prefix: key.slice(0, 8), key_hash: sha256(key), scopes: JSON.stringify(scopes), created_at: nowIso(ctx.now()), revoked_at: null }).execute()
    await trx.insertInto('audit_log').values({ org_id: orgId, actor_type: 'system', actor_id: null, action: 'api_key.created', target_type: 'api_key', target_id: id, details: JSON.stringify({ name, scopes }), created_at: nowIso(ctx.now()) }).execute()
  })
  return { id, key, name, scopes }
}
