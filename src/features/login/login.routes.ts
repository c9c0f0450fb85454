/**
 * Login pages: user guide §3.1 « Connexion », §3.2 « Procédure d'authentification », §3.4
 * « Session expirée » (the return to the page one was on). The handlers translate HTTP to the
 * flows in `password-step.ts` and `one-time-code.ts` and their outcomes back to pages.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { typed } from '../../kernel/web/routes.ts'
import { Type, type Static } from '@sinclair/typebox'
import { fieldErrorsFrom } from '../../kernel/web/forms.ts'
import { countLogin } from '../../kernel/metrics/metrics.ts'
import { safeReturnPath } from '../../kernel/web/redirects.ts'
import { checkPassword } from './password-step.ts'
import { findPendingLogin, sendNewOneTimeCode, submitOneTimeCode } from './one-time-code.ts'
import { isOneTimeCodeEmailDelayed } from './login.queries.ts'
import { loginPage, type LoginPageState, type Notice } from './views/login-page.ts'
import { codePage, type CodePageState } from './views/code-page.ts'
import { statusPage, statusTitle } from './views/status-page.ts'
import { continuePage } from './views/continue-page.ts'
import { messages } from './messages.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

const Flag = Type.Optional(Type.String({ maxLength: 5 }))
const LoginQuery = Type.Object({
  retour: Type.Optional(Type.String({ maxLength: 500 })),
  expiree: Flag, deconnecte: Flag, deverrouille: Flag, recommencer: Flag, reinitialise: Flag, confirmer: Flag,
})
const LoginForm = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  retour: Type.Optional(Type.String({ maxLength: 500 })),
})
const CodeQuery = Type.Object({ nouveau: Flag })
const CodeForm = Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) })

type LoginQuery = Static<typeof LoginQuery>

/** The OpenID provider's interaction (features/openid-provider): a login an application asked for. */
const isProviderInteraction = (path: string) => /^\/oidc\/interaction\/[A-Za-z0-9_-]+$/.test(path)

