import { currency, formatMoney, PatronError } from '@patron/core'
import type { AppContext, Principal } from '../../context'
import { assertStoreAccess } from '../../http/auth'
import { getSaleView } from './sales.queries'
import { receiptHtml } from './receipt'

/** Sends a sale's receipt by email: to the address given, or to the member on the sale. */
export async function emailReceipt(ctx: AppContext, principal: Principal, saleId: string, to: string | null) {
  const sale = await getSaleView(ctx.db.kysely, principal.orgId, saleId)
  if (!sale) throw new PatronError('SALE_NOT_FOUND', 'Sale not found', { saleId })
  assertStoreAccess(principal, sale.storeId)
  let address = to
  if (!address && sale.customerId) {
    const c = await ctx.db.kysely.selectFrom('customers').select('email').where('id', '=', sale.customerId).executeTakeFirst()
    address = c?.email ?? null
  }
  if (!address) throw new PatronError('NO_EMAIL_ADDRESS', 'Give an email address: the sale has no member with one', { field: 'to' })
  const c = currency(sale.currency)
  const total = formatMoney(sale.totals.amountDueMinor, c, sale.store.locale)
  const text = [
    `${sale.store.name} — receipt ${sale.receiptNo}`,
    ...sale.lines.map((l) => `${l.quantity} × ${l.name}  ${formatMoney(l.totalMinor, c, sale.store.locale)}`),
    `Total ${total}`,
    ...(sale.loyalty ? [`${sale.loyalty.pointsName} earned: +${sale.loyalty.pointsEarned} (${sale.loyalty.explanation})`, `Balance: ${sale.loyalty.balanceAfter}`] : []),
  ].join('\n')
  const sent = await ctx.sendMail({ to: address, subject: `Your receipt from ${sale.store.name} (${total})`, html: receiptHtml(sale, 'a4'), text })
  const at = new Date(ctx.now()).toISOString()
  await ctx.writer.run((trx) =>
    trx.insertInto('outbox').values({ org_id: principal.orgId, topic: 'receipt.emailed', aggregate_id: saleId, payload: JSON.stringify({ saleId, to: address, messageId: sent.messageId }), created_at: at, published_at: null }).execute(),
  )
  return { saleId, sentTo: address, messageId: sent.messageId }
}
