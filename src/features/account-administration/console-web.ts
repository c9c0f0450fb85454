/**
 * What every console route shares: the role guard, the context a flow needs, the translation of a
 * refusal into a clean 403/404/409 page that leads back to the list the manager came from, and
 * the audit of every refusal (`admin.actionRefused`, ASVS 8.2.1 / 16.3.2) in one onError hook.
 * A refusal never changes anything.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HttpProblem, CsrfRejected } from '../../kernel/web/errors.ts'
import { refererPath } from '../../kernel/web/redirects.ts'
import { recordEvent, requestMeta } from '../../kernel/audit/audit-trail.ts'
import { pathParameter } from '../../kernel/web/routes.ts'
import type { ConsoleActor, Refusal } from './account-actions.ts'
import { type ScopeRefusal } from './hospital-scope.ts'
import { managerFrom, type Manager } from '../../kernel/accounts/managed-accounts.ts'
import { roleOf } from '../../kernel/accounts/guards.ts'
import { messages } from './messages.ts'

/** A refusal the console explains; `reason` is what the audit row keeps (never French text). */
export class ConsoleRefusal extends HttpProblem {
  constructor (statusCode: number, title: string, detail: string, readonly reason: string) {
    super(statusCode, title, detail)
  }
}

export function managerOf (request: FastifyRequest): Manager {
  if (!request.account) throw new Error('console route without the role guard')
  return managerFrom(request.account)
}

/** Who acts in this console request, and from where: a console flow's second argument. */
export function consoleActor (request: FastifyRequest): ConsoleActor {
  return { manager: managerOf(request), meta: requestMeta(request) }
}

export function scopeRefusalProblem (request: FastifyRequest, scope: ScopeRefusal): ConsoleRefusal {
  const t = messages[request.lang]
  return new ConsoleRefusal(403, t.refusedTitle, t.refusal[scope], scope)
}

export function refusalProblem (request: FastifyRequest, refusal: Refusal): ConsoleRefusal {
  const t = messages[request.lang]
  if (refusal.status === 403) return scopeRefusalProblem(request, refusal.scope)
  if (refusal.emailChanged) return new ConsoleRefusal(409, t.refusedTitle, t.activationEmailChanged, 'emailChangedMeanwhile')
  return new ConsoleRefusal(409, t.refusedTitle, t.wrongState[refusal.state], `wrongState:${refusal.state}`)
}

function reasonOf (error: unknown, status: number): string {
  if (error instanceof ConsoleRefusal) return error.reason
  if (error instanceof CsrfRejected) return 'csrf'
  if (status === 404) return 'notFoundOrOutOfScope'
  if (status === 403) return 'roleRequired'
  return 'refused'
}

/** Records a refused console request (403/404/409) in its own transaction: nothing else changed. */
export async function recordRefusal (app: FastifyInstance, request: FastifyRequest, status: number, reason: string, targetId?: string): Promise<void> {
  const account = request.account
  const target = targetId ?? pathParameter(request, 'id')?.slice(0, 64) ?? null
  await app.db.transaction().execute((tx) => recordEvent(tx, {
    type: 'admin.actionRefused',
    outcome: 'refused',
    actorId: account?.id ?? null,
    actorRole: account ? roleOf(account) : null,
    targetId: target,
    ...requestMeta(request),
    details: { method: request.method, route: request.routeOptions.url, status, reason },
  }, app.now()))
}

/** Registers the audit of refusals on the console's routes (an encapsulated hook). */
export function auditConsoleRefusals (app: FastifyInstance) {
  app.addHook('onError', async (request, _reply, error) => {
    const status = (error as { statusCode?: number }).statusCode
    if (status !== 403 && status !== 404 && status !== 409) return
    try {
      await recordRefusal(app, request, status, reasonOf(error, status))
    } catch (auditError) {
      request.log.error({ err: auditError }, 'refusal not audited')
    }
  })
}

/** The console's lists a refusal page leads back to: the user list (with its filters) or the requests queue. */
const listPathPattern = /^\/gestion(\/demandes-gestionnaires)?\/?(\?[^#]*)?$/

/**
 * The list the request came from, read from the Referer of this site (so the filters and page
 * are kept); any other page, or another site, gives the user list.
 */
export function listPathOf (request: FastifyRequest): string {
  const path = refererPath(request.headers.referer, request.server.config.appBaseUrl)
  return path !== undefined && listPathPattern.test(path) ? path : '/gestion'
}

/**
 * A manager's refusal page (403, 404, 409) names the list to go back to rather than the home
 * page (the app's error handler reads request.refusalBackLink); a user without the role gets
 * the home page's link.
 */
export function showRefusalsWithListLink (app: FastifyInstance) {
  app.addHook('onRequest', async function leadRefusalsBackToList (request) {
    if (request.account === undefined || roleOf(request.account) === 'user') return
    request.refusalBackLink = { href: listPathOf(request), label: messages[request.lang].backToList }
  })
}
