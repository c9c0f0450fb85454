/**
 * The edit form's routes (admin guide §3): identity and email, sites added and removed, and the
 * public page where the holder of a new address confirms it (reached from the email, so no login:
 * the single-use token is the proof).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { HttpProblem } from '../../kernel/web/errors.ts'
import { csrfField } from '../../kernel/web/layout.ts'
import { fieldErrorsFrom, type FieldErrors } from '../../kernel/web/forms.ts'
import { layoutMessages } from '../../kernel/web/messages.ts'
import { listProfessions } from '../reference-data/index.ts'
import { requireRole } from '../sessions/index.ts'
import {
  addSiteToAccount, confirmEmailChange, findEmailChangeByToken, findPendingEmailChange, removeSiteFromAccount,
  saveAccountIdentity, searchSites, type EditProblem, type SiteResult,
} from './account-edit.ts'
import { consoleContext, managerOf, recordRefusal, scopeRefusalProblem } from './console-web.ts'
import { refusalToChange, requireManagedAccount, type ManagedAccount } from './hospital-scope.ts'
import { messages } from './messages.ts'
import { accountEditPage, emailChangeMessagePage, emailChangePage, type EditValues } from './views/account-edit.ts'
import { fullName } from './views/account-actions.ts'

const idParams = Type.Object({ id: Type.String({ maxLength: 64 }) })
type IdParams = Static<typeof idParams>

const EditQuery = Type.Object({
  site: Type.Optional(Type.String({ maxLength: 100 })),
  fait: Type.Optional(Type.String({ maxLength: 30 })),
})
type EditQueryType = Static<typeof EditQuery>

const IdentityForm = Type.Object({
  civilite: Type.Union([Type.Literal('mme'), Type.Literal('m')]),
  nom: Type.String({ minLength: 1, maxLength: 100 }),
  prenom: Type.String({ minLength: 1, maxLength: 100 }),
  profession: Type.String({ minLength: 1, maxLength: 64 }),
  email: Type.String({ minLength: 1, maxLength: 254 }),
  action: Type.Optional(Type.Union([Type.Literal('enregistrer'), Type.Literal('inverser')])),
})
type IdentityFormType = Static<typeof IdentityForm>

const SiteForm = Type.Object({ site: Type.String({ minLength: 1, maxLength: 64 }) })
type SiteFormType = Static<typeof SiteForm>

const TokenQuery = Type.Object({ jeton: Type.Optional(Type.String({ maxLength: 100 })) })
const TokenForm = Type.Object({ jeton: Type.String({ maxLength: 100 }) })

const noticeKeys = ['enregistre', 'inverse', 'email', 'site-ajoute', 'site-retire'] as const

function valuesOf (account: ManagedAccount): EditValues {
  return { civilite: account.civility, nom: account.last_name, prenom: account.first_name, profession: account.profession_code, email: account.email }
}

export async function accountEditRoutes (app: FastifyInstance) {
  const asManager = { preHandler: requireRole('accountManager') }

  async function requireEditableAccount (request: FastifyRequest): Promise<ManagedAccount> {
    const manager = managerOf(request)
    const account = await requireManagedAccount(app.db, manager, (request.params as IdParams).id)
    const refusal = refusalToChange(manager, account)
    if (refusal) throw scopeRefusalProblem(request, refusal)
    return account
  }

  async function renderEditPage (request: FastifyRequest, reply: FastifyReply, account: ManagedAccount, options: {
    status?: number; values?: EditValues; errors?: FieldErrors; notice?: string; refusal?: string; siteSearch?: string
  } = {}) {
    const t = messages[request.lang]
    const manager = managerOf(request)
    const siteSearch = options.siteSearch ?? ''
    return reply.page({
      title: t.editTitle(fullName(account)),
      hasErrors: Object.keys(options.errors ?? {}).length > 0,
      body: accountEditPage({
        t, lang: request.lang, csrf: csrfField(request), account,
        values: options.values ?? valuesOf(account),
        errors: options.errors ?? {},
        notice: options.notice,
        refusal: options.refusal,
        pendingEmail: await findPendingEmailChange(app.db, account.id, app.now()),
        professions: await listProfessions(app.db),
        siteSearch,
        siteResults: siteSearch.trim() === '' ? undefined : await searchSites(app.db, manager, siteSearch),
      }),
    }, options.status ?? 200)
  }

  // GET /gestion/comptes/:id (?site=… searches sites to add)
  app.get('/comptes/:id', { ...asManager, schema: { params: idParams, querystring: EditQuery }, attachValidation: true }, async function showAccountEditForm (request, reply) {
    const account = await requireEditableAccount(request)
    const query = request.validationError ? {} : request.query as EditQueryType
    const t = messages[request.lang]
    const notices: Record<(typeof noticeKeys)[number], string> = {
      enregistre: t.saved, inverse: t.namesSwapped, email: t.saved, 'site-ajoute': t.saved, 'site-retire': t.saved,
    }
    const notice = noticeKeys.find((k) => k === query.fait)
    return renderEditPage(request, reply, account, {
      status: request.validationError ? 400 : 200,
      notice: notice ? notices[notice] : undefined,
      siteSearch: query.site,
    })
  })

  // POST /gestion/comptes/:id (« Enregistrer » or « Inverser nom et prénom »)
  app.post('/comptes/:id', { ...asManager, schema: { params: idParams, body: IdentityForm }, attachValidation: true }, async function saveAccountEdits (request, reply) {
    const t = messages[request.lang]
    const account = await requireEditableAccount(request)
    const body = (request.body ?? {}) as Partial<Record<keyof IdentityFormType, unknown>>
    const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 254) : '')
    const submitted: EditValues = { civilite: text(body.civilite), nom: text(body.nom), prenom: text(body.prenom), profession: text(body.profession), email: text(body.email) }
    if (request.validationError) {
      return renderEditPage(request, reply, account, { status: 400, values: submitted, errors: fieldErrorsFrom(request.lang, request.validationError.validation) })
    }
    const form = request.body as IdentityFormType
    const swapNames = form.action === 'inverser'
    const result = await saveAccountIdentity(consoleContext(app, request), account.id, {
      civility: form.civilite, lastName: form.nom, firstName: form.prenom, professionCode: form.profession, email: form.email,
    }, { swapNames })
    if (result.outcome === 'refused') throw scopeRefusalProblem(request, result.scope)
    if (result.outcome === 'invalid') {
      const problemText: Record<EditProblem, string> = {
        professionUnknown: t.professionUnknown, emailInvalid: t.emailInvalid, emailTaken: t.emailTaken,
        lastNameRequired: layoutMessages[request.lang].required, firstNameRequired: layoutMessages[request.lang].required,
      }
      const errors = Object.fromEntries(Object.entries(result.problems).map(([field, problem]) => [field, problemText[problem]]))
      return renderEditPage(request, reply, account, { status: 400, values: submitted, errors })
    }
    if (result.emailChangeSentTo) {
      void app.mail.kick()
      const updated = await requireManagedAccount(app.db, managerOf(request), account.id)
      return renderEditPage(request, reply, updated, { notice: t.emailChangeSent(result.emailChangeSentTo) })
    }
    return reply.redirect(`/gestion/comptes/${account.id}?fait=${swapNames ? 'inverse' : 'enregistre'}`, 303)
  })

  async function answerSiteResult (request: FastifyRequest, reply: FastifyReply, accountId: string, result: SiteResult, done: (label: string) => string) {
    const t = messages[request.lang]
    if (result.outcome === 'refused' && result.status === 403) throw scopeRefusalProblem(request, result.scope)
    if (result.outcome === 'refused') {
      // The form again with the guide's explanation, and a 409: nothing changed.
      await recordRefusal(app, request, 409, result.problem)
      const account = await requireManagedAccount(app.db, managerOf(request), accountId)
      return renderEditPage(request, reply, account, { status: 409, refusal: result.problem === 'lastSite' ? t.lastSite : t.siteUnknown })
    }
    const account = await requireManagedAccount(app.db, managerOf(request), accountId)
    return renderEditPage(request, reply, account, { notice: done(result.siteLabel) })
  }

  // POST /gestion/comptes/:id/sites/ajouter
  app.post('/comptes/:id/sites/ajouter', { ...asManager, schema: { params: idParams, body: SiteForm }, attachValidation: true }, async function addSiteFromConsole (request, reply) {
    const account = await requireEditableAccount(request)
    if (request.validationError) return renderEditPage(request, reply, account, { status: 400, refusal: messages[request.lang].siteUnknown })
    const result = await addSiteToAccount(consoleContext(app, request), account.id, (request.body as SiteFormType).site)
    return answerSiteResult(request, reply, account.id, result, messages[request.lang].siteAdded)
  })

  // POST /gestion/comptes/:id/sites/retirer
  app.post('/comptes/:id/sites/retirer', { ...asManager, schema: { params: idParams, body: SiteForm }, attachValidation: true }, async function removeSiteFromConsole (request, reply) {
    const account = await requireEditableAccount(request)
    if (request.validationError) return renderEditPage(request, reply, account, { status: 400, refusal: messages[request.lang].siteUnknown })
    const result = await removeSiteFromAccount(consoleContext(app, request), account.id, (request.body as SiteFormType).site)
    return answerSiteResult(request, reply, account.id, result, messages[request.lang].siteRemoved)
  })

  // GET /gestion/changement-email?jeton=… (public: the link of the email; shows one button, changes nothing)
  app.get('/changement-email', { schema: { querystring: TokenQuery }, attachValidation: true }, async function showEmailChangeConfirmation (request, reply) {
    reply.header('referrer-policy', 'no-referrer')
    const t = messages[request.lang]
    const token = request.validationError ? undefined : (request.query as { jeton?: string }).jeton
    const newEmail = await findEmailChangeByToken(app.db, token, app.now())
    if (!token || !newEmail) return reply.page({ title: t.emailChangeTitle, body: emailChangeMessagePage(t, t.emailChangeTitle, t.emailChangeInvalid, false) }, 400)
    return reply.page({ title: t.emailChangeTitle, body: emailChangePage(t, csrfField(request), token, newEmail) })
  })

  // POST /gestion/changement-email
  app.post('/changement-email', { schema: { body: TokenForm }, attachValidation: true }, async function confirmEmailChangeFromLink (request, reply) {
    reply.header('referrer-policy', 'no-referrer')
    const t = messages[request.lang]
    if (request.validationError) throw new HttpProblem(400, t.emailChangeTitle, t.emailChangeInvalid)
    const result = await confirmEmailChange(app.db, (request.body as { jeton: string }).jeton,
      { ip: request.ip, userAgent: request.headers['user-agent'] }, app.now())
    if (result.outcome === 'invalidLink') return reply.page({ title: t.emailChangeTitle, body: emailChangeMessagePage(t, t.emailChangeTitle, t.emailChangeInvalid, false) }, 400)
    if (result.outcome === 'taken') return reply.page({ title: t.emailChangeTitle, body: emailChangeMessagePage(t, t.emailChangeTitle, t.emailChangeTaken, false) }, 409)
    return reply.page({ title: t.emailChangeTitle, body: emailChangeMessagePage(t, t.emailChangeTitle, t.emailChangeDone(result.email), true) })
  })
}
