/**
 * The benchmark's data set (issue 7, scenario 4): 100,000 accounts over ~60 hospitals and
 * ~2,500 sites, one hospital holding 15,000 of them, written with multi-row INSERTs in one
 * transaction per table (seconds, not minutes). Every account shares one argon2id hash made
 * with the production parameters, so the login scenarios verify a real hash.
 *
 * Names are French with accents (« Lévêque », « Hélène ») so the console's search is exercised
 * with and without them; statuses follow a plausible mix (70% active, 10% of each other status,
 * ~1% of the active accounts locked).
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../src/kernel/db/database.ts'
import type { NewAccount, SiteKind } from '../../src/kernel/db/schema.ts'
import { accountSearchText } from '../../src/kernel/accounts/accounts.ts'
import { hashPassword } from '../../src/kernel/security/passwords.ts'
import { foldForSearch } from '../../src/kernel/text.ts'
import { migrateToLatest } from '../../src/kernel/db/migrate.ts'
import { seedProfessions } from '../../src/features/reference-data/index.ts'

export const benchPassword = 'Banc-d’essai 2024 !'

export interface SeedSize {
  accounts: number
  hospitals: number
  sites: number
  bigHospitalAccounts: number
  bigHospitalSites: number
}

export const fullSize: SeedSize = { accounts: 100_000, hospitals: 60, sites: 2_500, bigHospitalAccounts: 15_000, bigHospitalSites: 150 }

export interface LoginAccount { id: string; email: string }

export interface SeededData {
  /** The account manager of the big hospital (its « Site administrateur comptes », active). */
  managerId: string
  superadminId: string
  bigHospitalId: string
  /** Active, unlocked, plain users outside the big hospital: each used by one login at most. */
  loginAccounts: LoginAccount[]
  seconds: number
}

const lastNames = [
  'Martin', 'Bernard', 'Lévêque', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel',
  'Girard', 'André', 'Lefebvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand',
  'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin',
  'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson', 'Sanchez',
  'Gérard', 'Nguyen', 'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier', 'Roger', 'Roche', 'Roy', 'Noël',
  'Meyer', 'Lucas', 'Meunier', 'Jean', 'Pérez', 'Marchand', 'Dufour', 'Blanchard', 'Marie', 'Barbier', 'Brun',
  'Dumas', 'Brunet', 'Schmitt', 'Leroux', 'Colin', 'Fernandez', 'Pierre', 'Renard', 'Arnaud', 'Rolland', 'Caron',
  'Aubert', 'Giraud', 'Leclerc', 'Vidal', 'Bourgeois', 'Renaud', 'Lemoine', 'Picard', 'Gaillard', 'Philippe',
  'Lacroix', 'Fabre', 'Dupuis', 'Olivier', 'Rodriguez', 'Da Silva', 'Hubert', 'Louis', 'Charles', 'Guillot',
  'Rivière', 'Le Gall', 'Guillaume', 'Adam', 'Rey', 'Moulin', 'Gonzalez', 'Berger', 'Lecomte', 'Ménard', 'Fleury',
  'Deschamps', 'Carpentier', 'Julien', 'Benoît', 'Paris', 'Maillard', 'Marchal', 'Aubry', 'Vasseur', 'Le Roux',
  'Renault', 'Jacquet', 'Collet', 'Prévost', 'Poirier', 'Charpentier', 'Royer', 'Huet', 'Baron', 'Dupuy', 'Pons',
  'Carré', 'Breton', 'Rémy', 'Schneider', 'Perrot', 'Guyot', 'Barre', 'Marty', 'Cousin', 'Bœuf', 'Lætitia-Ravel',
]
const firstNames = [
  'Hélène', 'Jérôme', 'Françoise', 'Amélie', 'Chloé', 'Léa', 'Zoé', 'Noémie', 'Agnès', 'Cécile', 'Clémence',
  'Anaïs', 'Maëlle', 'Inès', 'Loïc', 'Gaël', 'Joël', 'Raphaël', 'Mathéo', 'Timothée', 'Stéphane', 'Frédéric',
  'Sébastien', 'Benoît', 'Jean', 'Marie', 'Pierre', 'Paul', 'Louis', 'Lucas', 'Hugo', 'Emma', 'Jade', 'Louise',
  'Alice', 'Camille', 'Sophie', 'Julie', 'Nathalie', 'Isabelle', 'Sylvie', 'Catherine', 'Christine', 'Nicolas',
  'Julien', 'Thomas', 'Antoine', 'Alexandre', 'Maxime', 'Guillaume', 'Romain', 'Vincent', 'Laurent', 'Olivier',
  'Éric', 'Émilie', 'Élodie', 'Ève', 'Œnone', 'Aurélien', 'Thérèse', 'Geneviève', 'Ségolène', 'Bérénice',
]
const siteKinds: SiteKind[] = ['crmrCoordinating', 'crmrConstituent', 'ccmr', 'crc', 'other']
const diseases = [
  'maladies héréditaires du métabolisme', 'mucoviscidose', 'drépanocytose', 'maladies neuromusculaires',
  'anomalies du développement', 'épilepsies rares', 'maladies auto-immunes', 'surdités génétiques',
  'maladies rénales rares', 'cardiomyopathies', 'hémophilie', 'maladies osseuses constitutionnelles',
]

