import { api, ApiError, isReachable, onReachability } from '../../api/client'
import type { CashSessionListItem, Page, RegisterContext, Role } from '../../api/types'
import { newCart, type Cart } from './cart'
import { load, save } from './storage'
import { createStore } from './store'

/** This browser as a terminal: set once by a manager, kept in localStorage. */
export interface TerminalConfig {
  terminalId: string
  terminalCode: string
  terminalName: string
  storeId: string
  storeCode: string
  storeName: string
  /** Lock after this many idle minutes (0 = never). */
  idleLockMinutes: number
  registeredAt: string
}

export interface Staff {
  id: string
  name: string
  role: Role
  maxDiscountPercent: string
}

export const terminal = createStore<TerminalConfig | null>(load<TerminalConfig | null>('terminal', null), (t) => save('terminal', t))

export interface SessionState {
  staff: Staff | null
  /** Locked (idle, or "switch cashier"): the PIN pad shows, the cart stays. Survives a reload. */
  locked: boolean
}
export const session = createStore<SessionState>({ staff: null, locked: load<boolean>('locked', false) }, (s) => {
  save('locked', s.locked || null)
  save('staff', s.staff)
})

/**
 * Who was signed in here before a reload. Used only when the server cannot be reached at start
 * (the session cookie cannot be checked offline), so an unlocked register keeps selling; a
 * locked one still asks for a PIN, and the server checks the session again on the next request.
 */
export function lastStaff(): Staff | null {
  return load<Staff | null>('staff', null)
}

export interface DrawerState {
  checked: boolean
  open: CashSessionListItem | null
}
export const drawer = createStore<DrawerState>(load<DrawerState>('drawer', { checked: false, open: null }), (d) => save('drawer', d))

/** The open cart, kept across reloads and cashier switches (without an approval's PIN). */
export const cart = createStore<Cart>(load<Cart | null>('cart', null) ?? newCart(), (c) => save('cart', { ...c, approval: null }))

export const online = createStore<boolean>(isReachable())
onReachability((v) => online.set(v))

/** Who is signed in here, with the discount limit the register checks before the server does. */
export async function loadContext(): Promise<Staff> {
  const ctx = await api.get<RegisterContext>('/register/context')
  const staff: Staff = { id: ctx.staff.id, name: ctx.staff.name, role: ctx.staff.role, maxDiscountPercent: ctx.staff.maxDiscountPercent }
  session.set({ staff, locked: false })
  return staff
}

export async function pinLogin(pin: string): Promise<Staff> {
  const t = terminal.get()
  if (!t) throw new Error('This browser is not set up as a terminal yet')
  await api.post('/auth/pin', { terminalId: t.terminalId, pin }, { quiet401: true })
  return loadContext()
}

/** Locks the register: the session ends on the server too, so a reload cannot skip the PIN. */
export function lock(): void {
  session.set((s) => ({ ...s, locked: true }))
  api.post('/auth/logout', {}, { quiet401: true }).catch(() => {})
}

export async function refreshDrawer(): Promise<CashSessionListItem | null> {
  const t = terminal.get()
  if (!t) return null
  const list = await api.get<Page<CashSessionListItem>>(`/cash-sessions?terminalId=${encodeURIComponent(t.terminalId)}&status=open`)
  const open = list.items[0] ?? null
  drawer.set({ checked: true, open })
  return open
}

export function isApiError(e: unknown, code?: string): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code)
}
