import { expect, type APIRequestContext, type Page } from '@playwright/test'

// Shared steps of the register journeys: what a manager and a cashier do on a fresh browser.

export const SCREENS = 'test-results/screens'

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SCREENS}/${name}.png`, animations: 'disabled' })
}

/** A manager makes this browser a terminal (password sign-in, pick store and till). */
export async function setUpTerminal(page: Page, store: string, terminal: string) {
  if (!page.url().endsWith('/register/')) await page.goto('/register/')
  await expect(page.getByRole('heading', { name: 'Set up this register' })).toBeVisible()
  await shot(page, 'register-00-setup')
  await page.getByLabel('Email').fill('manager@demo.patron.shop')
  await page.getByLabel('Password').fill('patron-manager')
  await page.getByRole('button', { name: 'Sign in as manager' }).click()
  await expect(page.getByRole('heading', { name: 'Which till is this?' })).toBeVisible()
  await page.getByRole('button', { name: new RegExp(store) }).click()
  await page.getByRole('button', { name: new RegExp(terminal) }).click()
  await shot(page, 'register-00-setup-till')
  await page.getByRole('button', { name: new RegExp(`Use this browser as ${terminal}`) }).click()
  await expect(page.getByRole('heading', { name: 'Enter your PIN' })).toBeVisible()
}

/** A cashier taps their PIN on the keypad. */
export async function pinLogin(page: Page, pin: string) {
  const pad = page.getByRole('group', { name: 'PIN pad' })
  for (const digit of pin) await pad.getByRole('button', { name: digit, exact: true }).click()
  await pad.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('searchbox', { name: /Search products/ })).toBeVisible()
  // The catalogue is in the browser once its tiles show.
  await expect(page.locator('.tile').first()).toBeVisible()
}

/** Opens the drawer with one total when it is closed (a terminal may already have a session). */
export async function openDrawerIfClosed(page: Page, major: string) {
  const cta = page.getByRole('button', { name: 'Open the cash drawer to sell' })
  const pay = page.getByRole('button', { name: /^Pay/ })
  await expect(cta.or(pay)).toBeVisible()
  if (!(await cta.isVisible())) return
  await cta.click()
  await page.getByRole('radio', { name: 'Enter the total' }).click()
  await page.keyboard.type(major)
  await page.getByRole('button', { name: 'Open drawer' }).click()
  await expect(page.getByRole('button', { name: /^Pay/ })).toBeVisible()
}

/** An API client signed in as the owner, to check what the server recorded. */
export async function ownerApi(request: APIRequestContext) {
  const r = await request.post('/api/v1/auth/login', { data: { email: 'owner@demo.patron.shop', password: 'patron-owner' } })
  expect(r.status()).toBe(200)
  return request
}

export async function minor(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-minor'))
}

/** A JSON value the register keeps in the browser's localStorage ("patron.register.<key>"). */
export async function stored<T>(page: Page, key: string): Promise<T | null> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const raw = await page.evaluate((k) => (globalThis as any).localStorage.getItem(`patron.register.${k}`) as string | null, key)
  return raw === null ? null : (JSON.parse(raw) as T)
}
