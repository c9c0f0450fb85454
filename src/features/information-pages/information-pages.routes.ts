/**
 * Information pages: « Accueil », the terms of use (CGU), the help (user guide) and the support
 * contact. Read-only pages, open to everyone except the home page, which greets a logged-in user
 * and sends anyone else to the login page.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { typed } from '../../kernel/web/routes.ts'
import type { Lang } from '../../kernel/web/messages.ts'
import { formalName, type GuideFacts } from './information-pages.ts'
import { roleOf } from '../../kernel/accounts/guards.ts'
import { messages } from './messages.ts'
import { documentView, type DocumentContent } from './views/document.ts'
import { homeView } from './views/home.ts'
import { contactView } from './views/contact.ts'
import { termsFr } from './views/terms.fr.ts'
import { termsEn } from './views/terms.en.ts'
import { helpFr } from './views/help.fr.ts'
import { helpEn } from './views/help.en.ts'

const terms: Record<Lang, (facts: GuideFacts) => DocumentContent> = { fr: termsFr, en: termsEn }
const help: Record<Lang, (facts: GuideFacts) => DocumentContent> = { fr: helpFr, en: helpEn }

export async function informationPagesRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  const facts = (): GuideFacts => ({
    appName: app.config.appName,
    appBaseUrl: app.config.appBaseUrl,
    supportEmail: app.config.supportEmail,
    rules: app.rules,
  })
  const documentPage = (request: FastifyRequest, content: DocumentContent) =>
    ({ title: content.title, body: documentView(request, content) })

  // GET /
  app.get('/', async function showHome (request, reply) {
    const account = request.account
    if (!account) return reply.redirect(request.sessionExpired ? '/connexion?expiree=1' : '/connexion', 303)
    const t = messages[request.lang]
    return reply.page({
      title: t.homeTitle,
      body: homeView(request, {
        appName: app.config.appName,
        formalName: formalName(account, request.lang),
        canManageAccounts: roleOf(account) !== 'user',
        demoRpUrl: app.config.nodeEnv === 'production' ? undefined : app.config.demoRpUrl,
      }),
    })
  })

  // GET /cgu
  app.get('/cgu', async function showTermsOfUse (request, reply) {
    return reply.page(documentPage(request, terms[request.lang](facts())))
  })

  // GET /aide
  app.get('/aide', async function showHelp (request, reply) {
    return reply.page(documentPage(request, help[request.lang](facts())))
  })

  // GET /contact
  app.get('/contact', async function showSupportContact (request, reply) {
    const t = messages[request.lang]
    return reply.page({ title: t.contactTitle, body: contactView(request, app.config.appName, app.config.supportEmail) })
  })
}
