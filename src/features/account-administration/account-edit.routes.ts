/**
 * The edit form's routes (admin guide §3): the one form (GET shows it, POST either saves it with
 * « Valider » or, without JavaScript, comes back with everything typed kept: « Rechercher », a
 * site's « Ajouter », a cross, « Inverser nom et prénom »), the site suggestions of its « Sites »
 * field (a GET that changes nothing), and the public page where the holder of a new address
 * confirms it (reached from the email, so no login: the single-use token is the proof).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { IdParams, OneOrMany, typed } from '../../kernel/web/routes.ts'
import { accountStatus } from '../../kernel/accounts/accounts.ts'
import { HttpProblem } from '../../kernel/web/errors.ts'
import { fieldErrorsFrom, type FieldErrors } from '../../kernel/web/forms.ts'
import { layoutMessages } from '../../kernel/web/messages.ts'
import { listProfessions } from '../reference-data/index.ts'
import { requireRole } from '../../kernel/accounts/guards.ts'
import { availableActions } from './account-actions.ts'
import {
  confirmEmailChange, findChosenSites, findEmailChangeByToken, findPendingEmailChange, saveAccountEdits, searchSites, siteLabel,
  type EditProblem,
} from './account-edit.ts'
import { consoleActor, managerOf, recordRefusal, scopeRefusalProblem } from './console-web.ts'
import { refusalToChange, requireManagedAccount, type ManagedAccount } from './hospital-scope.ts'
import { messages } from './messages.ts'
import { accountEditPage, emailChangeMessagePage, emailChangePage, type EditValues, type SiteTag } from './views/account-edit.ts'
import { fullName } from './views/account-actions.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

const EditQuery = Type.Object({ fait: Type.Optional(Type.String({ maxLength: 30 })) })

const siteIds = OneOrMany(Type.String({ maxLength: 64 }), 100)

/**
 * The edit form. Fields are optional here because only « Valider » needs them all (the flow says
 * which is missing or wrong); the other buttons just show the form again. Each button has its
 * own name: only the one clicked is sent.
 */
const EditForm = Type.Object({
  civilite: Type.Optional(Type.Union([Type.Literal('mme'), Type.Literal('m')])),
  nom: Type.Optional(Type.String({ maxLength: 100 })),
  prenom: Type.Optional(Type.String({ maxLength: 100 })),
  profession: Type.Optional(Type.String({ maxLength: 64 })),
  email: Type.Optional(Type.String({ maxLength: 254 })),
  ajouter: Type.Optional(siteIds),
  retirer: Type.Optional(siteIds),
  recherche: Type.Optional(Type.String({ maxLength: 100 })),
  valider: Type.Optional(Type.Literal('1')),
  rechercher: Type.Optional(Type.Literal('1')),
  inverser: Type.Optional(Type.Literal('1')),
  choisir: Type.Optional(Type.String({ maxLength: 64 })),
  croix: Type.Optional(Type.String({ maxLength: 64 })),
})

const SuggestionQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) })

const TokenQuery = Type.Object({ jeton: Type.Optional(Type.String({ maxLength: 100 })) })
const TokenForm = Type.Object({ jeton: Type.String({ maxLength: 100 }) })

/** The site changes typed in the form and not saved yet (hidden inputs « ajouter » and « retirer »). */
interface PendingSites { add: string[]; remove: string[] }

function valuesOf (account: ManagedAccount): EditValues {
  return { civilite: account.civility, nom: account.last_name, prenom: account.first_name, profession: account.profession_code, email: account.email }
}

function listOf (value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value]
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length <= 64))].slice(0, 100)
}

/** What was typed, kept as typed (bounded), whatever else is wrong with the form. */
function submittedValues (body: unknown): { values: EditValues; pending: PendingSites; search: string } {
  const fields = (body ?? {}) as Record<string, unknown>
  const text = (v: unknown, max = 254) => (typeof v === 'string' ? v.slice(0, max) : '')
  return {
    values: { civilite: text(fields.civilite), nom: text(fields.nom, 100), prenom: text(fields.prenom, 100), profession: text(fields.profession, 64), email: text(fields.email) },
    pending: { add: listOf(fields.ajouter), remove: listOf(fields.retirer) },
    search: text(fields.recherche, 100),
  }
}

