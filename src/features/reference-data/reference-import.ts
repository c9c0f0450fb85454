/**
 * Import of real reference data from CSV (foundation issue, « Reference data »):
 * `npm run cli -- import-hospitals <file>` then `npm run cli -- import-sites <file>`.
 *
 * Formats (UTF-8, comma or semicolon separated, header line required, columns in any order,
 * French or English column names):
 *   hospitals: finess (or finess_ej), name (nom, short_name), city (ville),
 *              email_domains (domaines; optional, several separated by « ; » or spaces)
 *   sites:     hospital_finess (finess, finess_ej), title (intitule), kind (type),
 *              abbreviation (abreviation; optional), lead_name (responsable; optional),
 *              filiere (optional)
 *   kind: crmr-coordonnateur, crmr-constitutif, ccmr, crc or autre.
 *
 * Rules: an idempotent upsert (hospitals are matched by FINESS, sites by hospital FINESS and
 * exact title; re-importing the same file changes nothing), all or nothing (every line is checked
 * first; one bad line and nothing is written, every bad line is reported with its number).
 * A new hospital gets its « Site administrateur comptes (Nom) », renamed with the hospital.
 * A non-empty email_domains replaces the hospital's domains; an empty one leaves them as they
 * are. Archived hospitals and sites stay archived. The account-manager site cannot be imported.
 */
import { randomUUID } from 'node:crypto'
import type { Db } from '../../kernel/db/database.ts'
import type { SiteKind } from '../../kernel/db/schema.ts'
import { canonicalDomain, foldForSearch } from '../../kernel/text.ts'
import { frenchSortKey } from '../../kernel/french-order.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
import { parseCsv, type CsvRecord } from './csv.ts'
import { findFinessProblem } from './finess.ts'
import { importMessages as t } from './messages.ts'
import {
  accountAdministrationSiteTitle, insertSites, siteSearchText, type NewSite,
} from './reference-data.queries.ts'

export type ImportKind = 'hospitals' | 'sites'

export interface ImportError { line: number; message: string }

export type ImportResult =
  | { outcome: 'imported'; created: number; updated: number; unchanged: number }
  | { outcome: 'rejected'; errors: ImportError[] }

interface Column { name: string; aliases: string[]; required: boolean; maxLength: number }

const hospitalColumns = {
  finess: { name: 'finess', aliases: ['finess', 'finess_ej'], required: true, maxLength: 9 },
  name: { name: 'name', aliases: ['name', 'nom', 'short_name'], required: true, maxLength: 200 },
  city: { name: 'city', aliases: ['city', 'ville'], required: true, maxLength: 100 },
  domains: { name: 'email_domains', aliases: ['email_domains', 'domaines'], required: false, maxLength: 500 },
} satisfies Record<string, Column>

const siteColumns = {
  finess: { name: 'hospital_finess', aliases: ['hospital_finess', 'finess', 'finess_ej'], required: true, maxLength: 9 },
  title: { name: 'title', aliases: ['title', 'intitule', 'intitulé'], required: true, maxLength: 300 },
  kind: { name: 'kind', aliases: ['kind', 'type'], required: true, maxLength: 40 },
  abbreviation: { name: 'abbreviation', aliases: ['abbreviation', 'abreviation', 'abréviation'], required: false, maxLength: 50 },
  leadName: { name: 'lead_name', aliases: ['lead_name', 'responsable'], required: false, maxLength: 200 },
  filiere: { name: 'filiere', aliases: ['filiere', 'filière'], required: false, maxLength: 50 },
} satisfies Record<string, Column>

const kindsByName: Record<string, Exclude<SiteKind, 'accountAdministration'>> = {
  'crmr-coordonnateur': 'crmrCoordinating',
  coordonnateur: 'crmrCoordinating',
  crmrcoordinating: 'crmrCoordinating',
  'crmr-constitutif': 'crmrConstituent',
  constitutif: 'crmrConstituent',
  crmrconstituent: 'crmrConstituent',
  ccmr: 'ccmr',
  crc: 'crc',
  autre: 'other',
  other: 'other',
}

interface HospitalLine { line: number; finess: string; name: string; city: string; domains: string[] }
interface SiteLine { line: number; finess: string; title: string; kind: SiteKind; abbreviation: string | null; leadName: string | null; filiere: string | null }

