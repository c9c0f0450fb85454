/**
 * Refused requests on the audit and access-review pages (403 role, 404 out of scope, 409 state,
 * CSRF) are recorded as `admin.actionRefused` (ASVS 8.2.1 / 16.3.2), in their own transaction:
 * a refusal changes nothing else. The console keeps its own hook for its routes.
 */
import type { FastifyInstance } from 'fastify'
import { requireRole, roleOf } from '../../kernel/accounts/guards.ts'
import { CsrfRejected } from '../../kernel/web/errors.ts'
import { recordEvent, requestMeta } from '../../kernel/audit/audit-trail.ts'
import { pathParameter, typed } from '../../kernel/web/routes.ts'

export function auditRefusedRequests (app: FastifyInstance): void {
  app.addHook('onError', async (request, _reply, error) => {
    const status = (error as { statusCode?: number }).statusCode ?? (error instanceof CsrfRejected ? 403 : undefined)
    if (status !== 403 && status !== 404 && status !== 409) return
    try {
      await app.db.transaction().execute((tx) => recordEvent(tx, {
        type: 'admin.actionRefused',
        outcome: 'refused',
        actorId: request.account?.id ?? null,
        actorRole: request.account ? roleOf(request.account) : null,
        targetId: pathParameter(request, 'id')?.slice(0, 64) ?? null,
        ...requestMeta(request),
        details: { method: request.method, route: request.routeOptions.url, status, reason: error instanceof CsrfRejected ? 'csrf' : status === 404 ? 'notFoundOrOutOfScope' : 'refused' },
      }, app.now()))
    } catch (auditError) {
      request.log.error({ err: auditError }, 'refusal not audited')
    }
  })
}

/**
 * The start of the journal's and the access review's plugins: their routes typed by their
 * schemas, every refusal audited as above, and the guard each route declares (`asManager`).
 */
export function auditedManagerRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  auditRefusedRequests(app)
  return { app, asManager: { preHandler: requireRole('accountManager') } }
}
