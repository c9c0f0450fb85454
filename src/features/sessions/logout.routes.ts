/**
 * « Se déconnecter »: the name at the top right opens a menu with « Déconnexion », a POST (CSRF
 * checked by the web kernel). The session is destroyed on the server, not only in the browser.
 */
import type { FastifyInstance } from 'fastify'
import { typed } from '../../kernel/web/routes.ts'
import { recordEvent } from '../audit/index.ts'
import { destroySession } from './sessions.ts'

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
            type: 'session.loggedOut', actorId: accountId, targetId: accountId, ip: request.ip, userAgent: request.headers['user-agent'],
          }, app.now())
        }
      })
    }
    app.clearSessionCookie(reply)
    return reply.redirect('/connexion?deconnecte=1', 303)
  })
}
