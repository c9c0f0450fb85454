/**
 * SQL of « Mon compte »: the account's own data, sites and hospitals. The password hash is read
 * only by `findPasswordHash`, for the current-password check.
 */
import type { Db } from '../../kernel/db/database.ts'
import { accountColumns } from '../../kernel/accounts/accounts.ts'
import { selectAccountSites } from '../../kernel/accounts/account-sites.ts'
import { compiledOnce } from '../../kernel/db/compiled.ts'

// « Mon compte » is where every login without a management role lands: its two queries are
// compiled once (named prepared statements on PostgreSQL), as the login's.
const myAccount = compiledOnce((db: Db, accountId: string) => db.selectFrom('account')
  .leftJoin('profession', 'profession.code', 'account.profession_code')
  .select([...accountColumns, 'profession.label_fr', 'profession.label_en'])
  .where('account.id', '=', accountId))

const mySites = compiledOnce((db: Db, accountId: string) => selectAccountSites(db)
  .innerJoin('hospital', 'hospital.id', 'site.hospital_id')
  .select(['hospital.id as hospital_id', 'hospital.name as hospital_name', 'site.id', 'site.title', 'site.abbreviation'])
  .where('account_site.account_id', '=', accountId)
  .orderBy('hospital.sort_key').orderBy('hospital.id').orderBy('site.sort_key').orderBy('site.id'))

export function findMyAccount (db: Db, accountId: string) {
  return myAccount.first(db, accountId)
}

export type MyAccount = NonNullable<Awaited<ReturnType<typeof findMyAccount>>>

export async function listMySites (db: Db, accountId: string) {
  return (await mySites(db, accountId)).rows
}

export type MySite = Awaited<ReturnType<typeof listMySites>>[number]

export async function findPasswordHash (db: Db, accountId: string): Promise<string | undefined> {
  const row = await db.selectFrom('account').select('password_hash').where('id', '=', accountId).executeTakeFirst()
  return row?.password_hash
}
