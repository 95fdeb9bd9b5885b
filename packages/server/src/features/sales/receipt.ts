import { currency, formatMoney } from '@patron/core'
import type { SaleView } from './sales.queries'

const esc = (s: string | null | undefined) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/**
 * The printable receipt (80 mm thermal roll or A4 through the browser's print dialog): lines,
 * discounts, tax summary, tenders, change, the points earned with their explanation and the
 * new balance, and the receipt number as a Code 39 barcode for returns.
 */
export function receiptHtml(sale: SaleView, layout: '80mm' | 'a4' = '80mm'): string {
  const c = currency(sale.currency)
  const money = (m: number) => esc(formatMoney(m, c, sale.store.locale))
  const when = new Intl.DateTimeFormat(sale.store.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: sale.store.timeZone }).format(new Date(sale.soldAt))
  const lines = sale.lines
    .map((l) => {
      const qty = l.weighed ? `${(l.quantity / 1000).toFixed(3)} kg` : `${l.quantity} ×`
      const discount = l.lineDiscountMinor + l.cartDiscountMinor + l.rewardDiscountMinor
      return `<tr><td>${esc(l.name)}<div class="sub">${qty} ${money(l.unitPriceMinor)}${discount ? ` · discount −${money(discount)}` : ''}</div></td><td class="num">${money(sale.taxMode === 'inclusive' ? l.netMinor : l.netMinor)}</td></tr>`
    })
    .join('')
  // A rate whose lines were all free (a reward) taxes nothing: not worth a line on the receipt.
  const taxes = sale.taxes.filter((t) => t.baseMinor !== 0 || t.taxMinor !== 0).map((t) => `<tr><td>${esc(t.name)} on ${money(t.baseMinor)}</td><td class="num">${money(t.taxMinor)}</td></tr>`).join('')
  const tenders = sale.tenders.map((t) => `<tr><td>${esc(tenderName(t.kind))}${t.reference ? ` <span class="sub">${esc(t.reference)}</span>` : ''}</td><td class="num">${money(t.amountMinor)}</td></tr>`).join('')
  const loyalty = sale.loyalty
    ? `<section class="loyalty"><div class="row"><strong>${esc(sale.loyalty.pointsName)} earned</strong><strong>+${sale.loyalty.pointsEarned}</strong></div>
       <div class="sub">${esc(sale.loyalty.explanation)}</div>
       ${sale.loyalty.pointsRedeemed ? `<div class="row"><span>${esc(sale.loyalty.pointsName)} used</span><span>−${sale.loyalty.pointsRedeemed}</span></div>` : ''}
       <div class="row"><span>New balance</span><span>${sale.loyalty.balanceAfter}</span></div></section>`
    : ''
  const rewards = sale.rewards.length
    ? `<table>${sale.rewards.map((r) => `<tr><td>${esc(r.name)}${r.voucherCode ? ` <span class="sub">${esc(r.voucherCode)}</span>` : ''} <span class="sub">(${r.points} ${esc(sale.loyalty?.pointsName ?? 'points')})</span></td><td class="num">−${money(r.discountMinor)}</td></tr>`).join('')}</table><hr>`
    : ''
  const width = layout === '80mm' ? '72mm' : '180mm'
  return `<!doctype html><html lang="${esc(sale.store.locale)}"><head><meta charset="utf-8"><title>Receipt ${esc(sale.receiptNo)}</title>
<style>
@page { size: ${layout === '80mm' ? '80mm auto' : 'A4'}; margin: ${layout === '80mm' ? '4mm' : '15mm'} }
body { font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; color: #000; margin: 0 auto; width: ${width}; padding: 8px 0 }
h1 { font-size: 16px; text-align: center; margin: 0 } .center { text-align: center }
table { width: 100%; border-collapse: collapse } td { vertical-align: top; padding: 2px 0 } .num { text-align: right; white-space: nowrap }
.sub { color: #333; font-size: 11px } hr { border: 0; border-top: 1px dashed #000; margin: 6px 0 }
.total td { font-weight: 700; font-size: 14px } .row { display: flex; justify-content: space-between }
.loyalty { border: 1px solid #000; padding: 6px; margin-top: 6px } .barcode { margin-top: 8px; text-align: center }
</style></head><body>
<h1>${esc(sale.store.name)}</h1>
${sale.store.address ? `<div class="center sub">${esc(sale.store.address)}</div>` : ''}
<div class="center sub">${esc(when)} · ${esc(sale.receiptNo)}</div><hr>
<table>${lines}</table><hr>
${rewards}<table>
${sale.totals.discountMinor ? `<tr><td>Discounts</td><td class="num">−${money(sale.totals.discountMinor)}</td></tr>` : ''}
<tr><td>${sale.taxMode === 'inclusive' ? 'Total (incl. tax)' : 'Subtotal'}</td><td class="num">${money(sale.taxMode === 'inclusive' ? sale.totals.totalMinor : sale.totals.totalMinor - sale.totals.taxMinor)}</td></tr>
${sale.taxMode === 'exclusive' ? `<tr><td>Tax</td><td class="num">${money(sale.totals.taxMinor)}</td></tr>` : ''}
${sale.totals.roundingMinor ? `<tr><td>Cash rounding</td><td class="num">${money(sale.totals.roundingMinor)}</td></tr>` : ''}
<tr class="total"><td>TOTAL</td><td class="num">${money(sale.totals.amountDueMinor)}</td></tr>
</table><hr>
<table>${tenders}${sale.totals.changeMinor ? `<tr><td>Change</td><td class="num">${money(sale.totals.changeMinor)}</td></tr>` : ''}</table><hr>
<table>${taxes}</table>
${loyalty}
<div class="barcode">${code39Svg(sale.receiptNo)}<div class="sub">${esc(sale.receiptNo)}</div></div>
${sale.status === 'voided' ? '<h1>VOID</h1>' : ''}
</body></html>`
}