/** Reads, checks and writes one CSV file; nothing is written unless every line is right. */
export async function importReferenceData (ctx: FlowContext, csvText: string, kind: ImportKind): Promise<ImportResult> {
  const parsed = parseCsv(csvText)
  if (parsed.outcome === 'malformed') return rejected([{ line: parsed.line, message: t.malformed[parsed.problem] }])
  const columns = kind === 'hospitals' ? hospitalColumns : siteColumns
  const positions = locateColumns(parsed.header, columns)
  if (positions.outcome === 'missing') return rejected([{ line: 1, message: t.missingColumns(positions.columns) }])

  const errors: ImportError[] = []
  const lines = parsed.records.flatMap((record) => {
    const fields = readFields(record, parsed.header.length, positions.indexes, columns, errors)
    if (!fields) return []
    const line = kind === 'hospitals' ? toHospitalLine(record.line, fields, errors) : toSiteLine(record.line, fields, errors)
    return line ? [line] : []
  })
  reportDuplicates(lines, kind, errors)
  if (errors.length > 0) return rejected(errors)

  return ctx.db.transaction().execute(async (tx) => {
    const result = kind === 'hospitals'
      ? await upsertHospitals(tx, lines as HospitalLine[])
      : await upsertSites(tx, lines as SiteLine[])
    if (result.outcome === 'imported') {
      const { created, updated, unchanged } = result
      await recordEvent(tx, { type: 'referenceData.imported', outcome: 'success', actorRole: 'cli', details: { kind, created, updated, unchanged } }, ctx.clock.now())
    }
    return result
  })
}

function rejected (errors: ImportError[]): ImportResult {
  return { outcome: 'rejected', errors: errors.sort((a, b) => a.line - b.line) }
}

type Positions = { outcome: 'found'; indexes: Record<string, number> } | { outcome: 'missing'; columns: string[] }

function locateColumns (header: string[], columns: Record<string, Column>): Positions {
  const indexes: Record<string, number> = {}
  const missing: string[] = []
  for (const [key, column] of Object.entries(columns)) {
    const index = header.findIndex((name) => column.aliases.includes(name))
    if (index >= 0) indexes[key] = index
    else if (column.required) missing.push(column.name)
  }
  return missing.length > 0 ? { outcome: 'missing', columns: missing } : { outcome: 'found', indexes }
}

/** The record's trimmed values by column key, or undefined (with errors noted) when unusable. */
function readFields (record: CsvRecord, width: number, indexes: Record<string, number>, columns: Record<string, Column>, errors: ImportError[]) {
  if (record.fields.length !== width) {
    errors.push({ line: record.line, message: t.fieldCount(width, record.fields.length) })
    return undefined
  }
  const fields: Record<string, string> = {}
  let usable = true
  for (const [key, column] of Object.entries(columns)) {
    const index = indexes[key]
    const value = index === undefined ? '' : (record.fields[index] ?? '').trim()
    if (column.required && value === '') {
      errors.push({ line: record.line, message: t.required(column.name) })
      usable = false
    } else if ([...value].length > column.maxLength) {
      errors.push({ line: record.line, message: t.tooLong(column.name, column.maxLength) })
      usable = false
    }
    fields[key] = value
  }
  return usable ? fields : undefined
}

function checkFiness (line: number, finess: string, errors: ImportError[]): boolean {
  const problem = findFinessProblem(finess.toUpperCase())
  if (problem) errors.push({ line, message: t.finess[problem](finess) })
  return problem === undefined
}

function toHospitalLine (line: number, fields: Record<string, string>, errors: ImportError[]): HospitalLine | undefined {
  const finess = (fields.finess ?? '').toUpperCase()
  const domains = (fields.domains ?? '').split(/[\s;,]+/).filter(Boolean).map((domain) => canonicalDomain(domain) ?? domain.toLowerCase())
  const badDomain = domains.find((domain) => !/^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain))
  if (badDomain !== undefined) errors.push({ line, message: t.badDomain(badDomain) })
  if (!checkFiness(line, finess, errors) || badDomain !== undefined) return undefined
  return { line, finess, name: fields.name ?? '', city: fields.city ?? '', domains: [...new Set(domains)].sort() }
}

function toSiteLine (line: number, fields: Record<string, string>, errors: ImportError[]): SiteLine | undefined {
  const finess = (fields.finess ?? '').toUpperCase()
  const title = (fields.title ?? '').replace(/\s+/g, ' ')
  const kind = kindsByName[foldForSearch(fields.kind ?? '').replace(/[\s_]+/g, '-')]
  let usable = checkFiness(line, finess, errors)
  if (!kind) {
    errors.push({ line, message: t.badKind(fields.kind ?? '') })
    usable = false
  }
  if (foldForSearch(title).startsWith('site administrateur comptes')) {
    errors.push({ line, message: t.reservedTitle })
    usable = false
  }
  if (!usable || !kind) return undefined
  const optional = (value: string | undefined) => (value ? value.replace(/\s+/g, ' ') : null)
  return { line, finess, title, kind, abbreviation: optional(fields.abbreviation), leadName: optional(fields.leadName), filiere: optional(fields.filiere) }
}

function reportDuplicates (lines: Array<HospitalLine | SiteLine>, kind: ImportKind, errors: ImportError[]) {
  const firstLineByKey = new Map<string, number>()
  for (const row of lines) {
    const key = kind === 'hospitals' ? row.finess : `${row.finess}\n${(row as SiteLine).title}`
    const first = firstLineByKey.get(key)
    if (first !== undefined) errors.push({ line: row.line, message: t.duplicate(first) })
    else firstLineByKey.set(key, row.line)
  }
}

