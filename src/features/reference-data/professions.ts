/**
 * The professions reference table (a table, not an enum: super-administrators edit it).
 * Admin guide §3.2: the profession conditions some of the application's features.
 */
import type { Db } from '../../kernel/db/database.ts'

export const defaultProfessions: ReadonlyArray<{ code: string; fr: string; en: string }> = [
  { code: 'medecin', fr: 'Médecin', en: 'Physician' },
  { code: 'interne', fr: 'Interne', en: 'Resident' },
  { code: 'sage-femme', fr: 'Sage-femme', en: 'Midwife' },
  { code: 'infirmier', fr: 'Infirmier·ère', en: 'Nurse' },
  { code: 'conseiller-genetique', fr: 'Conseiller·ère en génétique', en: 'Genetic counsellor' },
  { code: 'psychologue', fr: 'Psychologue', en: 'Psychologist' },
  { code: 'arc', fr: 'Attaché·e de recherche clinique (ARC)', en: 'Clinical research associate (CRA)' },
  { code: 'tec', fr: 'Technicien·ne d’études cliniques (TEC)', en: 'Clinical study technician' },
  { code: 'data-manager', fr: 'Data manager', en: 'Data manager' },
  { code: 'secretaire-medicale', fr: 'Secrétaire médicale', en: 'Medical secretary' },
  { code: 'cadre-sante', fr: 'Cadre de santé', en: 'Healthcare manager' },
  { code: 'foetopathologiste', fr: 'Fœtopathologiste', en: 'Foetal pathologist' },
  { code: 'biologiste', fr: 'Biologiste', en: 'Biologist' },
  { code: 'dieteticien', fr: 'Diététicien·ne', en: 'Dietitian' },
  { code: 'kinesitherapeute', fr: 'Masseur·se-kinésithérapeute', en: 'Physiotherapist' },
  { code: 'assistant-social', fr: 'Assistant·e de service social', en: 'Social worker' },
  { code: 'autre', fr: 'Autre', en: 'Other' },
]

/** Inserts the professions that are missing; never overwrites an edited label. */
export async function seedProfessions (db: Db): Promise<void> {
  const existing = new Set((await db.selectFrom('profession').select('code').execute()).map((p) => p.code))
  const missing = defaultProfessions
    .map((p, position) => ({ code: p.code, label_fr: p.fr, label_en: p.en, position, archived_at: null }))
    .filter((p) => !existing.has(p.code))
  if (missing.length > 0) await db.insertInto('profession').values(missing).execute()
}

export function listProfessions (db: Db) {
  return db.selectFrom('profession').select(['code', 'label_fr', 'label_en'])
    .where('archived_at', 'is', null).orderBy('position').execute()
}
