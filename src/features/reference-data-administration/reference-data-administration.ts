/**
 * Reference-data editing by super-administrators (the guide's reference data: hospitals, sites, professions):
 * hospitals with their email domains, their sites, the professions. Rules:
 * - nothing still referenced is deleted: hospitals and professions are archived; a site is
 *   deleted only when no account holds it, archived otherwise. Archived items disappear from the
 *   registration form and the site searches (their queries read `archived_at is null`);
 * - each hospital's « Site administrateur comptes (…) » (admin guide §2) is created with it,
 *   follows its name, and is never archived, deleted nor given another kind;
 * - a site's `search_text` and `sort_key` are recomputed on every change (the searches match on
 *   the first, the lists are in the French order of the second; a hospital's `sort_key` likewise);
 * - every change is one transaction with its audit event (`referenceData.*`, before → after).
 */
import { randomUUID } from 'node:crypto'
import type { Db } from '../../kernel/db/database.ts'
import type { SiteKind } from '../../kernel/db/schema.ts'
import type { FieldErrors } from '../../kernel/web/forms.ts'
import { canonicalDomain } from '../../kernel/text.ts'
import { frenchSortKey } from '../../kernel/french-order.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { endAccessOfSiteHolders } from '../../kernel/accounts/client-access.ts'
import { accountAdministrationSiteTitle, findFinessProblem, siteSearchText } from '../reference-data/index.ts'
import type { ReferenceAdministrationMessages } from './messages.ts'
import {
  countAccountsOfSite, findHospitalRecord, findProfessionRecord, findSiteRecord, isFinessTaken,
  type HospitalRecord, type ProfessionRecord, type SiteRecord,
} from './reference-data-administration.queries.ts'
import type { RequestMeta } from '../../kernel/audit/audit-trail.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'

/** The super-administrator who edits, and from where (a flow's second argument). */
export interface Editor {
  id: string
  meta: RequestMeta
}

/** A save's outcome, in no language (the edge words it). */
export type Saved<T> = { outcome: 'done'; record: T } | { outcome: 'notFound' } | { outcome: 'refused' }

/** The save of a record with a unique key: `taken` when its FINESS number or profession code is already used. */
export type SavedUnique<T> = Saved<T> | { outcome: 'taken' }

/** The kinds a super-administrator may give a site; the account-manager kind is created with the hospital only. */
export const editableSiteKinds = ['crmrCoordinating', 'crmrConstituent', 'ccmr', 'crc', 'other'] as const satisfies readonly SiteKind[]

const maximumDomains = 20
const domainPattern = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/
const professionCodePattern = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/
const reservedTitlePattern = /^\s*site administrateur comptes/i

const optional = (value: string | undefined) => (value ?? '').trim() || null

function audit (ctx: FlowContext, tx: Db, editor: Editor, type: string, hospitalId: string | null, details: Record<string, unknown>) {
  return recordEvent(tx, {
    type: `referenceData.${type}`, actorId: editor.id, targetId: null, hospitalId, ...editor.meta, details,
  }, ctx.clock.now())
}

/**
 * Archive or unarchive one record of the reference data: asking for the state it already has
 * changes nothing and journals nothing; otherwise the journal keeps the archive date before
 * and after.
 */
async function setArchived<R extends { archivedAt: number | null }> (ctx: FlowContext, editor: Editor, archived: boolean, record: {
  find: (tx: Db) => Promise<R | undefined>
  write: (tx: Db, archivedAt: number | null) => Promise<unknown>
  events: readonly [archived: string, unarchived: string]
  hospitalId: string | null
  details?: Record<string, unknown>
}): Promise<Saved<R>> {
  return ctx.db.transaction().execute(async (tx) => {
    const before = await record.find(tx)
    if (!before) return { outcome: 'notFound' } as const
    if ((before.archivedAt !== null) === archived) return { outcome: 'done', record: before } as const
    await record.write(tx, archived ? ctx.clock.now() : null)
    const after = await record.find(tx) as R
    await audit(ctx, tx, editor, archived ? record.events[0] : record.events[1], record.hospitalId, { ...record.details, before: { archivedAt: before.archivedAt }, after: { archivedAt: after.archivedAt } })
    return { outcome: 'done', record: after } as const
  })
}

// ————— Hospitals —————

export interface HospitalForm { nom: string; finess: string; ville: string; domaines: string }
export interface HospitalFields { name: string; finess: string; city: string; domains: string[] }

