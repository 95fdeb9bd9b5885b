import crypto from 'node:crypto'
import { it } from 'vitest'
import { makeShop, addStaff, loginPin, anonymous } from './harness'
it('probe', async () => {
  const shop = await makeShop('sqlite')
  await addStaff(shop)
  const c = await loginPin(shop.app, shop.terminalId, '1234')
  const r1 = await c.post('/api/v1/sales', { id: 'nope', lines: [{ name: 'x', unitPriceMinor: 100, taxClassId: shop.taxClassIds.zero, quantity: 0 }, { productId: 'p', quantity: 1.5 }], tenders: [{ kind: 'cash', amountMinor: -1 }] })
  console.log(JSON.stringify(r1.body, null, 1))
  const r2 = await c.request('POST', '/api/v1/sales', undefined, { 'content-type': 'application/json' })
  console.log(r2.status, r2.text)
  const r2b = await shop.app.inject({ method: 'POST', url: '/api/v1/customers', headers: { cookie: (c as any).auth.cookie, 'content-type': 'application/json' }, payload: '{"name": ' })
  console.log(r2b.statusCode, r2b.body)
  const r3 = await anonymous(shop).post('/api/v1/products', {})
  console.log(r3.status, r3.text)
  const r4 = await shop.app.inject({ method: 'POST', url: '/api/v1/customers', headers: { cookie: (c as any).auth.cookie, 'content-type': 'text/plain' }, payload: 'name=x' })
  console.log(r4.statusCode, r4.body)
  await c.post('/api/v1/cash-sessions', { amountMinor: 0 })
  const id = crypto.randomUUID()
  console.log((await c.post(`/api/v1/sales/${id}/void`, {})).text)
  const r5 = await c.post('/api/v1/sales', { id, lines: [{ name: 'x', unitPriceMinor: 100, taxClassId: shop.taxClassIds.zero, quantity: 1 }], tenders: [{ kind: 'cash', amountMinor: 100 }] })
  console.log(r5.status, r5.text)
  await shop.close()
})
