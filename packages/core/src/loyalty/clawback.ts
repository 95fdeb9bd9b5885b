import { PatronError } from '../errors'
import { evaluateEarn } from './earn'
import type { CompiledRules } from './rules'
import type { EarnMember, EarnResult, EarnSale, ProgramRules } from './types'

export interface Clawback {
  /** Points to take back from the member, ≥ 0. */
  readonly clawback: number
  /** The earning of the kept part, as the original sale would have earned it. */
  readonly recomputed: EarnResult
}

/**
 * The points a refund takes back (loyalty.md "Refunds"): the sale's earning recomputed on the
 * quantities kept, with the SAME rules (program version), tier and member state as the
 * original sale; clawback = what the member still holds from the sale − recomputed, never
 * negative. So a threshold bonus is lost when the kept part falls below the threshold.
 *
 * - `rules` and `member` must be those the original sale was evaluated with: store them with
 *   the sale (program version id + the EarnMember snapshot).
 * - `keptSale` gives the kept lines and their totals (`lines`, `totalMinor`,
 *   `pointsTenderMinor`); its time, store, channel, time zone and currency are taken from
 *   `originalSale`, so promotions are judged at the original sale's time.
 * - For a second partial refund of the same sale pass the cumulative kept lines and
 *   `alreadyClawedBack` = the points earlier refunds of this sale took back.
 */
export function computeClawback(
  rules: ProgramRules | CompiledRules,
  originalSale: EarnSale,
  keptSale: EarnSale,
  member: EarnMember,
  originalEarned: number,
  alreadyClawedBack = 0,
): Clawback {
  if (!Number.isSafeInteger(originalEarned) || originalEarned < 0) {
    throw new PatronError('INVALID_REFUND', 'originalEarned must be a whole number of points ≥ 0', { field: 'originalEarned', value: originalEarned })
  }
  if (!Number.isSafeInteger(alreadyClawedBack) || alreadyClawedBack < 0) {
    throw new PatronError('INVALID_REFUND', 'alreadyClawedBack must be a whole number of points ≥ 0', { field: 'alreadyClawedBack', value: alreadyClawedBack })
  }
  const kept: EarnSale = {
    ...originalSale,
    lines: keptSale.lines,
    totalMinor: keptSale.totalMinor,
    pointsTenderMinor: keptSale.pointsTenderMinor,
  }
  const recomputed = evaluateEarn(rules, kept, member)
  const stillHeld = originalEarned - alreadyClawedBack
  return { clawback: Math.max(0, stillHeld - recomputed.total), recomputed }
}