export function readHospitalForm (t: ReferenceAdministrationMessages, form: HospitalForm): { fields: HospitalFields; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const name = form.nom.trim()
  const finess = form.finess.replace(/\s+/g, '').toUpperCase()
  const city = form.ville.trim()
  // In the canonical form of account addresses (IDNA, lower case), so the activation checklist compares like with like.
  const domains = [...new Set(form.domaines.split(/[\s,;]+/).map((d) => d.trim().replace(/^[@＠]/, '')).filter(Boolean)
    .map((d) => canonicalDomain(d) ?? d.toLowerCase()))].sort()
  if (!name) errors.nom = t.problems.required
  else if (reservedTitlePattern.test(name)) errors.nom = t.problems.reservedTitle
  if (!finess) errors.finess = t.problems.required
  else {
    const problem = findFinessProblem(finess)
    if (problem) errors.finess = t.problems.finess[problem]
  }
  if (!city) errors.ville = t.problems.required
  const badDomain = domains.find((d) => !domainPattern.test(d))
  if (badDomain !== undefined) errors.domaines = t.problems.domain(badDomain.slice(0, 80))
  else if (domains.length > maximumDomains) errors.domaines = t.problems.tooManyDomains
  return { fields: { name, finess, city, domains }, errors }
}

async function replaceDomains (tx: Db, hospitalId: string, domains: readonly string[]) {
  await tx.deleteFrom('hospital_email_domain').where('hospital_id', '=', hospitalId).execute()
  if (domains.length > 0) await tx.insertInto('hospital_email_domain').values(domains.map((domain) => ({ hospital_id: hospitalId, domain }))).execute()
}

export async function createHospital (ctx: FlowContext, editor: Editor, fields: HospitalFields): Promise<SavedUnique<HospitalRecord>> {
  return ctx.db.transaction().execute(async (tx) => {
    if (await isFinessTaken(tx, fields.finess, undefined)) return { outcome: 'taken' } as const
    const id = randomUUID()
    await tx.insertInto('hospital').values({ id, name: fields.name, sort_key: frenchSortKey(fields.name), finess: fields.finess, city: fields.city, archived_at: null }).execute()
    await replaceDomains(tx, id, fields.domains)
    const title = accountAdministrationSiteTitle(fields.name)
    await tx.insertInto('site').values({
      id: randomUUID(), hospital_id: id, title, abbreviation: null, lead_name: null, kind: 'accountAdministration', filiere: null,
      search_text: siteSearchText({ title }), sort_key: frenchSortKey(title), archived_at: null,
    }).execute()
    const record = await findHospitalRecord(tx, id) as HospitalRecord
    await audit(ctx, tx, editor, 'hospitalCreated', id, { after: record })
    return { outcome: 'done', record } as const
  })
}

export async function updateHospital (ctx: FlowContext, editor: Editor, id: string, fields: HospitalFields): Promise<SavedUnique<HospitalRecord>> {
  return ctx.db.transaction().execute(async (tx) => {
    const before = await findHospitalRecord(tx, id)
    if (!before) return { outcome: 'notFound' } as const
    if (await isFinessTaken(tx, fields.finess, id)) return { outcome: 'taken' } as const
    await tx.updateTable('hospital').set({ name: fields.name, sort_key: frenchSortKey(fields.name), finess: fields.finess, city: fields.city }).where('id', '=', id).execute()
    await replaceDomains(tx, id, fields.domains)
    if (before.name !== fields.name) {
      // The account-manager site is named after its hospital (admin guide §2).
      const title = accountAdministrationSiteTitle(fields.name)
      const adminSites = await tx.selectFrom('site').select(['id', 'abbreviation', 'lead_name']).where('hospital_id', '=', id).where('kind', '=', 'accountAdministration').execute()
      for (const site of adminSites) {
        await tx.updateTable('site').set({ title, search_text: siteSearchText({ title, abbreviation: site.abbreviation, leadName: site.lead_name }), sort_key: frenchSortKey(title) }).where('id', '=', site.id).execute()
      }
    }
    const after = await findHospitalRecord(tx, id) as HospitalRecord
    await audit(ctx, tx, editor, 'hospitalUpdated', id, { before, after })
    return { outcome: 'done', record: after } as const
  })
}

