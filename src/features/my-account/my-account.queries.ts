/**
 * SQL of « Mon compte »: the account's own data, sites and hospitals. The password hash is read
 * only by `findPasswordHash`, for the current-password check.
 */
import type { Db } from '../../kernel/db/database.ts'
import { accountColumns } from '../../kernel/accounts/accounts.ts'
import { selectAccountSites } from '../../kernel/accounts/account-sites.ts'

export function findMyAccount (db: Db, accountId: string) {
  return db.selectFrom('account')
    .leftJoin('profession', 'profession.code', 'account.profession_code')
    .select([...accountColumns, 'profession.label_fr', 'profession.label_en'])
    .where('account.id', '=', accountId)
    .executeTakeFirst()
}

export type MyAccount = NonNullable<Awaited<ReturnType<typeof findMyAccount>>>

export function listMySites (db: Db, accountId: string) {
  return selectAccountSites(db)
    .innerJoin('hospital', 'hospital.id', 'site.hospital_id')
    .select(['hospital.id as hospital_id', 'hospital.name as hospital_name', 'site.id', 'site.title', 'site.abbreviation'])
    .where('account_site.account_id', '=', accountId)
    .orderBy('hospital.sort_key').orderBy('hospital.id').orderBy('site.sort_key').orderBy('site.id')
    .execute()
}

export type MySite = Awaited<ReturnType<typeof listMySites>>[number]

export async function findPasswordHash (db: Db, accountId: string): Promise<string | undefined> {
  const row = await db.selectFrom('account').select('password_hash').where('id', '=', accountId).executeTakeFirst()
  return row?.password_hash
}
