/**
 * The account-management console (admin guide « L'interface de gestion » §1–7), mounted at
 * /gestion: the user list, the « Actions » menu's pages, bulk activation and the
 * super-administrators' queue of account-manager requests. The edit form lives in
 * `account-edit.routes.ts`. Every route declares its role; every account id goes through
 * `requireManagedAccount` (hospital-scope.ts); every refusal is audited (console-web.ts).
 */
import type { FastifyInstance, FastifyPluginOptions, FastifyRequest } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { HttpProblem } from '../../kernel/web/errors.ts'
import { csrfField } from '../../kernel/web/layout.ts'
import { layoutMessages } from '../../kernel/web/messages.ts'
import type { AccountStatus } from '../../kernel/accounts/accounts.ts'
import { listProfessions } from '../reference-data/index.ts'
import { requireRole } from '../../kernel/accounts/guards.ts'
import { html, type Html } from '../../kernel/web/html.ts'
import type { Manager } from '../../kernel/accounts/managed-accounts.ts'
import {
  activateAccount, activateAccounts, availableActions, deactivateAccount, isAllowedInState,
  resendConfirmationEmailFor, resendUnlockEmailFor, type BulkLine,
} from './account-actions.ts'
import {
  countManagedAccountsByStatus, findSitesOfAccounts, listAccountManagerRequests, listHospitals,
  listManagedAccounts, listSitesOfHospitals,
} from './account-administration.queries.ts'
import { findActivationWarnings } from './activation-checklist.ts'
import { accountEditRoutes } from './account-edit.routes.ts'
import { auditConsoleRefusals, consoleContext, listPathOf, showRefusalsWithListLink, managerOf, recordRefusal, refusalProblem, scopeRefusalProblem } from './console-web.ts'
import {
  findManagedAccount, isEditableBy, refusalToActivate, refusalToChange, refusalToDeactivate, requireManagedAccount,
  type ManagedAccount,
} from './hospital-scope.ts'
import { messages } from './messages.ts'
import { accountListPage, statusSlugs, type ListLine, type ListQueryValues } from './views/account-list.ts'
import {
  activationPage, bulkConfirmationPage, bulkResultPage, deactivationPage, deletionPage, fullName, managerRequestsPage,
} from './views/account-actions.ts'
import { deleteAccountDefinitively } from './account-deletion.ts'

const idParams = Type.Object({ id: Type.String({ maxLength: 64 }) })
type IdParams = Static<typeof idParams>

const statusBySlug = Object.fromEntries(Object.entries(statusSlugs).map(([status, slug]) => [slug, status])) as Record<string, AccountStatus>

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  statut: Type.Optional(Type.String({ maxLength: 20 })),
  verrouille: Type.Optional(Type.String({ maxLength: 1 })),
  site: Type.Optional(Type.String({ maxLength: 64 })),
  profession: Type.Optional(Type.String({ maxLength: 64 })),
  hopital: Type.Optional(Type.String({ maxLength: 64 })),
  tri: Type.Optional(Type.String({ maxLength: 20 })),
  page: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  fait: Type.Optional(Type.String({ maxLength: 30 })),
  compte: Type.Optional(Type.String({ maxLength: 64 })),
})
type ListQueryType = Static<typeof ListQuery>

const BulkForm = Type.Object({
  comptes: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })])),
  confirmer: Type.Optional(Type.String({ maxLength: 1 })),
})
type BulkFormType = Static<typeof BulkForm>

/** The address the activation page showed (§4.1): activation is refused if it changed since. */
const ActivationForm = Type.Object({ adresse: Type.Optional(Type.String({ maxLength: 254 })) })

function badRequest (request: FastifyRequest): HttpProblem {
  const t = layoutMessages[request.lang]
  return new HttpProblem(400, t.badRequestTitle, t.badRequestBody)
}

async function professionLabel (app: FastifyInstance, request: FastifyRequest, code: string): Promise<string> {
  const professions = await listProfessions(app.db)
  const found = professions.find((p) => p.code === code)
  return found ? (request.lang === 'fr' ? found.label_fr : found.label_en) : code
}

