/**
 * The « fiches patients »: a few fake records per site, all fictitious (the last names say so:
 * Exemple, Fictif, Démo…), generated from the site's hospital FINESS and code (its abbreviation,
 * or its title when it has none), so the same demo site shows the same records at every start,
 * and a site with the same code at another hospital shows others. Nothing here is a real person.
 *
 * The site comes from the token's `bamara_sites` claim; who may see what is decided by the
 * caller (app.ts), never here.
 */

export interface SiteClaim {
  id: string
  code: string | null
  title: string
  hospital_id: string
  hospital_finess: string
}

export interface HospitalClaim { id: string; name: string; finess: string }

export interface PatientRecord {
  /** 1, 2, 3…: its place in the site's list, and its address (/sites/<site id>/fiches/<number>). */
  number: number
  /** What the team writes on its forms: « MALO-184-02 ». */
  reference: string
  civility: 'Mme' | 'M.'
  firstName: string
  lastName: string
  birthYear: number
  followUp: string
  /** ISO date (YYYY-MM-DD). */
  lastVisit: string
}

const women = ['Léa', 'Inès', 'Chloé', 'Manon', 'Jade', 'Louise', 'Camille', 'Zoé', 'Alice', 'Rose']
const men = ['Lucas', 'Hugo', 'Nathan', 'Louis', 'Gabriel', 'Arthur', 'Jules', 'Paul', 'Adam', 'Noé']
// Invented on purpose: no real patient can be mistaken for one of these.
const fictitiousLastNames = ['EXEMPLE', 'FICTIF', 'DÉMO', 'ESSAI', 'MODÈLE', 'FACTICE', 'TÉMOIN', 'SPÉCIMEN']
const followUps = ['bilan initial', 'suivi annuel', 'consultation de transition enfant-adulte', 'confirmation génétique en attente', 'suivi semestriel', 'réunion de concertation pluridisciplinaire prévue']

/** The site's key for the records: its hospital's FINESS and its code (or title). */
export function siteKey (site: Pick<SiteClaim, 'code' | 'title' | 'hospital_finess'>): string {
  return `${site.hospital_finess}/${site.code ?? site.title}`
}

export function recordsOfSite (site: SiteClaim): PatientRecord[] {
  const random = seededRandom(siteKey(site))
  const count = 3 + Math.floor(random() * 3)
  const prefix = referencePrefix(site)
  const records: PatientRecord[] = []
  for (let number = 1; number <= count; number++) {
    const woman = random() < 0.5
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T
    const visit = new Date(Date.UTC(2025, Math.floor(random() * 12), 1 + Math.floor(random() * 28)))
    records.push({
      number,
      reference: `${prefix}-${site.hospital_finess.slice(-3)}-${String(number).padStart(2, '0')}`,
      civility: woman ? 'Mme' : 'M.',
      firstName: pick(woman ? women : men),
      lastName: pick(fictitiousLastNames),
      birthYear: 1950 + Math.floor(random() * 70),
      followUp: `${site.title} : ${pick(followUps)}`,
      lastVisit: visit.toISOString().slice(0, 10),
    })
  }
  return records
}

/** The code (« MALO »), or for a site without one the initials of its title's words (« Paraplégies spastiques héréditaires » → « PSH »). */
function referencePrefix (site: Pick<SiteClaim, 'code' | 'title'>): string {
  const plain = (text: string) => text.normalize('NFD').replace(/[^A-Za-z0-9\s’'-]/g, '')
  const fromCode = site.code ? plain(site.code).replace(/[^A-Za-z0-9]/g, '').toUpperCase() : ''
  if (fromCode) return fromCode
  const initials = plain(site.title).split(/[\s’'-]+/).filter((w) => w.length > 2).map((w) => w[0]).join('').toUpperCase()
  return initials || 'SITE'
}

/** mulberry32 seeded by the FNV-1a hash of the key: the same key, the same records. */
function seededRandom (key: string): () => number {
  let seed = 0x811c9dc5
  for (const char of key) seed = Math.imul(seed ^ (char.codePointAt(0) ?? 0), 0x01000193)
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
