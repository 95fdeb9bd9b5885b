import { PatronError } from '../errors'
import { allocate } from '../money/allocate'
import { divRoundHalfAway } from '../money/round'
import { summarizeTaxes } from './price'
import { roundToIncrementMinor, validateTender } from './tender'
import type {
  LineTax,
  PricedLine,
  PricedSale,
  PricingStore,
  RefundedLine,
  RefundLineInput,
  TaxSummaryRow,
  TenderInput,
  TenderKind,
} from './types'

/** Quantities already returned per line index, from earlier refunds of the same sale. */
export type ReturnedQuantities = ReadonlyMap<number, number> | Readonly<Record<number, number>>

/**
 * What goes back for each returned line: the line's paid amounts pro rata on quantity, with
 * the cumulative method so that any sequence of partial refunds that ends up returning
 * everything returns exactly what was paid, to the minor unit.
 *
 * For the quantities [a, a+q) of a line sold Q times, an amount X contributes
 * round(X × (a+q) / Q) − round(X × a / Q). That formula is applied to the line's independent
 * parts — its amount without tax (exclusive: net; inclusive: net − tax) and each rate's tax —
 * and the rest is derived from them (net, tax, total, eligible, bases). Deriving keeps every
 * refund line self-consistent (total = net + tax in exclusive stores, net = base + tax in
 * inclusive ones) and no part is ever negative, which applying the formula to each figure
 * separately would not guarantee; a derived figure may differ by a minor unit from its own
 * pro-rata share on a partial refund, and is exact on the full refund.
 *
 * Duplicate line indices in one request are summed into one returned line (in order of first
 * appearance); the limit applies to the sum.
 */
export function refundLines(
  sale: PricedSale,
  alreadyReturned: ReturnedQuantities,
  request: readonly RefundLineInput[],
): RefundedLine[] {
  const byIndex = new Map<number, PricedLine>(sale.lines.map((l) => [l.index, l]))
  const requested = new Map<number, number>()
  request.forEach((r, k) => {
    const line = Number.isSafeInteger(r.lineIndex) ? byIndex.get(r.lineIndex) : undefined
    if (!line) {
      throw new PatronError('UNKNOWN_LINE', `The sale has no line ${String(r.lineIndex)}`, {
        field: `lines[${k}].lineIndex`,
        lineIndex: r.lineIndex,
      })
    }
    if (!Number.isSafeInteger(r.quantity) || r.quantity <= 0) {
      throw new PatronError('INVALID_QUANTITY', 'A returned quantity must be a whole number greater than 0', {
        field: `lines[${k}].quantity`,
        value: r.quantity,
      })
    }
    requested.set(r.lineIndex, (requested.get(r.lineIndex) ?? 0) + r.quantity)
  })

  return [...requested].map(([lineIndex, quantity]) => {
    const line = byIndex.get(lineIndex)!
    const before = returnedBefore(alreadyReturned, lineIndex)
    if (before + quantity > line.quantity) {
      throw new PatronError('REFUND_EXCEEDS_SOLD', 'Cannot return more than was sold minus what was already returned', {
        lineIndex,
        soldQuantity: line.quantity,
        alreadyReturned: before,
        requested: quantity,
      })
    }
    return refundPart(sale.taxMode, line, before, quantity)
  })
}

/** Sums of refunded lines, and their tax summary per rate (first-seen order). */
export function summarizeRefund(lines: readonly RefundedLine[]): {
  totalMinor: number
  netMinor: number
  taxMinor: number
  eligibleMinor: number
  taxSummary: TaxSummaryRow[]
} {
  const sum = (pick: (l: RefundedLine) => number) => lines.reduce((s, l) => s + pick(l), 0)
  return {
    totalMinor: sum((l) => l.totalMinor),
    netMinor: sum((l) => l.netMinor),
    taxMinor: sum((l) => l.taxMinor),
    eligibleMinor: sum((l) => l.eligibleMinor),
    taxSummary: summarizeTaxes(lines.map((l) => l.taxes)),
  }
}

function returnedBefore(already: ReturnedQuantities, lineIndex: number): number {
  const v = already instanceof Map ? already.get(lineIndex) : (already as Readonly<Record<number, number>>)[lineIndex]
  const n = v ?? 0
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new PatronError('INVALID_QUANTITY', 'An already returned quantity must be a whole number, 0 or more', {
      field: `alreadyReturned[${lineIndex}]`,
      value: v,
    })
  }
  return n
}

