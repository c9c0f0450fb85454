/**
 * The console's reads (admin guide « L'interface de gestion » §1–3): the scoped user list with
 * its filters and counts, the sites shown on each line, and the reference lists of the filters.
 * Every account query starts from `selectManagedAccounts` (house style rule 10).
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import type { Db } from '../../kernel/db/database.ts'
import type { Database, SiteKind } from '../../kernel/db/schema.ts'
import { accountColumns, statusCondition, type AccountStatus } from '../../kernel/accounts/accounts.ts'
import { escapeLike, foldForSearch } from '../../kernel/text.ts'
import { selectManagedAccounts, selectManagedListing, type Manager } from '../../kernel/accounts/managed-accounts.ts'
import { selectAccountSites, selectAccountsWithSites } from '../../kernel/accounts/account-sites.ts'

export const pageSize = 50

export interface ListFilters {
  status?: AccountStatus
  lockedOnly?: boolean
  siteId?: string
  professionCode?: string
  /** Super-administrators only; ignored for account managers (their scope is their hospitals). */
  hospitalId?: string
  search?: string
  sort: 'registration' | 'name'
  page: number
}

function accountsWithSiteIn (db: Db, column: 'site.id' | 'site.hospital_id', value: string) {
  return selectAccountSites(db)
    .select('account_site.account_id').where(column, '=', value)
}

type Filters = Omit<ListFilters, 'sort' | 'page'>

/**
 * The filters' conditions, on `account` columns that `account_hospital` copies under the same
 * names (hence usable on either scope query); `id` names the account id column of that query.
 */
function filterConditions (db: Db, filters: Filters, id: 'account.id' | 'account.account_id') {
  const conditions: Array<(eb: ExpressionBuilder<Database, 'account'>) => Expression<SqlBool>> = []
  if (filters.siteId) conditions.push(() => sql<SqlBool>`${sql.ref(id)} in (${accountsWithSiteIn(db, 'site.id', filters.siteId as string)})`)
  if (filters.status) conditions.push(() => statusCondition(filters.status as AccountStatus))
  if (filters.lockedOnly) conditions.push(() => sql<SqlBool>`account.locked_at is not null`)
  if (filters.professionCode) conditions.push(() => sql<SqlBool>`account.profession_code = ${filters.professionCode}`)
  const term = foldForSearch(filters.search ?? '')
  if (term !== '') conditions.push(() => sql<SqlBool>`account.search_text like ${`%${escapeLike(term)}%`} escape '\\'`)
  return conditions
}

/**
 * The ids of the scope, filtered. An account manager's scope (or a super-administrator's with a
 * hospital filter) is read from `account_hospital`: one contiguous range per hospital holding
 * every column filtered, sorted and counted on, instead of one lookup per account. A
 * super-administrator's whole scope is the account table itself.
 */
function selectFilteredIds (db: Db, manager: Manager, filters: Filters) {
  const listing = selectManagedListing(db, manager, filters.hospitalId)
  if (listing) {
    const conditions = filterConditions(db, filters, 'account.account_id')
    return listing.select('account.account_id as id').where((eb) => eb.and(conditions.map((c) => c(eb as never))))
  }
  const conditions = filterConditions(db, filters, 'account.id')
  return selectManagedAccounts(db, manager).select('account.id').where((eb) => eb.and(conditions.map((c) => c(eb))))
}

/**
 * One page of the list, and whether another follows (limit + 1: no count over the whole scope).
 * `size` is the page's length: the screen's pageSize, or larger batches for the CSV export.
 */
export async function listManagedAccounts (db: Db, manager: Manager, filters: ListFilters, size = pageSize) {
  // The page's ids first, sorted and paged within the scope's narrow rows, then only those 51
  // accounts read in full: sorting a large scope never drags every wide account row along.
  const ids = selectFilteredIds(db, manager, filters)
  const sorted = filters.sort === 'name'
    ? ids.orderBy('account.search_text').orderBy('id')
    : ids.orderBy('account.created_at', 'desc').orderBy('id', 'desc')
  // One statement (one round trip to PostgreSQL): the page's ids are a subquery.
  const pageIds = sorted.limit(size + 1).offset((filters.page - 1) * size)
  const query = db.selectFrom('account')
    .leftJoin('profession', 'profession.code', 'account.profession_code')
    .select([...accountColumns, 'profession.label_fr', 'profession.label_en'])
    .where('account.id', 'in', pageIds)
  const rows = await (filters.sort === 'name'
    ? query.orderBy('account.search_text').orderBy('account.id')
    : query.orderBy('account.created_at', 'desc').orderBy('account.id', 'desc')).execute()
  return { rows: rows.slice(0, size), hasNextPage: rows.length > size }
}