export async function loginRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  /** Binds the pending login to this browser: HttpOnly, no expiry date, random. */
  const preLoginCookie = app.cookieName('preconnexion')
  function renderLogin (request: FastifyRequest, reply: FastifyReply, state: LoginPageState, status = 200) {
    return reply.page({ title: messages[request.lang].loginTitle, body: loginPage(request, state) }, status)
  }

  function renderCode (request: FastifyRequest, reply: FastifyReply, state: CodePageState, status = 200) {
    return reply.page({ title: messages[request.lang].codeTitle, body: codePage(request, state) }, status)
  }

  function startAgain (reply: FastifyReply, returnTo: string) {
    reply.clearCookie(preLoginCookie, app.cookieOptions)
    const query = new URLSearchParams({ recommencer: '1' })
    if (returnTo !== '/') query.set('retour', returnTo)
    return reply.redirect(`/connexion?${query.toString()}`, 303)
  }

  /**
   * The code lives one minute: send its email now, for a short, bounded moment, so the code page
   * can tell whether it left (SMTP down: it says so, and the email stays queued for the poll).
   */
  async function letCodeEmailLeave (emailId: string) {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, app.rules.oneTimeCodeEmailWait) })
    await Promise.race([app.mail.deliverNow(emailId), timeout])
    clearTimeout(timer)
  }

  function noticeFor (request: FastifyRequest, query: LoginQuery): Notice | undefined {
    const t = messages[request.lang]
    if (query.expiree === '1') return { kind: 'info', text: t.sessionExpired }
    if (query.deconnecte === '1') return { kind: 'success', text: t.loggedOut }
    if (query.deverrouille === '1') return { kind: 'success', text: t.unlocked }
    if (query.reinitialise === '1') return { kind: 'success', text: t.passwordReset }
    if (query.recommencer === '1') return { kind: 'info', text: t.restart }
    if (query.confirmer === '1') return { kind: 'info', text: t.confirmIdentity }
    return undefined
  }

  // GET /connexion?retour=…&expiree=1
  app.get('/connexion', {
    schema: { querystring: LoginQuery }, attachValidation: true,
  }, async function showLoginForm (request, reply) {
    const query = request.validationError ? {} : request.query
    const returnTo = safeReturnPath(query.retour)
    // Logged in already: on to the page, unless an application asks to log in again (provider.ts).
    const confirming = query.confirmer === '1' && isProviderInteraction(returnTo)
    if (request.account && !confirming) return reply.redirect(returnTo, 303)
    return renderLogin(request, reply, { returnTo, email: confirming ? request.account?.email : undefined, notice: noticeFor(request, query) })
  })

  // POST /connexion
  app.post('/connexion', {
    schema: { body: LoginForm }, attachValidation: true,
  }, async function logInWithPassword (request, reply) {
    const body = (request.body ?? {}) as Partial<Static<typeof LoginForm>>
    const returnTo = safeReturnPath(body.retour)
    const email = typeof body.email === 'string' ? body.email.slice(0, 254) : ''
    if (request.validationError) {
      const errors = fieldErrorsFrom(request.lang, request.validationError.validation)
      return renderLogin(request, reply, { email, returnTo, errors }, 400)
    }
    const result = await checkPassword(app.flow, { email: request.body.email, password: request.body.password, returnTo }, requestMeta(request))
    if (result.outcome === 'codeSent') {
      countLogin('codeSent')
      await letCodeEmailLeave(result.emailId)
      reply.setCookie(preLoginCookie, result.browserToken, app.cookieOptions)
      return reply.redirect('/connexion/code', 303)
    }
    if (result.outcome === 'rejected') {
      // Only the attempt that locked the account queued an email (the unlock link).
      countLogin(result.unlockEmailQueued ? 'locked' : 'refused')
      if (result.unlockEmailQueued) void app.mail.kick()
      return renderLogin(request, reply, { email, returnTo, notice: { kind: 'error', text: messages[request.lang].rejected(app.rules.maximumFailedPasswords) } }, 401)
    }
    countLogin('statusPage')
    return reply.page({ title: statusTitle(request, result), body: statusPage(request, result) }, 403)
  })

  // GET /connexion/code
  app.get('/connexion/code', {
    schema: { querystring: CodeQuery }, attachValidation: true,
  }, async function showCodeForm (request, reply) {
    const browserToken = request.cookies[preLoginCookie]
    if (!browserToken) return reply.redirect('/connexion', 303)
    const pending = await findPendingLogin(app.flow, browserToken)
    if (!pending) return startAgain(reply, '/')
    const t = messages[request.lang]
    const notice: Notice | undefined = await isOneTimeCodeEmailDelayed(app.db, pending.email, pending.codeSentAt)
      ? { kind: 'info', text: t.codeEmailDelayed }
      : !request.validationError && request.query.nouveau === '1' ? { kind: 'success', text: t.newCodeSent } : undefined
    return renderCode(request, reply, { email: pending.email, codeTtl: app.rules.oneTimeCodeTtl, notice })
  })

  // POST /connexion/code
  app.post('/connexion/code', {
    schema: { body: CodeForm }, attachValidation: true,
  }, async function logInWithCode (request, reply) {
    const t = messages[request.lang]
    const browserToken = request.cookies[preLoginCookie]
    // The code page again, for the pending login (read only then: a correct code never needs it).
    async function again (state: Omit<CodePageState, 'email' | 'codeTtl'>, status: number) {
      const pending = await findPendingLogin(app.flow, browserToken)
      if (!pending) return startAgain(reply, '/')
      return renderCode(request, reply, { email: pending.email, codeTtl: app.rules.oneTimeCodeTtl, ...state }, status)
    }
    if (request.validationError) return again({ errors: fieldErrorsFrom(request.lang, request.validationError.validation) }, 400)
    const code = request.body.code.replace(/\s/g, '')
    if (!/^\d{8}$/.test(code)) return again({ errors: { code: t.codeFormat } }, 400)
    const result = await submitOneTimeCode(app.flow, browserToken, code, { ...requestMeta(request), sessionToken: request.cookies[app.sessionCookie] })
    switch (result.outcome) {
      case 'loggedIn':
        reply.clearCookie(preLoginCookie, app.cookieOptions)
        app.setSessionCookie(reply, result.sessionToken)
        if (isProviderInteraction(result.returnTo)) {
          reply.header('refresh', `0; url=${result.returnTo}`)
          return reply.page({ title: t.continueTitle, body: continuePage(request, result.returnTo) })
        }
        return reply.redirect(result.returnTo, 303)
      case 'wrongCode':
        return again({ errors: { code: t.wrongCode(result.remaining) } }, 401)
      case 'codeExpired':
        return again({ notice: { kind: 'error', text: t.codeExpired } }, 401)
      case 'codeVoid':
        return again({ notice: { kind: 'error', text: t.codeVoid } }, 401)
      case 'restart':
        return startAgain(reply, result.returnTo)
    }
  })

  // POST /connexion/nouveau-code
  app.post('/connexion/nouveau-code', async function sendNewCode (request, reply) {
    const browserToken = request.cookies[preLoginCookie]
    const result = await sendNewOneTimeCode(app.flow, browserToken, requestMeta(request))
    if (result.outcome === 'codeSent') {
      await letCodeEmailLeave(result.emailId)
      return reply.redirect('/connexion/code?nouveau=1', 303)
    }
    if (result.outcome === 'restart') return startAgain(reply, result.returnTo)
    const pending = await findPendingLogin(app.flow, browserToken)
    if (!pending) return startAgain(reply, '/')
    reply.header('retry-after', String(result.waitSeconds))
    const notice: Notice = { kind: 'error', text: messages[request.lang].resendTooSoon(result.waitSeconds) }
    return renderCode(request, reply, { email: pending.email, codeTtl: app.rules.oneTimeCodeTtl, notice }, 429)
  })
}
