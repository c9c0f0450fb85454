/**
 * Lockout pages: user guide §3.5. GET /deverrouillage shows the button, POST unlocks and leads
 * to the login page (which says the account is unlocked). Both carry the token, so both send
 * `Referrer-Policy: no-referrer`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { typed } from '../../kernel/web/routes.ts'
import { Type } from '@sinclair/typebox'
import { enforceRateLimit } from '../../kernel/security/rate-limits.ts'
import { isAccountTokenUsable } from '../../kernel/accounts/account-tokens.ts'
import { isWellFormedToken } from '../../kernel/security/tokens.ts'
import { unlockAccountByToken } from './lockout.ts'
import { invalidLinkPage, unlockPage } from './views/unlock-page.ts'
import { messages } from './messages.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

const UnlockQuery = Type.Object({ jeton: Type.Optional(Type.String({ maxLength: 100 })) })
const UnlockForm = Type.Object({ jeton: Type.String({ maxLength: 100 }) })

export async function lockoutRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  function showInvalidLink (request: FastifyRequest, reply: FastifyReply) {
    return reply.page({ title: messages[request.lang].invalidLinkTitle, body: invalidLinkPage(request) }, 400)
  }

  // GET /deverrouillage?jeton=…
  app.get('/deverrouillage', {
    schema: { querystring: UnlockQuery }, attachValidation: true,
  }, async function showUnlockForm (request, reply) {
    reply.header('referrer-policy', 'no-referrer')
    const token = request.validationError ? undefined : request.query.jeton
    if (!isWellFormedToken(token) || !await isAccountTokenUsable(app.db, token, 'unlock', app.now())) {
      return showInvalidLink(request, reply)
    }
    return reply.page({ title: messages[request.lang].unlockTitle, body: unlockPage(request, token) })
  })

  // POST /deverrouillage
  app.post('/deverrouillage', {
    schema: { body: UnlockForm }, attachValidation: true,
  }, async function unlockFromLink (request, reply) {
    reply.header('referrer-policy', 'no-referrer')
    const rules = app.rules
    await enforceRateLimit(app.db, `unlock:ip:${request.ip}`, { limit: rules.unlockAttemptsPerIp, window: rules.loginRateLimitWindow }, app.now())
    if (request.validationError) return showInvalidLink(request, reply)
    const result = await unlockAccountByToken(app.flow, request.body.jeton, requestMeta(request))
    if (result.outcome === 'invalidLink') return showInvalidLink(request, reply)
    return reply.redirect('/connexion?deverrouille=1', 303)
  })
}