export type ListedAccount = Awaited<ReturnType<typeof listManagedAccounts>>['rows'][number]

export type StatusCounts = Record<AccountStatus, number> & { locked: number }

/** « 12 en attente d'activation »: counts over the whole scope (and hospital filter), not the search. */
export async function countManagedAccountsByStatus (db: Db, manager: Manager, hospitalId?: string): Promise<StatusCounts> {
  const count = (condition: Expression<SqlBool>) => sql<number>`sum(case when ${condition} then 1 else 0 end)`
  const counted = [
    count(statusCondition('unconfirmed')).as('unconfirmed'),
    count(statusCondition('pendingActivation')).as('pendingActivation'),
    count(statusCondition('active')).as('active'),
    count(statusCondition('deactivated')).as('deactivated'),
    count(sql<SqlBool>`account.locked_at is not null`).as('locked'),
  ]
  const listing = selectManagedListing(db, manager, hospitalId)
  const row = await (listing ? listing.select(counted) : selectManagedAccounts(db, manager).select(counted))
    .executeTakeFirstOrThrow()
  return {
    unconfirmed: Number(row.unconfirmed ?? 0),
    pendingActivation: Number(row.pendingActivation ?? 0),
    active: Number(row.active ?? 0),
    deactivated: Number(row.deactivated ?? 0),
    locked: Number(row.locked ?? 0),
  }
}

export interface LineSite { accountId: string; siteId: string; hospitalId: string; hospitalName: string; title: string; abbreviation: string | null; kind: SiteKind; leadName: string | null }

/** The sites of these accounts with their hospitals, in French order, in one query (the list's « Sites » column, an action's target). */
export async function findSitesOfAccounts (db: Db, accountIds: string[]): Promise<Map<string, LineSite[]>> {
  const bySite = new Map<string, LineSite[]>()
  if (accountIds.length === 0) return bySite
  const rows = await selectAccountSites(db)
    .innerJoin('hospital', 'hospital.id', 'site.hospital_id')
    .select(['account_site.account_id', 'site.id', 'site.hospital_id', 'hospital.name', 'site.title', 'site.abbreviation', 'site.kind', 'site.lead_name'])
    .where('account_site.account_id', 'in', accountIds)
    .orderBy('site.sort_key').orderBy('site.id')
    .execute()
  for (const r of rows) {
    const line = bySite.get(r.account_id) ?? []
    line.push({ accountId: r.account_id, siteId: r.id, hospitalId: r.hospital_id, hospitalName: r.name, title: r.title, abbreviation: r.abbreviation, kind: r.kind, leadName: r.lead_name })
    bySite.set(r.account_id, line)
  }
  return bySite
}

export function listHospitals (db: Db) {
  return db.selectFrom('hospital').select(['id', 'name', 'city']).where('archived_at', 'is', null).orderBy('sort_key').orderBy('id').execute()
}

export function listSitesOfHospitals (db: Db, hospitalIds: readonly string[]) {
  if (hospitalIds.length === 0) return Promise.resolve([])
  return db.selectFrom('site').select(['id', 'title', 'abbreviation', 'hospital_id'])
    .where('hospital_id', 'in', [...hospitalIds]).where('archived_at', 'is', null)
    .orderBy('sort_key').orderBy('id').execute()
}

/**
 * Account-manager requests for the super-administrators: accounts registered on a
 * « Site administrateur comptes » that no one activated yet.
 */
export function listAccountManagerRequests (db: Db) {
  return selectAccountsWithSites(db)
    .innerJoin('hospital', 'hospital.id', 'site.hospital_id')
    .select([...accountColumns, 'hospital.name as hospital_name'])
    .where('site.kind', '=', 'accountAdministration')
    .where('account.activated_at', 'is', null)
    .where('account.deactivated_at', 'is', null)
    .orderBy('account.created_at').orderBy('account.id')
    .limit(500)
    .execute()
}
