import { expect, test } from '@playwright/test'
import { minor, ownerApi, pinLogin, setUpTerminal, shot } from './register'

// The cash drawer of a day at the corner shop: a float counted by denomination, a cash sale,
// cash in and out with a reason, the X report, and closing with a blind count to the Z report.

test.use({ viewport: { width: 1280, height: 800 } })

test('the shop cashier opens the drawer by denomination, moves cash, reads the X report and closes with a blind count', async ({ page, request }) => {
  const api = await ownerApi(request)
  await setUpTerminal(page, 'Corner Shop', 'Shop till 1')
  await pinLogin(page, '4444')
  await page.getByRole('button', { name: 'Drawer', exact: true }).click()
  await expect(page.getByRole('heading', { name: /Open the cash drawer/ })).toBeVisible()
  await page.getByLabel('Number of 50,00 €').fill('2')
  await page.getByLabel('Number of 20,00 €').fill('2')
  await page.getByRole('button', { name: 'One more 10,00 €' }).click()
  await expect(page.getByTestId('float-total')).toHaveText('150,00 €')
  await page.getByRole('button', { name: 'Open drawer' }).click()
  await expect(page.getByRole('button', { name: /^Pay/ })).toBeVisible()

  // A weighed item, paid in cash with change.
  await page.getByRole('tab', { name: 'Loose produce' }).click()
  await page.locator('.tile', { hasText: 'Bananas (per kg)' }).click()
  const weigh = page.getByRole('dialog', { name: 'Bananas (per kg)' })
  await page.keyboard.type('1.250')
  await expect(weigh.locator('.weigh-preview')).toContainText('2,49 €')
  await shot(page, 'register-16-weigh')
  await page.keyboard.press('Enter')
  await expect(page.locator('.line', { hasText: 'Bananas' })).toContainText('1.250 kg')
  const total = await minor(page, 'cart-total')
  expect(total).toBe(249) // round(1.99 × 1250 g / 1000)
  await page.keyboard.press('F12')
  await page.keyboard.type('5')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('change-due')).toHaveAttribute('data-minor', String(500 - total))
  await page.getByRole('button', { name: /New sale/ }).click()

  // Cash in and out, each with a reason.
  await page.getByRole('button', { name: 'Drawer', exact: true }).click()
  await page.getByRole('button', { name: 'Cash in' }).click()
  const dialogIn = page.getByRole('dialog', { name: 'Cash into the drawer' })
  await page.keyboard.type('10')
  await dialogIn.getByRole('button', { name: 'Change from the bank' }).click()
  await dialogIn.getByRole('button', { name: 'Record' }).click()
  await expect(dialogIn).toBeHidden()
  await page.getByRole('button', { name: 'Cash out' }).click()
  const dialogOut = page.getByRole('dialog', { name: 'Cash out of the drawer' })
  await page.keyboard.type('20')
  await dialogOut.getByRole('button', { name: 'Bank deposit' }).click()
  await shot(page, 'register-17-cash-out')
  await dialogOut.getByRole('button', { name: 'Record' }).click()
  await expect(dialogOut).toBeHidden()

  // X report: float 150 + sale 2.49 + in 10 − out 20.
  const expected = 15000 + total + 1000 - 2000
  await expect(page.getByTestId('expected-cash')).toHaveAttribute('data-minor', String(expected))
  await expect(page.getByRole('article', { name: 'X report' })).toContainText('Bank deposit')
  await shot(page, 'register-18-x-report')

  // Close with a blind count 0.49 short: the expected amount appears only in the Z report.
  await page.getByRole('button', { name: /Close the drawer/ }).click()
  await expect(page.getByTestId('expected-cash')).toHaveCount(0)
  await page.getByRole('radio', { name: 'Enter the total' }).click()
  await page.keyboard.type('142')
  await expect(page.getByTestId('counted-total')).toHaveText('142,00 €')
  await shot(page, 'register-19-blind-count')
  await page.getByRole('button', { name: /Close and see the Z report/ }).click()
  await page.getByRole('dialog', { name: 'Close the drawer?' }).getByRole('button', { name: 'Close drawer' }).click()
  await expect(page.getByRole('heading', { name: 'Drawer closed' })).toBeVisible()
  await expect(page.getByTestId('over-short')).toHaveAttribute('data-minor', String(14200 - expected))
  await expect(page.getByTestId('over-short')).toContainText('Short')
  await shot(page, 'register-20-z-report')

  const terminals = (await (await api.get('/api/v1/terminals')).json()).items
  const till = terminals.find((t: { storeCode: string; code: string }) => t.storeCode === 'SHP' && t.code === '01')
  const sessions = (await (await api.get(`/api/v1/cash-sessions?terminalId=${till.id}&status=closed`)).json()).items
  expect(sessions[0]).toEqual(expect.objectContaining({ openingFloatMinor: 15000, countedMinor: 14200, overShortMinor: 14200 - expected }))
  const z = await (await api.get(`/api/v1/cash-sessions/${sessions[0].id}`)).json()
  expect(z.sales.count).toBe(1)
  expect(z.cash).toEqual({ inMinor: 1000, outMinor: 2000, expectedMinor: expected })
})