export async function setHospitalArchived (ctx: FlowContext, editor: Editor, id: string, archived: boolean): Promise<Saved<HospitalRecord>> {
  return setArchived(ctx, editor, archived, {
    find: (tx) => findHospitalRecord(tx, id),
    write: async (tx, archivedAt) => {
      await tx.updateTable('hospital').set({ archived_at: archivedAt }).where('id', '=', id).execute()
      if (archivedAt === null) return
      const sites = await tx.selectFrom('site').select('id').where('hospital_id', '=', id).execute()
      await endAccessOfSiteHolders(tx, sites.map((site) => site.id), 'hospitalArchived', archivedAt)
    },
    events: ['hospitalArchived', 'hospitalUnarchived'],
    hospitalId: id,
  })
}

// ————— Sites —————

export interface SiteForm { intitule?: string; abreviation?: string; responsable?: string; type?: string; filiere?: string }
export interface SiteFields { title: string; abbreviation: string | null; leadName: string | null; kind: SiteKind; filiere: string | null }

/** For the account-manager site, the title and kind are not read: they are fixed. */
export function readSiteForm (t: ReferenceAdministrationMessages, form: SiteForm, existing?: SiteRecord): { fields: SiteFields; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const fixed = existing?.kind === 'accountAdministration'
  const title = fixed ? existing.title : (form.intitule ?? '').trim()
  const kind = fixed ? 'accountAdministration' : (editableSiteKinds as readonly string[]).includes(form.type ?? '') ? form.type as SiteKind : undefined
  if (!fixed) {
    if (!title) errors.intitule = t.problems.required
    else if (reservedTitlePattern.test(title)) errors.intitule = t.problems.reservedTitle
    if (!kind) errors.type = t.problems.kind
  }
  return {
    fields: { title, abbreviation: optional(form.abreviation), leadName: optional(form.responsable), kind: kind ?? 'other', filiere: optional(form.filiere) },
    errors,
  }
}

function siteColumnsFrom (fields: SiteFields) {
  return {
    title: fields.title, abbreviation: fields.abbreviation, lead_name: fields.leadName, kind: fields.kind, filiere: fields.filiere,
    search_text: siteSearchText(fields),
    sort_key: frenchSortKey(fields.title),
  }
}

export async function createSite (ctx: FlowContext, editor: Editor, hospitalId: string, fields: SiteFields): Promise<Saved<SiteRecord>> {
  return ctx.db.transaction().execute(async (tx) => {
    if (!await findHospitalRecord(tx, hospitalId)) return { outcome: 'notFound' } as const
    if (fields.kind === 'accountAdministration') return { outcome: 'refused' } as const
    const id = randomUUID()
    await tx.insertInto('site').values({ id, hospital_id: hospitalId, ...siteColumnsFrom(fields), archived_at: null }).execute()
    const record = await findSiteRecord(tx, id) as SiteRecord
    await audit(ctx, tx, editor, 'siteCreated', hospitalId, { siteId: id, after: record })
    return { outcome: 'done', record } as const
  })
}

export async function updateSite (ctx: FlowContext, editor: Editor, siteId: string, fields: SiteFields): Promise<Saved<SiteRecord>> {
  return ctx.db.transaction().execute(async (tx) => {
    const before = await findSiteRecord(tx, siteId)
    if (!before) return { outcome: 'notFound' } as const
    // Re-kinding either way is refused: one account-manager site per hospital, named after it.
    if ((before.kind === 'accountAdministration') !== (fields.kind === 'accountAdministration')) return { outcome: 'refused' } as const
    const values = before.kind === 'accountAdministration' ? { ...fields, title: before.title, kind: before.kind } : fields
    await tx.updateTable('site').set(siteColumnsFrom(values)).where('id', '=', siteId).execute()
    const after = await findSiteRecord(tx, siteId) as SiteRecord
    await audit(ctx, tx, editor, 'siteUpdated', before.hospitalId, { siteId, before, after })
    return { outcome: 'done', record: after } as const
  })
}

export type SiteRemoval = { outcome: 'deleted' | 'archived'; hospitalId: string } | { outcome: 'notFound' } | { outcome: 'refused' }

