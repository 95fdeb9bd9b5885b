import fs from 'node:fs'
import { currency, formatMoney, PatronError, type EarnComponentCode, type ProgramRules } from '@patron/core'
import type { AppContext } from '../../context'
import { dayPeriod, ZDayOrInstant } from '../reports/period'
import { parseProgramRules } from './program-rules.schema'
import { COMPONENT_CODES, simulateProgram, type SimulationReport } from './simulate-program'

const LABELS: Record<EarnComponentCode, string> = {
  base: 'Base',
  multiplier: 'Multipliers',
  tier: 'Tier bonus',
  promotion: 'Promotions',
  bonus_threshold: 'Spend bonus',
  bonus_visit: 'Visit bonus',
  bonus_first_purchase: 'First purchase',
  bonus_birthday: 'Birthday',
  cap: 'Caps',
}

/**
 * `patron simulate --from --to [--rules file.json]`: the simulation of the draft (or of the
 * rules in the file) as a table for a terminal. Bad dates or rules throw PatronError, which the
 * CLI prints as "CODE: message".
 */
export async function simulationTable(ctx: AppContext, orgId: string, args: { from: string; to: string; rules?: string }): Promise<string> {
  for (const key of ['from', 'to'] as const) {
    if (!ZDayOrInstant.safeParse(args[key]).success) {
      throw new PatronError('VALIDATION_FAILED', `--${key} must be a date YYYY-MM-DD (or an ISO instant), not "${args[key]}"`, { fields: [{ field: key, message: 'a date' }] })
    }
  }
  let rules: ProgramRules | undefined
  if (args.rules) {
    let text: string
    try {
      text = fs.readFileSync(args.rules, 'utf8')
    } catch (e) {
      throw new PatronError('VALIDATION_FAILED', `Cannot read ${args.rules}: ${(e as Error).message}`, { fields: [{ field: 'rules', message: 'unreadable' }] })
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      throw new PatronError('INVALID_PROGRAM', `${args.rules} is not JSON: ${(e as Error).message}`, { field: '' })
    }
    rules = parseProgramRules(json)
  }
  const report = await simulateProgram(ctx.db.kysely, orgId, dayPeriod(args.from, args.to), rules)
  return formatSimulation(report, `${args.from} – ${args.to}`, args.rules ?? 'the draft')
}

export function formatSimulation(r: SimulationReport, period: string, rulesName: string): string {
  const money = (minor: number) => (r.currency ? formatMoney(minor, currency(r.currency)) : `${minor} (minor units)`)
  const signed = (n: number, text = String(n)) => (n > 0 ? `+${text}` : text)
  const row = (cells: string[], widths: number[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  const widths = [22, 12, 12, 12]
  const lines = [
    `Simulation of ${rulesName} over ${period} (UTC): ${r.sales} member sales, ${r.members} members`,
    '',
    row(['Points', 'Published', 'Simulated', 'Change'], widths),
    ...COMPONENT_CODES.map((code) => {
      const a = r.published.pointsByComponent[code]
      const b = r.simulated.pointsByComponent[code]
      return row([LABELS[code], String(a), String(b), signed(b - a)], widths)
    }),
    row(['Total', String(r.published.totalPoints), String(r.simulated.totalPoints), signed(r.change.totalPoints)], widths),
    row([`Cost${r.currency ? ` (${r.currency})` : ''}`, money(r.published.costMinor), money(r.simulated.costMinor), signed(r.change.costMinor, money(r.change.costMinor))], widths),
    '',
    'Members per tier at the end (qualifying figure of the 365 days before it):',
    ...tierLines('Published', r.publishedTiers),
    ...tierLines('Simulated', r.tiers),
    '',
  ]
  if (r.topChanges.length === 0) lines.push('No member earns differently.')
  else {
    const w = [28, 10, 10, 10, 0]
    const name = (n: string | null) => (n === null ? '(no name)' : n.length > 26 ? `${n.slice(0, 25)}…` : n)
    lines.push('Biggest changes:', row(['  Member', 'Published', 'Simulated', 'Change', '  Customer id'], w))
    for (const t of r.topChanges) lines.push(row([`  ${name(t.name)}`, String(t.publishedPoints), String(t.simulatedPoints), signed(t.delta), `  ${t.customerId}`], w))
  }
  if (r.replayMismatches > 0) lines.push('', `Warning: ${r.replayMismatches} sales replay differently from what they stored under their own version.`)
  return lines.join('\n')
}

function tierLines(side: string, tiers: SimulationReport['tiers']): string[] {
  return [`  ${side}`, ...tiers.map((t) => `    ${(t.name ?? '(no tier)').padEnd(18)}${String(t.members).padStart(8)}${t.threshold !== null ? `   from ${t.threshold}` : ''}`)]
}