function refundPart(taxMode: 'inclusive' | 'exclusive', line: PricedLine, fromQty: number, qty: number): RefundedLine {
  const Q = BigInt(line.quantity)
  const a = BigInt(fromQty)
  const b = BigInt(fromQty + qty)
  // The part of `x` that belongs to the quantities [a, b) of Q.
  const part = (x: number) => Number(divRoundHalfAway(BigInt(x) * b, Q) - divRoundHalfAway(BigInt(x) * a, Q))

  const exTaxMinor = taxMode === 'inclusive' ? line.netMinor - line.taxMinor : line.netMinor
  const exTaxPartMinor = part(exTaxMinor)
  const rateTaxParts = line.taxes.map((t) => part(t.taxMinor))
  const taxMinor = rateTaxParts.reduce((s, v) => s + v, 0)
  const netMinor = taxMode === 'inclusive' ? exTaxPartMinor + taxMinor : exTaxPartMinor
  const taxes: LineTax[] = line.taxes.map((t, i) => ({
    rateId: t.rateId,
    name: t.name,
    rate: t.rate,
    // Exclusive: a rate's base is the net; inclusive: the net without the line's tax.
    baseMinor: exTaxPartMinor,
    taxMinor: rateTaxParts[i],
  }))
  return {
    lineIndex: line.index,
    quantity: qty,
    totalMinor: taxMode === 'inclusive' ? netMinor : netMinor + taxMinor,
    netMinor,
    taxMinor,
    eligibleMinor: line.nonEarning ? 0 : exTaxPartMinor,
    taxes,
  }
}

/** Amounts already refunded per tender kind, from earlier refunds of the same sale. */
export type RefundedByKind = Readonly<Partial<Record<TenderKind, number>>>

/**
 * The default refund tenders: the refund split over the sale's original tenders, never more
 * than was paid on a tender.
 *
 * - `originalTenders` are the tenders as kept (SettledTenders.paidTenders: change deducted).
 * - The refund is split over the tender kinds in proportion to what is still refundable on
 *   each kind (largest remainder, ties to the kind seen first). Within a kind, tenders are
 *   filled in order, the first tender first. Filling in order is what makes a per-kind
 *   `alreadyRefunded` enough: it tells exactly how much each tender of the kind gave back.
 * - Points tenders give back points: cumulatively in proportion to the amount refunded on the
 *   tender (round(points × refunded so far / paid) − round(points × refunded before / paid)),
 *   so refunding the whole tender returns exactly the points spent.
 * - Cash rounding: the paid cash includes the sale's rounding line, so after a negative
 *   rounding (12.37 paid as 12.35) the full refund of the lines is a few minor units above what
 *   the tenders can take. That excess goes to the last cash tender (cash is the only tender
 *   that may go beyond what was paid, as at the sale); round the cash part with
 *   roundRefundCash before paying it out. Without a cash tender it is REFUND_EXCEEDS_PAID.
 *
 * Tenders that get nothing are left out; the others keep their kind and reference.
 */
