/**
 * Accounts as every feature sees them: the status the guide shows, derived from separate state
 * fields (never stored folded into one), and the few writes shared by registration, the demo
 * data and the bootstrap super-administrator.
 */
import { randomUUID } from 'node:crypto'
import { sql, type Expression, type SqlBool } from 'kysely'
import { compiledOnce } from '../db/compiled.ts'
import type { Db } from '../db/database.ts'
import type { Account, Civility } from '../db/schema.ts'
import { foldForSearch, normalizeEmail } from '../text.ts'
import { selectAccountSites } from './account-sites.ts'

/**
 * Admin guide §2 « Les statuts des comptes utilisateurs »: « email non confirmé »,
 * « en attente d'activation », « actif », plus « désactivé ». « Verrouillé » is shown beside.
 */
export type AccountStatus = 'unconfirmed' | 'pendingActivation' | 'active' | 'deactivated'

export type AccountState = Pick<Account, 'email_confirmed_at' | 'activated_at' | 'deactivated_at'>

export function accountStatus (account: AccountState): AccountStatus {
  if (account.deactivated_at !== null) return 'deactivated'
  if (account.email_confirmed_at === null) return 'unconfirmed'
  if (account.activated_at === null) return 'pendingActivation'
  return 'active'
}

/**
 * The same statuses as an SQL condition on the `account` table (or a copy of its columns under
 * the same names, such as the console's `account_hospital`): for listing and counting by status,
 * and for a write that must happen only in a given status, checked under the row's lock.
 */
export function statusCondition (status: AccountStatus): Expression<SqlBool> {
  switch (status) {
    case 'deactivated': return sql<SqlBool>`account.deactivated_at is not null`
    case 'unconfirmed': return sql<SqlBool>`account.deactivated_at is null and account.email_confirmed_at is null`
    case 'pendingActivation': return sql<SqlBool>`account.deactivated_at is null and account.email_confirmed_at is not null and account.activated_at is null`
    case 'active': return sql<SqlBool>`account.deactivated_at is null and account.email_confirmed_at is not null and account.activated_at is not null`
  }
}

/** An account's state and contact, as the login and lockout flows decide on it. */
export const accountStateColumns = ['id', 'email', 'civility', 'last_name', 'locked_at', 'email_confirmed_at', 'activated_at', 'deactivated_at'] as const

/** Columns safe to select anywhere: everything but the password hash. */
export const accountColumns = [
  'account.id', 'account.email', 'account.civility', 'account.last_name', 'account.first_name',
  'account.profession_code', 'account.created_at', 'account.email_confirmed_at', 'account.activated_at',
  'account.activated_by', 'account.deactivated_at', 'account.deactivated_by', 'account.locked_at',
  'account.failed_password_count', 'account.last_login_at', 'account.password_changed_at',
  'account.is_superadmin', 'account.access_reviewed_at', 'account.access_reviewed_by',
] as const

export function accountSearchText (fields: { lastName: string; firstName: string; email: string }): string {
  return foldForSearch(`${fields.lastName} ${fields.firstName} ${fields.email}`)
}

export interface NewAccountFields {
  email: string
  civility: Civility
  lastName: string
  firstName: string
  professionCode: string
  passwordHash: string
  siteIds: string[]
  /** Demo data and the bootstrap super-administrator start confirmed and activated. */
  confirmedAt?: number | null
  activatedAt?: number | null
  isSuperadmin?: boolean
}

/** Inserts an account with its sites; the caller holds the transaction. Returns its id. */
export async function insertAccount (tx: Db, fields: NewAccountFields, now: number): Promise<string> {
  const id = randomUUID()
  const email = normalizeEmail(fields.email)
  await tx.insertInto('account').values({
    id,
    email,
    civility: fields.civility,
    last_name: fields.lastName,
    first_name: fields.firstName,
    profession_code: fields.professionCode,
    password_hash: fields.passwordHash,
    search_text: accountSearchText({ lastName: fields.lastName, firstName: fields.firstName, email }),
    created_at: now,
    email_confirmed_at: fields.confirmedAt ?? null,
    activated_at: fields.activatedAt ?? null,
    activated_by: null,
    deactivated_at: null,
    deactivated_by: null,
    locked_at: null,
    failed_password_count: 0,
    last_login_at: null,
    password_changed_at: now,
    is_superadmin: fields.isSuperadmin ? 1 : 0,
    access_reviewed_at: fields.activatedAt ?? null,
    access_reviewed_by: null,
  }).execute()
  if (fields.siteIds.length > 0) {
    await tx.insertInto('account_site')
      .values(fields.siteIds.map((siteId) => ({ account_id: id, site_id: siteId, added_at: now, added_by: null })))
      .execute()
  }
  return id
}

export async function findAccountIdByEmail (db: Db, email: string): Promise<string | undefined> {
  const row = await db.selectFrom('account').select('id').where('email', '=', normalizeEmail(email)).executeTakeFirst()
  return row?.id
}

/**
 * Hospitals an account manages: those, not archived, whose « Site administrateur comptes » it
 * holds. The caller has checked the account is active (a live session implies it): rights come
 * from that site and from activation by a super-administrator (admin issue: no escalation).
 */
export async function findManagedHospitalIds (db: Db, accountId: string): Promise<string[]> {
  const { rows } = await managedHospitalIds(db, accountId)
  return rows.map((r) => r.hospital_id)
}

// Read by every console action (the manager's hospitals, managed-accounts.ts).
const managedHospitalIds = compiledOnce((db: Db, accountId: string) => selectManagedHospitalIds(db, accountId))

/** The hospitals whose « Site administrateur comptes » the account holds, neither archived. */
export function selectManagedHospitalIds (db: Db, accountId: string) {
  return selectAccountSites(db)
    .select('site.hospital_id')
    .where('account_site.account_id', '=', accountId)
    .where((eb) => eb.exists(selectManagingSite(db, eb.ref('site.id'))))
}

/**
 * The site, if it grants management: a « Site administrateur comptes » of a hospital, neither
 * archived. The one place of that rule; a subquery, so a join can test each site it meets.
 */
export function selectManagingSite (db: Db, siteId: Expression<string>) {
  return db.selectFrom('site as managing_site')
    .innerJoin('hospital as managed_hospital', 'managed_hospital.id', 'managing_site.hospital_id')
    .select('managing_site.id')
    .where('managing_site.id', '=', siteId)
    .where('managing_site.kind', '=', 'accountAdministration')
    .where('managing_site.archived_at', 'is', null)
    .where('managed_hospital.archived_at', 'is', null)
}

/** Whether the account registered on a « Site administrateur comptes » (its activation is the super-administrators'). */
export async function holdsAccountAdministrationSite (db: Db, accountId: string): Promise<boolean> {
  return await selectAccountAdministrationSite(db, accountId).executeTakeFirst() !== undefined
}

/** One « Site administrateur comptes » of the account, if any; also usable as a subquery. */
export function selectAccountAdministrationSite (db: Db, accountId: string) {
  return selectAccountSites(db)
    .select('site.id')
    .where('account_site.account_id', '=', accountId)
    .where('site.kind', '=', 'accountAdministration')
    .limit(1)
}