/** Deletes a site no account holds; archives one still held (the accounts keep it). */
export async function deleteOrArchiveSite (ctx: FlowContext, editor: Editor, siteId: string): Promise<SiteRemoval> {
  return ctx.db.transaction().execute(async (tx) => {
    const before = await findSiteRecord(tx, siteId)
    if (!before) return { outcome: 'notFound' } as const
    if (before.kind === 'accountAdministration') return { outcome: 'refused' } as const
    if (await countAccountsOfSite(tx, siteId) === 0) {
      await tx.deleteFrom('site').where('id', '=', siteId).execute()
      await audit(ctx, tx, editor, 'siteDeleted', before.hospitalId, { siteId, before })
      return { outcome: 'deleted', hospitalId: before.hospitalId } as const
    }
    if (before.archivedAt === null) {
      const now = ctx.clock.now()
      await tx.updateTable('site').set({ archived_at: now }).where('id', '=', siteId).execute()
      await endAccessOfSiteHolders(tx, [siteId], 'siteArchived', now)
      await audit(ctx, tx, editor, 'siteArchived', before.hospitalId, { siteId, before: { archivedAt: null }, after: { archivedAt: now } })
    }
    return { outcome: 'archived', hospitalId: before.hospitalId } as const
  })
}

export async function unarchiveSite (ctx: FlowContext, editor: Editor, siteId: string): Promise<Saved<SiteRecord>> {
  return ctx.db.transaction().execute(async (tx) => {
    const before = await findSiteRecord(tx, siteId)
    if (!before) return { outcome: 'notFound' } as const
    if (before.archivedAt === null) return { outcome: 'done', record: before } as const
    await tx.updateTable('site').set({ archived_at: null }).where('id', '=', siteId).execute()
    await audit(ctx, tx, editor, 'siteUnarchived', before.hospitalId, { siteId, before: { archivedAt: before.archivedAt }, after: { archivedAt: null } })
    return { outcome: 'done', record: { ...before, archivedAt: null } } as const
  })
}

// ————— Professions —————

export interface ProfessionForm { code?: string; libelle_fr: string; libelle_en: string; ordre: string }
export interface ProfessionFields { code: string; labelFr: string; labelEn: string; position: number }

export function readProfessionForm (t: ReferenceAdministrationMessages, form: ProfessionForm, existingCode?: string): { fields: ProfessionFields; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const code = existingCode ?? (form.code ?? '').trim()
  if (existingCode === undefined) {
    if (!code) errors.code = t.problems.required
    else if (!professionCodePattern.test(code)) errors.code = t.problems.code
  }
  const labelFr = form.libelle_fr.trim()
  const labelEn = form.libelle_en.trim()
  if (!labelFr) errors.libelle_fr = t.problems.required
  if (!labelEn) errors.libelle_en = t.problems.required
  const positionText = form.ordre.trim()
  const position = Number(positionText)
  if (!/^\d{1,4}$/.test(positionText)) errors.ordre = positionText ? t.problems.position : t.problems.required
  return { fields: { code, labelFr, labelEn, position }, errors }
}

export async function createProfession (ctx: FlowContext, editor: Editor, fields: ProfessionFields): Promise<SavedUnique<ProfessionRecord>> {
  return ctx.db.transaction().execute(async (tx) => {
    if (await findProfessionRecord(tx, fields.code)) return { outcome: 'taken' } as const
    await tx.insertInto('profession').values({ code: fields.code, label_fr: fields.labelFr, label_en: fields.labelEn, position: fields.position, archived_at: null }).execute()
    const record = await findProfessionRecord(tx, fields.code) as ProfessionRecord
    await audit(ctx, tx, editor, 'professionCreated', null, { code: fields.code, after: record })
    return { outcome: 'done', record } as const
  })
}

export async function updateProfession (ctx: FlowContext, editor: Editor, fields: ProfessionFields): Promise<Saved<ProfessionRecord>> {
  return ctx.db.transaction().execute(async (tx) => {
    const before = await findProfessionRecord(tx, fields.code)
    if (!before) return { outcome: 'notFound' } as const
    await tx.updateTable('profession').set({ label_fr: fields.labelFr, label_en: fields.labelEn, position: fields.position }).where('code', '=', fields.code).execute()
    const after = await findProfessionRecord(tx, fields.code) as ProfessionRecord
    await audit(ctx, tx, editor, 'professionUpdated', null, { code: fields.code, before, after })
    return { outcome: 'done', record: after } as const
  })
}

export async function setProfessionArchived (ctx: FlowContext, editor: Editor, code: string, archived: boolean): Promise<Saved<ProfessionRecord>> {
  return setArchived(ctx, editor, archived, {
    find: (tx) => findProfessionRecord(tx, code),
    write: (tx, archivedAt) => tx.updateTable('profession').set({ archived_at: archivedAt }).where('code', '=', code).execute(),
    events: ['professionArchived', 'professionUnarchived'],
    hospitalId: null,
    details: { code },
  })
}
