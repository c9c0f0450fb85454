/**
 * Database access of the email confirmation (explicit columns, executor first).
 */
import type { Db } from '../../kernel/db/database.ts'
import { normalizeEmail } from '../../kernel/text.ts'
import { selectAccountSites, selectAccountsWithSites } from '../../kernel/accounts/account-sites.ts'

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

/** Sets the confirmation time once: a second confirmation keeps the first instant. True when it was set now. */
export async function markEmailConfirmed (tx: Db, accountId: string, now: number): Promise<boolean> {
  const result = await tx.updateTable('account').set({ email_confirmed_at: now })
    .where('id', '=', accountId).where('email_confirmed_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * The account-manager request behind this account, when it is one waiting for a
 * super-administrator: holding a « Site administrateur comptes », neither activated nor
 * deactivated, not a super-administrator itself.
 */
export function findAccountManagerRequest (db: Db, accountId: string) {
  return selectAccountsWithSites(db)
    .innerJoin('hospital', 'hospital.id', 'site.hospital_id')
    .innerJoin('profession', 'profession.code', 'account.profession_code')
    .select([
      'account.civility', 'account.last_name', 'account.first_name', 'account.email',
      'profession.label_fr as profession', 'hospital.id as hospital_id', 'hospital.name as hospital_name',
    ])
    .where('account.id', '=', accountId)
    .where('site.kind', '=', 'accountAdministration')
    .where('account.activated_at', 'is', null)
    .where('account.deactivated_at', 'is', null)
    .where('account.is_superadmin', '=', 0)
    .orderBy('hospital.id')
    .executeTakeFirst()
}

/** Super-administrators who can act on a request now: confirmed, activated, not deactivated. */
export function listActiveSuperadmins (db: Db) {
  return db.selectFrom('account').select(['id', 'email'])
    .where('is_superadmin', '=', 1)
    .where('email_confirmed_at', 'is not', null)
    .where('activated_at', 'is not', null)
    .where('deactivated_at', 'is', null)
    .orderBy('email')
    .execute()
}


/** The hospital of the account's first site, for the audit row. */
export async function findAccountHospitalId (db: Db, accountId: string): Promise<string | null> {
  const row = await selectAccountSites(db)
    .select('site.hospital_id')
    .where('account_site.account_id', '=', accountId)
    .orderBy('account_site.added_at').orderBy('site.hospital_id')
    .executeTakeFirst()
  return row?.hospital_id ?? null
}
