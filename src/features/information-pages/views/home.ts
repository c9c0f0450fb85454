/**
 * « Accueil »: the greeting of a logged-in user and the ways on from here. The BaMaRa data
 * application itself (patient records) is another application, outside this service.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { messages } from '../messages.ts'

export interface HomeView {
  appName: string
  /** « Mme Dupont » */
  formalName: string
  canManageAccounts: boolean
  /** Outside production only: the demo relying party's address (DEMO_RP_URL). */
  demoRpUrl?: string
}

export function homeView (request: FastifyRequest, view: HomeView): Html {
  const t = messages[request.lang]
  const link = (href: string, label: string, hint: string) =>
    html`<li><a href="${href}">${label}</a><span class="hint">${hint}</span></li>`
  return html`<h1>${t.homeTitle}</h1>
<p class="lead">${t.greeting(view.formalName)}</p>
<p>${t.homeIntro(view.appName)}</p>
<h2>${t.homeLinksTitle}</h2>
<ul class="home-links">
  ${link('/mon-compte', t.myAccount, t.myAccountHint)}
  ${view.canManageAccounts ? link('/gestion', t.accountManagement, t.accountManagementHint) : ''}
  ${link('/aide', t.help, t.helpHint)}
</ul>
${view.demoRpUrl ? html`<h2>${t.developmentTitle}</h2>
<ul class="home-links">
  ${link(view.demoRpUrl, t.demoRp, t.demoRpHint)}
</ul>` : ''}`
}
