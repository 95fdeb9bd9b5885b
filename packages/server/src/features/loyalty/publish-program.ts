import { PatronError, validateRules, type ProgramRules } from '@patron/core'
import type { AppContext, Principal } from '../../context'
import { newId, nowIso } from '../../util'
import { forgetProgramVersions } from './loyalty.queries'
import { getProgramVersion, type ProgramVersionSummary } from './program.queries'

/** How far in the past an effective time may be: clocks of a back office and a server differ a little. */
export const EFFECTIVE_AT_TOLERANCE_MS = 60_000

/**
 * Publishes the draft as a new immutable version (number = highest + 1) in force from
 * `effectiveAt` (default now). Rule changes never apply backwards: an effective time more than
 * a minute in the past is EFFECTIVE_IN_PAST, and one within that minute is moved to now, so no
 * sale already earned can ever fall under the new version. Audit log row and outbox event in the
 * same transaction.
 */
export async function publishProgram(ctx: AppContext, principal: Principal, input: { effectiveAt?: string | null }): Promise<ProgramVersionSummary & { rules: ProgramRules }> {
  const now = ctx.now()
  const at = nowIso(now)
  let effectiveAt = at
  if (input.effectiveAt) {
    const requested = new Date(input.effectiveAt)
    if (requested.getTime() < now.getTime() - EFFECTIVE_AT_TOLERANCE_MS) {
      throw new PatronError('EFFECTIVE_IN_PAST', 'A program version cannot take effect in the past: rule changes never apply backwards', {
        field: 'effectiveAt',
        effectiveAt: input.effectiveAt,
        now: at,
      })
    }
    if (requested > now) effectiveAt = requested.toISOString()
  }
  const published = await ctx.writer.run(async (trx) => {
    // Locks the program on PostgreSQL: two publishes at once take the next numbers in turn
    // instead of one failing on the unique (program, version).
    let q = trx.selectFrom('loyalty_programs').select(['id', 'draft_rules']).where('org_id', '=', principal.orgId)
    if (ctx.db.dialect === 'postgres') q = q.forUpdate()
    const program = await q.executeTakeFirst()
    if (!program) throw new PatronError('NOT_FOUND', 'This organisation has no loyalty program')
    const rules = JSON.parse(program.draft_rules) as ProgramRules
    // The draft was checked when saved; checked again because it may predate today's checks.
    validateRules(rules)
    const last = await trx.selectFrom('program_versions').select((eb) => eb.fn.max('version').as('version')).where('program_id', '=', program.id).executeTakeFirst()
    const version = Number(last?.version ?? 0) + 1
    const id = newId()
    const publishedBy = principal.kind === 'staff' ? principal.staffId : principal.keyId
    await trx
      .insertInto('program_versions')
      .values({ id, program_id: program.id, version, rules: program.draft_rules, effective_at: effectiveAt, published_at: at, published_by: publishedBy })
      .execute()
    const event = { programId: program.id, versionId: id, version, effectiveAt }
    await trx
      .insertInto('audit_log')
      .values({
        org_id: principal.orgId,
        actor_type: principal.kind === 'staff' ? 'staff' : 'api_key',
        actor_id: publishedBy,
        action: 'program.published',
        target_type: 'program_version',
        target_id: id,
        details: JSON.stringify(event),
        created_at: at,
      })
      .execute()
    await trx.insertInto('outbox').values({ org_id: principal.orgId, topic: 'program.published', aggregate_id: program.id, payload: JSON.stringify(event), created_at: at, published_at: null }).execute()
    return version
  })
  forgetProgramVersions(principal.orgId)
  return getProgramVersion(ctx.db.kysely, principal.orgId, published)
}
