/**
 * The accounts a manager may see (admin guide « L'interface de gestion » §1: the list shows the
 * users who asked for an account in *your* hospital; house style rule 10): an account manager
 * sees the accounts having at least one site in a hospital they manage, a super-administrator
 * sees every account. Every feature that reads accounts for a manager (the console, the access
 * review) starts from these selectors; what a manager may *change* is the console's
 * hospital-scope.ts.
 */
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import type { CurrentAccount } from '../web/context.ts'
import { accountStatus, findManagedHospitalIds } from './accounts.ts'

export interface Manager {
  id: string
  isSuperadmin: boolean
  /** Hospitals whose « Site administrateur comptes » this manager holds. */
  hospitalIds: readonly string[]
}

export function managerFrom (account: CurrentAccount): Manager {
  return { id: account.id, isSuperadmin: account.isSuperadmin, hospitalIds: account.managedHospitalIds }
}

/**
 * The rights an account holds now, as a session would give them (an active account, its
 * account-manager sites, its super-administrator flag), or undefined when it is no longer an
 * active account manager or super-administrator. For a decision taken later than the request
 * that asked it (an emailed link): the rights are read again, never remembered.
 */
export async function findCurrentManager (db: Db, accountId: string): Promise<Manager | undefined> {
  const row = await db.selectFrom('account').select(['id', 'is_superadmin', 'email_confirmed_at', 'activated_at', 'deactivated_at'])
    .where('id', '=', accountId).executeTakeFirst()
  if (!row || accountStatus(row) !== 'active') return undefined
  const manager = { id: row.id, isSuperadmin: row.is_superadmin === 1, hospitalIds: await findManagedHospitalIds(db, row.id) }
  return manager.isSuperadmin || manager.hospitalIds.length > 0 ? manager : undefined
}

/** Every console query on accounts starts here: the accounts this manager may see. */
export function selectManagedAccounts (db: Db, manager: Manager) {
  const query = db.selectFrom('account')
  if (manager.isSuperadmin) return query
  if (manager.hospitalIds.length === 0) return query.where(sql<boolean>`1 = 0`)
  return query.where('account.id', 'in', db.selectFrom('account_hospital')
    .select('account_hospital.account_id')
    .where('account_hospital.hospital_id', 'in', [...manager.hospitalIds]))
}

/**
 * The same scope as `selectManagedAccounts`, for the walks over a whole hospital (the list, its
 * status counts, due reviews): rows of `account_hospital` (aliased `account`: the copied columns
 * keep the account's names; the id is `account.account_id`), one per account. Returns undefined
 * for a super-administrator without a hospital filter, whose scope (every account, with or
 * without a site) only `selectManagedAccounts` gives. Test: « the listing scope is the scope ».
 */
export function selectManagedListing (db: Db, manager: Manager, hospitalId?: string) {
  const hospitalIds = manager.isSuperadmin ? (hospitalId ? [hospitalId] : undefined) : manager.hospitalIds
  if (hospitalIds === undefined) return undefined
  const query = db.selectFrom('account_hospital as account')
  if (hospitalIds.length === 0) return query.where(sql<boolean>`1 = 0`)
  if (hospitalIds.length === 1) return query.where('account.hospital_id', '=', hospitalIds[0]!)
  // An account in several of these hospitals has one row in each: keep the first.
  return query.where('account.hospital_id', 'in', [...hospitalIds]).where((eb) => eb.or([
    eb('account.hospital_count', '=', 1),
    eb('account.hospital_id', '=', eb.selectFrom('account_hospital as other').select((o) => o.fn.min('other.hospital_id').as('first'))
      .whereRef('other.account_id', '=', 'account.account_id').where('other.hospital_id', 'in', [...hospitalIds])),
  ]))
}
