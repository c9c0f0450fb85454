/**
 * The mail outbox. Every email is written here in the same transaction as the change that causes
 * it (a rolled-back change sends nothing; a committed one always sends). The dispatcher
 * (`dispatcher.ts`) delivers it.
 */
import { randomBytes } from 'node:crypto'
import type { Db } from '../db/database.ts'
import { compiledOnce } from '../db/compiled.ts'

export interface Email {
  to: string
  subject: string
  text: string
  html: string
  /** Which email this is (e.g. `emailConfirmation`): for the dev mailbox, tests and the audit. */
  template: string
}

let counter = 0
/** Ids sort in creation order (real time, then a per-process counter): the mailbox lists emails as they were queued. */
function sortableId (): string {
  counter = (counter + 1) % 1_679_616
  return `${Date.now().toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${randomBytes(6).toString('hex')}`
}

/** Queues an email inside the caller's transaction; `now` is the app clock's time. */
export async function enqueueMail (tx: Db, email: Email, now: number): Promise<string> {
  const id = sortableId()
  await insertEmail(tx, id, email.to, email.subject, email.text, email.html, email.template, now)
  return id
}

const insertEmail = compiledOnce((tx: Db, id: string, to: string, subject: string, text: string, html: string, template: string, now: number) =>
  tx.insertInto('outbox').values({
    id,
    recipient: to,
    subject,
    text_body: text,
    html_body: html,
    template,
    created_at: now,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    claimed_until: null,
    sent_at: null,
    last_error: null,
  }))

/**
 * The backlog, for the metrics: emails not sent yet and not given up (due now or waiting for
 * their next attempt), the age of the oldest of them, and the emails given up (`failed`).
 */
export async function readOutboxBacklog (db: Db, now: number): Promise<{ pending: number; oldestPendingAgeSeconds: number; failed: number }> {
  const pending = await db.selectFrom('outbox')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('oldest')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  const failed = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', '=', 'failed')
    .executeTakeFirstOrThrow()
  const oldest = pending.oldest === null ? now : Number(pending.oldest)
  return { pending: Number(pending.count), oldestPendingAgeSeconds: Math.max(0, now - oldest) / 1000, failed: Number(failed.count) }
}
