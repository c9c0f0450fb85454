/**
 * The access review's reads and writes (issue 5 « Annual access review »). Scope comes from the
 * console's `selectManagedAccounts`; on top of it, `reviewableBy` keeps the accounts this
 * reviewer may decide on, with the console's rules (admin guide §3.4.3 and « no escalation »):
 * an account manager reviews the accounts registered only in hospitals they manage, never
 * another account manager, a super-administrator or themselves; a super-administrator reviews
 * everyone but themselves.
 */
import { sql, type ExpressionBuilder } from 'kysely'
import type { Db } from '../../kernel/db/database.ts'
import type { Database } from '../../kernel/db/schema.ts'
import { selectManagedAccounts, selectManagedListing, type Manager } from '../../kernel/accounts/managed-accounts.ts'

/** Active accounts whose last review (activation counts as one) is `interval` old or more. */
function isDue (eb: ExpressionBuilder<Database, 'account'>, now: number, interval: number) {
  return eb.and([
    eb('account.activated_at', 'is not', null),
    eb('account.deactivated_at', 'is', null),
    eb.or([eb('account.access_reviewed_at', 'is', null), eb('account.access_reviewed_at', '<=', now - interval)]),
  ])
}

function sitesWhere (db: Db) {
  return db.selectFrom('account_site').innerJoin('site', 'site.id', 'account_site.site_id').select('account_site.account_id')
}

export function selectReviewableAccounts (db: Db, reviewer: Manager) {
  let query = selectManagedAccounts(db, reviewer).where('account.id', '!=', reviewer.id)
  if (reviewer.isSuperadmin) return query
  query = query
    .where('account.is_superadmin', '=', 0)
    .where('account.id', 'not in', sitesWhere(db).where('site.kind', '=', 'accountAdministration'))
  if (reviewer.hospitalIds.length > 0) {
    query = query.where('account.id', 'not in', sitesWhere(db).where('site.hospital_id', 'not in', [...reviewer.hospitalIds]))
  }
  // Admin guide §3.4.3: users registered in several hospitals are the super-administrators' to
  // decide on, even for a manager of all those hospitals (as in the console).
  return query.where(({ not, exists, selectFrom }) => not(exists(selectFrom('account_site as mine')
    .innerJoin('site as first_site', 'first_site.id', 'mine.site_id')
    .innerJoin('account_site as other', 'other.account_id', 'mine.account_id')
    .innerJoin('site as other_site', 'other_site.id', 'other.site_id')
    .select('mine.site_id')
    .whereRef('mine.account_id', '=', 'account.id')
    .whereRef('first_site.hospital_id', '<>', 'other_site.hospital_id'))))
}

export function selectDueReviews (db: Db, reviewer: Manager, now: number, interval: number) {
  return selectReviewableAccounts(db, reviewer).where((eb) => isDue(eb, now, interval))
}

/**
 * How many reviews are due (shown on the console's landing page). For an account manager it is
 * read from the hospital listing (`selectManagedListing`, one range per hospital, issue 7) with
 * the same rules as `selectReviewableAccounts`: registered in one hospital only, theirs
 * (`hospital_count = 1`), not themselves, not a super-administrator, no account-manager site.
 * The test « the landing count equals the due list » holds both to the same answer.
 */
export async function countDueReviews (db: Db, reviewer: Manager, now: number, interval: number): Promise<number> {
  const listing = reviewer.isSuperadmin ? undefined : selectManagedListing(db, reviewer)
  const query = listing
    ? listing
      .where('account.hospital_count', '=', 1)
      .where('account.account_id', '!=', reviewer.id)
      .where('account.is_superadmin', '=', 0)
      .where('account.account_id', 'not in', sitesWhere(db).where('site.kind', '=', 'accountAdministration'))
      .where((eb) => eb.and([
        eb('account.activated_at', 'is not', null),
        eb('account.deactivated_at', 'is', null),
        eb.or([eb('account.access_reviewed_at', 'is', null), eb('account.access_reviewed_at', '<=', now - interval)]),
      ]))
    : selectDueReviews(db, reviewer, now, interval)
  const row = await query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst()
  return Number(row?.n ?? 0)
}

export interface DueReview {
  id: string
  email: string
  civility: 'mme' | 'm'
  lastName: string
  firstName: string
  professionCode: string
  activatedAt: number | null
  reviewedAt: number | null
  lastLoginAt: number | null
}

/** The due reviews, oldest review first, at most `limit`. */
export async function listDueReviews (db: Db, reviewer: Manager, now: number, interval: number, limit: number): Promise<DueReview[]> {
  const rows = await selectDueReviews(db, reviewer, now, interval)
    .select(['account.id', 'account.email', 'account.civility', 'account.last_name', 'account.first_name', 'account.profession_code',
      'account.activated_at', 'account.access_reviewed_at', 'account.last_login_at'])
    .orderBy(sql`coalesce(account.access_reviewed_at, 0)`).orderBy('account.search_text').orderBy('account.id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    id: r.id, email: r.email, civility: r.civility, lastName: r.last_name, firstName: r.first_name, professionCode: r.profession_code,
    activatedAt: r.activated_at === null ? null : Number(r.activated_at),
    reviewedAt: r.access_reviewed_at === null ? null : Number(r.access_reviewed_at),
    lastLoginAt: r.last_login_at === null ? null : Number(r.last_login_at),
  }))
}

