/**
 * « Rester connecté » (user guide §3.4 « Session expirée », without surprise): the expiry
 * warning's button renews the session, a POST with the CSRF token checked by the web kernel.
 * public/session-expiry.js sends it with `Accept: application/json` and gets the time left; the
 * plain form (no script) comes back to its page.
 */
import type { FastifyInstance } from 'fastify'
import { typed } from '../../kernel/web/routes.ts'
import { Type } from '@sinclair/typebox'
import { safeReturnPath } from '../../kernel/web/redirects.ts'
import { touchSession } from './sessions.ts'

const RenewalForm = Type.Object({ retour: Type.Optional(Type.String({ maxLength: 500 })) })

export async function sessionRenewalRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  // POST /session/prolonger
  app.post('/session/prolonger', {
    schema: { body: RenewalForm }, attachValidation: true,
  }, async function keepSessionAlive (request, reply) {
    const wantsJson = (request.headers.accept ?? '').includes('application/json')
    const returnTo = safeReturnPath(request.validationError ? undefined : request.body?.retour)
    if (!request.account || !request.sessionDigest) {
      if (wantsJson) return reply.code(401).header('cache-control', 'no-store').send({ timeLeft: 0 })
      const query = new URLSearchParams({ retour: returnTo })
      if (request.sessionExpired) query.set('expiree', '1')
      return reply.redirect(`/connexion?${query.toString()}`, 303)
    }
    await touchSession(app.db, request.sessionDigest, app.now())
    if (wantsJson) return reply.header('cache-control', 'no-store').send({ timeLeft: app.rules.sessionIdleTimeout })
    return reply.redirect(returnTo, 303)
  })
}
