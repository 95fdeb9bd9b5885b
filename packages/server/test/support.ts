import crypto from 'node:crypto'
import { expect } from 'vitest'
import { ERROR_STATUS } from '../src/http/errors'
import { SESSION_COOKIE } from '../src/http/auth'
import { createSession } from '../src/features/staff/login'
import { Client, type TestShop } from './harness'

export const uuid = () => crypto.randomUUID()

type Res = { status: number; body: any; text: string }

/**
 * The error contract of api.md: exactly `{ error: { code, message, details } }`, a code listed in
 * ERROR_STATUS whose status is the one answered, a message, an object of details, no stack trace.
 */
export function expectErrorShape(res: Res): void {
  expect(res.body, res.text).toBeTypeOf('object')
  expect(Object.keys(res.body ?? {}), res.text).toEqual(['error'])
  const e = res.body.error
  expect(Object.keys(e).sort(), res.text).toEqual(['code', 'details', 'message'])
  expect(ERROR_STATUS[e.code], `code ${e.code} is listed with status ${res.status}`).toBe(res.status)
  expect(typeof e.message).toBe('string')
  expect(e.message.length).toBeGreaterThan(0)
  expect(e.details).toBeTypeOf('object')
  expect(e.details).not.toBeNull()
  expect(res.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/)
}

export function expectError(res: Res, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }, res.text).toEqual({ status, code })
  expectErrorShape(res)
}

/** The bad fields a VALIDATION_FAILED answer names. */
export function badFields(res: Res): string[] {
  return (res.body?.error?.details?.fields ?? []).map((f: { field: string }) => f.field)
}

/**
 * A fresh staff session without the (deliberately slow) PIN or password check: for tests that
 * need many sessions, e.g. one per request when the request may end its own session.
 */
export async function sessionCookie(shop: TestShop, staffId: string, at: { terminalId?: string | null; storeId?: string | null } = {}): Promise<string> {
  const s = await createSession(shop.ctx, staffId, at.terminalId ?? null, at.storeId ?? null, false)
  return `${SESSION_COOKIE}=${s.token}`
}

export async function sessionClient(shop: TestShop, staffId: string, at: { terminalId?: string | null; storeId?: string | null } = {}): Promise<Client> {
  return new Client(shop.app, { cookie: await sessionCookie(shop, staffId, at) })
}
