import path from 'node:path'

/** Environment, parsed once. Fails fast with a clear message instead of half-starting. */
export interface Config {
  /** 'sqlite' with a file path, or 'postgres' with a connection string. */
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }
  dataDir: string
  host: string
  port: number
  logLevel: string
  /** Minutes a staff session lives after sign-in (a shift); then the PIN or password again. */
  sessionTtlMinutes: number
  /** Group commit: the most sales one write transaction may hold. */
  writeBatchMax: number
  mail: { transport: 'file' | 'console' | 'smtp'; smtpUrl: string | null; from: string }
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.PATRON_DATA_DIR || './data')
  const url = env.DATABASE_URL?.trim()
  let database: Config['database']
  if (!url) database = { kind: 'sqlite', file: path.join(dataDir, 'patron.db') }
  else if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (!file) throw new ConfigError('DATABASE_URL=sqlite: needs a file path, e.g. sqlite:/var/lib/patron/patron.db')
    database = { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) }
  } else if (/^postgres(ql)?:\/\//.test(url)) database = { kind: 'postgres', url }
  else throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres:// (got "${url.split(':')[0]}:…")`)

  const port = intVar(env, 'PORT', 3000, 0, 65535)
  const mailTransport = (env.PATRON_MAIL_TRANSPORT || (env.SMTP_URL ? 'smtp' : 'file')) as Config['mail']['transport']
  if (!['file', 'console', 'smtp'].includes(mailTransport)) {
    throw new ConfigError('PATRON_MAIL_TRANSPORT must be file, console or smtp')
  }
  if (mailTransport === 'smtp' && !env.SMTP_URL) throw new ConfigError('PATRON_MAIL_TRANSPORT=smtp needs SMTP_URL')
  return {
    database,
    dataDir,
    host: env.HOST || '127.0.0.1',
    port,
    logLevel: env.LOG_LEVEL || 'info',
    sessionTtlMinutes: intVar(env, 'PATRON_SESSION_TTL_MINUTES', 12 * 60, 1, 60 * 24 * 30),
    writeBatchMax: intVar(env, 'PATRON_WRITE_BATCH_MAX', 256, 1, 10_000),
    mail: { transport: mailTransport, smtpUrl: env.SMTP_URL || null, from: env.PATRON_MAIL_FROM || 'Patron <receipts@patron.local>' },
  }
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${raw}")`)
  return n
}
