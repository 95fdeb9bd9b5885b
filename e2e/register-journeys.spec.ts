import { expect, test, type APIRequestContext } from '@playwright/test'
import { decodeEscPos } from './escpos'
import { balanceOf, closeDrawerCounting, eur, findMember, memberWith, minor, ownerApi, pinLogin, setUpTerminal, shot } from './register'

// The two days at the till the register is built for, each from PIN to Z report:
// 1. a new customer: three scanned items, enrolled by phone at the counter, paid, drawer closed;
// 2. a regular with points: found by phone, a reward applied, split card + cash with change, the
//    receipt printed as ESC/POS bytes (read back as text), one line returned with its points
//    clawed back and its reward restored, drawer closed.
// Each day's Z report balances to the cent.

test.use({ viewport: { width: 1280, height: 800 } })

interface Product {
  id: string
  name: string
  barcode: string | null
  priceMinor: number
}

async function productNamed(api: APIRequestContext, name: string): Promise<Product> {
  const items = (await (await api.get(`/api/v1/products?q=${encodeURIComponent(name)}`)).json()).items as Product[]
  const p = items.find((x) => x.name === name)
  if (!p?.barcode) throw new Error(`the demo shop has no ${name} with a barcode`)
  return p
}

/** The receipt's 48-column row: the text left, the amount right. */
function row(left: string, right: string, columns = 48): string {
  return left + ' '.repeat(columns - left.length - right.length) + right
}

async function saleByReceipt(api: APIRequestContext, receiptNo: string) {
  const found = (await (await api.get(`/api/v1/sales?receiptNo=${receiptNo}`)).json()).items[0]
  return (await api.get(`/api/v1/sales/${found.id}`)).json()
}

test('a new customer: PIN, drawer, three scans, enrolled by phone, paid in cash; the Z report balances', async ({ page, request }) => {
  const api = await ownerApi(request)
  const items = await Promise.all(['Espresso', 'Butter croissant', 'Carrot cake'].map((n) => productNamed(api, n)))

  await setUpTerminal(page, 'Harbour Café', 'Café till 2')
  await pinLogin(page, '3333')
  await page.getByRole('button', { name: 'Open the cash drawer to sell' }).click()
  await page.getByRole('radio', { name: 'Enter the total' }).click()
  await page.keyboard.type('150')
  await page.getByRole('button', { name: 'Open drawer' }).click()
  await expect(page.getByText('Ready for the first item')).toBeVisible()
  // F1: every shortcut on one card; Esc closes it.
  await page.keyboard.press('F1')
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(help).toContainText('Find or enrol a member')
  await shot(page, 'register-49-shortcuts')
  await page.keyboard.press('Escape')
  await expect(help).toBeHidden()

  // Three items from the scanner (digits and Enter, no click), one line each.
  for (const [i, p] of items.entries()) {
    await page.keyboard.type(p.barcode!)
    await page.keyboard.press('Enter')
    await expect(page.locator('.line')).toHaveCount(i + 1)
    await expect(page.locator('.line').nth(i)).toContainText(p.name)
  }
  const total = await minor(page, 'cart-total')
  expect(total).toBe(items.reduce((s, p) => s + p.priceMinor, 0)) // an inclusive store: shelf prices add up

  // Enrolled with just a phone number, without leaving the sale.
  const phone = `+4915${Date.now() % 1_000_000_000}`
  await page.keyboard.press('F4')
  await page.getByLabel(/Find a member/).fill(phone)
  await page.getByRole('button', { name: /as a new member/ }).click()
  await page.getByText(/agrees to join/).click()
  await page.getByRole('button', { name: 'Enrol and add to the sale' }).click()
  const panel = page.getByRole('region', { name: 'Member on this sale' })
  await expect(panel).toContainText(phone)
  await expect(page.getByTestId('tier-progress')).toContainText('to Silver')
  const points = Number(await page.getByTestId('points-preview').getAttribute('data-points'))
  expect(points).toBeGreaterThan(0)
  await shot(page, 'register-50-journey-new-member')

  await page.keyboard.press('F12')
  await page.getByRole('button', { name: /Exact/ }).click()
  await expect(page.getByRole('heading', { name: 'Sale complete' })).toBeVisible()
  await expect(page.getByTestId('points-earned')).toHaveAttribute('data-points', String(points))
  const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim()
  const sale = await saleByReceipt(api, receiptNo)
  expect(sale.lines.map((l: { name: string }) => l.name)).toEqual(items.map((p) => p.name))
  expect(sale.totals.totalMinor).toBe(total)
  expect(sale.loyalty.pointsEarned).toBe(points)
  const member = (await (await api.get(`/api/v1/customers?q=${encodeURIComponent(phone)}`)).json()).items[0]
  expect(member.id).toBe(sale.customerId)
  expect(await balanceOf(api, member.id)).toBe(points)
  await page.getByRole('button', { name: /New sale/ }).click()

  // End of the day: float 150.00 + the sale, counted to the cent.
  const z = await closeDrawerCounting(page, (expected) => expected)
  expect(z.expectedMinor).toBe(15000 + total)
  expect(z.overShortMinor).toBe(0)
  await expect(page.getByTestId('over-short')).toContainText('Exact')
  await shot(page, 'register-51-journey-z-balanced')
})