/** « Ajouter » on a search result: back on the list if it had been removed, else to be added. */
function chooseSite (account: ManagedAccount, pending: PendingSites, siteId: string): PendingSites {
  if (pending.remove.includes(siteId)) return { ...pending, remove: pending.remove.filter((id) => id !== siteId) }
  if (account.sites.some((s) => s.id === siteId) || pending.add.includes(siteId)) return pending
  return { ...pending, add: [...pending.add, siteId] }
}

/** A cross: a chosen site is no longer to be added; a profile's site is to be removed. */
function crossSite (account: ManagedAccount, pending: PendingSites, siteId: string): PendingSites {
  if (pending.add.includes(siteId)) return { ...pending, add: pending.add.filter((id) => id !== siteId) }
  if (!account.sites.some((s) => s.id === siteId) || pending.remove.includes(siteId)) return pending
  return { ...pending, remove: [...pending.remove, siteId] }
}

/** The « Sites » field as the form has it: the profile's sites minus those removed, plus those chosen. */
async function siteTagsOf (app: FastifyInstance, account: ManagedAccount, pending: PendingSites) {
  const chosen = await findChosenSites(app.db, pending.add.filter((id) => !account.sites.some((s) => s.id === id)))
  const profileTag = (s: ManagedAccount['sites'][number]): SiteTag => ({ id: s.id, label: siteLabel(s), hospitalName: s.hospitalName, isNew: false })
  const kept = account.sites.filter((s) => !pending.remove.includes(s.id)).map(profileTag)
  const added: SiteTag[] = chosen.map((s) => ({ id: s.id, label: siteLabel(s), hospitalName: s.hospital_name, isNew: true }))
  const removed = account.sites.filter((s) => pending.remove.includes(s.id)).map(profileTag)
  return { tags: [...kept, ...added], removed, pending: { add: added.map((s) => s.id), remove: removed.map((s) => s.id) } }
}

interface RenderOptions {
  status?: number
  values?: EditValues
  pending?: PendingSites
  search?: string
  errors?: FieldErrors
  notice?: string
  refusal?: string
}

