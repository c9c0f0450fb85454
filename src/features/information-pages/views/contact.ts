/**
 * « Contacter le support »: the support address and what a request should contain, after the
 * guide's « En cas de problème ».
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { messages } from '../messages.ts'

export function contactView (request: FastifyRequest, appName: string, supportEmail: string): Html {
  const t = messages[request.lang]
  return html`<div class="prose">
<h1>${t.contactTitle}</h1>
<p>${t.contactIntro(appName)}</p>
<p class="contact-address"><a href="mailto:${supportEmail}">${supportEmail}</a></p>
<p>${t.contactAccessRights}</p>
<h2>${t.contactFirstSteps}</h2>
<ol>
  <li>${t.contactReflexes[0]}</li>
  <li>${t.contactReflexes[1]}</li>
  <li>${t.contactReflexes[2]} <a href="/aide#difficultes">${t.contactHelpLink}</a></li>
</ol>
<h2>${t.contactWhatToInclude}</h2>
<ul>${t.contactDetails.map((item) => html`<li>${item}</li>`)}</ul>
<div class="alert alert-warning"><p>${t.contactNeverSend}</p></div>
<p>${t.contactPromise}</p>
</div>`
}
