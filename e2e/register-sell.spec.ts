import { expect, test } from '@playwright/test'
import { eur, minor, openDrawerIfClosed, ownerApi, pinLogin, setUpTerminal, shot, stored } from './register'

// A cashier's sale at the café: PIN, drawer, a scanned barcode, a searched product, a member
// found by phone with the points this cart earns, cash with change, and the printed receipt.
// What the screen showed must be exactly what the server recorded.

test.use({ viewport: { width: 1280, height: 800 } })

test('a cashier sells to a member with a scanner, search and cash; the server records what the screen showed', async ({ page, request }) => {
  const api = await ownerApi(request)
  const espresso = (await (await api.get('/api/v1/products?q=Espresso')).json()).items.find((p: { name: string }) => p.name === 'Espresso')
  expect(espresso.barcode).toBeTruthy()

  // The start page leads to the register.
  await page.goto('/')
  await page.getByRole('link', { name: /Open the register/ }).click()
  await expect(page).toHaveURL(/\/register\/$/)
  await setUpTerminal(page, 'Harbour Café', 'Café till 2')
  await shot(page, 'register-01-pin')
  await pinLogin(page, '3333')
  await shot(page, 'register-02-drawer-closed')
  await page.getByRole('button', { name: 'Open the cash drawer to sell' }).click()
  await expect(page.getByRole('heading', { name: /Open the cash drawer/ })).toBeVisible()
  await page.getByRole('button', { name: 'One more 50,00 €' }).click()
  await page.getByRole('button', { name: 'One more 50,00 €' }).click()
  await page.getByRole('button', { name: 'One more 20,00 €' }).click()
  await page.getByRole('button', { name: 'One more 20,00 €' }).click()
  await page.getByLabel('Number of 1,00 €').fill('10')
  await expect(page.getByTestId('float-total')).toHaveText('150,00 €')
  await shot(page, 'register-03-open-drawer')
  // A slow till (CPU throttled 20×): the scan comes the moment the sell screen shows, before
  // React has run its effects; no digit may be lost to that.
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 })
  await page.getByRole('button', { name: 'Open drawer' }).click()

  // A keyboard-wedge scanner types the code and Enter, with no click first.
  await expect(page.getByText('Ready for the first item')).toBeVisible({ timeout: 20_000 })
  await page.keyboard.type(espresso.barcode)
  await page.keyboard.press('Enter')
  await expect(page.locator('.line', { hasText: 'Espresso' })).toBeVisible({ timeout: 20_000 })
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 })

  // An unknown barcode: a clear message (and a sound).
  await page.keyboard.type('4009999999999')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('alert').filter({ hasText: 'Unknown barcode 4009999999999' })).toBeVisible()

  // Search as you type, then tap the tile.
  await page.getByRole('searchbox', { name: /Search products/ }).fill('house blend')
  await page.locator('.result', { hasText: 'House blend 250 g' }).first().click()
  await expect(page.locator('.line', { hasText: 'House blend 250 g' })).toBeVisible()
  await page.getByRole('button', { name: /One more House blend/ }).click()
  await expect(page.locator('.line', { hasText: 'House blend 250 g' })).toContainText('2 ×')
  await shot(page, 'register-04-cart')

  // The member, found by phone; the loyalty panel shows the points this cart will earn.
  await page.keyboard.press('F4')
  await page.getByLabel(/Find a member/).fill('+491511000037')
  await shot(page, 'register-05-member-search')
  await page.locator('.member-row').first().click()
  await expect(page.getByRole('region', { name: 'Member on this sale' })).toContainText('Mia Wagner')
  const preview = page.getByTestId('points-preview')
  await expect(preview).toHaveText(/^\+\d+$/)
  const points = Number(await preview.getAttribute('data-points'))
  expect(points).toBeGreaterThan(0)
  await expect(page.getByTestId('points-explanation')).toContainText('Coffee beans ×2')
  await shot(page, 'register-06-member-points')
  const shownTotal = await minor(page, 'cart-total')

  // Cash, with a quick amount above the total: change in big type.
  await page.keyboard.press('F12')
  await expect(page.getByTestId('sale-total')).toHaveAttribute('data-minor', String(shownTotal))
  await shot(page, 'register-07-payment')
  const note = page.locator('.quick-cash__btn[data-minor]').last()
  const tendered = Number(await note.getAttribute('data-minor'))
  await note.click()
  await expect(page.getByRole('heading', { name: 'Sale complete' })).toBeVisible()
  await expect(page.getByTestId('change-due')).toHaveAttribute('data-minor', String(tendered - shownTotal))
  const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim()
  const receipt = page.frameLocator('iframe.receipt-frame')
  await expect(receipt.getByText(receiptNo).first()).toBeVisible()
  await expect(receipt.getByText(`+${points}`)).toBeVisible()
  await shot(page, 'register-08-receipt')
  await page.getByRole('radio', { name: 'A4' }).click()
  await expect(page.frameLocator('iframe.receipt-frame').getByText(receiptNo).first()).toBeVisible()
  await shot(page, 'register-09-receipt-a4')

  // The server's record equals the screen: total, points, change.
  const found = (await (await api.get(`/api/v1/sales?receiptNo=${receiptNo}`)).json()).items[0]
  const sale = await (await api.get(`/api/v1/sales/${found.id}`)).json()
  expect(sale.totals.totalMinor).toBe(shownTotal)
  expect(sale.loyalty.pointsEarned).toBe(points)
  expect(sale.totals.changeMinor).toBe(tendered - shownTotal)
  expect(sale.lines.map((l: { name: string; quantity: number }) => [l.name, l.quantity])).toEqual([
    ['Espresso', 1],
    ['House blend 250 g', 2],
  ])

  await page.getByRole('button', { name: /New sale/ }).click()
  await expect(page.getByText('Ready for the first item')).toBeVisible()
})

