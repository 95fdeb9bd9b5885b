import { PatronError } from '../errors'
import { divRoundHalfAway } from '../money/round'
import type { PricingStore, SettledTenders, TenderInput, TenderKind } from './types'

export const TENDER_KINDS: readonly TenderKind[] = ['cash', 'card', 'gift_card', 'store_credit', 'points', 'other']

/**
 * Rounds an amount to the nearest multiple of `incrementMinor`, halves away from zero
 * (sales.md cash rounding). An increment of 0 or 1 means no rounding.
 * Exported for refunds: a cash refund is rounded the same way (see refund.ts).
 */
export function roundToIncrementMinor(amountMinor: number, incrementMinor: number): number {
  if (incrementMinor <= 1) return amountMinor
  return Number(divRoundHalfAway(BigInt(amountMinor), BigInt(incrementMinor))) * incrementMinor
}

/**
 * Checks that the tenders cover the sale total and works out cash rounding and change.
 *
 * Cash rounding applies to the cash part only: cashDue = total − Σ non-cash tenders is rounded
 * to the store's increment when the sale has any cash tender; the signed difference is the
 * rounding line. Only cash may exceed the amount due; the excess is change.
 */
export function settleTenders(
  store: Pick<PricingStore, 'cashRoundingMinor'>,
  totalMinor: number,
  tenders: readonly TenderInput[],
): SettledTenders {
  if (!Number.isSafeInteger(totalMinor) || totalMinor < 0) {
    throw new PatronError('INVALID_AMOUNT', 'The sale total must be a whole number of minor units, 0 or more', {
      field: 'totalMinor',
      value: totalMinor,
    })
  }
  const incrementMinor = store.cashRoundingMinor
  if (!Number.isSafeInteger(incrementMinor) || incrementMinor < 0) {
    throw new PatronError('INVALID_CASH_ROUNDING', 'Cash rounding must be a whole number of minor units, 0 or more', {
      field: 'cashRoundingMinor',
      value: incrementMinor,
    })
  }
  tenders.forEach(validateTender)

  const hasCash = tenders.some((t) => t.kind === 'cash')
  const nonCashMinor = tenders.reduce((s, t) => (t.kind === 'cash' ? s : s + t.amountMinor), 0)
  const cashDueMinor = totalMinor - nonCashMinor
  if (cashDueMinor < 0) {
    throw new PatronError('NON_CASH_OVERPAYMENT', 'Only cash may exceed the amount due', {
      dueMinor: totalMinor,
      nonCashMinor,
    })
  }
  // cashDue ≥ 0 here, so its rounded value is ≥ 0 and non-cash never exceeds the amount due.
  const roundedCashDueMinor = hasCash ? roundToIncrementMinor(cashDueMinor, incrementMinor) : cashDueMinor
  const roundingMinor = roundedCashDueMinor - cashDueMinor
  const amountDueMinor = totalMinor + roundingMinor
  const tenderedMinor = tenders.reduce((s, t) => s + t.amountMinor, 0)
  if (tenderedMinor < amountDueMinor) {
    throw new PatronError('TENDER_SHORT', 'The tenders do not cover the amount due', {
      dueMinor: amountDueMinor,
      tenderedMinor,
    })
  }
  const changeMinor = tenderedMinor - amountDueMinor
  return {
    totalMinor,
    roundingMinor,
    amountDueMinor,
    tenderedMinor,
    changeMinor,
    tenders: tenders.map((t) => ({ ...t })),
    paidTenders: deductChange(tenders, changeMinor),
  }
}

/**
 * The tenders as the store keeps them: change taken back from the cash tenders, the last cash
 * tender first. Index-aligned with the input (a cash tender fully given back stays, at 0), and
 * sums to the amount due. This is what refundTenders expects as the original tenders.
 */
function deductChange(tenders: readonly TenderInput[], changeMinor: number): TenderInput[] {
  const paid = tenders.map((t) => ({ ...t }))
  let left = changeMinor
  for (let i = paid.length - 1; i >= 0 && left > 0; i--) {
    if (paid[i].kind !== 'cash') continue
    const back = Math.min(left, paid[i].amountMinor)
    paid[i] = { ...paid[i], amountMinor: paid[i].amountMinor - back }
    left -= back
  }
  return paid
}

export function validateTender(t: TenderInput, i: number): void {
  if (!TENDER_KINDS.includes(t.kind)) {
    throw new PatronError('INVALID_TENDER', `Unknown tender kind "${String(t.kind)}"`, { field: `tenders[${i}].kind` })
  }
  if (!Number.isSafeInteger(t.amountMinor) || t.amountMinor < 0) {
    throw new PatronError('INVALID_TENDER', 'A tender amount must be a whole number of minor units, 0 or more', {
      field: `tenders[${i}].amountMinor`,
      value: t.amountMinor,
    })
  }
  if (t.points !== undefined && (!Number.isSafeInteger(t.points) || t.points < 0)) {
    throw new PatronError('INVALID_TENDER', 'Points must be a whole number, 0 or more', {
      field: `tenders[${i}].points`,
      value: t.points,
    })
  }
}
