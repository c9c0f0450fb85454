/**
 * Demo data (foundation issue, « Reference data »): the hospitals of `seed/hospitals.csv` (real
 * FINESS numbers, cities and names; invented institutional email domains), each with 20–80
 * sites drawn across the 23 filières of `seed/filieres.csv` and its « Site administrateur
 * comptes (Nom) », plus demo accounts in every state the admin guide §2 names, among them
 * « Mme Démo Admin », account manager of AP-HP, and a super-administrator.
 *
 * Loaded at start with the embedded database (DEMO_DATA) or by `npm run cli -- demo-data`.
 * It does nothing once a hospital exists, and writes everything in one transaction. All demo
 * accounts share one password, hashed once, so the start stays fast.
 */
import fs from 'node:fs'
import { randomUUID } from 'node:crypto'
import type { Db } from '../../kernel/db/database.ts'
import type { Civility, SiteKind } from '../../kernel/db/schema.ts'
import { accountStatus, insertAccount } from '../../kernel/accounts/accounts.ts'
import { hashPassword } from '../../kernel/security/passwords.ts'
import { foldForSearch } from '../../kernel/text.ts'
import { frenchSortKey } from '../../kernel/french-order.ts'
import { days, hours } from '../../config.ts'
import { parseCsv } from './csv.ts'
import { centreTitlesByFiliere, firstNames, lastNames, seededRandom, type Random } from './demo-catalogue.ts'
import { seedProfessions } from './professions.ts'
import { accountAdministrationSiteTitle, insertSites, type NewSite } from './reference-data.queries.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'

export interface DemoAccount {
  email: string
  password: string
  /** The guide's status (`unconfirmed`, `pendingActivation`, `active`, `deactivated`). */
  status: string
  /** What makes this account worth trying (role, lock, personal address…). */
  note?: string
}

/** The one password of every demo account (meets the policy of user guide §2.1). */
export const demoPassword = 'Tournesol-Violet-47!'

/** FINESS of the hospital « Mme Démo Admin » manages. */
export const demoAdminHospitalFiness = '750712184'

interface SeedHospital { finess: string; name: string; city: string; domains: string[] }
interface SeedFiliere { acronym: string; competenceKind: 'ccmr' | 'crc' }

const seedDirectory = new URL('./seed/', import.meta.url)

function readSeed (file: string): string[][] {
  const parsed = parseCsv(fs.readFileSync(new URL(file, seedDirectory), 'utf8'))
  if (parsed.outcome !== 'parsed') throw new Error(`seed/${file} is malformed (line ${parsed.line})`)
  return parsed.records.map((record) => record.fields)
}

function readSeedHospitals (): SeedHospital[] {
  return readSeed('hospitals.csv').map(([finess = '', name = '', city = '', domains = '']) => ({ finess, name, city, domains: domains.split(';') }))
}

function readSeedFilieres (): SeedFiliere[] {
  return readSeed('filieres.csv').map(([acronym = '', , kinds = '']) => ({ acronym, competenceKind: kinds.includes('CRC') ? 'crc' : 'ccmr' }))
}

/** Loads the demo data unless a hospital exists; returns the demo accounts created. */
export async function loadDemoData (ctx: FlowContext): Promise<DemoAccount[]> {
  const now = ctx.clock.now()
  if (await hasAnyHospital(ctx.db)) return []
  // The hash runs on argon2's own thread while this one draws and writes the sites: awaited
  // only by the accounts (and always awaited, so it never outlives a failed load).
  const passwordHash = hashPassword(demoPassword)
  try {
    await seedProfessions(ctx.db)
    const random = seededRandom(20210101)
    const hospitals = readSeedHospitals().map((h) => ({ ...h, id: randomUUID() }))
    const sites = drawSites(hospitals, readSeedFilieres(), random)
    return await ctx.db.transaction().execute(async (tx) => {
      // Two instances starting together on one database: the second one finds the first's data.
      if (await hasAnyHospital(tx)) return []
      await tx.insertInto('hospital').values(hospitals.map((h) => ({ id: h.id, name: h.name, sort_key: frenchSortKey(h.name), finess: h.finess, city: h.city, archived_at: null }))).execute()
      await tx.insertInto('hospital_email_domain').values(hospitals.flatMap((h) => h.domains.map((domain) => ({ hospital_id: h.id, domain })))).execute()
      await insertSites(tx, sites)
      const siteIds = await readSiteIds(tx)
      return insertDemoAccounts(tx, hospitals, siteIds, await passwordHash, random, now)
    })
  } finally {
    await passwordHash.catch(() => undefined)
  }
}

