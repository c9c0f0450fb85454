/**
 * Reads the emails the app queued (the outbox keeps bodies with the dev mailbox).
 */
import type { Db } from '../../src/kernel/db/database.ts'

export interface SentEmail { to: string; subject: string; text: string; html: string; template: string }

export async function emailsTo (db: Db, to: string): Promise<SentEmail[]> {
  const rows = await db.selectFrom('outbox').select(['recipient', 'subject', 'text_body', 'html_body', 'template', 'created_at'])
    .where('recipient', '=', to).orderBy('created_at').orderBy('id').execute()
  return rows.map((r) => ({ to: r.recipient, subject: r.subject, text: r.text_body ?? '', html: r.html_body ?? '', template: r.template }))
}

export async function lastEmailTo (db: Db, to: string): Promise<SentEmail> {
  const all = await emailsTo(db, to)
  const last = all.at(-1)
  if (!last) throw new Error(`no email to ${to}`)
  return last
}

/** The first link of this app in an email's text. */
export function linkIn (email: SentEmail): string {
  const match = /https?:\/\/[^\s]+/.exec(email.text)
  if (!match) throw new Error(`no link in « ${email.subject} »`)
  return match[0]
}

/** The path and query of the link, to follow it with a TestBrowser. */
export function pathOfLinkIn (email: SentEmail): string {
  const url = new URL(linkIn(email))
  return url.pathname + url.search
}

export function codeIn (email: SentEmail): string {
  const match = /\b(\d{8})\b/.exec(email.text)
  if (!match) throw new Error(`no code in « ${email.subject} »`)
  return match[1] as string
}
