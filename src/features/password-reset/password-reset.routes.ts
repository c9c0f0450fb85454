/**
 * Forgotten password pages: user guide §3.3. Thin handlers: HTTP in, flow of
 * `password-reset.ts`, page out. Pages carrying a reset token send `Referrer-Policy: no-referrer`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { typed } from '../../kernel/web/routes.ts'
import { Type } from '@sinclair/typebox'
import { fieldErrorsFrom, type FieldErrors } from '../../kernel/web/forms.ts'
import { requestPasswordReset, resetLinkHours, resetPasswordWithLink } from './password-reset.ts'
import { isAccountTokenUsable } from '../../kernel/accounts/account-tokens.ts'
import { passwordResetRequestPage, passwordResetSentPage } from './views/request-form.ts'
import { invalidLinkPage, newPasswordPage } from './views/reset-form.ts'
import { confirmationField, newPasswordErrors, newPasswordField, passwordRulesScripts } from './views/new-password-fields.ts'
import { messages } from './messages.ts'
import { canonicalEmail } from '../../kernel/text.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

const RequestForm = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
})

// Passwords longer than rules.passwordMaximumLength pass the schema so the policy can name the rule.
const NewPasswordForm = Type.Object({
  jeton: Type.String({ maxLength: 100 }),
  [newPasswordField]: Type.String({ minLength: 1, maxLength: 1024 }),
  [confirmationField]: Type.String({ minLength: 1, maxLength: 1024 }),
})

const LinkQuery = Type.Object({ jeton: Type.Optional(Type.String({ maxLength: 100 })) })

/** Where a successful reset lands: the login page, which shows the success message. */
export const afterResetPath = '/connexion?reinitialise=1'

/** An address the canonical form refuses gets its reason; any other goes on (same page for all). */
function emailErrors (lang: FastifyRequest['lang'], typed: string): FieldErrors {
  const canonical = canonicalEmail(typed)
  return canonical.ok ? {} : { email: messages[lang][canonical.problem] }
}

/** Token pages must not leak their URL to another site through the Referer header. */
async function sendNoReferrer (_request: FastifyRequest, reply: FastifyReply) {
  reply.header('referrer-policy', 'no-referrer')
}

export async function passwordResetRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  const validHours = () => resetLinkHours(app.rules)

  // GET /mot-de-passe-oublie
  app.get('/mot-de-passe-oublie', async function showPasswordResetRequestForm (request, reply) {
    return reply.page(passwordResetRequestPage(request))
  })

  // POST /mot-de-passe-oublie
  app.post('/mot-de-passe-oublie', {
    schema: { body: RequestForm }, attachValidation: true,
  }, async function sendPasswordResetEmail (request, reply) {
    const typed = typeof request.body?.email === 'string' ? request.body.email.slice(0, 254) : ''
    const errors: FieldErrors = request.validationError
      ? fieldErrorsFrom(request.lang, request.validationError.validation)
      : emailErrors(request.lang, typed)
    if (Object.keys(errors).length > 0) return reply.page(passwordResetRequestPage(request, errors, typed), 400)
    await requestPasswordReset(app.flow, request.body.email, requestMeta(request))
    void app.mail.kick()
    return reply.redirect('/mot-de-passe-oublie/envoye', 303)
  })

  // GET /mot-de-passe-oublie/envoye
  app.get('/mot-de-passe-oublie/envoye', async function showPasswordResetEmailSent (request, reply) {
    return reply.page(passwordResetSentPage(request, validHours()))
  })

  // GET /reinitialisation?jeton=…
  app.get('/reinitialisation', {
    schema: { querystring: LinkQuery }, attachValidation: true, onRequest: sendNoReferrer,
  }, async function showNewPasswordForm (request, reply) {
    const token = request.validationError ? undefined : request.query.jeton
    if (!token || !await isAccountTokenUsable(app.db, token, 'passwordReset', app.now())) {
      return reply.page(invalidLinkPage(request, validHours()), 400)
    }
    return reply.page({ ...newPasswordPage(request, app.rules, token), scripts: passwordRulesScripts })
  })

  // POST /reinitialisation
  app.post('/reinitialisation', {
    schema: { body: NewPasswordForm }, attachValidation: true, onRequest: sendNoReferrer,
  }, async function resetPassword (request, reply) {
    const token = typeof request.body?.jeton === 'string' ? request.body.jeton : ''
    if (request.validationError) {
      const errors = fieldErrorsFrom(request.lang, request.validationError.validation)
      if (errors.jeton) return reply.page(invalidLinkPage(request, validHours()), 400)
      return reply.page({ ...newPasswordPage(request, app.rules, token, errors), scripts: passwordRulesScripts }, 400)
    }
    const result = await resetPasswordWithLink(app.flow, {
      token,
      password: request.body[newPasswordField],
      confirmation: request.body[confirmationField],
    }, requestMeta(request))
    switch (result.outcome) {
      case 'invalidLink':
        return reply.page(invalidLinkPage(request, validHours()), 400)
      case 'refused': {
        const errors = newPasswordErrors(request.lang, app.rules, result.problems)
        return reply.page({ ...newPasswordPage(request, app.rules, token, errors), scripts: passwordRulesScripts }, 400)
      }
      case 'reset':
        void app.mail.kick()
        return reply.redirect(afterResetPath, 303)
    }
  })
}