async function hasAnyHospital (db: Db): Promise<boolean> {
  return (await db.selectFrom('hospital').select('id').limit(1).executeTakeFirst()) !== undefined
}

const siteCountRange = { smallest: 20, largest: 80 }

/** The labelled sites of every hospital, and its account-manager site. */
function drawSites (hospitals: Array<SeedHospital & { id: string }>, filieres: SeedFiliere[], random: Random): NewSite[] {
  const titles = filieres.flatMap((filiere) => (centreTitlesByFiliere[filiere.acronym] ?? []).map((centre) => ({ ...centre, filiere })))
  // Each centre's coordinating site is at one hospital; the large ones coordinate more.
  const weights = hospitals.map((_, index) => [8, 3, 2][index] ?? 1)
  const coordinatorOf = titles.map(() => pickWeighted(weights, random))
  return hospitals.flatMap((hospital, index) => {
    const size = index === 0 ? siteCountRange.largest : random.between(siteCountRange.smallest, index < 3 ? 70 : 50)
    const coordinated = titles.filter((_, t) => coordinatorOf[t] === index)
    const others = random.shuffle(titles.filter((_, t) => coordinatorOf[t] !== index))
    const chosen = [...coordinated, ...others].slice(0, Math.max(size, coordinated.length))
    const labelled = chosen.map((centre): NewSite => {
      const kind: SiteKind = coordinated.includes(centre)
        ? 'crmrCoordinating'
        : random.next() < 0.35 ? 'crmrConstituent' : centre.filiere.competenceKind
      return {
        hospitalId: hospital.id,
        title: centre.title,
        abbreviation: centre.abbreviation ?? null,
        leadName: `${random.pick(random.next() < 0.5 ? firstNames.mme : firstNames.m)} ${random.pick(lastNames)}`,
        kind,
        filiere: centre.filiere.acronym,
      }
    })
    const administration: NewSite = { hospitalId: hospital.id, title: accountAdministrationSiteTitle(hospital.name), abbreviation: null, leadName: null, kind: 'accountAdministration', filiere: null }
    return [...labelled, administration]
  })
}

function pickWeighted (weights: number[], random: Random): number {
  let draw = random.next() * weights.reduce((sum, w) => sum + w, 0)
  for (let i = 0; i < weights.length; i++) {
    draw -= weights[i] as number
    if (draw < 0) return i
  }
  return weights.length - 1
}

interface HospitalSites { administration: string; labelled: string[] }

async function readSiteIds (tx: Db): Promise<Map<string, HospitalSites>> {
  const rows = await tx.selectFrom('site').select(['id', 'hospital_id', 'kind', 'title']).execute()
  // Sorted here, not in SQL: collations differ between engines and the demo must not.
  rows.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0))
  const byHospital = new Map<string, HospitalSites>()
  for (const row of rows) {
    const entry = byHospital.get(row.hospital_id) ?? { administration: '', labelled: [] }
    if (row.kind === 'accountAdministration') entry.administration = row.id
    else entry.labelled.push(row.id)
    byHospital.set(row.hospital_id, entry)
  }
  return byHospital
}

type DemoState = 'unconfirmed' | 'pendingActivation' | 'active' | 'deactivated'

interface DemoPerson {
  email: string
  civility: Civility
  firstName: string
  lastName: string
  profession: string
  state: DemoState
  siteIds: string[]
  locked?: boolean
  superadmin?: boolean
  note?: string
  /** How long before `now` the account was created. */
  age: number
}

