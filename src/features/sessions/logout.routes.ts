/**
 * « Se déconnecter »: the name at the top right opens a menu with « Déconnexion », a POST (CSRF
 * checked by the web kernel). The session is destroyed on the server, not only in the browser.
 */
import type { FastifyInstance } from 'fastify'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { typed } from '../../kernel/web/routes.ts'
import { destroySession } from './sessions.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

export async function logoutRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  // POST /deconnexion
  app.post('/deconnexion', async function logOut (request, reply) {
    const token = request.cookies[app.sessionCookie]
    if (token) {
      await app.db.transaction().execute(async (tx) => {
        const accountId = await destroySession(tx, token)
        if (accountId) {
          await recordEvent(tx, {
            type: 'session.loggedOut', actorId: accountId, targetId: accountId, ...requestMeta(request),
          }, app.now())
        }
      })
    }
    app.clearSessionCookie(reply)
    return reply.redirect('/connexion?deconnecte=1', 303)
  })
}
