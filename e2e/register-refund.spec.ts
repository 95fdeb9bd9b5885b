import { expect, test } from '@playwright/test'
import { minor, openDrawerIfClosed, ownerApi, pinLogin, setUpTerminal, shot } from './register'

// A customer brings back part of a purchase: the cashier scans the receipt number, picks the
// line and quantity, marks it damaged, refunds to the original tender and sees the points the
// refund takes back.

test.use({ viewport: { width: 1280, height: 800 } })

test('a return by receipt number refunds part of a member’s sale to cash and claws back its points', async ({ page, request }) => {
  const api = await ownerApi(request)
  await setUpTerminal(page, 'Harbour Café', 'Café till 1')
  await pinLogin(page, '3333')
  await openDrawerIfClosed(page, '150')

  // The sale: two bags of beans (double points) and a latte, for a member, paid exactly in cash.
  await page.getByRole('searchbox', { name: /Search products/ }).fill('ethiopia yirgacheffe 250 g')
  await page.keyboard.press('Enter')
  await page.getByRole('button', { name: /One more Ethiopia/ }).click()
  await page.getByRole('searchbox', { name: /Search products/ }).fill('latte')
  await page.keyboard.press('Enter')
  await page.keyboard.press('F4')
  await page.getByLabel(/Find a member/).fill('+491511000074')
  await page.locator('.member-row').first().click()
  await expect(page.getByTestId('points-preview')).toHaveText(/^\+\d+$/)
  const earned = Number(await page.getByTestId('points-preview').getAttribute('data-points'))
  await page.keyboard.press('F12')
  await page.getByRole('button', { name: /Exact/ }).click()
  await expect(page.getByRole('heading', { name: 'Sale complete' })).toBeVisible()
  const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim()
  await page.getByRole('button', { name: /New sale/ }).click()

  // The return: the receipt's barcode is scanned into the receipt number field.
  await page.getByRole('button', { name: 'Returns' }).click()
  const field = page.getByLabel('Receipt number')
  await expect(field).toBeFocused()
  await page.keyboard.type(receiptNo)
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: receiptNo })).toBeVisible()
  await expect(page.getByText(`earned ${earned} beans`)).toBeVisible()
  const beans = page.locator('.return-line', { hasText: 'Ethiopia Yirgacheffe 250 g' })
  await beans.getByRole('button', { name: /More/ }).click()
  await expect(beans.getByRole('group')).toContainText('1/2')
  await beans.getByRole('radio', { name: 'Damaged' }).click()
  await page.getByRole('button', { name: 'Faulty' }).click()
  const refundButton = page.getByRole('button', { name: /^Refund / })
  await expect(refundButton).toBeEnabled()
  const previewMinor = Number(await refundButton.getAttribute('data-minor'))
  await expect(page.locator('.returns__preview')).toContainText('To cash')
  await shot(page, 'register-14-return-picked')
  await refundButton.click()

  await expect(page.getByRole('heading', { name: 'Refund complete' })).toBeVisible()
  await expect(page.getByTestId('refund-total')).toHaveAttribute('data-minor', String(previewMinor))
  const clawed = page.getByTestId('points-clawed-back')
  await expect(clawed).toContainText('beans taken back')
  const clawedBack = Number(await clawed.getAttribute('data-points'))
  expect(clawedBack).toBeGreaterThan(0)
  expect(clawedBack).toBeLessThan(earned)
  await shot(page, 'register-15-refund-done')

  // The server: one refund of one bag, not restocked, to cash, with the same points.
  const sale = (await (await api.get(`/api/v1/sales?receiptNo=${receiptNo}`)).json()).items[0]
  const refunds = (await (await api.get(`/api/v1/sales/${sale.id}/refunds`)).json()).items
  expect(refunds).toHaveLength(1)
  expect(refunds[0].totalMinor).toBe(previewMinor)
  expect(refunds[0].pointsClawedBack).toBe(clawedBack)
  expect(refunds[0].lines).toEqual([expect.objectContaining({ quantity: 1, restock: false })])
  expect(refunds[0].tenders).toEqual([expect.objectContaining({ kind: 'cash', amountMinor: previewMinor })])
  expect(await minor(page, 'refund-total')).toBe(previewMinor)
})

test('a return without a receipt: items scanned, today’s price, a manager’s PIN in place; recorded in the audit log', async ({ page, request }) => {
  const api = await ownerApi(request)
  const tote = ((await (await api.get('/api/v1/products?q=Tote')).json()).items as { id: string; name: string; barcode: string; priceMinor: number }[]).find((p) => p.name === 'Tote bag')!
  await setUpTerminal(page, 'Harbour Café', 'Café till 1')
  await pinLogin(page, '3333')
  await openDrawerIfClosed(page, '150')

  await page.getByRole('button', { name: 'Returns' }).click()
  await page.getByRole('button', { name: /No receipt\?/ }).click()
  const panel = page.getByRole('region', { name: 'Return without a receipt' })
  await panel.getByLabel('Item coming back').fill(tote.barcode)
  await page.keyboard.press('Enter')
  await panel.getByLabel('Item coming back').fill(tote.name.slice(0, 6))
  await panel.getByRole('list', { name: 'Matching products' }).getByRole('button', { name: new RegExp(`^${tote.name} \\d`) }).click()
  const line = panel.getByRole('listitem').filter({ hasText: tote.name })
  await expect(line.getByRole('group')).toContainText('2')
  await line.getByRole('radio', { name: 'Damaged' }).click()
  const give = panel.getByRole('button', { name: /^Give back/ })
  await expect(give).toBeDisabled() // the reason first
  await panel.getByRole('button', { name: 'Receipt lost' }).click()
  await expect(give).toHaveAttribute('data-minor', String(2 * tote.priceMinor))
  await shot(page, 'register-24-no-receipt')
  await give.click()

  // The cashier may not alone: the manager's PIN, right there.
  const approval = page.getByRole('dialog', { name: 'Manager approval' })
  await expect(approval).toBeVisible()
  for (const d of '2222') await approval.getByRole('button', { name: d, exact: true }).click()
  await approval.getByRole('button', { name: 'Approve' }).click()
  await expect(panel.getByRole('heading', { name: 'Return recorded' })).toBeVisible()
  await expect(panel.getByTestId('open-return-total')).toHaveAttribute('data-minor', String(2 * tote.priceMinor))
  await shot(page, 'register-25-no-receipt-done')

  const audit = (await (await api.get('/api/v1/audit-log?action=return.without_receipt')).json()).items
  expect(audit[0]).toEqual(expect.objectContaining({ actorType: 'staff', actorName: expect.stringMatching(/^Cleo/), action: 'return.without_receipt' }))
  expect(audit[0].details).toEqual(expect.objectContaining({ approvedBy: expect.any(String), reason: 'Receipt lost', totalMinor: 2 * tote.priceMinor }))
})