export interface SiteOfAccount { accountId: string; hospitalId: string; title: string; abbreviation: string | null }

export async function findSitesOfAccounts (db: Db, accountIds: string[]): Promise<SiteOfAccount[]> {
  if (accountIds.length === 0) return []
  const rows = await db.selectFrom('account_site').innerJoin('site', 'site.id', 'account_site.site_id')
    .select(['account_site.account_id', 'site.hospital_id', 'site.title', 'site.abbreviation'])
    .where('account_site.account_id', 'in', accountIds)
    .orderBy('site.sort_key').orderBy('site.id')
    .execute()
  return rows.map((r) => ({ accountId: r.account_id, hospitalId: r.hospital_id, title: r.title, abbreviation: r.abbreviation }))
}

export interface HospitalProgress { hospitalId: string; name: string; active: number; due: number }

/**
 * Per hospital: active accounts and how many are due (an account in two hospitals counts in both).
 * With a reviewer, only the accounts this reviewer decides on (`selectReviewableAccounts`): the
 * « Revues à effectuer » of a hospital then counts exactly the accounts the page lists for it.
 */
export async function findReviewProgress (db: Db, hospitalIds: readonly string[] | 'all', now: number, interval: number, reviewer?: Manager): Promise<HospitalProgress[]> {
  if (hospitalIds !== 'all' && hospitalIds.length === 0) return []
  let query = db.selectFrom('hospital')
    .innerJoin('site', 'site.hospital_id', 'hospital.id')
    .innerJoin('account_site', 'account_site.site_id', 'site.id')
    .innerJoin('account', 'account.id', 'account_site.account_id')
    .where('account.activated_at', 'is not', null)
    .where('account.deactivated_at', 'is', null)
    .select((eb) => [
      'hospital.id', 'hospital.name',
      eb.fn.count<number | string>('account.id').distinct().as('active'),
      sql<number | string>`count(distinct case when account.access_reviewed_at is null or account.access_reviewed_at <= ${now - interval} then account.id end)`.as('due'),
    ])
    .groupBy(['hospital.id', 'hospital.name', 'hospital.sort_key'])
    .orderBy('hospital.sort_key').orderBy('hospital.id')
  if (hospitalIds !== 'all') query = query.where('hospital.id', 'in', [...hospitalIds])
  if (reviewer) query = query.where('account.id', 'in', selectReviewableAccounts(db, reviewer).select('account.id'))
  const rows = await query.execute()
  return rows.map((r) => ({ hospitalId: r.id, name: r.name, active: Number(r.active), due: Number(r.due) }))
}

export async function findHospitalNames (db: Db, hospitalIds: readonly string[] | 'all') {
  let query = db.selectFrom('hospital').select(['id', 'name']).orderBy('sort_key').orderBy('id')
  if (hospitalIds !== 'all') {
    if (hospitalIds.length === 0) return []
    query = query.where('id', 'in', [...hospitalIds])
  }
  return query.execute()
}

/** Active account managers of a hospital: who the review emails go to. */
export async function findHospitalAccountManagers (db: Db, hospitalId: string) {
  return db.selectFrom('account')
    .innerJoin('account_site', 'account_site.account_id', 'account.id')
    .innerJoin('site', 'site.id', 'account_site.site_id')
    .select(['account.id', 'account.email', 'account.civility', 'account.last_name'])
    .where('site.hospital_id', '=', hospitalId)
    .where('site.kind', '=', 'accountAdministration')
    .where('site.archived_at', 'is', null)
    .where('account.activated_at', 'is not', null)
    .where('account.deactivated_at', 'is', null)
    .orderBy('account.email')
    .execute()
}

export async function markAccessReviewed (tx: Db, accountId: string, reviewerId: string, now: number): Promise<void> {
  await tx.updateTable('account').set({ access_reviewed_at: now, access_reviewed_by: reviewerId }).where('id', '=', accountId).execute()
}

/** Edits of the account's rights (console) since its last review: the review decision is then « edited ». */
export async function findEditsSince (tx: Db, accountId: string, since: number): Promise<string[]> {
  const rows = await tx.selectFrom('audit_event').select('type')
    .where('target_id', '=', accountId)
    .where('type', 'in', ['admin.accountEdited', 'admin.siteAdded', 'admin.siteRemoved'])
    .where('outcome', '=', 'success')
    .where('at', '>=', since)
    .execute()
  return [...new Set(rows.map((r) => r.type))]
}