async function upsertHospitals (tx: Db, lines: HospitalLine[]): Promise<ImportResult> {
  const counts = { created: 0, updated: 0, unchanged: 0 }
  for (const row of lines) {
    const existing = await tx.selectFrom('hospital').select(['id', 'name', 'city'])
      .where('finess', '=', row.finess).executeTakeFirst()
    if (!existing) {
      await insertHospital(tx, row)
      counts.created++
      continue
    }
    const current = await currentDomains(tx, existing.id)
    const domains = row.domains.length > 0 ? row.domains : current
    const sameDomains = current.join(' ') === domains.join(' ')
    if (existing.name === row.name && existing.city === row.city && sameDomains) {
      counts.unchanged++
      continue
    }
    await tx.updateTable('hospital').set({ name: row.name, sort_key: frenchSortKey(row.name), city: row.city }).where('id', '=', existing.id).execute()
    if (existing.name !== row.name) await renameAccountAdministrationSite(tx, existing.id, row.name)
    if (!sameDomains) await replaceDomains(tx, existing.id, domains)
    counts.updated++
  }
  return { outcome: 'imported', ...counts }
}

async function insertHospital (tx: Db, row: HospitalLine) {
  const id = randomUUID()
  await tx.insertInto('hospital').values({ id, name: row.name, sort_key: frenchSortKey(row.name), finess: row.finess, city: row.city, archived_at: null }).execute()
  await replaceDomains(tx, id, row.domains)
  await insertSites(tx, [{ hospitalId: id, title: accountAdministrationSiteTitle(row.name), abbreviation: null, leadName: null, kind: 'accountAdministration', filiere: null }])
}

async function currentDomains (tx: Db, hospitalId: string): Promise<string[]> {
  const rows = await tx.selectFrom('hospital_email_domain').select('domain').where('hospital_id', '=', hospitalId).execute()
  return rows.map((r) => r.domain).sort()
}

async function replaceDomains (tx: Db, hospitalId: string, domains: string[]) {
  await tx.deleteFrom('hospital_email_domain').where('hospital_id', '=', hospitalId).execute()
  if (domains.length > 0) {
    await tx.insertInto('hospital_email_domain').values(domains.map((domain) => ({ hospital_id: hospitalId, domain }))).execute()
  }
}

async function renameAccountAdministrationSite (tx: Db, hospitalId: string, hospitalName: string) {
  const title = accountAdministrationSiteTitle(hospitalName)
  await tx.updateTable('site').set({ title, search_text: siteSearchText({ title }), sort_key: frenchSortKey(title) })
    .where('hospital_id', '=', hospitalId).where('kind', '=', 'accountAdministration').execute()
}

async function upsertSites (tx: Db, lines: SiteLine[]): Promise<ImportResult> {
  const finessList = [...new Set(lines.map((row) => row.finess))]
  const hospitals = finessList.length === 0
    ? []
    : await tx.selectFrom('hospital').select(['id', 'finess']).where('finess', 'in', finessList).execute()
  const hospitalIdByFiness = new Map(hospitals.map((h) => [h.finess, h.id]))
  const unknown = lines.filter((row) => !hospitalIdByFiness.has(row.finess))
  if (unknown.length > 0) return rejected(unknown.map((row) => ({ line: row.line, message: t.unknownHospital(row.finess) })))

  const existing = hospitals.length === 0
    ? []
    : await tx.selectFrom('site').select(['id', 'hospital_id', 'title', 'abbreviation', 'lead_name', 'kind', 'filiere'])
      .where('hospital_id', 'in', hospitals.map((h) => h.id)).where('kind', '!=', 'accountAdministration').execute()
  const existingByKey = new Map(existing.map((site) => [`${site.hospital_id}\n${site.title}`, site]))

  const counts = { created: 0, updated: 0, unchanged: 0 }
  const toCreate: NewSite[] = []
  for (const row of lines) {
    const site: NewSite = { hospitalId: hospitalIdByFiness.get(row.finess) as string, title: row.title, abbreviation: row.abbreviation, leadName: row.leadName, kind: row.kind, filiere: row.filiere }
    const current = existingByKey.get(`${site.hospitalId}\n${site.title}`)
    if (!current) {
      toCreate.push(site)
      counts.created++
    } else if (current.abbreviation === site.abbreviation && current.lead_name === site.leadName && current.kind === site.kind && current.filiere === site.filiere) {
      counts.unchanged++
    } else {
      await tx.updateTable('site').where('id', '=', current.id).set({
        abbreviation: site.abbreviation, lead_name: site.leadName, kind: site.kind, filiere: site.filiere, search_text: siteSearchText(site),
      }).execute()
      counts.updated++
    }
  }
  await insertSites(tx, toCreate)
  return { outcome: 'imported', ...counts }
}
