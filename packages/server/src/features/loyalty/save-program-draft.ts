import type { ProgramRules } from '@patron/core'
import type { AppContext, Principal } from '../../context'
import { nowIso } from '../../util'
import { getProgramDraft, type ProgramDraft } from './program.queries'

/**
 * Replaces the program's draft with `rules`, already checked by `parseProgramRules` (so a bad
 * draft writes nothing). The draft is the only mutable form of the rules: what sales use are the
 * published versions, which never change.
 */
export async function saveProgramDraft(ctx: AppContext, principal: Principal, rules: ProgramRules): Promise<ProgramDraft> {
  const at = nowIso(ctx.now())
  await ctx.writer.run(async (trx) => {
    const program = await trx
      .updateTable('loyalty_programs')
      .set({ draft_rules: JSON.stringify(rules), updated_at: at })
      .where('org_id', '=', principal.orgId)
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('audit_log')
      .values({
        org_id: principal.orgId,
        actor_type: principal.kind === 'staff' ? 'staff' : 'api_key',
        actor_id: principal.kind === 'staff' ? principal.staffId : principal.keyId,
        action: 'program.draft_saved',
        target_type: 'program',
        target_id: program.id,
        details: null,
        created_at: at,
      })
      .execute()
  })
  return getProgramDraft(ctx.db.kysely, principal.orgId)
}
