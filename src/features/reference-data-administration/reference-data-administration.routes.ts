/**
 * Reference-data pages of super-administrators (the guide's reference data: hospitals, sites, professions), mounted
 * at /gestion/referentiel by app.ts: hospitals with their email domains, sites, professions.
 * Every route requires the super-administrator role; every form re-renders with French field
 * messages and a 400 when wrong; every change redirects (post/redirect/get) with a notice.
 * The routes join the console's registry, so its authorization matrix test covers them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { IdParams, typed } from '../../kernel/web/routes.ts'
import { HttpProblem } from '../../kernel/web/errors.ts'
import { isUniqueViolation } from '../../kernel/db/database.ts'
import { fieldErrorsFrom, type FieldErrors } from '../../kernel/web/forms.ts'
import { layoutMessages } from '../../kernel/web/messages.ts'
import { requireRole } from '../../kernel/accounts/guards.ts'
import { messages, type ReferenceAdministrationMessages } from './messages.ts'
import {
  createHospital, createProfession, createSite, deleteOrArchiveSite, readHospitalForm, readProfessionForm,
  readSiteForm, setHospitalArchived, setProfessionArchived, unarchiveSite, updateHospital, updateProfession, updateSite,
  type Editor, type HospitalForm, type Saved, type SavedUnique,
} from './reference-data-administration.ts'
import {
  findHospitalRecord, findProfessionRecord, findSiteRecord, listAllHospitals, listAllProfessions, listSitesWithAccountCounts,
  type HospitalRecord, type SiteRecord,
} from './reference-data-administration.queries.ts'
import { base, hospitalListPage, hospitalPage, newHospitalPage } from './views/hospitals.ts'
import { newSitePage, sitePage, type SiteValues } from './views/sites.ts'
import { professionListPage, professionPage, type ProfessionValues } from './views/professions.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

const codeParams = Type.Object({ code: Type.String({ maxLength: 64 }) })
const NoticeQuery = Type.Object({ fait: Type.Optional(Type.String({ maxLength: 30 })) })
const text = (maxLength: number) => Type.Optional(Type.String({ maxLength }))
const HospitalBody = Type.Object({ nom: text(200), finess: text(20), ville: text(100), domaines: text(2000) })
const SiteBody = Type.Object({ intitule: text(200), abreviation: text(50), responsable: text(100), type: text(30), filiere: text(100) })
const ProfessionBody = Type.Object({ code: text(40), libelle_fr: text(200), libelle_en: text(200), ordre: text(4) })

/** The form's fields as strings, whatever was posted (a wrong type or a missing body gives ''). */
function stringsOf<K extends string> (body: unknown, keys: readonly K[]): Record<K, string> {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  return Object.fromEntries(keys.map((k) => [k, typeof source[k] === 'string' ? (source[k] as string).slice(0, 2000) : ''])) as Record<K, string>
}

const noticeKeys = {
  enregistre: 'saved', cree: 'created', archive: 'archived', desarchive: 'unarchived', supprime: 'deleted', 'archive-au-lieu': 'archivedInsteadOfDeleted',
} as const

function noticeOf (request: FastifyRequest): string | undefined {
  // Read on the pages that show a notice and on the forms they post (whose query has no schema).
  const query: unknown = request.query
  const key = typeof query === 'object' && query !== null && 'fait' in query && typeof query.fait === 'string' ? query.fait : undefined
  return key && key in noticeKeys ? messages[request.lang].notice[noticeKeys[key as keyof typeof noticeKeys]] : undefined
}

function notFound (request: FastifyRequest): HttpProblem {
  const t = layoutMessages[request.lang]
  return new HttpProblem(404, t.notFoundTitle, t.notFoundBody)
}

function adminSiteLocked (request: FastifyRequest): HttpProblem {
  const t = messages[request.lang]
  return new HttpProblem(409, t.refusedTitle, t.accountAdministrationSiteLocked)
}

const hospitalValues = (h: HospitalRecord): HospitalForm => ({ nom: h.name, finess: h.finess, ville: h.city, domaines: h.domains.join('\n') })
const siteValues = (s: SiteRecord): SiteValues => ({ intitule: s.title, abreviation: s.abbreviation ?? '', responsable: s.leadName ?? '', type: s.kind, filiere: s.filiere ?? '' })
const emptyProfession: ProfessionValues = { code: '', libelle_fr: '', libelle_en: '', ordre: '' }