async function insertDemoAccounts (tx: Db, hospitals: Array<SeedHospital & { id: string }>, siteIds: Map<string, HospitalSites>, passwordHash: string, random: Random, now: number): Promise<DemoAccount[]> {
  const [aphp, hcl] = [hospitals[0], hospitals[1]] as [SeedHospital & { id: string }, SeedHospital & { id: string }]
  const sitesOf = (hospital: { id: string }) => siteIds.get(hospital.id) as HospitalSites
  const someSites = (hospital: { id: string }, count: number) => random.shuffle(sitesOf(hospital).labelled).slice(0, count)
  const aphpDomain = aphp.domains[0] as string
  const hclDomain = hcl.domains[0] as string

  const people: DemoPerson[] = [
    { email: `demo.admin@${aphpDomain}`, civility: 'mme', firstName: 'Démo', lastName: 'Admin', profession: 'cadre-sante', state: 'active', siteIds: [sitesOf(aphp).administration], note: `gestionnaire de comptes ${aphp.name}`, age: days(400) },
    { email: `demo.superadmin@${aphpDomain}`, civility: 'm', firstName: 'Démo', lastName: 'Superadmin', profession: 'autre', state: 'active', siteIds: [], superadmin: true, note: 'super-administrateur', age: days(900) },
    { email: `demo.gestionnaire@${hclDomain}`, civility: 'm', firstName: 'Démo', lastName: 'Gestionnaire', profession: 'data-manager', state: 'active', siteIds: [sitesOf(hcl).administration], note: `gestionnaire de comptes ${hcl.name}`, age: days(300) },
    { email: `claire.lefevre@${aphpDomain}`, civility: 'mme', firstName: 'Claire', lastName: 'Lefèvre', profession: 'medecin', state: 'unconfirmed', siteIds: someSites(aphp, 1), note: 'email non confirmé', age: days(1) },
    { email: `hugo.perrin@${aphpDomain}`, civility: 'm', firstName: 'Hugo', lastName: 'Perrin', profession: 'interne', state: 'pendingActivation', siteIds: someSites(aphp, 1), note: 'en attente d’activation', age: days(3) },
    { email: `nathalie.guerin@${aphpDomain}`, civility: 'mme', firstName: 'Nathalie', lastName: 'Guérin', profession: 'medecin', state: 'active', siteIds: someSites(aphp, 2), note: 'actif', age: days(200) },
    { email: `olivier.roussel@${aphpDomain}`, civility: 'm', firstName: 'Olivier', lastName: 'Roussel', profession: 'arc', state: 'deactivated', siteIds: someSites(aphp, 1), note: 'désactivé', age: days(500) },
    { email: `sophie.meunier@${aphpDomain}`, civility: 'mme', firstName: 'Sophie', lastName: 'Meunier', profession: 'tec', state: 'active', siteIds: someSites(aphp, 1), locked: true, note: 'verrouillé', age: days(120) },
    { email: 'julien.marchal.demo@gmail.com', civility: 'm', firstName: 'Julien', lastName: 'Marchal', profession: 'psychologue', state: 'pendingActivation', siteIds: someSites(aphp, 1), note: 'adresse personnelle (gmail.com)', age: days(2) },
    { email: `camille.besnard@${aphpDomain}`, civility: 'mme', firstName: 'Camille', lastName: 'Besnard', profession: 'conseiller-genetique', state: 'active', siteIds: [...someSites(aphp, 1), ...someSites(hcl, 1)], note: `inscrite dans deux établissements (${aphp.name}, ${hcl.name})`, age: days(250) },
    { email: `laure.hamon@${aphpDomain}`, civility: 'mme', firstName: 'Laure', lastName: 'Hamon', profession: 'secretaire-medicale', state: 'pendingActivation', siteIds: [sitesOf(aphp).administration], note: 'inscrite sur le site administrateur comptes (demande aux super-administrateurs)', age: days(1) },
    ...drawOrdinaryPeople(aphp, aphpDomain, 12, sitesOf(aphp).labelled, random),
    ...drawOrdinaryPeople(hcl, hclDomain, 5, sitesOf(hcl).labelled, random),
  ]
  // An address already taken (the bootstrap super-administrator's, say) keeps its owner: demo data
  // never stands in the way of the accounts a deployment creates.
  const taken = new Set((await tx.selectFrom('account').select('email').execute()).map((a) => a.email))
  const demoSuperadmin = people[1] as DemoPerson
  const superadminId = taken.has(demoSuperadmin.email) ? undefined : await insertDemoPerson(tx, demoSuperadmin, passwordHash, undefined, now)
  const created: DemoAccount[] = superadminId ? [{ email: demoSuperadmin.email, password: demoPassword, status: 'active', note: demoSuperadmin.note }] : []
  for (const person of people.filter((p, index) => index !== 1 && !taken.has(p.email))) {
    await insertDemoPerson(tx, person, passwordHash, superadminId, now)
    created.push({ email: person.email, password: demoPassword, status: stateLabel(person.state), ...(person.note ? { note: person.note } : {}) })
  }
  return created
}

