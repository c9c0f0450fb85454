/**
 * « Se déconnecter »: the name at the top right opens a menu with « Déconnexion », a POST (CSRF
 * checked by the web kernel). The session is destroyed on the server, not only in the browser,
 * and so is this browser's session at the OpenID Connect provider: the applications it signed
 * in to are told (back-channel logout) and their tokens revoked, as on a shared workstation the
 * next person must not find the last one's patient records open.
 */
import type { FastifyInstance } from 'fastify'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { typed } from '../../kernel/web/routes.ts'
import { destroySession } from './sessions.ts'
import { endBrowserProviderSession, providerSessionCookie } from '../../kernel/accounts/client-access.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

export async function logoutRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  // POST /deconnexion
  app.post('/deconnexion', async function logOut (request, reply) {
    const token = request.cookies[app.sessionCookie]
    const providerSession = request.cookies[providerSessionCookie]
    if (token || providerSession) {
      await app.db.transaction().execute(async (tx) => {
        const accountId = token ? await destroySession(tx, token) : undefined
        if (accountId) {
          await recordEvent(tx, {
            type: 'session.loggedOut', actorId: accountId, targetId: accountId, ...requestMeta(request),
          }, app.now())
        }
        if (providerSession) await endBrowserProviderSession(tx, providerSession, app.now())
      })
    }
    app.clearSessionCookie(reply)
    return reply.redirect('/connexion?deconnecte=1', 303)
  })
}