/** A small deterministic PRNG (mulberry32): the same data set on every run and engine. */
function randomSource (seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T }
}

async function insertInBatches<T extends object> (tx: Db, table: 'hospital' | 'site' | 'account' | 'account_site', rows: T[], columns: number) {
  // Stay under SQLite's 32,766 bound parameters per statement (PostgreSQL allows 65,535).
  const batch = Math.max(1, Math.floor(30_000 / columns))
  for (let i = 0; i < rows.length; i += batch) {
    await tx.insertInto(table).values(rows.slice(i, i + batch) as never).execute()
  }
}

export async function seedBenchData (db: Db, size: SeedSize, now: number): Promise<SeededData> {
  const started = performance.now()
  await migrateToLatest(db)
  await seedProfessions(db)
  const passwordHash = await hashPassword(benchPassword)
  const random = randomSource(7)

  const hospitals = Array.from({ length: size.hospitals }, (_, i) => ({
    id: randomUUID(),
    name: i === 0 ? 'CHU Banc d’Essai (grand hôpital)' : `Centre hospitalier n° ${i}`,
    finess: `9${String(i).padStart(8, '0')}`,
    city: i === 0 ? 'Paris' : `Ville ${i}`,
    archived_at: null,
  }))
  const bigHospital = hospitals[0]!

  // Each hospital: its « Site administrateur comptes », then care sites.
  const sitesByHospital = new Map<string, string[]>()
  const adminSiteByHospital = new Map<string, string>()
  const sites: Array<Record<string, unknown>> = []
  const otherSitesEach = Math.floor((size.sites - size.bigHospitalSites) / Math.max(1, size.hospitals - 1))
  for (const [index, hospital] of hospitals.entries()) {
    const adminId = randomUUID()
    adminSiteByHospital.set(hospital.id, adminId)
    sites.push(siteRow(adminId, hospital.id, 'Site administrateur comptes', 'accountAdministration', null))
    const careSites: string[] = []
    const count = (index === 0 ? size.bigHospitalSites : otherSitesEach) - 1
    for (let s = 0; s < count; s++) {
      const id = randomUUID()
      careSites.push(id)
      const disease = random.pick(diseases)
      sites.push(siteRow(id, hospital.id, `Centre ${disease} — site ${s + 1}`, random.pick(siteKinds), `Dr ${random.pick(lastNames)}`))
    }
    sitesByHospital.set(hospital.id, careSites)
  }

  const professions = (await db.selectFrom('profession').select('code').execute()).map((p) => p.code)
  const accounts: NewAccount[] = []
  const accountSites: Array<{ account_id: string; site_id: string; added_at: number; added_by: null }> = []
  const loginAccounts: LoginAccount[] = []
  const span = 3 * 365 * 24 * 3600 * 1000
  const bigShare = size.bigHospitalAccounts / size.accounts
  let bigCount = 0
  for (let i = 0; i < size.accounts; i++) {
    // Spread the big hospital's accounts evenly over the registration order.
    const inBig = Math.floor((i + 1) * bigShare) > bigCount
    if (inBig) bigCount++
    const hospital = inBig ? bigHospital : hospitals[1 + (i % (size.hospitals - 1))]!
    const id = randomUUID()
    const email = `u${i}@bench.example.fr`
    const lastName = random.pick(lastNames)
    const firstName = random.pick(firstNames)
    const createdAt = now - span + Math.floor((i * span) / size.accounts)
    const roll = random.next()
    const status = roll < 0.7 ? 'active' : roll < 0.8 ? 'pending' : roll < 0.9 ? 'unconfirmed' : 'deactivated'
    const locked = status === 'active' && random.next() < 0.01
    accounts.push({
      id,
      email,
      civility: random.next() < 0.5 ? 'mme' : 'm',
      last_name: lastName,
      first_name: firstName,
      profession_code: random.pick(professions),
      password_hash: passwordHash,
      search_text: accountSearchText({ lastName, firstName, email }),
      created_at: createdAt,
      email_confirmed_at: status === 'unconfirmed' ? null : createdAt + 60_000,
      activated_at: status === 'active' || status === 'deactivated' ? createdAt + 86_400_000 : null,
      activated_by: null,
      deactivated_at: status === 'deactivated' ? createdAt + 2 * 86_400_000 : null,
      deactivated_by: null,
      locked_at: locked ? now - 3_600_000 : null,
      failed_password_count: locked ? 3 : 0,
      last_login_at: null,
      password_changed_at: createdAt,
      is_superadmin: 0,
      access_reviewed_at: null,
      access_reviewed_by: null,
    })
    accountSites.push({ account_id: id, site_id: random.pick(sitesByHospital.get(hospital.id)!), added_at: createdAt, added_by: null })
    // A few users work in two hospitals (read-only lines for an account manager, guide §3.4.3).
    if (random.next() < 0.03) {
      const other = hospitals[1 + ((i + 7) % (size.hospitals - 1))]!
      // Never the account's own hospital: the indexes differ by 7 modulo the other hospitals' count.
      accountSites.push({ account_id: id, site_id: random.pick(sitesByHospital.get(other.id)!), added_at: createdAt, added_by: null })
    }
    if (status === 'active' && !locked && !inBig) loginAccounts.push({ id, email })
  }

  const managerId = randomUUID()
  const managerEmail = 'gestionnaire@bench.example.fr'
  accounts.push({
    ...accounts[0]!,
    id: managerId,
    email: managerEmail,
    last_name: 'Gestionnaire',
    first_name: 'Béatrice',
    search_text: accountSearchText({ lastName: 'Gestionnaire', firstName: 'Béatrice', email: managerEmail }),
    email_confirmed_at: now - span,
    activated_at: now - span,
    deactivated_at: null,
    locked_at: null,
    failed_password_count: 0,
  })
  accountSites.push({ account_id: managerId, site_id: adminSiteByHospital.get(bigHospital.id)!, added_at: now - span, added_by: null })
  // A super-administrator: the national console, every hospital at once.
  const superadminId = randomUUID()
  const superadminEmail = 'superadmin@bench.example.fr'
  accounts.push({
    ...accounts[accounts.length - 1]!,
    id: superadminId,
    email: superadminEmail,
    last_name: 'National',
    first_name: 'Sophie',
    search_text: accountSearchText({ lastName: 'National', firstName: 'Sophie', email: superadminEmail }),
    is_superadmin: 1,
  })

  await db.transaction().execute(async (tx) => {
    await insertInBatches(tx, 'hospital', hospitals, 5)
    await insertInBatches(tx, 'site', sites, 9)
    await insertInBatches(tx, 'account', accounts, 21)
    await insertInBatches(tx, 'account_site', accountSites, 4)
  })
  // A running PostgreSQL gathers statistics and sets its visibility map by itself (autovacuum,
  // whose insert threshold fires within a minute of such a load); done at once here so the
  // benchmark measures that steady state (index-only scans of account_hospital). SQLite: at open.
  if (await isPostgres(db)) await sql`vacuum analyze`.execute(db)
  return { managerId, superadminId, bigHospitalId: bigHospital.id, loginAccounts, seconds: (performance.now() - started) / 1000 }
}

function siteRow (id: string, hospitalId: string, title: string, kind: SiteKind, leadName: string | null) {
  return {
    id, hospital_id: hospitalId, title, abbreviation: null, lead_name: leadName, kind, filiere: null,
    search_text: foldForSearch(`${title} ${leadName ?? ''}`), archived_at: null,
  }
}

async function isPostgres (db: Db): Promise<boolean> {
  try {
    await sql`select version()`.execute(db)
    return true
  } catch {
    return false
  }
}
