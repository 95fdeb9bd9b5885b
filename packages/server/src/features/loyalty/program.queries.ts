import type { Kysely } from 'kysely'
import { PatronError, type ProgramRules } from '@patron/core'
import type { Database } from '../../db/schema'

export interface ProgramDraft {
  programId: string
  name: string
  rules: ProgramRules
  updatedAt: string
}

export interface ProgramVersionSummary {
  programId: string
  versionId: string
  version: number
  effectiveAt: string
  publishedAt: string
  /** Staff id or API key id of who published it; null for the version made with the shop. */
  publishedBy: string | null
}

export async function getProgramDraft(db: Kysely<Database>, orgId: string): Promise<ProgramDraft> {
  const row = await db.selectFrom('loyalty_programs').select(['id', 'name', 'draft_rules', 'updated_at']).where('org_id', '=', orgId).executeTakeFirst()
  if (!row) throw new PatronError('NOT_FOUND', 'This organisation has no loyalty program')
  return { programId: row.id, name: row.name, rules: JSON.parse(row.draft_rules) as ProgramRules, updatedAt: row.updated_at }
}

const versionColumns = ['v.program_id', 'v.id', 'v.version', 'v.effective_at', 'v.published_at', 'v.published_by'] as const

function summary(row: { program_id: string; id: string; version: number; effective_at: string; published_at: string; published_by: string | null }): ProgramVersionSummary {
  return { programId: row.program_id, versionId: row.id, version: row.version, effectiveAt: row.effective_at, publishedAt: row.published_at, publishedBy: row.published_by }
}

/** Published versions, newest version number first; `beforeVersion` is the page cursor. */
export async function listProgramVersions(db: Kysely<Database>, orgId: string, limit: number, beforeVersion: number | null): Promise<ProgramVersionSummary[]> {
  let q = db.selectFrom('program_versions as v').innerJoin('loyalty_programs as p', 'p.id', 'v.program_id').select(versionColumns).where('p.org_id', '=', orgId)
  if (beforeVersion !== null) q = q.where('v.version', '<', beforeVersion)
  const rows = await q.orderBy('v.version', 'desc').limit(limit).execute()
  return rows.map(summary)
}

export async function getProgramVersion(db: Kysely<Database>, orgId: string, version: number): Promise<ProgramVersionSummary & { rules: ProgramRules }> {
  const row = await db
    .selectFrom('program_versions as v')
    .innerJoin('loyalty_programs as p', 'p.id', 'v.program_id')
    .select([...versionColumns, 'v.rules'])
    .where('p.org_id', '=', orgId)
    .where('v.version', '=', version)
    .executeTakeFirst()
  if (!row) throw new PatronError('PROGRAM_VERSION_NOT_FOUND', `There is no version ${version} of the program`, { version })
  return { ...summary(row), rules: JSON.parse(row.rules) as ProgramRules }
}
