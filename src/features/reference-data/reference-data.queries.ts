/**
 * Reference-data queries: hospitals, their email domains and their sites. Read by the forms
 * (registration, the account console) through this feature's index.ts; written by the CSV
 * import and the demo data. Site searches match `search_text` (folded title, abbreviation and
 * lead), so they ignore case and accents the same way on SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../kernel/db/database.ts'
import type { SiteKind } from '../../kernel/db/schema.ts'
import { escapeLike, foldForSearch } from '../../kernel/text.ts'
import { frenchSortKey } from '../../kernel/french-order.ts'

export interface HospitalSummary { id: string; name: string; finess: string; city: string }

export interface SiteSummary {
  id: string
  hospitalId: string
  title: string
  abbreviation: string | null
  leadName: string | null
  kind: SiteKind
  filiere: string | null
  archived: boolean
}

/** Admin guide §2: each hospital's special site, reserved for its account managers. */
export function accountAdministrationSiteTitle (hospitalName: string): string {
  return `Site administrateur comptes (${hospitalName})`
}

export function siteSearchText (site: { title: string; abbreviation?: string | null; leadName?: string | null }): string {
  return foldForSearch([site.title, site.abbreviation, site.leadName].filter(Boolean).join(' '))
}

/** Hospitals in use (not archived), in French alphabetical order. */
export async function listHospitals (db: Db): Promise<HospitalSummary[]> {
  return db.selectFrom('hospital').select(['id', 'name', 'finess', 'city'])
    .where('archived_at', 'is', null).orderBy('sort_key').orderBy('id').execute()
}

export async function findHospital (db: Db, hospitalId: string): Promise<HospitalSummary | undefined> {
  return db.selectFrom('hospital').select(['id', 'name', 'finess', 'city'])
    .where('id', '=', hospitalId).where('archived_at', 'is', null).executeTakeFirst()
}

/** The institutional email domains of a hospital (e.g. `aphp.fr`), sorted. */
export async function hospitalEmailDomains (db: Db, hospitalId: string): Promise<string[]> {
  const rows = await db.selectFrom('hospital_email_domain').select('domain')
    .where('hospital_id', '=', hospitalId).orderBy('domain').execute()
  return rows.map((r) => r.domain)
}

const siteColumns = ['site.id', 'site.hospital_id', 'site.title', 'site.abbreviation', 'site.lead_name', 'site.kind', 'site.filiere', 'site.archived_at'] as const

type SiteRow = { id: string; hospital_id: string; title: string; abbreviation: string | null; lead_name: string | null; kind: SiteKind; filiere: string | null; archived_at: number | null }

function toSiteSummary (row: SiteRow): SiteSummary {
  return {
    id: row.id,
    hospitalId: row.hospital_id,
    title: row.title,
    abbreviation: row.abbreviation,
    leadName: row.lead_name,
    kind: row.kind,
    filiere: row.filiere,
    archived: row.archived_at !== null,
  }
}

/** Labelled sites first in French order, the account-manager site last. */
const accountManagerSiteLast = sql`case when kind = 'accountAdministration' then 1 else 0 end`

/** Every non-archived site of a hospital, the account-manager site last. */
export async function listSitesOfHospital (db: Db, hospitalId: string): Promise<SiteSummary[]> {
  const rows = await db.selectFrom('site').select(siteColumns)
    .where('hospital_id', '=', hospitalId).where('archived_at', 'is', null)
    .orderBy(accountManagerSiteLast).orderBy('sort_key').orderBy('id')
    .execute()
  return rows.map(toSiteSummary)
}

export interface SiteSearch {
  /** Only these hospitals' sites are returned; an empty list returns nothing. */
  hospitalIds: readonly string[]
  /** Words matched anywhere in the title, abbreviation or lead (all words must match). */
  term?: string
  limit?: number
}

/**
 * Admin guide §3.4.1: « Vous pouvez chercher le site par son intitulé, par son abréviation
 * lorsqu'elle existe ou bien par le nom du responsable du site ». Non-archived sites only.
 */
export async function searchSites (db: Db, search: SiteSearch): Promise<SiteSummary[]> {
  if (search.hospitalIds.length === 0) return []
  const words = foldForSearch(search.term ?? '').split(' ').filter(Boolean).slice(0, 8)
  let query = db.selectFrom('site').select(siteColumns)
    .where('hospital_id', 'in', [...search.hospitalIds])
    .where('archived_at', 'is', null)
  for (const word of words) {
    query = query.where(sql<boolean>`search_text like ${`%${escapeLike(word)}%`} escape '\\'`)
  }
  const rows = await query
    .orderBy(accountManagerSiteLast).orderBy('sort_key').orderBy('id')
    .limit(search.limit ?? 50)
    .execute()
  return rows.map(toSiteSummary)
}

/** The sites with these ids (archived ones included, flagged): callers check hospital and state. */
export async function findSitesByIds (db: Db, ids: readonly string[]): Promise<SiteSummary[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('site').select(siteColumns).where('id', 'in', [...ids]).execute()
  return rows.map(toSiteSummary)
}

/** A site about to be inserted: a summary before it has an id and a state. */
export type NewSite = Omit<SiteSummary, 'id' | 'archived'>

export function siteValues (site: NewSite) {
  return {
    id: randomUUID(),
    hospital_id: site.hospitalId,
    title: site.title,
    abbreviation: site.abbreviation,
    lead_name: site.leadName,
    kind: site.kind,
    filiere: site.filiere,
    search_text: siteSearchText(site),
    sort_key: frenchSortKey(site.title),
    archived_at: null,
  }
}

/** Inserts many rows in chunks (SQLite bounds the number of bound parameters per statement). */
export async function insertSites (tx: Db, sites: readonly NewSite[]): Promise<void> {
  for (let start = 0; start < sites.length; start += 200) {
    await tx.insertInto('site').values(sites.slice(start, start + 200).map(siteValues)).execute()
  }
}