export function refundTenders(
  originalTenders: readonly TenderInput[],
  refundTotalMinor: number,
  alreadyRefunded: RefundedByKind = {},
): TenderInput[] {
  if (!Number.isSafeInteger(refundTotalMinor) || refundTotalMinor < 0) {
    throw new PatronError('INVALID_AMOUNT', 'A refund total must be a whole number of minor units, 0 or more', {
      field: 'refundTotalMinor',
      value: refundTotalMinor,
    })
  }
  originalTenders.forEach(validateTender)
  for (const [kind, v] of Object.entries(alreadyRefunded)) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) {
      throw new PatronError('INVALID_AMOUNT', 'An already refunded amount must be a whole number, 0 or more', {
        field: `alreadyRefunded.${kind}`,
        value: v,
      })
    }
  }

  const kinds = [...new Set(originalTenders.map((t) => t.kind))]
  const paidOfKind = (kind: TenderKind) => originalTenders.reduce((s, t) => (t.kind === kind ? s + t.amountMinor : s), 0)
  const refundableByKind = kinds.map((kind) => Math.max(0, paidOfKind(kind) - (alreadyRefunded[kind] ?? 0)))
  const refundableMinor = refundableByKind.reduce((s, v) => s + v, 0)

  let kindPartsMinor: number[]
  if (refundTotalMinor <= refundableMinor) {
    // With the total at most the sum of the weights, no kind gets more than is refundable on it.
    kindPartsMinor = kinds.length === 0 ? [] : allocate(refundTotalMinor, refundableByKind)
  } else {
    const cashAt = kinds.indexOf('cash')
    if (cashAt < 0) {
      throw new PatronError('REFUND_EXCEEDS_PAID', 'The refund is more than what is left to refund on the tenders', {
        refundMinor: refundTotalMinor,
        refundableMinor,
      })
    }
    kindPartsMinor = [...refundableByKind]
    kindPartsMinor[cashAt] += refundTotalMinor - refundableMinor
  }

  const out: { at: number; tender: TenderInput }[] = []
  kinds.forEach((kind, k) => {
    let beforeLeft = alreadyRefunded[kind] ?? 0
    let partLeft = kindPartsMinor[k]
    const ofKind = originalTenders.map((t, at) => ({ t, at })).filter(({ t }) => t.kind === kind)
    ofKind.forEach(({ t, at }, i) => {
      const isLast = i === ofKind.length - 1
      // The last tender of a kind takes whatever is left, which is only ever the cash excess.
      const beforeMinor = isLast ? beforeLeft : Math.min(beforeLeft, t.amountMinor)
      beforeLeft -= beforeMinor
      const amountMinor = isLast ? partLeft : Math.min(partLeft, Math.max(0, t.amountMinor - beforeMinor))
      partLeft -= amountMinor
      if (amountMinor === 0) return
      const refunded: TenderInput = { kind, amountMinor, ...(t.reference != null ? { reference: t.reference } : {}) }
      out.push({ at, tender: t.points === undefined ? refunded : { ...refunded, points: pointsBack(t, beforeMinor, amountMinor) } })
    })
  })
  // In the order of the original tenders, as the receipt listed them.
  return out.sort((a, b) => a.at - b.at).map((o) => o.tender)
}

/** Points given back for refunding `amountMinor` on a points tender after `beforeMinor`. */
function pointsBack(t: TenderInput, beforeMinor: number, amountMinor: number): number {
  const paid = BigInt(t.amountMinor)
  if (paid === 0n) return 0
  const points = BigInt(t.points ?? 0)
  const before = BigInt(Math.min(beforeMinor, t.amountMinor))
  const after = BigInt(Math.min(beforeMinor + amountMinor, t.amountMinor))
  return Number(divRoundHalfAway(points * after, paid) - divRoundHalfAway(points * before, paid))
}

/**
 * Cash rounding of a refund: the cash given back is rounded to the store's increment like the
 * cash part of a sale (the coins do not exist either way); the difference is the refund's own
 * rounding line, rounded − unrounded (−2: the customer gets 2 less). Other tenders are kept.
 * A positive rounding goes on the last cash tender; a negative one is taken from the cash
 * tenders last first, so none goes below 0. Cash tenders left at 0 are dropped.
 */
export function roundRefundCash(
  store: Pick<PricingStore, 'cashRoundingMinor'>,
  tenders: readonly TenderInput[],
): { tenders: TenderInput[]; roundingMinor: number; amountMinor: number } {
  const cashMinor = tenders.reduce((s, t) => (t.kind === 'cash' ? s + t.amountMinor : s), 0)
  const roundingMinor = roundToIncrementMinor(cashMinor, store.cashRoundingMinor) - cashMinor
  const out = tenders.map((t) => ({ ...t }))
  let leftMinor = roundingMinor
  for (let i = out.length - 1; i >= 0 && leftMinor !== 0; i--) {
    if (out[i].kind !== 'cash') continue
    const changeMinor = leftMinor > 0 ? leftMinor : -Math.min(-leftMinor, out[i].amountMinor)
    out[i] = { ...out[i], amountMinor: out[i].amountMinor + changeMinor }
    leftMinor -= changeMinor
  }
  const amountMinor = out.reduce((s, t) => s + t.amountMinor, 0)
  return { tenders: out.filter((t) => t.amountMinor !== 0 || t.kind !== 'cash'), roundingMinor, amountMinor }
}