test('a discount above the cashier’s limit is approved by a manager’s PIN in place; park, lock and resume keep the cart', async ({ page, request }) => {
  const api = await ownerApi(request)
  await setUpTerminal(page, 'Harbour Café', 'Café till 2')
  await pinLogin(page, '3333')
  await openDrawerIfClosed(page, '150')

  await page.getByRole('searchbox', { name: /Search products/ }).fill('cappuccino')
  await page.keyboard.press('Enter')
  await page.getByRole('searchbox', { name: /Search products/ }).fill('butter croissant')
  await page.keyboard.press('Enter')
  await expect(page.locator('.line')).toHaveCount(2)

  // 20 % on the sale: above the cashier's 10 %, so the manager's PIN is asked for right there.
  await page.keyboard.press('F6')
  await page.getByRole('button', { name: '20 %', exact: true }).click()
  const approval = page.getByRole('dialog', { name: 'Manager approval' })
  await expect(approval).toBeVisible()
  await shot(page, 'register-10-manager-approval')
  for (const d of '2222') await approval.getByRole('button', { name: d, exact: true }).click()
  await approval.getByRole('button', { name: 'Approve' }).click()
  await expect(page.getByText('Approved by Max Manager').first()).toBeVisible()
  const discounted = await minor(page, 'cart-total')
  await shot(page, 'register-11-discounted')

  // Park it, serve someone else, lock and switch cashier: the parked sale waits.
  await page.keyboard.press('F8')
  await expect(page.getByText('Ready for the first item')).toBeVisible()
  await page.getByRole('button', { name: /Switch/ }).click()
  await expect(page.getByRole('heading', { name: 'Enter a PIN to continue' })).toBeVisible()
  await shot(page, 'register-12-locked')
  await pinLogin(page, '2222')
  await page.getByRole('button', { name: /Parked/ }).click()
  await shot(page, 'register-13-parked')
  await page.getByRole('button', { name: 'Resume' }).click()
  await expect(page.locator('.line')).toHaveCount(2)
  await expect(page.getByTestId('cart-total')).toHaveAttribute('data-minor', String(discounted))

  // The manager is signed in now: no approval needed; pay by card with a reference.
  await page.keyboard.press('F12')
  await page.getByRole('radio', { name: /Card/ }).click()
  await page.getByLabel('Terminal reference (optional)').fill('AUTH-4711')
  await page.getByRole('button', { name: /Card approved/ }).click()
  await expect(page.getByRole('heading', { name: 'Sale complete' })).toBeVisible()
  const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim()
  const found = (await (await api.get(`/api/v1/sales?receiptNo=${receiptNo}`)).json()).items[0]
  const sale = await (await api.get(`/api/v1/sales/${found.id}`)).json()
  expect(sale.totals.totalMinor).toBe(discounted)
  expect(sale.tenders).toEqual([{ kind: 'card', amountMinor: discounted, points: null, reference: 'AUTH-4711' }])
})

