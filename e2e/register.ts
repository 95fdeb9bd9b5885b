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
  // Until the register has asked the server about the drawer it shows Pay: wait for the answer.
  const sell = page.locator('.sell')
  await expect(sell).toHaveAttribute('data-drawer', /^(open|closed)$/)
  if ((await sell.getAttribute('data-drawer')) === 'open') return
  await page.getByRole('button', { name: 'Open the cash drawer to sell' }).click()
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

export interface Member {
  id: string
  name: string
  phone: string
  email: string | null
  cardCode: string
  balance: number
}

/** A demo member with at least `min` beans (and an email when asked). */
export async function memberWith(api: APIRequestContext, min: number, withEmail = false, skip: string[] = []): Promise<Member> {
  const list = (await (await api.get('/api/v1/customers?limit=100')).json()).items as Omit<Member, 'balance'>[]
  for (const c of list) {
    if (skip.includes(c.id) || (withEmail && !c.email) || !c.phone) continue
    const l = await (await api.get(`/api/v1/customers/${c.id}/loyalty`)).json()
    if (l.balance >= min && l.tierId !== 'gold') return { ...c, balance: l.balance }
  }
  throw new Error(`no demo member with ${min} beans`)
}

export async function balanceOf(api: APIRequestContext, id: string): Promise<number> {
  return (await (await api.get(`/api/v1/customers/${id}/loyalty`)).json()).balance
}

export async function addByName(page: Page, name: string) {
  await page.getByRole('searchbox', { name: /Search products/ }).fill(name)
  await page.keyboard.press('Enter')
}

export async function findMember(page: Page, term: string) {
  await page.keyboard.press('F4')
  await page.getByLabel(/Find a member/).fill(term)
  await page.locator('.member-row').first().click()
}

/** Minor units as the de-DE till writes euros ("1.234,50 €"), from integers only. */
export function eur(minor: number): string {
  const sign = minor < 0 ? '-' : ''
  const abs = Math.abs(minor)
  const whole = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '.')
  return `${sign}${whole},${String(abs % 100).padStart(2, '0')} €`
}

/** Major units as typed on the keypad ("151.30"). */
export function major(minor: number): string {
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`
}

/**
 * Closes the drawer the way a cashier does at the end of the day: read the X report, count the
 * cash (the test counts what the X report expects, as a careful cashier would find it), close
 * with the blind count and return the Z report's over/short.
 */
export async function closeDrawerCounting(page: Page, counted: (expectedMinor: number) => number): Promise<{ expectedMinor: number; overShortMinor: number }> {
  await page.getByRole('button', { name: 'Drawer', exact: true }).click()
  const expectedMinor = Number(await page.getByTestId('expected-cash').getAttribute('data-minor'))
  await page.getByRole('button', { name: /Close the drawer/ }).click()
  await expect(page.getByTestId('expected-cash')).toHaveCount(0)
  await page.getByRole('radio', { name: 'Enter the total' }).click()
  const count = counted(expectedMinor)
  await page.keyboard.type(major(count))
  await expect(page.getByTestId('counted-total')).toHaveText(eur(count))
  await page.getByRole('button', { name: /Close and see the Z report/ }).click()
  await page.getByRole('dialog', { name: 'Close the drawer?' }).getByRole('button', { name: 'Close drawer' }).click()
  await expect(page.getByRole('heading', { name: 'Drawer closed' })).toBeVisible()
  return { expectedMinor, overShortMinor: Number(await page.getByTestId('over-short').getAttribute('data-minor')) }
}
