/**
 * The outbox as the dev mailbox reads it: newest first (ids sort in creation order).
 */
import type { Db } from '../../kernel/db/database.ts'
import { normalizeEmail } from '../../kernel/text.ts'

const summaryColumns = ['id', 'recipient', 'subject', 'template', 'status', 'created_at'] as const

export async function listMailboxEmails (db: Db, options: { recipient?: string; limit: number }) {
  let query = db.selectFrom('outbox').select(summaryColumns)
  if (options.recipient) query = query.where('recipient', '=', normalizeEmail(options.recipient))
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute()
}

export async function countMailboxEmails (db: Db, options: { recipient?: string }) {
  let query = db.selectFrom('outbox').select((eb) => eb.fn.countAll().as('total'))
  if (options.recipient) query = query.where('recipient', '=', normalizeEmail(options.recipient))
  return Number((await query.executeTakeFirstOrThrow()).total)
}

export async function findMailboxEmail (db: Db, id: string) {
  return db.selectFrom('outbox')
    .select([...summaryColumns, 'text_body', 'html_body', 'attempts', 'last_error', 'sent_at'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export type MailboxEmail = NonNullable<Awaited<ReturnType<typeof findMailboxEmail>>>
export type MailboxSummary = Awaited<ReturnType<typeof listMailboxEmails>>[number]
