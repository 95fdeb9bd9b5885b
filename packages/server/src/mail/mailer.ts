import fs from 'node:fs'
import path from 'node:path'
import nodemailer, { type Transporter } from 'nodemailer'
import type { Config } from '../config'

export interface Mail {
  to: string
  subject: string
  html: string
  text: string
}

export interface SentMail {
  messageId: string
  /** For the file transport: where the .eml landed. */
  file: string | null
}

/**
 * Real mail through nodemailer. The default transport writes each message as an .eml file in
 * `$PATRON_DATA_DIR/mail/` (open it with any mail program), `console` prints it, `smtp` sends it
 * through SMTP_URL.
 */
export function createMailer(config: Config) {
  let transporter: Transporter
  if (config.mail.transport === 'smtp') transporter = nodemailer.createTransport(config.mail.smtpUrl!)
  else transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  const dir = path.join(config.dataDir, 'mail')

  return async function send(mail: Mail): Promise<SentMail> {
    const info = await transporter.sendMail({ from: config.mail.from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text })
    if (config.mail.transport === 'smtp') return { messageId: info.messageId, file: null }
    const raw = (info as unknown as { message: Buffer }).message
    if (config.mail.transport === 'console') {
      console.log(raw.toString('utf8'))
      return { messageId: info.messageId, file: null }
    }
    fs.mkdirSync(dir, { recursive: true })
    const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}.eml`)
    fs.writeFileSync(file, raw)
    return { messageId: info.messageId, file }
  }
}

export type SendMail = ReturnType<typeof createMailer>
