import { expect, test } from '@playwright/test'
import { openDrawerIfClosed, ownerApi, pinLogin, setUpTerminal, shot, stored } from './register'

// The connection drops: the register keeps selling from its cached catalogue and program, every
// sale waits in the outbound queue under its own id, and all of them are recorded exactly once
// when the connection returns.

test.use({ viewport: { width: 1280, height: 800 } })

test('sales made offline wait in the outbound queue and are recorded once each when the connection returns', async ({ page, context, request }) => {
  const api = await ownerApi(request)
  await setUpTerminal(page, 'Corner Shop', 'Shop till 1')
  await pinLogin(page, '4444')
  await openDrawerIfClosed(page, '100')
  // The app shell is kept by a service worker once it is installed.
  await page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await (globalThis as any).navigator.serviceWorker.ready
  })

  await context.setOffline(true)
  const shown: number[] = []
  for (const product of ['oat milk 1 l', 'honey 500 g']) {
    await page.getByRole('searchbox', { name: /Search products/ }).fill(product)
    await page.keyboard.press('Enter')
    await expect(page.locator('.line')).toHaveCount(1)
    shown.push(Number(await page.getByTestId('cart-total').getAttribute('data-minor')))
    await page.keyboard.press('F12')
    await page.getByRole('button', { name: /Exact/ }).click()
    await expect(page.getByRole('heading', { name: 'Sale saved on this register' })).toBeVisible()
    await page.getByRole('button', { name: /New sale/ }).click()
  }
  await expect(page.getByRole('button', { name: 'Connection and sync' })).toContainText('Offline')
  await expect(page.getByRole('button', { name: 'Connection and sync' })).toContainText('2')

  // Even a reload without a connection starts the register (the app shell is in the browser)
  // and it goes on selling from the cached catalogue.
  await page.reload()
  await expect(page.getByRole('searchbox', { name: /Search products/ })).toBeVisible()
  await page.getByRole('searchbox', { name: /Search products/ }).fill('strawberry jam')
  await page.keyboard.press('Enter')
  await expect(page.locator('.line')).toHaveCount(1)
  shown.push(Number(await page.getByTestId('cart-total').getAttribute('data-minor')))
  await page.keyboard.press('F12')
  await page.getByRole('button', { name: /Exact/ }).click()
  await expect(page.getByRole('heading', { name: 'Sale saved on this register' })).toBeVisible()
  await page.getByRole('button', { name: /New sale/ }).click()
  await expect(page.getByRole('button', { name: 'Connection and sync' })).toContainText('3')
  await page.getByRole('button', { name: 'Connection and sync' }).click()
  await expect(page.getByRole('dialog', { name: 'Connection and sync' })).toContainText('Waiting to send (3)')
  await shot(page, 'register-21-offline-queue')
  await page.keyboard.press('Escape')
  const queued = (await stored<{ id: string; shownTotalMinor: number }[]>(page, 'outbox')) ?? []
  expect(queued.map((q) => q.shownTotalMinor)).toEqual(shown)

  await context.setOffline(false)
  await expect(page.getByRole('button', { name: 'Connection and sync' })).toHaveText(/Online/, { timeout: 20_000 })
  for (const q of queued) {
    const res = await api.get(`/api/v1/sales/${q.id}`)
    expect(res.status()).toBe(200)
    expect((await res.json()).totals.totalMinor).toBe(q.shownTotalMinor)
  }
  expect(await stored<unknown[]>(page, 'outbox')).toEqual([])
})
