/**
 * « Mon compte » pages (the account menu's entry). Thin handlers over `my-account.ts`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { typed } from '../../kernel/web/routes.ts'
import { Type } from '@sinclair/typebox'
import { fieldErrorsFrom, type FieldErrors } from '../../kernel/web/forms.ts'
import { requireAccount } from '../../kernel/accounts/guards.ts'
import { confirmationField, newPasswordErrors, newPasswordField, passwordRulesScripts } from '../password-reset/index.ts'
import { changeMyPassword } from './my-account.ts'
import { findMyAccount, listMySites } from './my-account.queries.ts'
import { currentPasswordField, myAccountPage, type AccountPageState } from './views/account-page.ts'
import { messages } from './messages.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

// Passwords longer than rules.passwordMaximumLength pass the schema so the policy can name the rule.
const PasswordChangeForm = Type.Object({
  [currentPasswordField]: Type.String({ minLength: 1, maxLength: 1024 }),
  [newPasswordField]: Type.String({ minLength: 1, maxLength: 1024 }),
  [confirmationField]: Type.String({ minLength: 1, maxLength: 1024 }),
})

const AccountQuery = Type.Object({ 'mot-de-passe': Type.Optional(Type.String({ maxLength: 20 })) })

export async function myAccountRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  async function renderMyAccount (request: FastifyRequest, reply: FastifyReply, state: AccountPageState, status = 200) {
    const accountId = (request.account as NonNullable<typeof request.account>).id
    // Independent reads: on PostgreSQL they run on two pool connections at once.
    const [account, sites] = await Promise.all([findMyAccount(app.db, accountId), listMySites(app.db, accountId)])
    if (!account) throw new Error('the session account has disappeared')
    return reply.page({ ...myAccountPage(request, app.rules, app.config.supportEmail, account, sites, state), scripts: passwordRulesScripts }, status)
  }

  // GET /mon-compte
  app.get('/mon-compte', {
    schema: { querystring: AccountQuery }, attachValidation: true, preHandler: requireAccount,
  }, async function showMyAccount (request, reply) {
    const passwordChanged = !request.validationError && request.query['mot-de-passe'] === 'modifie'
    return renderMyAccount(request, reply, { passwordChanged })
  })

  // GET /mon-compte/mot-de-passe: the form lives on /mon-compte (e.g. back from login after expiry).
  app.get('/mon-compte/mot-de-passe', async function showPasswordForm (_request, reply) {
    return reply.redirect('/mon-compte#mot-de-passe', 303)
  })

  // POST /mon-compte/mot-de-passe
  app.post('/mon-compte/mot-de-passe', {
    schema: { body: PasswordChangeForm }, attachValidation: true, preHandler: requireAccount,
  }, async function changePassword (request, reply) {
    if (request.validationError) {
      return renderMyAccount(request, reply, { errors: fieldErrorsFrom(request.lang, request.validationError.validation) }, 400)
    }
    const account = request.account as NonNullable<typeof request.account>
    const result = await changeMyPassword(app.flow, {
      accountId: account.id,
      token: request.cookies[app.sessionCookie],
      ...requestMeta(request),
    }, {
      currentPassword: request.body[currentPasswordField],
      password: request.body[newPasswordField],
      confirmation: request.body[confirmationField],
    })
    switch (result.outcome) {
      case 'wrongCurrentPassword': {
        const errors: FieldErrors = { [currentPasswordField]: messages[request.lang].wrongCurrentPassword }
        return renderMyAccount(request, reply, { errors }, 400)
      }
      case 'refused':
        return renderMyAccount(request, reply, { errors: newPasswordErrors(request.lang, app.rules, result.problems) }, 400)
      case 'changed':
        void app.mail.kick()
        return reply.redirect('/mon-compte?mot-de-passe=modifie', 303)
    }
  })
}
