import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder'
import { formatMoney, currency as currencyOf } from '@patron/core'
import type { SaleView } from '../../api/types'
import { quantityText, tenderLabel } from '../format'

/** The receipt view as GET /sales/:id/receipt returns it (the sale view with its store). */
export type ReceiptView = SaleView & { store?: { code: string; name: string; locale: string; timeZone: string; address: string | null } }

export interface EscPosOptions {
  /** Characters per line: 48 on 80 mm paper (font A), 32 on 58 mm. */
  columns?: number
  /** Open the cash drawer (pulse) with the receipt. */
  openDrawer?: boolean
}

/**
 * The receipt as ESC/POS bytes for a thermal printer: store, lines, totals, taxes, tenders,
 * the loyalty summary with its explanation and new balance, and a CODE128 barcode of the
 * receipt number (scanned at the till to find the sale for a return), then a cut.
 */
export function receiptBytes(sale: ReceiptView, options: EscPosOptions = {}): Uint8Array {
  const columns = options.columns ?? 48
  const locale = sale.store?.locale ?? 'en'
  const c = (() => {
    try {
      return currencyOf(sale.currency)
    } catch {
      return currencyOf('EUR')
    }
  })()
  // Printers' code pages have € (cp858); the narrow no-break space of some locales they lack.
  const money = (m: number) => formatMoney(m, c, locale).replace(/[\u00a0\u202f]/g, ' ')
  const at = (() => {
    try {
      return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: sale.store?.timeZone }).format(new Date(sale.soldAt))
    } catch {
      return sale.soldAt
    }
  })()
  const row = (left: string, right: string) => {
    const room = Math.max(1, columns - right.length - 1)
    const l = left.length > room ? left.slice(0, room - 1) + '…' : left
    return l + ' '.repeat(columns - l.length - right.length) + right
  }

  const e = new ReceiptPrinterEncoder({ language: 'esc-pos', columns, feedBeforeCut: 4 })
  e.initialize().codepage('auto')
  e.align('center')
  if (sale.store) {
    e.bold(true).size(2, 2).line(sale.store.name).size(1, 1).bold(false)
    if (sale.store.address) e.line(sale.store.address)
  }
  e.line(`${at} · ${sale.receiptNo}`)
  if (sale.status === 'voided') e.bold(true).line('*** VOIDED ***').bold(false)
  e.align('left').rule()
  for (const l of sale.lines) {
    e.line(row(l.name, money(l.totalMinor)))
    const discount = l.lineDiscountMinor + l.cartDiscountMinor + l.rewardDiscountMinor
    const detail = `  ${quantityText(l.quantity, l.weighed)} x ${money(l.unitPriceMinor)}${discount > 0 ? ` · discount -${money(discount)}` : ''}`
    if (l.quantity !== 1 || discount > 0 || l.weighed) e.line(detail)
  }
  e.rule()
  if (sale.totals.discountMinor > 0) e.line(row('Discounts', `-${money(sale.totals.discountMinor)}`))
  if (sale.totals.roundingMinor !== 0) e.line(row('Rounding', money(sale.totals.roundingMinor)))
  e.bold(true).size(1, 2).line(row('TOTAL', money(sale.totals.amountDueMinor))).size(1, 1).bold(false)
  e.rule()
  for (const t of sale.tenders) e.line(row(`${tenderLabel(t.kind)}${t.points ? ` (${t.points})` : ''}${t.reference ? ` ${t.reference}` : ''}`, money(t.amountMinor)))
  if (sale.totals.changeMinor > 0) e.line(row('Change', money(sale.totals.changeMinor)))
  e.rule()
  for (const x of sale.taxes) e.line(row(`${sale.taxMode === 'inclusive' ? 'incl. ' : ''}${x.name} on ${money(x.baseMinor)}`, money(x.taxMinor)))
  if (sale.loyalty) {
    const p = sale.loyalty
    e.rule({ style: 'double' })
    e.bold(true).line(row(`${p.pointsName} earned`, `+${p.pointsEarned}`)).bold(false)
    if (p.explanation) e.line(p.explanation)
    if (p.pointsRedeemed > 0) e.line(row(`${p.pointsName} used`, `-${p.pointsRedeemed}`))
    e.line(row('New balance', String(p.balanceAfter)))
  }
  e.newline()
  e.align('center')
  e.barcode(sale.receiptNo, 'code128', { height: 60, text: true })
  e.newline()
  e.line('Thank you!')
  if (options.openDrawer) e.pulse()
  e.cut('partial')
  return e.encode()
}

/** The ESC/POS cut command (GS V) somewhere in the bytes. */
export function hasCut(bytes: Uint8Array): boolean {
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 0x1d && bytes[i + 1] === 0x56) return true
  return false
}
