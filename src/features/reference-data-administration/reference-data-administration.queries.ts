/**
 * Database access of the reference-data pages: every hospital, site and profession, archived
 * ones included (the forms of other features read only those in use, through reference-data).
 */
import { sql } from 'kysely'
import type { Db } from '../../kernel/db/database.ts'
import type { SiteKind } from '../../kernel/db/schema.ts'
import type { SiteSummary } from '../reference-data/index.ts'
import { selectAccountSites } from '../../kernel/accounts/account-sites.ts'

export interface HospitalRecord { id: string; name: string; finess: string; city: string; archivedAt: number | null; domains: string[] }

export async function listAllHospitals (db: Db) {
  return db.selectFrom('hospital').select(['id', 'name', 'finess', 'city', 'archived_at']).orderBy('sort_key').orderBy('id').execute()
}

export async function findHospitalRecord (db: Db, id: string): Promise<HospitalRecord | undefined> {
  const row = await db.selectFrom('hospital').select(['id', 'name', 'finess', 'city', 'archived_at']).where('id', '=', id).executeTakeFirst()
  if (!row) return undefined
  const domains = await db.selectFrom('hospital_email_domain').select('domain').where('hospital_id', '=', id).orderBy('domain').execute()
  return { id: row.id, name: row.name, finess: row.finess, city: row.city, archivedAt: row.archived_at === null ? null : Number(row.archived_at), domains: domains.map((d) => d.domain) }
}

export async function isFinessTaken (db: Db, finess: string, exceptHospitalId: string | undefined): Promise<boolean> {
  let query = db.selectFrom('hospital').select('id').where('finess', '=', finess)
  if (exceptHospitalId) query = query.where('id', '<>', exceptHospitalId)
  return (await query.executeTakeFirst()) !== undefined
}

/** A site as the forms of other features see it, with the archiving date instead of the flag. */
export type SiteRecord = Omit<SiteSummary, 'archived'> & { archivedAt: number | null }

const siteColumns = ['id', 'hospital_id', 'title', 'abbreviation', 'lead_name', 'kind', 'filiere', 'archived_at'] as const

function toSiteRecord (row: { id: string; hospital_id: string; title: string; abbreviation: string | null; lead_name: string | null; kind: SiteKind; filiere: string | null; archived_at: number | null }): SiteRecord {
  return {
    id: row.id, hospitalId: row.hospital_id, title: row.title, abbreviation: row.abbreviation, leadName: row.lead_name,
    kind: row.kind, filiere: row.filiere, archivedAt: row.archived_at === null ? null : Number(row.archived_at),
  }
}

export async function findSiteRecord (db: Db, id: string): Promise<SiteRecord | undefined> {
  const row = await db.selectFrom('site').select(siteColumns).where('id', '=', id).executeTakeFirst()
  return row ? toSiteRecord(row) : undefined
}

/** Every site of a hospital with its number of accounts; the account-manager site first, then French order. */
export async function listSitesWithAccountCounts (db: Db, hospitalId: string) {
  const rows = await db.selectFrom('site').select(siteColumns).where('hospital_id', '=', hospitalId)
    .orderBy(sql`case when kind = 'accountAdministration' then 0 else 1 end`).orderBy('sort_key').orderBy('id')
    .execute()
  const counts = await selectAccountSites(db)
    .select(['account_site.site_id', (eb) => eb.fn.countAll<number>().as('accounts')])
    .where('site.hospital_id', '=', hospitalId).groupBy('account_site.site_id').execute()
  const bySite = new Map(counts.map((c) => [c.site_id, Number(c.accounts)]))
  return rows.map((r) => ({ ...toSiteRecord(r), accounts: bySite.get(r.id) ?? 0 }))
}

export async function countAccountsOfSite (db: Db, siteId: string): Promise<number> {
  const row = await db.selectFrom('account_site').select((eb) => eb.fn.countAll<number>().as('n')).where('site_id', '=', siteId).executeTakeFirstOrThrow()
  return Number(row.n)
}

export interface ProfessionRecord { code: string; labelFr: string; labelEn: string; position: number; archivedAt: number | null }

export async function listAllProfessions (db: Db): Promise<ProfessionRecord[]> {
  const rows = await db.selectFrom('profession').select(['code', 'label_fr', 'label_en', 'position', 'archived_at']).orderBy('position').orderBy('code').execute()
  return rows.map((r) => ({ code: r.code, labelFr: r.label_fr, labelEn: r.label_en, position: Number(r.position), archivedAt: r.archived_at === null ? null : Number(r.archived_at) }))
}

export async function findProfessionRecord (db: Db, code: string): Promise<ProfessionRecord | undefined> {
  return (await listAllProfessions(db)).find((p) => p.code === code)
}