function tenderName(kind: string): string {
  return ({ cash: 'Cash', card: 'Card', gift_card: 'Gift card', store_credit: 'Store credit', points: 'Points', other: 'Other' } as Record<string, string>)[kind] ?? kind
}

// Code 39: every scanner reads it, and receipt numbers (A–Z, 0–9, "-") fit its alphabet.
const CODE39: Record<string, string> = {
  '0': 'nnnwwnwnn', '1': 'wnnwnnnnw', '2': 'nnwwnnnnw', '3': 'wnwwnnnnn', '4': 'nnnwwnnnw', '5': 'wnnwwnnnn', '6': 'nnwwwnnnn',
  '7': 'nnnwnnwnw', '8': 'wnnwnnwnn', '9': 'nnwwnnwnn', A: 'wnnnnwnnw', B: 'nnwnnwnnw', C: 'wnwnnwnnn', D: 'nnnnwwnnw',
  E: 'wnnnwwnnn', F: 'nnwnwwnnn', G: 'nnnnnwwnw', H: 'wnnnnwwnn', I: 'nnwnnwwnn', J: 'nnnnwwwnn', K: 'wnnnnnnww',
  L: 'nnwnnnnww', M: 'wnwnnnnwn', N: 'nnnnwnnww', O: 'wnnnwnnwn', P: 'nnwnwnnwn', Q: 'nnnnnnwww', R: 'wnnnnnwwn',
  S: 'nnwnnnwwn', T: 'nnnnwnwwn', U: 'wwnnnnnnw', V: 'nwwnnnnnw', W: 'wwwnnnnnn', X: 'nwnnwnnnw', Y: 'wwnnwnnnn',
  Z: 'nwwnwnnnn', '-': 'nwnnnnwnw', '.': 'wwnnnnwnn', ' ': 'nwwnnnwnn', '*': 'nwnnwnwnn',
}

export function code39Svg(text: string): string {
  const data = `*${text.toUpperCase().replace(/[^0-9A-Z\-. ]/g, '')}*`
  const narrow = 1.5
  const wide = 4
  let x = 10
  const bars: string[] = []
  for (const ch of data) {
    const pattern = CODE39[ch]
    for (let i = 0; i < 9; i++) {
      const w = pattern[i] === 'w' ? wide : narrow
      if (i % 2 === 0) bars.push(`<rect x="${x}" y="0" width="${w}" height="48"/>`)
      x += w
    }
    x += narrow
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${x + 10}" height="48" viewBox="0 0 ${x + 10} 48" role="img" aria-label="Barcode ${esc(text)}" style="max-width:100%">${bars.join('')}</svg>`
}