test('a new member enrols with a phone number without leaving the sale, pays part by card and the rest in cash; a void leaves nothing to pay', async ({ page, request }) => {
  const api = await ownerApi(request)
  await setUpTerminal(page, 'Harbour Café', 'Café till 2')
  await pinLogin(page, '3333')
  await openDrawerIfClosed(page, '150')

  await page.getByRole('searchbox', { name: /Search products/ }).fill('flat white')
  await page.keyboard.press('Enter')
  await page.getByRole('searchbox', { name: /Search products/ }).fill('carrot cake')
  await page.keyboard.press('Enter')
  await expect(page.locator('.line')).toHaveCount(2)

  const phone = `+4917${Date.now() % 100_000_000}`
  await page.getByRole('button', { name: /Add a member/ }).click()
  await page.getByLabel(/Find a member/).fill(phone)
  await page.getByRole('button', { name: /as a new member/ }).click()
  await expect(page.getByLabel('Mobile phone')).toHaveValue(phone)
  await page.getByRole('button', { name: 'Enrol and add to the sale' }).click()
  await expect(page.getByText('The customer has to agree to join.')).toBeVisible()
  await page.getByText(/agrees to join/).click()
  await shot(page, 'register-22-enrol')
  await page.getByRole('button', { name: 'Enrol and add to the sale' }).click()
  await expect(page.getByRole('region', { name: 'Member on this sale' })).toContainText(phone)
  // A first purchase: the welcome bonus is in the preview.
  await page.getByTestId('points-preview').click()
  await expect(page.getByRole('list', { name: 'How the points are worked out' })).toContainText('Welcome bonus')
  const points = Number(await page.getByTestId('points-preview').getAttribute('data-points'))
  const total = Number(await page.getByTestId('cart-total').getAttribute('data-minor'))

  // Split: 5.00 on the card, the rest in cash.
  await page.keyboard.press('F12')
  await page.getByRole('radio', { name: /Card/ }).click()
  await page.keyboard.type('5')
  await page.getByRole('button', { name: /Card approved/ }).click()
  await expect(page.getByTestId('amount-due')).toHaveText(/Still|[\d,]+/)
  await page.getByRole('radio', { name: /Cash/ }).click()
  await shot(page, 'register-23-split')
  await page.getByRole('button', { name: /Exact/ }).click()
  await expect(page.getByRole('heading', { name: 'Sale complete' })).toBeVisible()
  await expect(page.getByTestId('points-earned')).toHaveAttribute('data-points', String(points))
  const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim()
  const found = (await (await api.get(`/api/v1/sales?receiptNo=${receiptNo}`)).json()).items[0]
  const sale = await (await api.get(`/api/v1/sales/${found.id}`)).json()
  expect(sale.tenders.map((t: { kind: string; amountMinor: number }) => [t.kind, t.amountMinor])).toEqual([
    ['card', 500],
    ['cash', total - 500],
  ])
  expect(sale.loyalty.pointsEarned).toBe(points)
  await page.getByRole('button', { name: /New sale/ }).click()

  // A void: the cart empties and the id is recorded as voided on the server.
  await page.getByRole('searchbox', { name: /Search products/ }).fill('brownie')
  await page.keyboard.press('Enter')
  const cartId = (await stored<{ id: string }>(page, 'cart'))!.id
  await page.getByRole('button', { name: 'Void' }).click()
  await page.getByRole('dialog', { name: 'Void this sale?' }).getByRole('button', { name: 'Void sale' }).click()
  await expect(page.getByText('Ready for the first item')).toBeVisible()
  await expect.poll(async () => (await api.get(`/api/v1/sales/${cartId}`)).status()).toBe(200)
  expect((await (await api.get(`/api/v1/sales/${cartId}`)).json()).status).toBe('voided')
})