export async function accountEditRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  const asManager = { preHandler: requireRole('accountManager') }

  async function requireEditableAccount (request: FastifyRequest, id: string): Promise<ManagedAccount> {
    const manager = managerOf(request)
    const account = await requireManagedAccount(app.db, manager, id)
    const refusal = refusalToChange(manager, account)
    if (refusal) throw scopeRefusalProblem(request, refusal)
    return account
  }

  async function renderEditPage (request: FastifyRequest, reply: FastifyReply, account: ManagedAccount, options: RenderOptions = {}) {
    const t = messages[request.lang]
    const manager = managerOf(request)
    const search = (options.search ?? '').trim()
    const sites = await siteTagsOf(app, account, options.pending ?? { add: [], remove: [] })
    const results = search === '' ? undefined : await searchSites(app.db, manager, search)
    return reply.page({
      title: t.editTitle(fullName(account)),
      hasErrors: Object.keys(options.errors ?? {}).length > 0,
      scripts: ['account-edit.js'],
      body: accountEditPage(request, {
        account,
        values: options.values ?? valuesOf(account),
        errors: options.errors ?? {},
        notice: options.notice,
        refusal: options.refusal,
        pendingEmail: await findPendingEmailChange(app.db, account.id, app.now()),
        professions: await listProfessions(app.db),
        sites: sites.tags,
        removedSites: sites.removed,
        pending: sites.pending,
        siteSearch: options.search ?? '',
        siteResults: results?.map((s) => ({ id: s.id, label: siteLabel(s), leadName: s.lead_name, hospitalName: s.hospital_name })),
        status: accountStatus(account),
        actions: availableActions(manager, account),
      }),
    }, options.status ?? 200)
  }

  // GET /gestion/comptes/:id
  app.get('/comptes/:id', { ...asManager, schema: { params: IdParams, querystring: EditQuery }, attachValidation: true }, async function showAccountEditForm (request, reply) {
    const account = await requireEditableAccount(request, request.params.id)
    const query = request.validationError ? {} : request.query
    return renderEditPage(request, reply, account, {
      status: request.validationError ? 400 : 200,
      notice: query.fait === 'enregistre' ? messages[request.lang].saved : undefined,
    })
  })

  // GET /gestion/comptes/:id/sites?q=… (the « Sites » combobox's suggestions: the manager's scope, no change)
  app.get('/comptes/:id/sites', { ...asManager, schema: { params: IdParams, querystring: SuggestionQuery }, attachValidation: true }, async function suggestSites (request, reply) {
    await requireEditableAccount(request, request.params.id)
    if (request.validationError) return reply.code(400).send({ sites: [] })
    const found = await searchSites(app.db, managerOf(request), request.query.q ?? '')
    return reply.header('cache-control', 'no-store').send({
      sites: found.map((s) => ({ id: s.id, label: siteLabel(s), leadName: s.lead_name, hospitalName: s.hospital_name })),
    })
  })

  // POST /gestion/comptes/:id (« Valider » saves; « Rechercher », « Ajouter », a cross, « Inverser » show the form again)
  app.post('/comptes/:id', { ...asManager, schema: { params: IdParams, body: EditForm }, attachValidation: true }, async function submitAccountEditForm (request, reply) {
    const t = messages[request.lang]
    const account = await requireEditableAccount(request, request.params.id)
    const typed = submittedValues(request.body)
    const again = (options: RenderOptions) => renderEditPage(request, reply, account, { values: typed.values, pending: typed.pending, search: typed.search, ...options })
    if (request.validationError) return again({ status: 400, errors: fieldErrorsFrom(request.lang, request.validationError.validation) })
    const form = request.body
    if (form.inverser) {
      return again({ values: { ...typed.values, nom: typed.values.prenom, prenom: typed.values.nom }, notice: t.namesSwapped })
    }
    if (form.choisir !== undefined) {
      const pending = chooseSite(account, typed.pending, form.choisir)
      const chosen = (await siteTagsOf(app, account, pending)).tags.find((s) => s.id === form.choisir)
      if (!chosen) return again({ status: 409, refusal: t.siteUnknown })
      return again({ pending, search: '', notice: t.siteAdded(chosen.label) })
    }
    if (form.croix !== undefined) {
      const before = await siteTagsOf(app, account, typed.pending)
      const crossed = before.tags.find((s) => s.id === form.croix)
      if (!crossed) return again({ status: 409, refusal: t.siteUnknown })
      // §3.4.2: « Il ne vous sera pas possible de retirer tous les sites d'un utilisateur. »
      if (before.tags.length <= 1) return again({ status: 409, refusal: t.lastSite })
      return again({ pending: crossSite(account, typed.pending, form.croix), notice: t.siteRemoved(crossed.label) })
    }
    if (form.rechercher || typed.search.trim() !== '') {
      // Without JavaScript, Enter in « Ajouter un site » is « Valider »: a search typed and not yet
      // chosen is shown with its results rather than silently dropped, and nothing is saved.
      return again({ refusal: form.rechercher ? undefined : t.chooseSiteFirst })
    }
    return saveEditForm(request, reply, account, typed)
  })

  async function saveEditForm (request: FastifyRequest, reply: FastifyReply, account: ManagedAccount, typed: ReturnType<typeof submittedValues>) {
    const t = messages[request.lang]
    const again = (options: RenderOptions) => renderEditPage(request, reply, account, { values: typed.values, pending: typed.pending, ...options })
    const { values } = typed
    if (values.civilite !== 'mme' && values.civilite !== 'm') {
      return again({ status: 400, errors: { civilite: layoutMessages[request.lang].required } })
    }
    const result = await saveAccountEdits(app.flow, consoleActor(request), account.id, {
      identity: { civility: values.civilite, lastName: values.nom, firstName: values.prenom, professionCode: values.profession, email: values.email },
      addSiteIds: typed.pending.add,
      removeSiteIds: typed.pending.remove,
    })
    if (result.outcome === 'refused' && result.status === 403) throw scopeRefusalProblem(request, result.scope)
    if (result.outcome === 'refused') {
      // The form again, as typed, with the guide's explanation and a 409: nothing was saved.
      await recordRefusal(app, request, 409, result.problem)
      return again({ status: 409, refusal: result.problem === 'lastSite' ? t.lastSite : t.siteUnknown })
    }
    if (result.outcome === 'invalid') {
      const problemText: Record<EditProblem, string> = {
        professionUnknown: t.professionUnknown, emailInvalid: t.emailInvalid, emailUnsafeCharacters: t.emailUnsafeCharacters, emailTaken: t.emailTaken,
        lastNameRequired: layoutMessages[request.lang].required, firstNameRequired: layoutMessages[request.lang].required,
        nameInvalid: layoutMessages[request.lang].nameInvalid,
      }
      const errors = Object.fromEntries(Object.entries(result.problems).map(([field, problem]) => [field, problemText[problem as EditProblem]]))
      return again({ status: 400, errors })
    }
    if (result.emailChangeSentTo) {
      void app.mail.kick()
      const updated = await requireManagedAccount(app.db, managerOf(request), account.id)
      return renderEditPage(request, reply, updated, { notice: `${t.saved} ${t.emailChangeSent(result.emailChangeSentTo)}` })
    }
    return reply.redirect(`/gestion/comptes/${account.id}?fait=enregistre`, 303)
  }

  // GET /gestion/changement-email?jeton=… (public: the link of the email; shows one button, changes nothing)
  app.get('/changement-email', { schema: { querystring: TokenQuery }, attachValidation: true }, async function showEmailChangeConfirmation (request, reply) {
    reply.header('referrer-policy', 'no-referrer')
    const t = messages[request.lang]
    const token = request.validationError ? undefined : request.query.jeton
    const link = await findEmailChangeByToken(app.db, token, app.now())
    if (link.outcome === 'revoked') return reply.page({ title: t.emailChangeTitle, body: emailChangeMessagePage(request, t.emailChangeTitle, t.emailChangeRevoked, false) }, 403)
    if (!token || link.outcome === 'invalidLink') return reply.page({ title: t.emailChangeTitle, body: emailChangeMessagePage(request, t.emailChangeTitle, t.emailChangeInvalid, false) }, 400)
    return reply.page({ title: t.emailChangeTitle, body: emailChangePage(request, token, link.email) })
  })

  // POST /gestion/changement-email
  app.post('/changement-email', { schema: { body: TokenForm }, attachValidation: true }, async function confirmEmailChangeFromLink (request, reply) {
    reply.header('referrer-policy', 'no-referrer')
    const t = messages[request.lang]
    if (request.validationError) throw new HttpProblem(400, t.emailChangeTitle, t.emailChangeInvalid)
    const result = await confirmEmailChange(app.flow, request.body.jeton, requestMeta(request))
    if (result.outcome === 'invalidLink') return reply.page({ title: t.emailChangeTitle, body: emailChangeMessagePage(request, t.emailChangeTitle, t.emailChangeInvalid, false) }, 400)
    if (result.outcome === 'revoked') return reply.page({ title: t.emailChangeTitle, body: emailChangeMessagePage(request, t.emailChangeTitle, t.emailChangeRevoked, false) }, 403)
    if (result.outcome === 'taken') return reply.page({ title: t.emailChangeTitle, body: emailChangeMessagePage(request, t.emailChangeTitle, t.emailChangeTaken, false) }, 409)
    return reply.page({ title: t.emailChangeTitle, body: emailChangeMessagePage(request, t.emailChangeTitle, t.emailChangeDone(result.email), true) })
  })
}