test('a regular: reward, split card + cash with change, ESC/POS receipt, a line returned with its points and reward; the Z report balances', async ({ page, request }) => {
  const api = await ownerApi(request)
  const m = await memberWith(api, 400)
  const beans = await productNamed(api, 'House blend 250 g')

  await setUpTerminal(page, 'Harbour Café', 'Café till 1')
  await pinLogin(page, '3333')
  // The drawer may be open from an earlier shift today: what is in it counts from there.
  const till = (await (await api.get('/api/v1/terminals')).json()).items.find((t: { storeCode: string; code: string }) => t.storeCode === 'CAF' && t.code === '01')
  const cashBefore = async () => {
    const open = (await (await api.get(`/api/v1/cash-sessions?terminalId=${till.id}&status=open`)).json()).items[0]
    if (!open) return null
    const x = await (await api.get(`/api/v1/cash-sessions/${open.id}/x-report`)).json()
    return { expectedMinor: x.cash.expectedMinor as number, sales: x.sales.count as number, pointsRedeemed: x.points.redeemed as number }
  }
  let before = await cashBefore()
  if (!before) {
    await page.getByRole('button', { name: 'Open the cash drawer to sell' }).click()
    await page.getByRole('radio', { name: 'Enter the total' }).click()
    await page.keyboard.type('150')
    await page.getByRole('button', { name: 'Open drawer' }).click()
    await expect.poll(cashBefore).not.toBeNull()
    before = (await cashBefore())!
    expect(before).toEqual({ expectedMinor: 15000, sales: 0, pointsRedeemed: 0 })
  }
  await expect(page.getByText('Ready for the first item')).toBeVisible()

  await page.keyboard.type(beans.barcode!)
  await page.keyboard.press('Enter')
  await page.getByRole('searchbox', { name: /Search products/ }).fill('cappuccino')
  await page.keyboard.press('Enter')
  await expect(page.locator('.line')).toHaveCount(2)

  // Found by phone: balance, tier progress, the points this cart earns.
  await findMember(page, m.phone)
  const panel = page.getByRole('region', { name: 'Member on this sale' })
  await expect(panel).toContainText(m.name)
  await expect(page.getByTestId('member-balance')).toHaveText(new Intl.NumberFormat('de-DE').format(m.balance))
  await expect(page.getByTestId('tier-progress')).toContainText(/to (Silver|Gold)/)

  // The reward: 10 % off the beans, its 300 beans reserved at once.
  await panel.getByRole('button', { name: /^Rewards/ }).click()
  await panel.getByRole('button', { name: 'Use 10 % off coffee beans' }).click()
  await expect(panel.getByRole('list', { name: 'Rewards on this sale' })).toContainText('10 % off coffee beans')
  await expect.poll(() => balanceOf(api, m.id)).toBe(m.balance - 300)
  const preview = page.getByTestId('points-preview')
  await expect(preview).toHaveText(/^\+\d+$/)
  const points = Number(await preview.getAttribute('data-points'))
  expect(points).toBeGreaterThan(0)
  const total = await minor(page, 'cart-total')
  await shot(page, 'register-52-journey-reward')

  // Split: 5.00 on the card, then a note for the rest; the change shows large.
  await page.keyboard.press('F12')
  await page.getByRole('radio', { name: /Card/ }).click()
  await page.keyboard.type('5')
  await page.getByRole('button', { name: /Card approved/ }).click()
  await expect(page.locator('.tenders__row', { hasText: 'Card' })).toContainText('5,00')
  await page.getByRole('radio', { name: /Cash/ }).click()
  const note = page.locator('.quick-cash__btn[data-minor]').last()
  const tendered = Number(await note.getAttribute('data-minor'))
  expect(tendered).toBeGreaterThan(total - 500)
  await shot(page, 'register-53-journey-split')
  await note.click()
  await expect(page.getByRole('heading', { name: 'Sale complete' })).toBeVisible()
  const change = 500 + tendered - total
  await expect(page.getByTestId('change-due')).toHaveAttribute('data-minor', String(change))
  expect(change).toBeGreaterThan(0)

  // The receipt shows exactly the previewed points, on screen and in print.
  await expect(page.getByTestId('points-earned')).toHaveAttribute('data-points', String(points))
  const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim()
  await expect(page.frameLocator('iframe.receipt-frame').getByText(`+${points}`)).toBeVisible()
  const sale = await saleByReceipt(api, receiptNo)
  expect(sale.totals).toMatchObject({ totalMinor: total, changeMinor: change })
  expect(sale.tenders.map((t: { kind: string; amountMinor: number }) => [t.kind, t.amountMinor])).toEqual([
    ['card', 500],
    ['cash', tendered],
  ])
  expect(sale.loyalty.pointsEarned).toBe(points)
  const balanceAfterSale = m.balance - 300 + points
  expect(sale.loyalty.balanceAfter).toBe(balanceAfterSale)
  await shot(page, 'register-54-journey-receipt')

  // Printed: the ESC/POS bytes, read back as the paper a thermal printer would give.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .bin' }).click()])
  const fs = await import('node:fs')
  const paper = decodeEscPos(new Uint8Array(fs.readFileSync((await download.path())!)))
  const centred = paper.lines.map((l) => l.trim())
  expect(centred.slice(0, 2)).toEqual(['Harbour Café', 'Hafenstraße 12, 20459 Hamburg'])
  expect(centred[2]).toMatch(new RegExp(`^\\d\\d\\.\\d\\d\\.\\d{4}, \\d\\d:\\d\\d · ${receiptNo}$`))
  for (const l of sale.lines) expect(paper.lines).toContain(row(l.name, eur(l.totalMinor)))
  const beansLine = sale.lines.find((l: { name: string }) => l.name === beans.name)
  expect(beansLine.rewardDiscountMinor).toBeGreaterThan(0)
  expect(paper.lines).toContain(`  1 x ${eur(beansLine.unitPriceMinor)} · discount -${eur(beansLine.rewardDiscountMinor)}`)
  expect(paper.lines).toContain(row('TOTAL', eur(total)))
  expect(paper.lines).toContain(row('Card', eur(500)))
  expect(paper.lines).toContain(row('Cash', eur(tendered)))
  expect(paper.lines).toContain(row('Change', eur(change)))
  expect(paper.lines).toContain(row('beans earned', `+${points}`))
  expect(paper.lines).toContain(row('New balance', String(balanceAfterSale)))
  expect(centred).toContain('Thank you!')
  expect(paper.barcodes).toEqual([receiptNo])
  expect(paper.cut).toBe(true)
  await page.getByRole('button', { name: /New sale/ }).click()

  // The beans come back: their points are clawed back and the reward's 300 beans restored.
  await page.getByRole('button', { name: 'Returns' }).click()
  await page.keyboard.type(receiptNo)
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: receiptNo })).toBeVisible()
  await page.locator('.return-line', { hasText: beans.name }).getByRole('button', { name: /More/ }).click()
  const refundButton = page.getByRole('button', { name: /^Refund / })
  const refundMinor = Number(await refundButton.getAttribute('data-minor'))
  expect(refundMinor).toBe(beansLine.totalMinor)
  await refundButton.click()
  await expect(page.getByRole('heading', { name: 'Refund complete' })).toBeVisible()
  const clawed = Number(await page.getByTestId('points-clawed-back').getAttribute('data-points'))
  expect(clawed).toBeGreaterThan(0)
  const restored = page.getByTestId('reward-restored')
  await expect(restored).toContainText('10 % off coffee beans: +300 beans given back')
  await shot(page, 'register-55-journey-refund')
  const refunds = (await (await api.get(`/api/v1/sales/${sale.id}/refunds`)).json()).items
  expect(refunds).toEqual([expect.objectContaining({ totalMinor: refundMinor, pointsClawedBack: clawed, rewardsRestored: [expect.objectContaining({ name: '10 % off coffee beans', points: 300 })] })])
  expect(await balanceOf(api, m.id)).toBe(balanceAfterSale - clawed + 300)
  const refundedToCash = refunds[0].tenders.filter((t: { kind: string }) => t.kind === 'cash').reduce((s: number, t: { amountMinor: number }) => s + t.amountMinor, 0)
  await page.getByRole('button', { name: 'Back to selling' }).click()

  // The drawer: what was in it + the note − the change − the cash refunded, counted to the cent.
  const z = await closeDrawerCounting(page, (expected) => expected)
  expect(z.expectedMinor).toBe(before.expectedMinor + tendered - change - refundedToCash)
  expect(z.overShortMinor).toBe(0)
  await expect(page.getByTestId('over-short')).toContainText('Exact')
  // The reward's 300 beans were redeemed with the sale (its refund is reported as such, not netted).
  await expect(page.getByTestId('report-points-redeemed')).toHaveAttribute('data-points', String(before.pointsRedeemed + 300))
  await shot(page, 'register-56-journey-z-balanced')
  const closed = (await (await api.get(`/api/v1/cash-sessions?terminalId=${till.id}&status=closed`)).json()).items[0]
  expect(closed).toEqual(expect.objectContaining({ countedMinor: z.expectedMinor, overShortMinor: 0 }))
  const report = await (await api.get(`/api/v1/cash-sessions/${closed.id}`)).json()
  expect(report.cash.expectedMinor).toBe(z.expectedMinor)
  expect(report.sales.count).toBe(before.sales + 1)
  expect(report.refunds.count).toBeGreaterThanOrEqual(1)
})