/** The notice after an action (post/redirect/get): named only when the account is in scope. */
async function noticeFor (app: FastifyInstance, request: FastifyRequest, query: ListQueryType): Promise<string | undefined> {
  if (query.fait === 'supprime') return messages[request.lang].deletionDone
  if (!query.fait || !query.compte) return undefined
  const account = await findManagedAccount(app.db, managerOf(request), query.compte)
  if (!account) return undefined
  const t = messages[request.lang]
  const name = fullName(account)
  switch (query.fait) {
    case 'active': return t.activationDone(name)
    case 'active-changement-annule': return t.activationDoneEmailChangeVoided(name)
    case 'desactive': return t.deactivationDone(name)
    case 'confirmation': return t.confirmationResent(account.email)
    case 'deverrouillage': return t.unlockResent(account.email)
    default: return undefined
  }
}

/**
 * A box another feature adds under the console's list (the access review's count of due
 * reviews): app.ts composes them, so the console imports no other console feature.
 */
export type ConsoleLandingBox = (request: FastifyRequest, manager: Manager) => Promise<Html>

export interface AccountAdministrationOptions extends FastifyPluginOptions {
  landingBoxes?: readonly ConsoleLandingBox[]
}

export async function accountAdministrationRoutes (app: FastifyInstance, options: AccountAdministrationOptions) {
  const landingBoxes = options.landingBoxes ?? []
  auditConsoleRefusals(app)
  showRefusalsWithListLink(app)
  const asManager = { preHandler: requireRole('accountManager') }

  // GET /gestion
  app.get('/', { ...asManager, schema: { querystring: ListQuery }, attachValidation: true }, async function showAccountList (request, reply) {
    if (request.validationError) throw badRequest(request)
    const query = request.query as ListQueryType
    const manager = managerOf(request)
    const status = query.statut ? statusBySlug[query.statut] : undefined
    const hospitalId = manager.isSuperadmin && query.hopital ? query.hopital : undefined
    const filters = {
      status,
      lockedOnly: query.verrouille === '1',
      siteId: query.site || undefined,
      professionCode: query.profession || undefined,
      hospitalId,
      search: query.q,
      sort: query.tri === 'nom' ? 'name' as const : 'registration' as const,
      page: Math.max(1, Number(query.page ?? '1')),
    }
    // Independent reads, in parallel (PostgreSQL serves them on separate connections).
    const [list, counts, professions, hospitals, sites, boxes, notice] = await Promise.all([
      listManagedAccounts(app.db, manager, filters),
      countManagedAccountsByStatus(app.db, manager, hospitalId),
      listProfessions(app.db),
      manager.isSuperadmin ? listHospitals(app.db) : Promise.resolve([]),
      listSitesOfHospitals(app.db, hospitalId ? [hospitalId] : manager.isSuperadmin ? [] : manager.hospitalIds),
      Promise.all(landingBoxes.map((box) => box(request, manager))),
      noticeFor(app, request, query),
    ])
    const sitesByAccount = await findSitesOfAccounts(app.db, list.rows.map((r) => r.id))
    const lines: ListLine[] = list.rows.map((account) => {
      const lineSites = sitesByAccount.get(account.id) ?? []
      const subject = { ...account, sites: lineSites, hospitalIds: [...new Set(lineSites.map((s) => s.hospitalId))] }
      const refusal = refusalToChange(manager, subject)
      const actions = availableActions(manager, subject)
      return {
        account,
        sites: lineSites,
        actions,
        selectable: actions.includes('activate') && isAllowedInState('bulkActivate', subject),
        readOnly: refusal === 'severalHospitals' || refusal === 'protectedAccount' ? refusal : undefined,
        isSelf: account.id === manager.id,
      }
    })
    const values: ListQueryValues = {
      q: query.q ?? '', statut: status ? statusSlugs[status] : '', verrouille: query.verrouille === '1' ? '1' : '',
      site: query.site ?? '', profession: query.profession ?? '', hopital: hospitalId ?? '', tri: filters.sort === 'name' ? 'nom' : '',
    }
    const t = messages[request.lang]
    return reply.page({
      title: t.listTitle,
      scripts: ['administration.js'],
      body: html`${accountListPage({
        t, lang: request.lang, csrf: csrfField(request), isSuperadmin: manager.isSuperadmin, values, counts, lines,
        page: filters.page, hasNextPage: list.hasNextPage, professions, sites, hospitals,
        notice,
      })}${boxes}`,
    })
  })

  // GET /gestion/demandes-gestionnaires
  app.get('/demandes-gestionnaires', { preHandler: requireRole('superadmin') }, async function showAccountManagerRequests (request, reply) {
    const t = messages[request.lang]
    const requests = await listAccountManagerRequests(app.db)
    return reply.page({ title: t.requestsTitle, body: managerRequestsPage(t, request.lang, requests) })
  })

  async function requireActionTarget (request: FastifyRequest, check: (account: ManagedAccount) => ReturnType<typeof refusalToChange>): Promise<ManagedAccount> {
    const manager = managerOf(request)
    const account = await requireManagedAccount(app.db, manager, (request.params as IdParams).id)
    const refusal = check(account)
    if (refusal) throw scopeRefusalProblem(request, refusal)
    return account
  }

  // GET /gestion/comptes/:id/activer
  app.get('/comptes/:id/activer', { ...asManager, schema: { params: idParams } }, async function showActivation (request, reply) {
    const manager = managerOf(request)
    const account = await requireActionTarget(request, (a) => refusalToActivate(manager, a))
    if (!isAllowedInState('activate', account)) throw refusalProblem(request, { outcome: 'refused', status: 409, state: 'activate' })
    const t = messages[request.lang]
    const warnings = await findActivationWarnings(app.db, manager, account, app.now())
    return reply.page({
      title: t.activateTitle(fullName(account)),
      body: activationPage(t, request.lang, csrfField(request), account, await professionLabel(app, request, account.profession_code), warnings),
    })
  })

  // POST /gestion/comptes/:id/activer
  app.post('/comptes/:id/activer', { ...asManager, schema: { params: idParams, body: ActivationForm }, attachValidation: true }, async function activateFromConsole (request, reply) {
    if (request.validationError) throw badRequest(request)
    const shownEmail = (request.body as Static<typeof ActivationForm> | undefined)?.adresse
    const result = await activateAccount(consoleContext(app, request), (request.params as IdParams).id, shownEmail)
    if (result.outcome === 'refused') throw refusalProblem(request, result)
    void app.mail.kick()
    return reply.redirect(`/gestion?fait=${result.emailChangeVoided ? 'active-changement-annule' : 'active'}&compte=${result.account.id}`, 303)
  })

  // GET /gestion/comptes/:id/desactiver
  app.get('/comptes/:id/desactiver', { ...asManager, schema: { params: idParams } }, async function showDeactivation (request, reply) {
    const manager = managerOf(request)
    const account = await requireActionTarget(request, (a) => refusalToDeactivate(manager, a))
    if (!isAllowedInState('deactivate', account)) throw refusalProblem(request, { outcome: 'refused', status: 409, state: 'deactivate' })
    const t = messages[request.lang]
    return reply.page({
      title: t.deactivateTitle(fullName(account)),
      body: deactivationPage(t, request.lang, csrfField(request), account, await professionLabel(app, request, account.profession_code)),
    })
  })

  // POST /gestion/comptes/:id/desactiver
  app.post('/comptes/:id/desactiver', { ...asManager, schema: { params: idParams } }, async function deactivateFromConsole (request, reply) {
    const result = await deactivateAccount(consoleContext(app, request), (request.params as IdParams).id)
    if (result.outcome === 'refused') throw refusalProblem(request, result)
    return reply.redirect(`/gestion?fait=desactive&compte=${result.account.id}`, 303)
  })

  // POST /gestion/comptes/:id/renvoyer-confirmation
  app.post('/comptes/:id/renvoyer-confirmation', { ...asManager, schema: { params: idParams } }, async function resendConfirmationFromConsole (request, reply) {
    const result = await resendConfirmationEmailFor(consoleContext(app, request), (request.params as IdParams).id)
    if (result.outcome === 'refused') throw refusalProblem(request, result)
    void app.mail.kick()
    return reply.redirect(`/gestion?fait=confirmation&compte=${result.account.id}`, 303)
  })

  // POST /gestion/comptes/:id/renvoyer-deverrouillage
  app.post('/comptes/:id/renvoyer-deverrouillage', { ...asManager, schema: { params: idParams } }, async function resendUnlockFromConsole (request, reply) {
    const result = await resendUnlockEmailFor(consoleContext(app, request), (request.params as IdParams).id)
    if (result.outcome === 'refused') throw refusalProblem(request, result)
    void app.mail.kick()
    return reply.redirect(`/gestion?fait=deverrouillage&compte=${result.account.id}`, 303)
  })

  // POST /gestion/comptes/activation-groupee: first a confirmation page with each account's warnings, then the activations.
  app.post('/comptes/activation-groupee', { ...asManager, schema: { body: BulkForm }, attachValidation: true }, async function activateSelectedAccounts (request, reply) {
    if (request.validationError) throw badRequest(request)
    const body = request.body as BulkFormType
    const ids = body.comptes === undefined ? [] : Array.isArray(body.comptes) ? body.comptes : [body.comptes]
    const t = messages[request.lang]
    const ctx = consoleContext(app, request)
    if (body.confirmer !== '1') {
      const entries = []
      const excluded = []
      for (const id of new Set(ids)) {
        const account = await findManagedAccount(app.db, ctx.manager, id)
        if (!account || !isEditableBy(ctx.manager, account.hospitalIds)) continue
        const scope = refusalToActivate(ctx.manager, account)
        if (scope) excluded.push({ account, reason: t.refusal[scope] })
        else if (!isAllowedInState('bulkActivate', account)) excluded.push({ account, reason: t.wrongState.bulkActivate })
        else entries.push({ account, warnings: await findActivationWarnings(app.db, ctx.manager, account, ctx.now) })
      }
      return reply.page({ title: t.bulkTitle, body: bulkConfirmationPage(t, csrfField(request), entries, excluded, listPathOf(request)) })
    }
    const lines = await activateAccounts(ctx, ids)
    for (const line of lines) {
      if (line.result.outcome === 'done') continue
      const status = line.result.outcome === 'notFound' ? 404 : line.result.status
      const reason = line.result.outcome === 'notFound' ? 'notFoundOrOutOfScope' : line.result.status === 403 ? line.result.scope : `wrongState:${line.result.state}`
      await recordRefusal(app, request, status, reason, line.accountId.slice(0, 64))
    }
    void app.mail.kick()
    const reasonOf = (line: BulkLine) => {
      const r = line.result
      if (r.outcome === 'notFound') return layoutMessages[request.lang].notFoundTitle
      if (r.outcome === 'refused') return r.status === 403 ? t.refusal[r.scope] : t.wrongState[r.state]
      return ''
    }
    return reply.page({ title: t.bulkResultTitle, body: bulkResultPage(t, lines, reasonOf) })
  })

  const DeletionForm = Type.Object({ confirmation: Type.String({ maxLength: 254 }) })

  // GET /gestion/comptes/:id/supprimer (super-administrators)
  app.get('/comptes/:id/supprimer', { preHandler: requireRole('superadmin'), schema: { params: idParams } }, async function showDeletion (request, reply) {
    const manager = managerOf(request)
    const account = await requireActionTarget(request, (a) => (a.id === manager.id ? 'selfDeletion' : undefined))
    const t = messages[request.lang]
    return reply.page({
      title: t.deleteTitle(fullName(account)),
      body: deletionPage(t, request.lang, csrfField(request), account, await professionLabel(app, request, account.profession_code), undefined),
    })
  })

  // POST /gestion/comptes/:id/supprimer
  app.post('/comptes/:id/supprimer', { preHandler: requireRole('superadmin'), schema: { params: idParams, body: DeletionForm }, attachValidation: true }, async function deleteFromConsole (request, reply) {
    const typed = request.validationError ? '' : (request.body as Static<typeof DeletionForm>).confirmation
    const ctx = consoleContext(app, request)
    const result = await deleteAccountDefinitively(ctx, (request.params as IdParams).id, typed)
    if (result.outcome === 'refused') throw refusalProblem(request, result)
    if (result.outcome === 'confirmationMismatch') {
      const t = messages[request.lang]
      const account = await requireManagedAccount(app.db, ctx.manager, (request.params as IdParams).id)
      return reply.page({
        title: t.deleteTitle(fullName(account)),
        hasErrors: true,
        body: deletionPage(t, request.lang, csrfField(request), account, await professionLabel(app, request, account.profession_code), t.deleteMismatch),
      }, 400)
    }
    return reply.redirect('/gestion?fait=supprime', 303)
  })

  await app.register(accountEditRoutes)
}
