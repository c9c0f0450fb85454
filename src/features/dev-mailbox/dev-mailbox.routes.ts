/**
 * Dev mailbox (foundation issue, « Mail outbox »): with no SMTP_URL and outside production
 * (`app.ts` registers it only then, under /dev/mailbox), the emails stay in the outbox with their
 * bodies and are read here. It shows what the app would have sent; it changes nothing.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { Type } from '@sinclair/typebox'
import { typed } from '../../kernel/web/routes.ts'
import { messagePage } from '../../kernel/web/plugin.ts'
import { layoutMessages, type Lang } from '../../kernel/web/messages.ts'
import { messages } from './messages.ts'
import { countMailboxEmails, findMailboxEmail, listMailboxEmails } from './dev-mailbox.queries.ts'
import { mailboxListPage } from './views/mailbox-list.ts'
import { mailboxEmailPage } from './views/mailbox-email.ts'

const ListQuery = Type.Object({ destinataire: Type.Optional(Type.String({ maxLength: 254 })) })
const EmailParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-z]{1,64}$' }) })

/** The list shows the latest emails; older ones are reached by filtering on the recipient. */
const listLimit = 200

/** The email's own markup, isolated: no script, no form, no plugin, embeddable only here. */
const emailHtmlPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"

export async function devMailboxRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  // GET /dev/mailbox?destinataire=<email>
  app.get('/', { schema: { querystring: ListQuery }, attachValidation: true }, async function showMailbox (request, reply) {
    const t = messages[request.lang]
    const query = request.validationError ? {} : request.query
    const recipient = query.destinataire?.trim() || undefined
    const [emails, total] = await Promise.all([
      listMailboxEmails(app.db, { recipient, limit: listLimit }),
      countMailboxEmails(app.db, { recipient }),
    ])
    return reply.page({ title: t.title, body: mailboxListPage(request, { emails, total, recipient }) }, request.validationError ? 400 : 200)
  })

  // GET /dev/mailbox/<id>
  app.get('/:id', { schema: { params: EmailParams }, attachValidation: true }, async function showEmail (request, reply) {
    const email = request.validationError ? undefined : await findMailboxEmail(app.db, request.params.id)
    if (!email) return showNotFound(request.lang, reply)
    return reply.page({ title: email.subject, body: mailboxEmailPage(request, email) })
  })

  // GET /dev/mailbox/<id>/html: the HTML version, framed by the email's page.
  app.get('/:id/html', { schema: { params: EmailParams }, attachValidation: true }, async function showEmailHtml (request, reply) {
    const email = request.validationError ? undefined : await findMailboxEmail(app.db, request.params.id)
    if (!email || email.html_body === null) return showNotFound(request.lang, reply)
    return reply
      .header('content-security-policy', emailHtmlPolicy)
      .header('x-frame-options', 'SAMEORIGIN')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(email.html_body)
  })
}

function showNotFound (lang: Lang, reply: FastifyReply) {
  const t = messages[lang]
  return reply.page({ title: t.notFoundTitle, body: messagePage(t.notFoundTitle, t.notFoundBody, layoutMessages[lang].backHome) }, 404)
}
