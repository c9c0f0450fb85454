/**
 * Hospital scope: admin guide « L'interface de gestion » §1 (the list shows the users who asked
 * for an account in *your* hospital), §3.4.3 (users registered in several hospitals are
 * read-only for an account manager) and the admin issue's « no escalation » rule.
 *
 * The one place for who may change whom (house style rule 10); who may see whom is
 * kernel/accounts/managed-accounts.ts:
 * - an account manager sees the accounts having at least one site in a hospital they manage;
 *   a super-administrator sees every account;
 * - an out-of-scope id gets the same 404 as a missing one (no way to probe other hospitals);
 * - an account manager changes an account only when they manage every hospital it is registered
 *   in, and never another account manager or a super-administrator;
 * - no escalation: an account manager never adds an account-manager site, never activates an
 *   account holding one, never deactivates themselves nor removes their own account-manager site.
 */
import type { Db } from '../../kernel/db/database.ts'
import type { SiteKind } from '../../kernel/db/schema.ts'
import { RequestRefused } from '../../kernel/web/errors.ts'
import { accountColumns } from '../../kernel/accounts/accounts.ts'
import { selectManagedAccounts, type Manager } from '../../kernel/accounts/managed-accounts.ts'

export interface TargetSite {
  id: string
  hospitalId: string
  hospitalName: string
  kind: SiteKind
  title: string
  abbreviation: string | null
  leadName: string | null
}

async function findTargetSites (db: Db, accountId: string): Promise<TargetSite[]> {
  const rows = await db.selectFrom('account_site')
    .innerJoin('site', 'site.id', 'account_site.site_id')
    .innerJoin('hospital', 'hospital.id', 'site.hospital_id')
    .select(['site.id', 'site.hospital_id', 'hospital.name', 'site.kind', 'site.title', 'site.abbreviation', 'site.lead_name'])
    .where('account_site.account_id', '=', accountId)
    .orderBy('site.sort_key').orderBy('site.id')
    .execute()
  return rows.map((r) => ({
    id: r.id, hospitalId: r.hospital_id, hospitalName: r.name, kind: r.kind, title: r.title, abbreviation: r.abbreviation, leadName: r.lead_name,
  }))
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** An account as the console acts on it: its fields (never the password hash), sites and hospitals. */
export async function findManagedAccount (db: Db, manager: Manager, accountId: unknown) {
  if (typeof accountId !== 'string' || !uuidPattern.test(accountId)) return undefined
  const account = await selectManagedAccounts(db, manager).select(accountColumns)
    .where('account.id', '=', accountId).executeTakeFirst()
  if (!account) return undefined
  const sites = await findTargetSites(db, accountId)
  return { ...account, sites, hospitalIds: [...new Set(sites.map((s) => s.hospitalId))] }
}

export type ManagedAccount = NonNullable<Awaited<ReturnType<typeof findManagedAccount>>>

/** Out of scope and missing look the same: one 404 (no probing of other hospitals' ids). */
export async function requireManagedAccount (db: Db, manager: Manager, accountId: unknown): Promise<ManagedAccount> {
  const account = await findManagedAccount(db, manager, accountId)
  if (account) return account
  throw new RequestRefused(404)
}

/**
 * Admin guide §3.4.3: a user registered in several different hospitals is read-only for every
 * account manager (name link and « Actions » disabled), even one who manages all of them: the
 * guide states it without exception. A super-administrator edits everyone.
 */
export function isEditableBy (manager: Manager, accountHospitalIds: readonly string[]): boolean {
  if (manager.isSuperadmin) return true
  return accountHospitalIds.length === 1 && manager.hospitalIds.includes(accountHospitalIds[0] as string)
}

/** What the scope rules look at: enough of a listed line or of a loaded account. */
export interface ScopeSubject {
  id: string
  is_superadmin: number
  activated_at: number | null
  hospitalIds: readonly string[]
  sites: ReadonlyArray<{ kind: SiteKind }>
}

export function holdsAccountManagerSite (account: Pick<ScopeSubject, 'sites'>): boolean {
  return account.sites.some((s) => s.kind === 'accountAdministration')
}

/**
 * Accounts only a super-administrator changes: super-administrators and account managers who
 * were activated (a pending request on the account-manager site stays correctable, guide §4.1).
 */
function isProtectedFrom (manager: Manager, account: ScopeSubject): boolean {
  if (manager.isSuperadmin || account.id === manager.id) return false
  return account.is_superadmin === 1 || (holdsAccountManagerSite(account) && account.activated_at !== null)
}

export type ScopeRefusal =
  | 'severalHospitals'
  | 'protectedAccount'
  | 'accountManagerSiteForbidden'
  | 'accountManagerActivationForbidden'
  | 'selfDeactivation'
  | 'selfDeletion'
  | 'ownAccountManagerSite'
  | 'siteOutOfScope'

/** Whether this manager may change anything on this account at all (edit, actions). */
export function refusalToChange (manager: Manager, account: ScopeSubject): ScopeRefusal | undefined {
  if (!isEditableBy(manager, account.hospitalIds)) return 'severalHospitals'
  if (isProtectedFrom(manager, account)) return 'protectedAccount'
  return undefined
}

export function refusalToActivate (manager: Manager, account: ScopeSubject): ScopeRefusal | undefined {
  const refusal = refusalToChange(manager, account)
  if (refusal) return refusal
  if (!manager.isSuperadmin && holdsAccountManagerSite(account)) return 'accountManagerActivationForbidden'
  return undefined
}

export function refusalToDeactivate (manager: Manager, account: ScopeSubject): ScopeRefusal | undefined {
  if (account.id === manager.id) return 'selfDeactivation'
  return refusalToChange(manager, account)
}

export interface CandidateSite { hospitalId: string; kind: SiteKind }

export function refusalToAddSite (manager: Manager, account: ScopeSubject, site: CandidateSite): ScopeRefusal | undefined {
  const refusal = refusalToChange(manager, account)
  if (refusal) return refusal
  if (manager.isSuperadmin) return undefined
  if (site.kind === 'accountAdministration') return 'accountManagerSiteForbidden'
  if (!manager.hospitalIds.includes(site.hospitalId)) return 'siteOutOfScope'
  return undefined
}

export function refusalToRemoveSite (manager: Manager, account: ScopeSubject, site: CandidateSite): ScopeRefusal | undefined {
  const refusal = refusalToChange(manager, account)
  if (refusal) return refusal
  if (account.id === manager.id && site.kind === 'accountAdministration') return 'ownAccountManagerSite'
  return undefined
}
