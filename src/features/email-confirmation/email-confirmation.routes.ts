/**
 * Routes of the email confirmation (user guide §2.1, §5). The link in the email opens a GET page
 * with one button (mail scanners prefetch links; GET changes nothing); the POST confirms.
 * Pages carrying the token send `Referrer-Policy: no-referrer`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { Type } from '@sinclair/typebox'
import { typed } from '../../kernel/web/routes.ts'
import { fieldErrorsFrom, type FieldErrors } from '../../kernel/web/forms.ts'
import { isAccountTokenUsable } from '../../kernel/accounts/account-tokens.ts'
import { canonicalEmail } from '../../kernel/text.ts'
import { confirmEmailByToken, confirmationValidDays, resendConfirmationEmail } from './email-confirmation.ts'
import { confirmPage, confirmedPage, invalidLinkPage, resendPage, resendSentPage } from './views/confirmation-pages.ts'
import { messages } from './messages.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

const LinkQuery = Type.Object({ jeton: Type.Optional(Type.String({ maxLength: 100 })) })
const ConfirmForm = Type.Object({ jeton: Type.Optional(Type.String({ maxLength: 100 })) })
const ResendForm = Type.Object({ email: Type.Optional(Type.String({ maxLength: 254 })) })

export async function emailConfirmationRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  const showInvalidLink = (reply: FastifyReply) => {
    const t = messages[reply.request.lang]
    return reply.page({ title: t.invalidTitle, body: invalidLinkPage(reply.request, confirmationValidDays(app.rules)) }, 400)
  }
  const showResendForm = (reply: FastifyReply, email: string, errors: FieldErrors, status: number) =>
    reply.page({ title: messages[reply.request.lang].resendTitle, body: resendPage(reply.request, email, errors) }, status)

  // GET /confirmation?jeton=…
  app.get('/confirmation', {
    schema: { querystring: LinkQuery }, attachValidation: true,
  }, async function showConfirmationPage (request, reply) {
    reply.header('referrer-policy', 'no-referrer')
    const token = request.validationError ? undefined : request.query.jeton
    if (token === undefined || !await isAccountTokenUsable(app.db, token, 'emailConfirmation', app.now())) {
      return showInvalidLink(reply)
    }
    return reply.page({ title: messages[request.lang].confirmTitle, body: confirmPage(request, token) })
  })

  // POST /confirmation
  app.post('/confirmation', {
    schema: { body: ConfirmForm }, attachValidation: true,
  }, async function confirmEmailFromLink (request, reply) {
    reply.header('referrer-policy', 'no-referrer')
    if (request.validationError) return showInvalidLink(reply)
    const meta = requestMeta(request)
    const result = await confirmEmailByToken(app.flow, request.body.jeton, meta)
    if (result.outcome === 'invalidLink') return showInvalidLink(reply)
    if (result.accountManagerRequest) void app.mail.kick()
    const t = messages[request.lang]
    return reply.page({ title: t.confirmedTitle, body: confirmedPage(request, result.accountManagerRequest, app.config.supportEmail) })
  })

  // GET /confirmation/renvoyer
  app.get('/confirmation/renvoyer', async function showResendConfirmationForm (_request, reply) {
    return showResendForm(reply, '', {}, 200)
  })

  // POST /confirmation/renvoyer
  app.post('/confirmation/renvoyer', {
    schema: { body: ResendForm }, attachValidation: true,
  }, async function resendConfirmationLink (request, reply) {
    const t = messages[request.lang]
    if (request.validationError) {
      return showResendForm(reply, '', fieldErrorsFrom(request.lang, request.validationError.validation), 400)
    }
    const email = request.body.email?.trim() ?? ''
    if (email === '') return showResendForm(reply, email, { email: t.emailRequired }, 400)
    const canonical = canonicalEmail(email)
    if (!canonical.ok) return showResendForm(reply, email, { email: t[canonical.problem] }, 400)
    const sent = await resendConfirmationEmail(app.flow, email, requestMeta(request))
    if (sent) void app.mail.kick()
    return reply.redirect('/confirmation/renvoyee', 303)
  })

  // GET /confirmation/renvoyee
  app.get('/confirmation/renvoyee', async function showResendSent (request, reply) {
    return reply.page({ title: messages[request.lang].resendSentTitle, body: resendSentPage(request, app.config.supportEmail) })
  })
}