function stateLabel (state: DemoState): string {
  const at = 1
  return accountStatus({
    email_confirmed_at: state === 'unconfirmed' ? null : at,
    activated_at: state === 'active' || state === 'deactivated' ? at : null,
    deactivated_at: state === 'deactivated' ? at : null,
  })
}

/** Ordinary users with invented names, in a mix of states, for the account lists. */
function drawOrdinaryPeople (hospital: { name: string }, domain: string, count: number, siteIds: string[], random: Random): DemoPerson[] {
  const states: DemoState[] = ['active', 'active', 'active', 'pendingActivation', 'unconfirmed', 'deactivated']
  const professions = ['medecin', 'interne', 'arc', 'tec', 'secretaire-medicale', 'infirmier', 'sage-femme', 'psychologue', 'data-manager', 'foetopathologiste']
  const seen = new Set<string>()
  const people: DemoPerson[] = []
  while (people.length < count) {
    const civility: Civility = random.next() < 0.6 ? 'mme' : 'm'
    const firstName = random.pick(firstNames[civility])
    const lastName = random.pick(lastNames)
    const email = `${emailWord(firstName)}.${emailWord(lastName)}@${domain}`
    if (seen.has(email)) continue
    seen.add(email)
    people.push({
      email, civility, firstName, lastName,
      profession: random.pick(professions),
      state: random.pick(states),
      siteIds: random.shuffle(siteIds).slice(0, random.between(1, 3)),
      note: `utilisateur ${hospital.name}`,
      age: days(random.between(1, 700)),
    })
  }
  return people
}

function emailWord (name: string): string {
  return foldForSearch(name).replace(/[^a-z0-9]+/g, '-')
}

async function insertDemoPerson (tx: Db, person: DemoPerson, passwordHash: string, activatedBy: string | undefined, now: number): Promise<string> {
  const createdAt = now - person.age
  const confirmedAt = person.state === 'unconfirmed' ? null : createdAt + hours(1)
  const activatedAt = person.state === 'active' || person.state === 'deactivated' ? createdAt + days(1) : null
  const id = await insertAccount(tx, {
    email: person.email,
    civility: person.civility,
    lastName: person.lastName,
    firstName: person.firstName,
    professionCode: person.profession,
    passwordHash,
    siteIds: person.siteIds,
    confirmedAt,
    activatedAt,
    isSuperadmin: person.superadmin,
  }, createdAt)
  await tx.updateTable('account').where('id', '=', id).set({
    activated_by: activatedAt === null ? null : activatedBy ?? null,
    deactivated_at: person.state === 'deactivated' ? now - days(10) : null,
    deactivated_by: person.state === 'deactivated' ? activatedBy ?? null : null,
    locked_at: person.locked ? now - hours(2) : null,
    failed_password_count: person.locked ? 3 : 0,
    last_login_at: activatedAt === null ? null : now - days(2),
  }).execute()
  return id
}
