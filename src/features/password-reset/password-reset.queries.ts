/**
 * SQL of the forgotten-password flow (user guide §3.3). Explicit columns: the password hash is
 * only ever written here, never selected.
 */
import type { Db } from '../../kernel/db/database.ts'
import type { Civility } from '../../kernel/db/schema.ts'
import { digestToken, isWellFormedToken } from '../../kernel/security/tokens.ts'
import { selectAccountSites } from '../../kernel/accounts/account-sites.ts'

/** Who a password belongs to: enough to greet them and to refuse their own words in it. */
export interface PasswordOwner { id: string; email: string; civility: Civility; first_name: string; last_name: string }

const ownerColumns = ['account.id', 'account.email', 'account.civility', 'account.first_name', 'account.last_name'] as const

/** `email` must already be normalized. */
export function findPasswordOwnerByEmail (db: Db, email: string): Promise<PasswordOwner | undefined> {
  return db.selectFrom('account').select(ownerColumns).where('account.email', '=', email).executeTakeFirst()
}

export function findPasswordOwnerById (db: Db, accountId: string): Promise<PasswordOwner | undefined> {
  return db.selectFrom('account').select(ownerColumns).where('account.id', '=', accountId).executeTakeFirst()
}

/** The account a reset link belongs to, if the link is still usable now (not used, not expired). */
export async function findPasswordOwnerByResetToken (db: Db, token: unknown, now: number): Promise<PasswordOwner | undefined> {
  if (!isWellFormedToken(token)) return undefined
  return db.selectFrom('account_token')
    .innerJoin('account', 'account.id', 'account_token.account_id')
    .select(ownerColumns)
    .where('account_token.digest', '=', digestToken(token))
    .where('account_token.purpose', '=', 'passwordReset')
    .where('account_token.used_at', 'is', null)
    .where('account_token.expires_at', '>', now)
    .executeTakeFirst()
}

export async function setPasswordHash (tx: Db, accountId: string, passwordHash: string, now: number, unlock: boolean): Promise<void> {
  await tx.updateTable('account')
    .set({
      password_hash: passwordHash,
      password_changed_at: now,
      ...(unlock ? { locked_at: null, failed_password_count: 0 } : {}),
    })
    .where('id', '=', accountId)
    .execute()
}

/** Login attempts waiting for their emailed code were started with the old password: void them. */
export async function deleteLoginChallenges (tx: Db, accountId: string): Promise<void> {
  await tx.deleteFrom('login_challenge').where('account_id', '=', accountId).execute()
}

/** Names of the hospitals whose sites the account holds (words its password must not contain). */
export async function listAccountHospitalNames (db: Db, accountId: string): Promise<string[]> {
  const rows = await selectAccountSites(db)
    .innerJoin('hospital', 'hospital.id', 'site.hospital_id')
    .select('hospital.name').distinct()
    .where('account_site.account_id', '=', accountId)
    .execute()
  return rows.map((r) => r.name)
}
