/**
 * The account-management console (admin guide « L'interface de gestion » §1–7), mounted at
 * /gestion: the user list, the « Actions » menu's pages, bulk activation and the
 * super-administrators' queue of account-manager requests. The edit form lives in
 * `account-edit.routes.ts`. Every route declares its role; every account id goes through
 * `requireManagedAccount` (hospital-scope.ts); every refusal is audited (console-web.ts).
 */
import type { FastifyInstance, FastifyPluginOptions, FastifyRequest } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { IdParams, OneOrMany, listOf, typed } from '../../kernel/web/routes.ts'
import { HttpProblem, RequestRefused } from '../../kernel/web/errors.ts'
import { layoutMessages } from '../../kernel/web/messages.ts'
import { accountStatus, type AccountStatus } from '../../kernel/accounts/accounts.ts'
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
  listManagedAccounts, listSitesOfHospitals, type LineSite, type ListedAccount, type ListFilters,
} from './account-administration.queries.ts'
import { csvByteOrderMark, csvDownloadHeaders, csvLine } from '../../kernel/web/csv.ts'
import { formatInstantIso } from '../../kernel/web/dates.ts'
import { recordEvent, requestMeta } from '../../kernel/audit/audit-trail.ts'
import { siteLabel } from './account-edit.ts'
import { findActivationWarnings } from './activation-checklist.ts'
import { accountEditRoutes } from './account-edit.routes.ts'
import { auditConsoleRefusals, consoleActor, listPathOf, showRefusalsWithListLink, managerOf, recordRefusal, refusalProblem, scopeRefusalProblem } from './console-web.ts'
import {
  findManagedAccount, isEditableBy, refusalToActivate, refusalToChange, refusalToDeactivate, requireManagedAccount,
  type ManagedAccount,
} from './hospital-scope.ts'
import { messages, type AdministrationMessages } from './messages.ts'
import { accountListPage, statusSlugs, type ListLine, type ListQueryValues } from './views/account-list.ts'
import {
  activationPage, bulkConfirmationPage, bulkResultPage, deactivationPage, deletionPage, fullName, managerRequestsPage,
} from './views/account-actions.ts'
import { deleteAccountDefinitively } from './account-deletion.ts'

const csvBatch = 1000
/** An export larger than this is cut (narrower filters give the rest), as the journal's. */
const csvMaximumAccounts = 100_000

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
  comptes: Type.Optional(OneOrMany(Type.String({ maxLength: 64 }), 200)),
  confirmer: Type.Optional(Type.String({ maxLength: 1 })),
})

/** The address the activation page showed (§4.1): activation is refused if it changed since. */
const ActivationForm = Type.Object({ adresse: Type.Optional(Type.String({ maxLength: 254 })) })

/**
 * The list's filters from its query, for the page and its CSV alike. An account manager's scope
 * is their hospitals whatever the query says: `hopital` is read for super-administrators only.
 */
function readListFilters (manager: Manager, query: ListQueryType): { filters: ListFilters; values: ListQueryValues } {
  const status = query.statut ? statusBySlug[query.statut] : undefined
  const hospitalId = manager.isSuperadmin && query.hopital ? query.hopital : undefined
  const filters: ListFilters = {
    status,
    lockedOnly: query.verrouille === '1',
    siteId: query.site || undefined,
    professionCode: query.profession || undefined,
    hospitalId,
    search: query.q,
    sort: query.tri === 'nom' ? 'name' : 'registration',
    page: Math.max(1, Number(query.page ?? '1')),
  }
  const values: ListQueryValues = {
    q: query.q ?? '', statut: status ? statusSlugs[status] : '', verrouille: query.verrouille === '1' ? '1' : '',
    site: query.site ?? '', profession: query.profession ?? '', hopital: hospitalId ?? '', tri: filters.sort === 'name' ? 'nom' : '',
  }
  return { filters, values }
}

/** One account as the list shows it: the columns on screen, in the request's language. */
function csvAccountLine (t: AdministrationMessages, account: ListedAccount, sites: LineSite[], professions: Map<string, string>): string {
  const severalHospitals = new Set(sites.map((s) => s.hospitalId)).size > 1
  return csvLine([
    account.locked_at !== null ? t.csvYes : t.csvNo, t.status[accountStatus(account)], account.last_name, account.first_name,
    account.email, professions.get(account.profession_code) ?? account.profession_code,
    sites.map((s) => siteLabel(s, severalHospitals ? s.hospitalName : undefined)).join(', '), formatInstantIso(account.created_at),
  ])
}

function badRequest (request: FastifyRequest): HttpProblem {
  const t = layoutMessages[request.lang]
  return new HttpProblem(400, t.badRequestTitle, t.badRequestBody)
}