test('an idle register locks itself; the next PIN carries on with the same cart', async ({ page }) => {
  await page.clock.install()
  await setUpTerminal(page, 'Harbour Café', 'Café till 2')
  await pinLogin(page, '3333')
  await page.getByRole('searchbox', { name: /Search products/ }).fill('americano')
  await page.keyboard.press('Enter')
  await expect(page.locator('.line')).toHaveCount(1)
  // The terminal was set up to lock after 3 idle minutes.
  await page.clock.fastForward('03:01')
  await expect(page.getByRole('heading', { name: 'Enter a PIN to continue' })).toBeVisible()
  await expect(page.getByText('Sale in progress kept')).toContainText('1 item')
  await pinLogin(page, '3333')
  await expect(page.locator('.line', { hasText: 'Americano' })).toBeVisible()
})

test('a cashier edits lines (quantity, a discount within the limit, a price change a manager approves, remove) and finds or enrols members by name and email', async ({ page, request }) => {
  const api = await ownerApi(request)
  const products = (await (await api.get('/api/v1/products?q=latte')).json()).items as { name: string; priceMinor: number }[]
  const latte = products.find((p) => p.name === 'Latte')!
  await setUpTerminal(page, 'Harbour Café', 'Café till 2')
  await pinLogin(page, '3333')
  await openDrawerIfClosed(page, '150')

  for (const q of ['latte', 'brownie']) {
    await page.getByRole('searchbox', { name: /Search products/ }).fill(q)
    await page.keyboard.press('Enter')
  }
  await expect(page.locator('.line')).toHaveCount(2)

  // The latte line: quantity 3, then 5 % off (the cashier may give up to 10 %).
  const line = page.locator('.line', { hasText: 'Latte' })
  await line.click()
  await line.getByRole('button', { name: 'Edit' }).click()
  const dialog = page.getByRole('dialog', { name: 'Latte' })
  await page.keyboard.press('Backspace')
  await page.keyboard.type('3')
  await page.keyboard.press('Enter')
  await expect(line).toContainText(`3 × `)
  await line.getByRole('button', { name: 'Edit' }).click()
  await dialog.getByRole('radio', { name: 'Discount' }).click()
  await page.keyboard.type('5')
  await page.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
  await expect(line).toContainText('−5 %')
  const gross = 3 * latte.priceMinor
  const off = Math.floor((gross * 5 + 50) / 100) // 5 %, half away from zero
  await expect(line.locator('.line__amount .num').first()).toHaveText(eur(gross - off))

  // A lower price needs a manager: the PIN in place, then the line says so.
  await line.getByRole('button', { name: 'Edit' }).click()
  await dialog.getByRole('radio', { name: 'Price' }).click()
  await expect(dialog).toContainText('a change needs a manager')
  for (let i = 0; i < 6; i++) await page.keyboard.press('Backspace')
  await page.keyboard.type('3')
  await page.keyboard.press('Enter')
  const approval = page.getByRole('dialog', { name: 'Manager approval' })
  await expect(approval).toBeVisible()
  for (const d of '2222') await approval.getByRole('button', { name: d, exact: true }).click()
  await approval.getByRole('button', { name: 'Approve' }).click()
  await expect(line).toContainText('price changed')
  await expect(line).toContainText('3 × 3,00 €')
  await shot(page, 'register-26-line-edits')

  // Remove the brownie.
  await page.locator('.line', { hasText: 'Brownie' }).click()
  await page.getByRole('button', { name: 'Remove Brownie' }).click()
  await expect(page.locator('.line')).toHaveCount(1)
  await expect(page.getByTestId('cart-total')).toHaveAttribute('data-minor', String(900 - Math.floor((900 * 5 + 50) / 100)))

  // 20 % off the sale: above the cashier's 10 % and more than the manager approved, so again, in place.
  await page.keyboard.press('F6')
  await page.getByRole('button', { name: '20 %', exact: true }).click()
  for (const d of '2222') await approval.getByRole('button', { name: d, exact: true }).click()
  await approval.getByRole('button', { name: 'Approve' }).click()
  await expect(approval).toBeHidden()
  await expect(page.getByTestId('cart-total')).toHaveAttribute('data-minor', String(855 - Math.floor((855 * 20 + 50) / 100)))

  // Members by name and by email; a new one enrolled with only an email.
  const someone = ((await (await api.get('/api/v1/customers?limit=50')).json()).items as { name: string; email: string | null }[]).find((c) => c.email && c.name)!
  await page.keyboard.press('F4')
  const find = page.getByLabel(/Find a member/)
  await find.fill(someone.name)
  await expect(page.locator('.member-row').first()).toContainText(someone.name)
  await find.fill(someone.email!)
  await expect(page.locator('.member-row')).toHaveCount(1)
  await expect(page.locator('.member-row')).toContainText(someone.name)
  const email = `new.${Date.now()}@example.com`
  await find.fill(email)
  await page.getByRole('button', { name: /as a new member/ }).click()
  await expect(page.getByLabel('Email')).toHaveValue(email)
  await expect(page.getByLabel('Mobile phone')).toHaveValue('')
  await page.getByText(/agrees to join/).click()
  await page.getByRole('button', { name: 'Enrol and add to the sale' }).click()
  await expect(page.getByRole('region', { name: 'Member on this sale' })).toContainText(email)

  await page.keyboard.press('F12')
  await page.getByRole('button', { name: /Exact/ }).click()
  await expect(page.getByRole('heading', { name: 'Sale complete' })).toBeVisible()
  const receiptNo = (await page.getByTestId('receipt-no').textContent())!.trim()
  const found = (await (await api.get(`/api/v1/sales?receiptNo=${receiptNo}`)).json()).items[0]
  const sale = await (await api.get(`/api/v1/sales/${found.id}`)).json()
  expect(sale.lines).toEqual([expect.objectContaining({ name: 'Latte', quantity: 3, unitPriceMinor: 300, lineDiscountMinor: Math.floor((900 * 5 + 50) / 100) })])
  const approvals = (await (await api.get(`/api/v1/audit-log?action=sale.approval&targetId=${found.id}`)).json()).items
  // One approval in the audit log, by the manager, for this cashier's sale: the price change and every discount.
  expect(sale.totals.discountMinor).toBe(sale.lines[0].lineDiscountMinor + sale.lines[0].cartDiscountMinor)
  expect(sale.lines[0].cartDiscountMinor).toBeGreaterThan(0)
  expect(approvals).toEqual([expect.objectContaining({ actorType: 'staff', actorName: 'Max Manager', targetType: 'sale', details: expect.objectContaining({ priceOverride: true, discountMinor: sale.totals.discountMinor }) })])
})