export async function referenceDataAdministrationRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  const asSuperadmin = { preHandler: requireRole('superadmin') }

  function editor (request: FastifyRequest): Editor {
    if (!request.account) throw new Error('reference-data route without the role guard')
    return { id: request.account.id, meta: requestMeta(request) }
  }

  type Shown<T> = Saved<T> | { outcome: 'invalid'; errors: FieldErrors }

  /** A save's outcome: redirect when done, re-render with the errors (400) when invalid. */
  async function afterSave<T> (request: FastifyRequest, reply: FastifyReply, result: Shown<T>, done: (record: T) => string, invalid: (errors: FieldErrors) => unknown) {
    if (result.outcome === 'notFound') throw notFound(request)
    if (result.outcome === 'refused') throw adminSiteLocked(request)
    if (result.outcome === 'invalid') return invalid(result.errors)
    return reply.redirect(done(result.record), 303)
  }

  /** A value already used (found by the flow, or by the unique index when two saves race): that field's message. */
  async function savingUnique<T> (save: () => Promise<SavedUnique<T>>, field: string, message: string): Promise<Shown<T>> {
    try {
      const result = await save()
      return result.outcome === 'taken' ? { outcome: 'invalid', errors: { [field]: message } } : result
    } catch (error) {
      if (isUniqueViolation(error)) return { outcome: 'invalid', errors: { [field]: message } }
      throw error
    }
  }

  // ————— Hospitals —————

  // GET /gestion/referentiel
  app.get('/', { ...asSuperadmin, schema: { querystring: NoticeQuery }, attachValidation: true }, async function showReferenceHome (request, reply) {
    const t = messages[request.lang]
    return reply.page({ title: t.homeTitle, body: hospitalListPage(request, await listAllHospitals(app.db), noticeOf(request)) })
  })

  const renderNewHospital = (request: FastifyRequest, reply: FastifyReply, values: HospitalForm, errors: FieldErrors, status = 200) => {
    const t = messages[request.lang]
    return reply.page({ title: t.newHospitalTitle, body: newHospitalPage(request, values, errors) }, status)
  }

  // GET /gestion/referentiel/etablissements/nouveau
  app.get('/etablissements/nouveau', asSuperadmin, async function showNewHospital (request, reply) {
    return renderNewHospital(request, reply, { nom: '', finess: '', ville: '', domaines: '' }, {})
  })

  // POST /gestion/referentiel/etablissements
  app.post('/etablissements', { ...asSuperadmin, schema: { body: HospitalBody }, attachValidation: true }, async function createHospitalFromForm (request, reply) {
    const t = messages[request.lang]
    const values = stringsOf(request.body, ['nom', 'finess', 'ville', 'domaines'] as const)
    if (request.validationError) return renderNewHospital(request, reply, values, fieldErrorsFrom(request.lang, request.validationError.validation), 400)
    const { fields, errors } = readHospitalForm(t, values)
    if (Object.keys(errors).length > 0) return renderNewHospital(request, reply, values, errors, 400)
    const result = await savingUnique(() => createHospital(app.flow, editor(request), fields), 'finess', t.problems.finessTaken)
    return afterSave(request, reply, result, (h) => `${base}/etablissements/${h.id}?fait=cree`, (e) => renderNewHospital(request, reply, values, e, 400))
  })

  async function renderHospital (request: FastifyRequest, reply: FastifyReply, hospital: HospitalRecord, values: HospitalForm, errors: FieldErrors, status = 200) {
    const t = messages[request.lang]
    const sites = await listSitesWithAccountCounts(app.db, hospital.id)
    return reply.page({
      title: t.editHospitalTitle(hospital.name),
      body: hospitalPage(request, { hospital, values, errors, sites, notice: noticeOf(request) }),
    }, status)
  }

  async function requireHospital (request: FastifyRequest, id: string): Promise<HospitalRecord> {
    const hospital = await findHospitalRecord(app.db, id)
    if (!hospital) throw notFound(request)
    return hospital
  }

  // GET /gestion/referentiel/etablissements/:id
  app.get('/etablissements/:id', { ...asSuperadmin, schema: { params: IdParams, querystring: NoticeQuery }, attachValidation: true }, async function showHospital (request, reply) {
    const hospital = await requireHospital(request, request.params.id)
    return renderHospital(request, reply, hospital, hospitalValues(hospital), {})
  })

  // POST /gestion/referentiel/etablissements/:id
  app.post('/etablissements/:id', { ...asSuperadmin, schema: { params: IdParams, body: HospitalBody }, attachValidation: true }, async function updateHospitalFromForm (request, reply) {
    const t = messages[request.lang]
    const hospital = await requireHospital(request, request.params.id)
    const values = stringsOf(request.body, ['nom', 'finess', 'ville', 'domaines'] as const)
    if (request.validationError) return renderHospital(request, reply, hospital, values, fieldErrorsFrom(request.lang, request.validationError.validation), 400)
    const { fields, errors } = readHospitalForm(t, values)
    if (Object.keys(errors).length > 0) return renderHospital(request, reply, hospital, values, errors, 400)
    const result = await savingUnique(() => updateHospital(app.flow, editor(request), hospital.id, fields), 'finess', t.problems.finessTaken)
    return afterSave(request, reply, result, (h) => `${base}/etablissements/${h.id}?fait=enregistre`, (e) => renderHospital(request, reply, hospital, values, e, 400))
  })

  for (const [path, archived] of [['archiver', true], ['desarchiver', false]] as const) {
    // POST /gestion/referentiel/etablissements/:id/archiver and …/desarchiver
    app.post(`/etablissements/:id/${path}`, { ...asSuperadmin, schema: { params: IdParams } }, async function setHospitalArchivedFromForm (request, reply) {
      const result = await setHospitalArchived(app.flow, editor(request), request.params.id, archived)
      return afterSave(request, reply, result, (h) => `${base}/etablissements/${h.id}?fait=${archived ? 'archive' : 'desarchive'}`, async () => undefined)
    })
  }

  // ————— Sites —————

  const siteKeys = ['intitule', 'abreviation', 'responsable', 'type', 'filiere'] as const

  // GET /gestion/referentiel/etablissements/:id/sites/nouveau
  app.get('/etablissements/:id/sites/nouveau', { ...asSuperadmin, schema: { params: IdParams } }, async function showNewSite (request, reply) {
    const t = messages[request.lang]
    const hospital = await requireHospital(request, request.params.id)
    const values = stringsOf({}, siteKeys)
    return reply.page({ title: t.newSiteTitle(hospital.name), body: newSitePage(request, hospital, values, {}) })
  })

  // POST /gestion/referentiel/etablissements/:id/sites
  app.post('/etablissements/:id/sites', { ...asSuperadmin, schema: { params: IdParams, body: SiteBody }, attachValidation: true }, async function createSiteFromForm (request, reply) {
    const t = messages[request.lang]
    const hospital = await requireHospital(request, request.params.id)
    const values = stringsOf(request.body, siteKeys)
    const render = (errors: FieldErrors) => reply.page({ title: t.newSiteTitle(hospital.name), body: newSitePage(request, hospital, values, errors) }, 400)
    if (request.validationError) return render(fieldErrorsFrom(request.lang, request.validationError.validation))
    const { fields, errors } = readSiteForm(t, values)
    if (Object.keys(errors).length > 0) return render(errors)
    const result = await createSite(app.flow, editor(request), hospital.id, fields)
    return afterSave(request, reply, result, (s) => `${base}/etablissements/${s.hospitalId}?fait=cree`, render)
  })

  async function requireSite (request: FastifyRequest, id: string): Promise<SiteRecord> {
    const site = await findSiteRecord(app.db, id)
    if (!site) throw notFound(request)
    return site
  }

  const renderSite = (request: FastifyRequest, reply: FastifyReply, t: ReferenceAdministrationMessages, site: SiteRecord, values: SiteValues, errors: FieldErrors, status = 200) =>
    reply.page({ title: t.editSiteTitle(site.title), body: sitePage(request, site, values, errors, noticeOf(request)) }, status)

  // GET /gestion/referentiel/sites/:id
  app.get('/sites/:id', { ...asSuperadmin, schema: { params: IdParams, querystring: NoticeQuery }, attachValidation: true }, async function showSite (request, reply) {
    const site = await requireSite(request, request.params.id)
    return renderSite(request, reply, messages[request.lang], site, siteValues(site), {})
  })

  // POST /gestion/referentiel/sites/:id
  app.post('/sites/:id', { ...asSuperadmin, schema: { params: IdParams, body: SiteBody }, attachValidation: true }, async function updateSiteFromForm (request, reply) {
    const t = messages[request.lang]
    const site = await requireSite(request, request.params.id)
    const values = stringsOf(request.body, siteKeys)
    if (request.validationError) return renderSite(request, reply, t, site, values, fieldErrorsFrom(request.lang, request.validationError.validation), 400)
    const { fields, errors } = readSiteForm(t, values, site)
    if (Object.keys(errors).length > 0) return renderSite(request, reply, t, site, values, errors, 400)
    const result = await updateSite(app.flow, editor(request), site.id, fields)
    return afterSave(request, reply, result, (s) => `${base}/sites/${s.id}?fait=enregistre`, (e) => renderSite(request, reply, t, site, values, e, 400))
  })

  // POST /gestion/referentiel/sites/:id/supprimer (archived instead when accounts hold the site)
  app.post('/sites/:id/supprimer', { ...asSuperadmin, schema: { params: IdParams } }, async function deleteSiteFromForm (request, reply) {
    const result = await deleteOrArchiveSite(app.flow, editor(request), request.params.id)
    if (result.outcome === 'notFound') throw notFound(request)
    if (result.outcome === 'refused') throw adminSiteLocked(request)
    return reply.redirect(`${base}/etablissements/${result.hospitalId}?fait=${result.outcome === 'deleted' ? 'supprime' : 'archive-au-lieu'}`, 303)
  })

  // POST /gestion/referentiel/sites/:id/desarchiver
  app.post('/sites/:id/desarchiver', { ...asSuperadmin, schema: { params: IdParams } }, async function unarchiveSiteFromForm (request, reply) {
    const result = await unarchiveSite(app.flow, editor(request), request.params.id)
    return afterSave(request, reply, result, (s) => `${base}/sites/${s.id}?fait=desarchive`, async () => undefined)
  })

  // ————— Professions —————

  const professionKeys = ['code', 'libelle_fr', 'libelle_en', 'ordre'] as const

  async function renderProfessions (request: FastifyRequest, reply: FastifyReply, values: ProfessionValues, errors: FieldErrors, status = 200) {
    const t = messages[request.lang]
    const professions = await listAllProfessions(app.db)
    return reply.page({ title: t.professions, body: professionListPage(request, professions, values, errors, noticeOf(request)) }, status)
  }

  // GET /gestion/referentiel/professions
  app.get('/professions', { ...asSuperadmin, schema: { querystring: NoticeQuery }, attachValidation: true }, async function showProfessions (request, reply) {
    return renderProfessions(request, reply, emptyProfession, {})
  })

  // POST /gestion/referentiel/professions
  app.post('/professions', { ...asSuperadmin, schema: { body: ProfessionBody }, attachValidation: true }, async function createProfessionFromForm (request, reply) {
    const t = messages[request.lang]
    const values = stringsOf(request.body, professionKeys)
    if (request.validationError) return renderProfessions(request, reply, values, fieldErrorsFrom(request.lang, request.validationError.validation), 400)
    const { fields, errors } = readProfessionForm(t, values)
    if (Object.keys(errors).length > 0) return renderProfessions(request, reply, values, errors, 400)
    const result = await savingUnique(() => createProfession(app.flow, editor(request), fields), 'code', t.problems.codeTaken)
    return afterSave(request, reply, result, (p) => `${base}/professions/${p.code}?fait=cree`, (e) => renderProfessions(request, reply, values, e, 400))
  })

  async function requireProfession (request: FastifyRequest, code: string) {
    const profession = await findProfessionRecord(app.db, code)
    if (!profession) throw notFound(request)
    return profession
  }

  // GET /gestion/referentiel/professions/:code
  app.get('/professions/:code', { ...asSuperadmin, schema: { params: codeParams, querystring: NoticeQuery }, attachValidation: true }, async function showProfession (request, reply) {
    const t = messages[request.lang]
    const p = await requireProfession(request, request.params.code)
    const values = { code: p.code, libelle_fr: p.labelFr, libelle_en: p.labelEn, ordre: String(p.position) }
    return reply.page({ title: t.editProfessionTitle(p.labelFr), body: professionPage(request, p, values, {}, noticeOf(request)) })
  })

  // POST /gestion/referentiel/professions/:code
  app.post('/professions/:code', { ...asSuperadmin, schema: { params: codeParams, body: ProfessionBody }, attachValidation: true }, async function updateProfessionFromForm (request, reply) {
    const t = messages[request.lang]
    const p = await requireProfession(request, request.params.code)
    const values = { ...stringsOf(request.body, professionKeys), code: p.code }
    const render = (errors: FieldErrors) => reply.page({ title: t.editProfessionTitle(p.labelFr), body: professionPage(request, p, values, errors, undefined) }, 400)
    if (request.validationError) return render(fieldErrorsFrom(request.lang, request.validationError.validation))
    const { fields, errors } = readProfessionForm(t, values, p.code)
    if (Object.keys(errors).length > 0) return render(errors)
    const result = await updateProfession(app.flow, editor(request), fields)
    return afterSave(request, reply, result, (r) => `${base}/professions/${r.code}?fait=enregistre`, render)
  })

  for (const [path, archived] of [['archiver', true], ['desarchiver', false]] as const) {
    // POST /gestion/referentiel/professions/:code/archiver and …/desarchiver
    app.post(`/professions/:code/${path}`, { ...asSuperadmin, schema: { params: codeParams } }, async function setProfessionArchivedFromForm (request, reply) {
      const result = await setProfessionArchived(app.flow, editor(request), request.params.code, archived)
      return afterSave(request, reply, result, (p) => `${base}/professions/${p.code}?fait=${archived ? 'archive' : 'desarchive'}`, async () => undefined)
    })
  }
}
