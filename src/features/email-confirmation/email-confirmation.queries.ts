/**
 * Database access of the email confirmation (explicit columns, executor first).
 */
import type { Db } from '../../kernel/db/database.ts'
import { normalizeEmail } from '../../kernel/text.ts'

export function findConfirmationRecipient (db: Db, accountId: string) {
  return db.selectFrom('account')
    .select(['id', 'email', 'civility', 'last_name', 'email_confirmed_at', 'deactivated_at'])
    .where('id', '=', accountId)
    .executeTakeFirst()
}

export function findAccountAwaitingConfirmation (db: Db, email: string) {
  return db.selectFrom('account')
    .select(['id'])
    .where('email', '=', normalizeEmail(email))
    .where('email_confirmed_at', 'is', null)
    .where('deactivated_at', 'is', null)
    .executeTakeFirst()
}

/** Sets the confirmation time once: a second confirmation keeps the first instant. */
export async function markEmailConfirmed (tx: Db, accountId: string, now: number): Promise<void> {
  await tx.updateTable('account').set({ email_confirmed_at: now })
    .where('id', '=', accountId).where('email_confirmed_at', 'is', null)
    .execute()
}


/** The hospital of the account's first site, for the audit row. */
export async function findAccountHospitalId (db: Db, accountId: string): Promise<string | null> {
  const row = await db.selectFrom('account_site')
    .innerJoin('site', 'site.id', 'account_site.site_id')
    .select('site.hospital_id')
    .where('account_site.account_id', '=', accountId)
    .orderBy('account_site.added_at').orderBy('site.hospital_id')
    .executeTakeFirst()
  return row?.hospital_id ?? null
}
