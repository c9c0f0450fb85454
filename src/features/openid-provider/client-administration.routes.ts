/**
 * Client applications in the console (super-administrators only), mounted at
 * /gestion/applications: register (name, exact redirect URIs, post-logout URIs, back-channel
 * logout URI, scopes), see the secret once, renew it, disable a client. Every change is in the
 * audit trail (clients.ts). Without JavaScript: plain forms, post/redirect/get except the
 * secret, shown in the answer to the POST that created it (never in a URL, never again).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { IdParams, OneOrMany, typed } from '../../kernel/web/routes.ts'
import { Type } from '@sinclair/typebox'
import { layoutMessages } from '../../kernel/web/messages.ts'
import { HttpProblem } from '../../kernel/web/errors.ts'
import { fieldErrorsFrom, type FieldErrors } from '../../kernel/web/forms.ts'
import { requireRole } from '../../kernel/accounts/guards.ts'
import { disableClient, findRegistrationProblem, listClients, registerClient, rotateClientSecret, type ClientProblem } from './clients.ts'
import { messages } from './messages.ts'
import { clientsBase, clientsPage, emptyClientForm, secretPage, type ClientFormValues } from './views/clients.ts'

const text = (maxLength: number) => Type.Optional(Type.String({ maxLength }))
const ClientBody = Type.Object({
  nom: text(100), redirections: text(5000), deconnexions: text(5000), backchannel: text(500),
  scopes: Type.Optional(OneOrMany(Type.String({ maxLength: 20 }), 10)),
})
const NoticeQuery = Type.Object({ fait: Type.Optional(Type.String({ maxLength: 30 })) })

const problemField: Record<ClientProblem, keyof ClientFormValues> = {
  nameMissing: 'nom', redirectUriMissing: 'redirections', uriInvalid: 'redirections', httpsRequired: 'redirections', scopeUnknown: 'scopes', jwksMissing: 'nom',
}

/** The form as posted, whatever its shape (a wrong type gives an empty value). */
function readForm (body: unknown): ClientFormValues {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const text = (name: string, max: number) => typeof source[name] === 'string' ? (source[name] as string).slice(0, max) : ''
  const scopes = ([] as unknown[]).concat(source.scopes ?? []).filter((s): s is string => typeof s === 'string').slice(0, 10)
  return { nom: text('nom', 100), redirections: text('redirections', 5000), deconnexions: text('deconnexions', 5000), backchannel: text('backchannel', 500), scopes }
}

const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 20)

export async function clientAdministrationRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  const asSuperadmin = { preHandler: requireRole('superadmin') }
  const actorOf = (request: FastifyRequest) => ({ accountId: request.account?.id ?? null, ip: request.ip })

  async function renderList (request: FastifyRequest, reply: FastifyReply, values: ClientFormValues, errors: FieldErrors, status = 200, notice?: string) {
    const t = messages[request.lang]
    const body = clientsPage(request, { clients: await listClients(app.db), values, errors, notice })
    return reply.page({ title: t.clientsTitle, body, hasErrors: Object.keys(errors).length > 0 }, status)
  }

  function notFound (request: FastifyRequest) {
    const t = layoutMessages[request.lang]
    return new HttpProblem(404, t.notFoundTitle, t.notFoundBody)
  }

  // GET /gestion/applications?fait=desactivee
  app.get('/', { ...asSuperadmin, schema: { querystring: NoticeQuery }, attachValidation: true }, async function showClients (request, reply) {
    const done = !request.validationError && request.query.fait === 'desactivee'
    return renderList(request, reply, emptyClientForm, {}, 200, done ? messages[request.lang].disabledNotice : undefined)
  })

  // POST /gestion/applications
  app.post('/', { ...asSuperadmin, schema: { body: ClientBody }, attachValidation: true }, async function registerClientFromForm (request, reply) {
    const t = messages[request.lang]
    const values = readForm(request.body)
    if (request.validationError) return renderList(request, reply, values, fieldErrorsFrom(request.lang, request.validationError.validation), 400)
    const registration = {
      name: values.nom,
      redirectUris: lines(values.redirections),
      postLogoutRedirectUris: lines(values.deconnexions),
      backchannelLogoutUri: values.backchannel.trim() || null,
      scopes: ['openid', ...values.scopes],
    }
    const problem = findRegistrationProblem(registration, app.config.nodeEnv === 'production')
    if (problem) return renderList(request, reply, values, { [problemField[problem]]: t.problems[problem] }, 400)
    const created = await registerClient(app.db, registration, actorOf(request), app.now())
    return reply.page({ title: t.secretTitle, body: secretPage(request, { id: created.clientId, name: registration.name.trim() }, created.clientSecret as string) })
  })

  // POST /gestion/applications/:id/secret
  app.post('/:id/secret', { ...asSuperadmin, schema: { params: IdParams } }, async function renewClientSecret (request, reply) {
    const t = messages[request.lang]
    const client = (await listClients(app.db)).find((c) => c.id === request.params.id && c.disabledAt === null)
    if (!client) throw notFound(request)
    const secret = await rotateClientSecret(app.db, client.id, actorOf(request), app.now())
    if (!secret) throw notFound(request)
    return reply.page({ title: t.secretTitle, body: secretPage(request, client, secret) })
  })

  // POST /gestion/applications/:id/desactiver
  app.post('/:id/desactiver', { ...asSuperadmin, schema: { params: IdParams } }, async function disableClientFromConsole (request, reply) {
    if (!await disableClient(app.db, request.params.id, actorOf(request), app.now())) throw notFound(request)
    return reply.redirect(`${clientsBase}?fait=desactivee`, 303)
  })
}
