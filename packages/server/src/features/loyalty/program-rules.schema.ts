import { z } from 'zod'
import { PatronError, ruleIssues, type ProgramRules, type RuleIssue } from '@patron/core'

/**
 * The zod mirror of core's ProgramRules: the shape (types, whole numbers, decimal text, no
 * unknown keys, so a misspelt field is an error rather than silently dropped). The meaning
 * (tier order, windows, duplicate ids) stays in core's `ruleIssues`, the one place the register
 * and the server share; `parseProgramRules` runs both.
 */
const ZDecimal = z.string().regex(/^\d{1,12}(\.\d{1,9})?$/, 'a non-negative decimal number as text, e.g. "1.5"')
const ZCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const ZId = z.string().min(1).max(100)
const ZIds = z.array(ZId).max(10_000)
const ZName = z.string().max(200)
const ZDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date "YYYY-MM-DD"')
const ZTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time "HH:MM" (00:00–24:00)')

const ZMultiplierRule = z.strictObject({
  id: ZId,
  name: ZName,
  productIds: ZIds.optional(),
  categoryIds: ZIds.optional(),
  multiplier: ZDecimal,
})

const ZTierRule = z.strictObject({
  id: ZId,
  name: ZName,
  threshold: ZCount,
  multiplier: ZDecimal,
  discountPercent: ZDecimal.nullish(),
  perks: z.array(z.string().max(200)).max(100).optional(),
})

const ZPromotionWindow = z.strictObject({
  daysOfWeek: z.array(z.number().int().min(0).max(6)).max(7).optional(),
  startTime: ZTime,
  endTime: ZTime,
})

const ZPromotionRule = z.strictObject({
  id: ZId,
  name: ZName,
  multiplier: ZDecimal,
  daysOfWeek: z.array(z.number().int().min(0).max(6)).max(7).optional(),
  startTime: ZTime.nullish(),
  endTime: ZTime.nullish(),
  windows: z.array(ZPromotionWindow).min(1).max(50).optional(),
  fromDate: ZDate.nullish(),
  toDate: ZDate.nullish(),
  storeIds: ZIds.optional(),
  channels: z.array(z.enum(['pos', 'online'])).max(2).optional(),
  categoryIds: ZIds.optional(),
})

const ZBonusRule = z.discriminatedUnion('kind', [
  z.strictObject({ id: ZId, name: ZName, kind: z.literal('threshold'), points: ZCount, thresholdMinor: ZCount }),
  z.strictObject({ id: ZId, name: ZName, kind: z.enum(['visit', 'first_purchase', 'birthday']), points: ZCount }),
])

const ZExpiryPolicy = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('rolling'), months: z.number().int().min(1).max(1200), endOfMonth: z.boolean().optional(), warnDaysBefore: z.number().int().min(0).max(365).nullish() }),
  z.strictObject({ kind: z.literal('inactivity'), months: z.number().int().min(1).max(1200), warnDaysBefore: z.number().int().min(0).max(365).nullish() }),
])

export const ZProgramRules = z
  .strictObject({
    pointsName: z.string().trim().min(1).max(50),
    baseRate: ZDecimal,
    nonEarningProductIds: ZIds,
    nonEarningCategoryIds: ZIds,
    multipliers: z.array(ZMultiplierRule).max(500),
    tierMetric: z.enum(['points', 'spend']),
    tiers: z.array(ZTierRule).max(50),
    promotions: z.array(ZPromotionRule).max(500),
    bonuses: z.array(ZBonusRule).max(100),
    caps: z.strictObject({ perSale: ZCount.nullish(), perDay: ZCount.nullish() }),
    pointsTender: z.strictObject({ pointsPerUnit: z.number().int().min(1).max(1_000_000_000) }).nullish(),
    expiry: ZExpiryPolicy,
    costPerPointMinor: ZDecimal,
    referral: z.strictObject({ referrerPoints: ZCount, refereePoints: ZCount, minEligibleMinor: ZCount, maxPerReferrerPerMonth: ZCount }).nullish(),
  })
  .meta({ description: 'The rules of a program version. Decimals are strings ("1", "0.1", "1.5") so they stay exact.' }) satisfies z.ZodType<ProgramRules>

// Strict objects refuse unknown fields, so a field added to ProgramRules must be added above
// too: this line stops the build until it is.
type UnmirroredField = Exclude<keyof ProgramRules, keyof z.output<typeof ZProgramRules>>
const mirrorsEveryField: [UnmirroredField] extends [never] ? true : UnmirroredField = true
void mirrorsEveryField

/**
 * Valid ProgramRules from an untrusted body, or a PatronError shaped like core's validateRules:
 * the code of the first problem (INVALID_PROGRAM, TIER_THRESHOLD_ORDER, INVALID_WINDOW, OVERLAPPING_WINDOWS),
 * `details.field` naming its field and `details.issues` listing every problem found.
 */
export function parseProgramRules(input: unknown): ProgramRules {
  const parsed = ZProgramRules.safeParse(input)
  const issues: RuleIssue[] = parsed.success ? ruleIssues(parsed.data) : parsed.error.issues.flatMap(toRuleIssues)
  if (issues.length === 0) return (parsed as { data: ProgramRules }).data
  const first = issues[0]
  throw new PatronError(first.code, `${first.field || '(body)'}: ${first.message}`, { field: first.field, issues })
}

function toRuleIssues(issue: z.core.$ZodIssue): RuleIssue[] {
  const at = fieldPath(issue.path)
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ code: 'INVALID_PROGRAM', field: at ? `${at}.${key}` : key, message: 'Unknown field' }))
  }
  return [{ code: 'INVALID_PROGRAM', field: at, message: issue.message }]
}

/** ["tiers", 1, "threshold"] → "tiers[1].threshold", the notation of core's rule issues. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '')
}
