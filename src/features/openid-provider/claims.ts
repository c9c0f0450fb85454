/**
 * What a token says about its user, read from the database each time a token or a userinfo
 * answer is issued: a site added or removed shows in the next one. `sub` is the account's id,
 * never its email. An archived site, or a site of an archived hospital, grants nothing (as the
 * console's management rule, kernel/accounts/accounts.ts). A non-active account (unconfirmed,
 * pending activation, deactivated) is not found: the library then refuses codes, refresh tokens
 * and userinfo for it.
 */
import type { Db } from '../../kernel/db/database.ts'
import { selectManagedHospitalIds } from '../../kernel/accounts/accounts.ts'
import { selectAccountSites } from '../../kernel/accounts/account-sites.ts'
import { compiledOnce } from '../../kernel/db/compiled.ts'

export type BamaraRole = 'user' | 'account_manager' | 'superadmin'

export interface BamaraSiteClaim { id: string; code: string | null; title: string; hospital_id: string; hospital_finess: string }
export interface BamaraHospitalClaim { id: string; name: string; finess: string }

export interface AccountClaims {
  sub: string
  email: string
  email_verified: boolean
  given_name: string
  family_name: string
  bamara_role: BamaraRole
  bamara_hospitals: BamaraHospitalClaim[]
  /** The hospitals whose accounts it manages (account_manager): the role alone would not say which, a manager may hold data sites elsewhere. */
  bamara_managed_hospitals: BamaraHospitalClaim[]
  bamara_sites: BamaraSiteClaim[]
}

// Read at every userinfo call and every ID token: compiled once (named prepared statements on
// PostgreSQL), as the login's queries.
const claimedAccount = compiledOnce((db: Db, accountId: string) => db.selectFrom('account')
  .select(['id', 'email', 'first_name', 'last_name', 'is_superadmin', 'email_confirmed_at', 'activated_at', 'deactivated_at'])
  .where('id', '=', accountId))

const claimedSites = compiledOnce((db: Db, accountId: string) => selectAccountSites(db)
  .innerJoin('hospital', 'hospital.id', 'site.hospital_id')
  .select(['site.id', 'site.abbreviation', 'site.title', 'site.hospital_id', 'hospital.name as hospital_name', 'hospital.finess'])
  .where('account_site.account_id', '=', accountId)
  .where('site.kind', '!=', 'accountAdministration')
  .where('site.archived_at', 'is', null)
  .where('hospital.archived_at', 'is', null)
  .orderBy('site.sort_key').orderBy('site.id'))

const claimedManagedHospitals = compiledOnce((db: Db, accountId: string) => db.selectFrom('hospital')
  .select(['id', 'name', 'finess'])
  .where('id', 'in', selectManagedHospitalIds(db, accountId))
  .orderBy('sort_key').orderBy('id'))

/** The claims of an active account; undefined for any other status or an unknown id. */
export async function findActiveAccountClaims (db: Db, accountId: string): Promise<AccountClaims | undefined> {
  const account = await claimedAccount.first(db, accountId)
  if (!account || account.email_confirmed_at === null || account.activated_at === null || account.deactivated_at !== null) return undefined
  const { rows: sites } = await claimedSites(db, accountId)
  const hospitals = new Map<string, BamaraHospitalClaim>()
  for (const s of sites) hospitals.set(s.hospital_id, { id: s.hospital_id, name: s.hospital_name, finess: s.finess })
  const { rows: managed } = await claimedManagedHospitals(db, accountId)
  const role: BamaraRole = account.is_superadmin === 1 ? 'superadmin' : managed.length > 0 ? 'account_manager' : 'user'
  return {
    sub: account.id,
    email: account.email,
    email_verified: true,
    given_name: account.first_name,
    family_name: account.last_name,
    bamara_role: role,
    bamara_hospitals: [...hospitals.values()],
    bamara_managed_hospitals: managed,
    bamara_sites: sites.map((s) => ({ id: s.id, code: s.abbreviation, title: s.title, hospital_id: s.hospital_id, hospital_finess: s.finess })),
  }
}
