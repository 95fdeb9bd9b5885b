import { z } from 'zod'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { PatronError } from '@patron/core'
import { MANAGERS, type Access, type AppContext } from '../../context'
import { requirePrincipal } from '../../http/auth'
import { nowIso } from '../../util'
import { ZPagination } from '../catalog/catalog.routes'
import { dayPeriod, ZDayOrInstant } from '../reports/period'
import { programVersionAt } from './loyalty.queries'
import { parseProgramRules, ZProgramRules } from './program-rules.schema'
import { getProgramDraft, getProgramVersion, listProgramVersions } from './program.queries'
import { publishProgram } from './publish-program'
import { saveProgramDraft } from './save-program-draft'
import { simulateProgram } from './simulate-program'

/** Owners (and integrations with loyalty:write) change the program; managers may look. */
const READ: Access = { roles: MANAGERS, scopes: ['loyalty:read', 'loyalty:write'] }
const WRITE: Access = { roles: ['owner'], scopes: ['loyalty:write'] }

const ZSimulationPeriod = z.object({
  from: ZDayOrInstant.describe('First day "YYYY-MM-DD" (from its midnight UTC) or an instant, included'),
  to: ZDayOrInstant.describe('Last day "YYYY-MM-DD" (included whole, UTC) or an instant, excluded'),
})

/** Program versions (drafts, publishing, history) and simulations of a draft against past sales. */
export async function programRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const db = ctx.db.kysely

  r.get(
    '/loyalty/program/draft',
    { config: { access: READ }, schema: { tags: ['loyalty'], summary: 'The draft of the next program version (editable; sales never use it)' } },
    async (req) => getProgramDraft(db, requirePrincipal(req).orgId),
  )
  r.put(
    '/loyalty/program/draft',
    {
      config: { access: WRITE },
      // Bad rules are answered by parseProgramRules with the program's own codes (422
      // INVALID_PROGRAM, TIER_THRESHOLD_ORDER, INVALID_WINDOW, OVERLAPPING_WINDOWS naming the field), not the
      // generic 400: the schema here documents the body.
      attachValidation: true,
      schema: {
        tags: ['loyalty'],
        summary: 'Replace the draft with complete program rules; 422 INVALID_PROGRAM / TIER_THRESHOLD_ORDER / INVALID_WINDOW / OVERLAPPING_WINDOWS with details.field and details.issues',
        body: ZProgramRules,
      },
    },
    async (req) => saveProgramDraft(ctx, requirePrincipal(req), parseProgramRules(req.body)),
  )
  r.post(
    '/loyalty/program/publish',
    {
      config: { access: WRITE },
      schema: {
        tags: ['loyalty'],
        summary: 'Publish the draft as a new immutable version (number = last + 1) in force from effectiveAt (default now; never in the past: 422 EFFECTIVE_IN_PAST)',
        body: z.object({ effectiveAt: z.string().datetime({ offset: true }).nullish() }),
      },
    },
    async (req, reply) => reply.status(201).send(await publishProgram(ctx, requirePrincipal(req), req.body ?? {})),
  )
  r.get(
    '/loyalty/program/versions',
    {
      config: { access: READ },
      schema: { tags: ['loyalty'], summary: 'Published versions with their effective times, newest number first; inForce marks the one sales use now', querystring: z.object(ZPagination) },
    },
    async (req) => {
      const p = requirePrincipal(req)
      const before = req.query.cursor && /^\d+$/.test(req.query.cursor) ? Number(req.query.cursor) : null
      const [rows, current] = await Promise.all([listProgramVersions(db, p.orgId, req.query.limit + 1, before), programVersionAt(db, p.orgId, nowIso(ctx.now()))])
      const more = rows.length > req.query.limit
      const items = more ? rows.slice(0, req.query.limit) : rows
      return {
        items: items.map((v) => ({ ...v, inForce: v.versionId === current?.id })),
        nextCursor: more ? String(items[items.length - 1].version) : null,
      }
    },
  )
  r.get(
    '/loyalty/program/versions/:version',
    {
      config: { access: READ },
      schema: { tags: ['loyalty'], summary: 'One published version with its rules', params: z.object({ version: z.coerce.number().int().min(1).max(1_000_000_000) }) },
    },
    async (req) => getProgramVersion(db, requirePrincipal(req).orgId, req.params.version),
  )
  r.post(
    '/loyalty/simulations',
    {
      config: { access: READ },
      attachValidation: true,
      schema: {
        tags: ['loyalty'],
        summary: 'Replay the completed member sales of a period (UTC) under the draft (or the rules sent) and under the versions they used: points by component, cost, tiers, top changes. Writes nothing.',
        body: ZSimulationPeriod.extend({ rules: ZProgramRules.optional().describe('Rules to simulate; default: the draft') }),
      },
    },
    async (req) => {
      const p = requirePrincipal(req)
      const period = ZSimulationPeriod.safeParse(req.body)
      // A bad period is the usual 400; bad rules get the program's own 422 codes.
      if (!period.success) throw req.validationError ?? new PatronError('VALIDATION_FAILED', 'Send from and to', { fields: [{ field: 'from', message: 'required' }] })
      const raw = (req.body as { rules?: unknown } | null)?.rules
      const rules = raw === undefined ? undefined : parseProgramRules(raw)
      return simulateProgram(db, p.orgId, dayPeriod(period.data.from, period.data.to), rules)
    },
  )
}