/** An attached validation error: a refused id is already the 404 it names; anything else a 400. */
function invalidRequest (request: FastifyRequest, error: Error): Error {
  return error instanceof RequestRefused ? error : badRequest(request)
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

export async function accountAdministrationRoutes (instance: FastifyInstance, options: AccountAdministrationOptions) {
  const app = typed(instance)
  const landingBoxes = options.landingBoxes ?? []
  auditConsoleRefusals(app)
  showRefusalsWithListLink(app)
  const asManager = { preHandler: requireRole('accountManager') }

  // GET /gestion
  app.get('/', { ...asManager, schema: { querystring: ListQuery }, attachValidation: true }, async function showAccountList (request, reply) {
    if (request.validationError) throw badRequest(request)
    const query = request.query
    const manager = managerOf(request)
    const { filters, values } = readListFilters(manager, query)
    const hospitalId = filters.hospitalId
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
    const t = messages[request.lang]
    return reply.page({
      title: t.listTitle,
      scripts: ['administration.js'],
      body: html`${accountListPage(request, {
        isSuperadmin: manager.isSuperadmin, values, counts, lines,
        page: filters.page, hasNextPage: list.hasNextPage, professions, sites, hospitals,
        notice,
      })}${boxes}`,
    })
  })

  // GET /gestion/comptes.csv?q=…&statut=…&verrouille=…&site=…&profession=…&hopital=…&tri=…
  app.get('/comptes.csv', { ...asManager, schema: { querystring: ListQuery }, attachValidation: true }, async function exportAccountList (request, reply) {
    if (request.validationError) throw badRequest(request)
    const manager = managerOf(request)
    const { filters, values } = readListFilters(manager, request.query)
    const t = messages[request.lang]
    const professions = new Map((await listProfessions(app.db)).map((p) => [p.code, request.lang === 'fr' ? p.label_fr : p.label_en]))
    const lines = [csvByteOrderMark, csvLine(t.csvHeader)]
    let exported = 0
    // The list's own query, page after page (larger pages): the same scope, filters and order.
    for (let page = 1; exported < csvMaximumAccounts; page++) {
      const batch = await listManagedAccounts(app.db, manager, { ...filters, page }, csvBatch)
      const sitesByAccount = await findSitesOfAccounts(app.db, batch.rows.map((r) => r.id))
      for (const account of batch.rows) lines.push(csvAccountLine(t, account, sitesByAccount.get(account.id) ?? [], professions))
      exported += batch.rows.length
      if (!batch.hasNextPage) break
    }
    await app.db.transaction().execute((tx) => recordEvent(tx, {
      type: 'admin.accountListExported', actorId: manager.id, hospitalId: manager.hospitalIds[0] ?? null, ...requestMeta(request),
      details: { accounts: exported, filters: values },
    }, app.now()))
    const day = new Date(app.now()).toISOString().slice(0, 10)
    return reply.headers(csvDownloadHeaders(`${t.csvFileName}-${day}.csv`)).send(lines.join(''))
  })

  // GET /gestion/demandes-gestionnaires
  app.get('/demandes-gestionnaires', { preHandler: requireRole('superadmin') }, async function showAccountManagerRequests (request, reply) {
    const t = messages[request.lang]
    const requests = await listAccountManagerRequests(app.db)
    return reply.page({ title: t.requestsTitle, body: managerRequestsPage(request, requests) })
  })

  async function requireActionTarget (request: FastifyRequest, id: string, check: (account: ManagedAccount) => ReturnType<typeof refusalToChange>): Promise<ManagedAccount> {
    const manager = managerOf(request)
    const account = await requireManagedAccount(app.db, manager, id)
    const refusal = check(account)
    if (refusal) throw scopeRefusalProblem(request, refusal)
    return account
  }

  // GET /gestion/comptes/:id/activer
  app.get('/comptes/:id/activer', { ...asManager, schema: { params: IdParams } }, async function showActivation (request, reply) {
    const manager = managerOf(request)
    const account = await requireActionTarget(request, request.params.id, (a) => refusalToActivate(manager, a))
    if (!isAllowedInState('activate', account)) throw refusalProblem(request, { outcome: 'refused', status: 409, state: 'activate' })
    const t = messages[request.lang]
    const warnings = await findActivationWarnings(app.db, manager, account, app.now())
    return reply.page({
      title: t.activateTitle(fullName(account)),
      body: activationPage(request, account, await professionLabel(app, request, account.profession_code), warnings),
    })
  })

  // POST /gestion/comptes/:id/activer
  app.post('/comptes/:id/activer', { ...asManager, schema: { params: IdParams, body: ActivationForm }, attachValidation: true }, async function activateFromConsole (request, reply) {
    if (request.validationError) throw invalidRequest(request, request.validationError)
    const shownEmail = request.body?.adresse
    const result = await activateAccount(app.flow, consoleActor(request), request.params.id, shownEmail)
    if (result.outcome === 'refused') throw refusalProblem(request, result)
    void app.mail.kick()
    return reply.redirect(`/gestion?fait=${result.emailChangeVoided ? 'active-changement-annule' : 'active'}&compte=${result.account.id}`, 303)
  })

  // GET /gestion/comptes/:id/desactiver
  app.get('/comptes/:id/desactiver', { ...asManager, schema: { params: IdParams } }, async function showDeactivation (request, reply) {
    const manager = managerOf(request)
    const account = await requireActionTarget(request, request.params.id, (a) => refusalToDeactivate(manager, a))
    if (!isAllowedInState('deactivate', account)) throw refusalProblem(request, { outcome: 'refused', status: 409, state: 'deactivate' })
    const t = messages[request.lang]
    return reply.page({
      title: t.deactivateTitle(fullName(account)),
      body: deactivationPage(request, account, await professionLabel(app, request, account.profession_code)),
    })
  })

  // POST /gestion/comptes/:id/desactiver
  app.post('/comptes/:id/desactiver', { ...asManager, schema: { params: IdParams } }, async function deactivateFromConsole (request, reply) {
    const result = await deactivateAccount(app.flow, consoleActor(request), request.params.id)
    if (result.outcome === 'refused') throw refusalProblem(request, result)
    return reply.redirect(`/gestion?fait=desactive&compte=${result.account.id}`, 303)
  })

  // POST /gestion/comptes/:id/renvoyer-confirmation
  app.post('/comptes/:id/renvoyer-confirmation', { ...asManager, schema: { params: IdParams } }, async function resendConfirmationFromConsole (request, reply) {
    const result = await resendConfirmationEmailFor(app.flow, consoleActor(request), request.params.id)
    if (result.outcome === 'refused') throw refusalProblem(request, result)
    void app.mail.kick()
    return reply.redirect(`/gestion?fait=confirmation&compte=${result.account.id}`, 303)
  })

  // POST /gestion/comptes/:id/renvoyer-deverrouillage
  app.post('/comptes/:id/renvoyer-deverrouillage', { ...asManager, schema: { params: IdParams } }, async function resendUnlockFromConsole (request, reply) {
    const result = await resendUnlockEmailFor(app.flow, consoleActor(request), request.params.id)
    if (result.outcome === 'refused') throw refusalProblem(request, result)
    void app.mail.kick()
    return reply.redirect(`/gestion?fait=deverrouillage&compte=${result.account.id}`, 303)
  })

  // POST /gestion/comptes/activation-groupee: first a confirmation page with each account's warnings, then the activations.
  app.post('/comptes/activation-groupee', { ...asManager, schema: { body: BulkForm }, attachValidation: true }, async function activateSelectedAccounts (request, reply) {
    if (request.validationError) throw badRequest(request)
    const body = request.body
    const ids = listOf(body.comptes)
    const t = messages[request.lang]
    const actor = consoleActor(request)
    if (body.confirmer !== '1') {
      const entries = []
      const excluded = []
      for (const id of new Set(ids)) {
        const account = await findManagedAccount(app.db, actor.manager, id)
        if (!account || !isEditableBy(actor.manager, account.hospitalIds)) continue
        const scope = refusalToActivate(actor.manager, account)
        if (scope) excluded.push({ account, reason: t.refusal[scope] })
        else if (!isAllowedInState('bulkActivate', account)) excluded.push({ account, reason: t.wrongState.bulkActivate })
        else entries.push({ account, warnings: await findActivationWarnings(app.db, actor.manager, account, app.now()) })
      }
      return reply.page({ title: t.bulkTitle, body: bulkConfirmationPage(request, entries, excluded, listPathOf(request)) })
    }
    const lines = await activateAccounts(app.flow, actor, ids)
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
    return reply.page({ title: t.bulkResultTitle, body: bulkResultPage(request, lines, reasonOf) })
  })

  const DeletionForm = Type.Object({ confirmation: Type.String({ maxLength: 254 }) })

  // GET /gestion/comptes/:id/supprimer (super-administrators)
  app.get('/comptes/:id/supprimer', { preHandler: requireRole('superadmin'), schema: { params: IdParams } }, async function showDeletion (request, reply) {
    const manager = managerOf(request)
    const account = await requireActionTarget(request, request.params.id, (a) => (a.id === manager.id ? 'selfDeletion' : undefined))
    const t = messages[request.lang]
    return reply.page({
      title: t.deleteTitle(fullName(account)),
      body: deletionPage(request, account, await professionLabel(app, request, account.profession_code), undefined),
    })
  })

  // POST /gestion/comptes/:id/supprimer
  app.post('/comptes/:id/supprimer', { preHandler: requireRole('superadmin'), schema: { params: IdParams, body: DeletionForm }, attachValidation: true }, async function deleteFromConsole (request, reply) {
    if (request.validationError instanceof RequestRefused) throw request.validationError
    const confirmation = request.validationError ? '' : request.body.confirmation
    const actor = consoleActor(request)
    const result = await deleteAccountDefinitively(app.flow, actor, request.params.id, confirmation)
    if (result.outcome === 'refused') throw refusalProblem(request, result)
    if (result.outcome === 'confirmationMismatch') {
      const t = messages[request.lang]
      const account = await requireManagedAccount(app.db, actor.manager, request.params.id)
      return reply.page({
        title: t.deleteTitle(fullName(account)),
        hasErrors: true,
        body: deletionPage(request, account, await professionLabel(app, request, account.profession_code), t.deleteMismatch),
      }, 400)
    }
    return reply.redirect('/gestion?fait=supprime', 303)
  })

  await app.register(accountEditRoutes)
}
