/**
 * Database access of the registration (explicit columns, executor first).
 */
import type { Db } from '../../kernel/db/database.ts'

export function listHospitals (db: Db) {
  return db.selectFrom('hospital').select(['id', 'name', 'city'])
    .where('archived_at', 'is', null)
    .orderBy('sort_key').orderBy('id')
    .execute()
}

export function findHospital (db: Db, hospitalId: string) {
  return db.selectFrom('hospital').select(['id', 'name'])
    .where('id', '=', hospitalId).where('archived_at', 'is', null)
    .executeTakeFirst()
}

export type RegistrationSite = Awaited<ReturnType<typeof listHospitalSites>>[number]

/** The hospital's open sites, its « Site administrateur comptes (…) » included, listed last. */
export async function listHospitalSites (db: Db, hospitalId: string) {
  const sites = await db.selectFrom('site')
    .select(['id', 'title', 'abbreviation', 'lead_name', 'kind', 'search_text'])
    .where('hospital_id', '=', hospitalId).where('archived_at', 'is', null)
    .orderBy('sort_key').orderBy('id')
    .execute()
  return [...sites.filter((s) => s.kind !== 'accountAdministration'), ...sites.filter((s) => s.kind === 'accountAdministration')]
}

export function findProfession (db: Db, code: string) {
  return db.selectFrom('profession').select(['code', 'label_fr'])
    .where('code', '=', code).where('archived_at', 'is', null)
    .executeTakeFirst()
}

export function findAccountByEmail (db: Db, normalizedEmail: string) {
  return db.selectFrom('account').select(['id']).where('email', '=', normalizedEmail).executeTakeFirst()
}
