/**
 * The sessions plugin (one of two features allowed to use fastify-plugin, as it decorates every
 * request): reads the session cookie, sets request.account, and keeps a form posted after the
 * session expired for the guards of kernel/accounts/guards.ts.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { findLiveSession } from './sessions.ts'
import { logoutRoutes } from './logout.routes.ts'
import { sessionRenewalRoutes } from './session-renewal.routes.ts'
import { keepableFields, saveFormBeforeLogin, takeSavedForm, type SavedForm } from './saved-form.ts'
import { messages } from './messages.ts'
import { restoreForm } from '../../kernel/web/form-restore.ts'
import { html, renderToString } from '../../kernel/web/html.ts'
import { refererPath } from '../../kernel/web/redirects.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Whose session just expired: a form it posts is kept for that account's next login. */
    expiredAccountId: string | undefined
    /** Digest of the live session's token (« Rester connecté » renews that session). */
    sessionDigest: string | undefined
    /** When the live session began: the login (password and emailed code) it came from. */
    sessionStartedAt: number | undefined
    /** A form kept at the session's expiry, to be put back in this page. */
    restoredForm: SavedForm | undefined
  }
  interface FastifyInstance {
    sessionCookie: string
    /** The browser's key to a form kept at the session's expiry (saved-form.ts). */
    savedFormCookie: string
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
  app.decorateRequest('expiredAccountId', undefined)
  app.decorateRequest('sessionDigest', undefined)
  app.decorateRequest('sessionStartedAt', undefined)
  app.decorateRequest('restoredForm', undefined)
  const savedFormCookie = app.cookieName('formulaire')
  app.decorate('savedFormCookie', savedFormCookie)

  app.addHook('onRequest', async (request, reply) => {
    // Static files neither need the account nor count as activity (ASVS 7.3.1).
    if (request.url.startsWith('/static/')) return
    const token = request.cookies[sessionCookie]
    if (!token) return
    const found = await findLiveSession(app.db, token, app.rules, app.now(), requestMeta(request))
    if (found.outcome === 'valid') {
      request.account = found.account
      request.sessionDigest = found.sessionDigest
      request.sessionStartedAt = found.startedAt
      request.sessionTimeLeft = found.timeLeft
      reply.header('cache-control', 'no-store')
      if (request.method === 'GET' && request.cookies[savedFormCookie]) await takeBackSavedForm(request, reply)
      return
    }
    request.sessionExpired = found.outcome === 'expired'
    if (found.outcome === 'expired') request.expiredAccountId = found.accountId
    app.clearSessionCookie(reply)
  })

  /** The form kept when the session expired, if it belongs to this page and this account: shown once. */
  async function takeBackSavedForm (request: FastifyRequest, reply: FastifyReply) {
    const account = request.account as NonNullable<FastifyRequest['account']>
    request.restoredForm = await takeSavedForm(app.flow, request.cookies[savedFormCookie], { accountId: account.id, url: request.url })
    if (request.restoredForm) reply.clearCookie(savedFormCookie, app.cookieOptions)
  }

  // The kept values go back into the page's form, with the message that nothing is saved yet.
  app.addHook('onSend', async (request, reply, payload) => {
    const saved = request.restoredForm
    if (!saved || typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload
    const notice = html`<div class="alert alert-warning" role="alert"><p>${messages[request.lang].formNotSavedYet}</p></div>`
    return restoreForm(payload, saved.postedTo, saved.fields, renderToString(notice)) ?? payload
  })

  app.decorate('keepFormPostedAfterExpiry', keepPostedForm)

  await app.register(logoutRoutes)
  await app.register(sessionRenewalRoutes)
}

export const sessionsPlugin = fp(sessions, { name: 'sessions', dependencies: ['kernel', 'web'] })

/**
 * A form posted after the session expired (user guide §3.4): the login brings the user back to
 * the form's page (the same-origin page that posted it), where what was typed is put back; the
 * form itself is kept for the account whose session expired, without passwords.
 */
async function keepPostedForm (request: FastifyRequest, reply: FastifyReply): Promise<string> {
  const app = request.server
  const page = formPageOf(request)
  const fields = keepableFields(request.body, app.rules.savedFormMaximumLength)
  if (!request.expiredAccountId || !fields) return page
  const token = await saveFormBeforeLogin(app.flow, {
    accountId: request.expiredAccountId, returnTo: page, postedTo: request.url, fields,
  }, request.cookies[app.savedFormCookie])
  reply.setCookie(app.savedFormCookie, token, app.cookieOptions)
  return page
}

/** The page the form was on: the Referer when it is this site's (Referrer-Policy: same-origin), else the form's own address. */
function formPageOf (request: FastifyRequest): string {
  return refererPath(request.headers.referer, request.server.config.appBaseUrl) ?? request.url
}
