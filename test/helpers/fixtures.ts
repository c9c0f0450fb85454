/**
 * Test data: two hospitals (A and B) with a few sites each and their account-manager site,
 * and accounts in any state. Written straight to the database through the kernel.
 */
import { randomUUID } from 'node:crypto'
import type { Db } from '../../src/kernel/db/database.ts'
import type { SiteKind } from '../../src/kernel/db/schema.ts'
import { insertAccount } from '../../src/kernel/accounts/accounts.ts'
import { hashPassword } from '../../src/kernel/security/passwords.ts'
import { foldForSearch } from '../../src/kernel/text.ts'
import { frenchSortKey } from '../../src/kernel/french-order.ts'

export const testPassword = 'Orchidée-Bleue-42!'

export interface TestHospital { id: string; name: string; adminSiteId: string; siteIds: string[] }

export async function createHospital (db: Db, name: string, finess: string, domain: string): Promise<TestHospital> {
  const id = randomUUID()
  await db.insertInto('hospital').values({ id, name, sort_key: frenchSortKey(name), finess, city: 'Ville', archived_at: null }).execute()
  await db.insertInto('hospital_email_domain').values({ hospital_id: id, domain }).execute()
  const adminSiteId = await createSite(db, id, { title: `Site administrateur comptes (${name})`, kind: 'accountAdministration' })
  const siteIds = [
    await createSite(db, id, { title: 'Malformations ORL rares', abbreviation: 'MALO', leadName: 'Duflo', kind: 'crmrCoordinating', filiere: 'TETECOU' }),
    await createSite(db, id, { title: 'Maladies rénales rares', abbreviation: 'MARHEA', leadName: 'Lévêque', kind: 'crmrConstituent', filiere: 'ORKiD' }),
    await createSite(db, id, { title: 'Centre de compétence mucoviscidose', abbreviation: null, leadName: 'Martin', kind: 'crc', filiere: 'MUCO-CFTR' }),
  ]
  return { id, name, adminSiteId, siteIds }
}

export async function createSite (db: Db, hospitalId: string, site: { title: string; abbreviation?: string | null; leadName?: string | null; kind: SiteKind; filiere?: string }): Promise<string> {
  const id = randomUUID()
  await db.insertInto('site').values({
    id,
    hospital_id: hospitalId,
    title: site.title,
    abbreviation: site.abbreviation ?? null,
    lead_name: site.leadName ?? null,
    kind: site.kind,
    filiere: site.filiere ?? null,
    search_text: foldForSearch([site.title, site.abbreviation, site.leadName].filter(Boolean).join(' ')),
    sort_key: frenchSortKey(site.title),
    archived_at: null,
  }).execute()
  return id
}

export async function createTwoHospitals (db: Db) {
  const a = await createHospital(db, 'CHU de Test A', '750712184', 'chu-a.fr')
  const b = await createHospital(db, 'CHU de Test B', '690781810', 'chu-b.fr')
  return { a, b }
}

let cachedHash: Promise<string> | undefined
/** The argon2 hash of testPassword, computed once per test file. */
export function testPasswordHash () {
  cachedHash ??= hashPassword(testPassword)
  return cachedHash
}

export type TestAccountState = 'unconfirmed' | 'pendingActivation' | 'active' | 'deactivated'

/** The super-administrator most console suites act as: Admin Super, super@bndmr.fr, no site. */
export function createSuperadminAccount (db: Db): Promise<string> {
  return createAccount(db, { email: 'super@bndmr.fr', siteIds: [], isSuperadmin: true, lastName: 'Super', firstName: 'Admin' })
}

/** What a test account may be given; the rest takes the fixtures' defaults. */
export interface TestAccountFields {
  email: string
  siteIds: string[]
  state?: TestAccountState
  lastName?: string
  firstName?: string
  isSuperadmin?: boolean
  locked?: boolean
  now?: number
}

export async function createAccount (db: Db, fields: TestAccountFields): Promise<string> {
  const now = fields.now ?? Date.UTC(2026, 0, 1)
  const state = fields.state ?? 'active'
  const id = await db.transaction().execute((tx) => insertAccount(tx, {
    email: fields.email,
    civility: 'mme',
    lastName: fields.lastName ?? 'Dupont',
    firstName: fields.firstName ?? 'Claire',
    professionCode: 'medecin',
    passwordHash: '',
    siteIds: fields.siteIds,
    confirmedAt: state === 'unconfirmed' ? null : now,
    activatedAt: state === 'active' || state === 'deactivated' ? now : null,
    isSuperadmin: fields.isSuperadmin,
  }, now))
  await db.updateTable('account').where('id', '=', id).set({
    password_hash: await testPasswordHash(),
    deactivated_at: state === 'deactivated' ? now : null,
    locked_at: fields.locked ? now : null,
    failed_password_count: fields.locked ? 3 : 0,
  }).execute()
  return id
}