test('the product grid and the search rows: scrolling shows every tile, a search starts at its top, arrow keys keep the highlighted row in view, Escape goes back to the tiles where they were', async ({ page }) => {
  await setUpTerminal(page, 'Harbour Café', 'Café till 2')
  await pinLogin(page, '3333')
  const grid = page.locator('.tiles')
  const tiles = page.locator('.tile')
  await expect(tiles.first()).toBeVisible()
  // All products, scrolled half a screen at a time to the end: the last tile is there, and no
  // empty row under it (the grid renders the rows in view as they come).
  const scrolled = await grid.evaluate(async (g) => {
    for (let i = 0; i < 40 && g.scrollTop + g.clientHeight < g.scrollHeight - 1; i++) {
      g.scrollBy(0, g.clientHeight / 2)
      await new Promise((r) => setTimeout(r, 50))
    }
    return g.scrollTop
  })
  expect(scrolled).toBeGreaterThan(0)
  await expect(tiles.last()).toBeInViewport()
  const gapUnderLastTile = () => grid.evaluate((g) => g.getBoundingClientRect().bottom - [...g.querySelectorAll('.tile')].at(-1)!.getBoundingClientRect().bottom)
  await expect.poll(gapUnderLastTile).toBeLessThan(112)
  await shot(page, 'register-27-grid-scrolled')
  // A search shows its rows over the tiles, from the top, the first one highlighted: names and
  // prices for a name, with the SKU and barcode of each product once a code is typed.
  const search = page.getByRole('searchbox', { name: /Search products/ })
  const list = page.locator('.results')
  const rows = list.locator('.result')
  await search.click()
  await page.keyboard.type('a')
  await expect(page.locator('.catalog__results-head')).toContainText('60+ products')
  await expect(rows.first()).toHaveClass(/is-highlighted/)
  await expect(rows.first()).toBeInViewport()
  await expect(tiles.first()).not.toBeVisible()
  await page.keyboard.type('meric')
  await expect(rows.first()).toContainText('Americano')
  await expect(rows.first().locator('.result__codes')).toHaveCount(0)
  const americano = await rows.first().getAttribute('title')
  await search.fill('4000')
  await expect(rows.first().locator('.result__codes')).toHaveText(/^SKU-\d+ · 4000\d{4,10}$/)
  await expect(rows.nth(1).locator('.result__codes')).toHaveText(/^SKU-\d+ · 4000\d{4,10}$/)
  expect(americano).toBe('Americano')
  await shot(page, 'register-29-search-codes')
  // Weighed products say so in their row.
  await search.fill('appl')
  await expect(rows.filter({ hasText: 'Apples (per kg)' })).toContainText('/kg')
  await shot(page, 'register-28-search-rows')
  // The highlight goes down past the rows in view: the list follows it; Enter adds that product.
  await search.fill('')
  await page.keyboard.type('e')
  for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowDown')
  await expect(list.locator('.result.is-highlighted')).toBeInViewport()
  expect(await list.evaluate((g) => g.scrollTop)).toBeGreaterThan(0)
  const name = (await list.locator('.result.is-highlighted .result__name').textContent())!
  await page.keyboard.press('Enter')
  await expect(page.locator('.line', { hasText: name })).toBeVisible()
  // The field is empty again: the tiles are back, scrolled where they were.
  await expect(tiles.last()).toBeInViewport()
  expect(await grid.evaluate((g) => g.scrollTop)).toBe(scrolled)
  // The next search starts at its top again.
  await search.click()
  await page.keyboard.type('e')
  await expect(rows.first()).toHaveClass(/is-highlighted/)
  expect(await list.evaluate((g) => g.scrollTop)).toBe(0)
  // Another category starts at its top.
  await page.keyboard.press('Escape')
  await page.getByRole('tab', { name: 'Coffee', exact: true }).click()
  await expect.poll(() => grid.evaluate((g) => g.scrollTop)).toBe(0)
  await expect(tiles.first()).toBeInViewport()
})
