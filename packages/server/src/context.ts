import type { Config } from './config'
import type { Db } from './db/connect'
import type { WriteQueue } from './db/writer'
import type { SendMail } from './mail/mailer'

/** What every use case and route gets: passed explicitly, never a global. */
export interface AppContext {
  config: Config
  db: Db
  writer: WriteQueue
  /** The clock, an argument so tests can move time. */
  now(): Date
  /** Outgoing mail (receipts): an .eml file per message by default, SMTP when configured. */
  sendMail: SendMail
}

export type Role = 'owner' | 'manager' | 'cashier'

export type Principal =
  | {
      kind: 'staff'
      sessionId: string
      staffId: string
      orgId: string
      name: string
      role: Role
      /** null = every store of the organisation. */
      storeIds: string[] | null
      terminalId: string | null
      storeId: string | null
      maxDiscountPercent: string
    }
  | { kind: 'api_key'; keyId: string; orgId: string; name: string; scopes: string[] }

/** Who may call a route. Every /api/v1 route declares one; the app refuses to start otherwise. */
export interface Access {
  /** Anyone, signed in or not. */
  public?: boolean
  roles?: Role[]
  scopes?: string[]
}

export const ALL_STAFF: Role[] = ['owner', 'manager', 'cashier']
export const MANAGERS: Role[] = ['owner', 'manager']

/** Scopes an API key may hold. */
export const SCOPES = [
  'catalog:read',
  'catalog:write',
  'customers:read',
  'customers:write',
  'sales:read',
  'sales:write',
  'refunds:write',
  'loyalty:read',
  'loyalty:write',
  'cash:read',
  'reports:read',
  'audit:read',
] as const
