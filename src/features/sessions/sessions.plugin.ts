/**
 * The sessions plugin (one of two features allowed to use fastify-plugin, as it decorates every
 * request): reads the session cookie, sets request.account, and offers the guards routes use.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { findLiveSession } from './sessions.ts'
import { logoutRoutes } from './logout.routes.ts'
import { RequestRefused } from '../../kernel/web/errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The session cookie pointed to a session that just expired (shows « Session expirée »). */
    sessionExpired: boolean
  }
  interface FastifyInstance {
    sessionCookie: string
    /** Sets the session cookie: no Max-Age/Expires, so it dies with the browser. */
    setSessionCookie: (reply: FastifyReply, token: string) => void
    clearSessionCookie: (reply: FastifyReply) => void
  }
}

async function sessions (app: FastifyInstance) {
  const sessionCookie = app.cookieName('session')
  app.decorate('sessionCookie', sessionCookie)
  app.decorate('setSessionCookie', (reply: FastifyReply, token: string) => {
    reply.setCookie(sessionCookie, token, app.cookieOptions)
  })
  app.decorate('clearSessionCookie', (reply: FastifyReply) => {
    reply.clearCookie(sessionCookie, app.cookieOptions)
  })
  app.decorateRequest('sessionExpired', false)

  app.addHook('onRequest', async (request, reply) => {
    // Static files neither need the account nor count as activity (ASVS 7.3.1).
    if (request.url.startsWith('/static/')) return
    const token = request.cookies[sessionCookie]
    if (!token) return
    const found = await findLiveSession(app.db, token, app.rules, app.now(), { ip: request.ip, userAgent: request.headers['user-agent'] })
    if (found.outcome === 'valid') {
      request.account = found.account
      reply.header('cache-control', 'no-store')
      return
    }
    request.sessionExpired = found.outcome === 'expired'
    app.clearSessionCookie(reply)
  })

  await app.register(logoutRoutes)
}

export const sessionsPlugin = fp(sessions, { name: 'sessions', dependencies: ['kernel', 'web'] })

/**
 * preHandler for pages that need a logged-in user: otherwise to the login page, which brings
 * the user back here afterwards (user guide §3.4).
 */
export async function requireAccount (request: FastifyRequest, reply: FastifyReply) {
  if (request.account) return
  const query = new URLSearchParams({ retour: request.url })
  if (request.sessionExpired) query.set('expiree', '1')
  return reply.redirect(`/connexion?${query.toString()}`, 303)
}

export type Role = 'accountManager' | 'superadmin'

/** preHandler: the logged-in account must hold the role; anonymous users go to login first. */
export function requireRole (role: Role) {
  return async function checkRole (request: FastifyRequest, reply: FastifyReply) {
    if (!request.account) return requireAccount(request, reply)
    const account = request.account
    const allowed = role === 'superadmin'
      ? account.isSuperadmin
      : account.isSuperadmin || account.managedHospitalIds.length > 0
    if (!allowed) throw new RequestRefused(403)
  }
}
