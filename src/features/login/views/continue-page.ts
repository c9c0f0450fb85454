/**
 * After the code, when the login was asked by an application (OpenID Connect): the way back to
 * it. The provider's answer ends at the application's address, and the CSP of the code page
 * (form-action 'self') also applies to the redirects that follow its form: a 303 chain from
 * « Se connecter » to another origin is blocked by the browser. This page, answered instead,
 * continues by itself (the Refresh header, no script) to the provider's interaction, a plain
 * navigation; the link is there for browsers that do not follow Refresh.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { messages } from '../messages.ts'

export function continuePage (request: FastifyRequest, returnTo: string): Html {
  const t = messages[request.lang]
  return html`<div class="box">
<h1>${t.continueTitle}</h1>
<p role="status">${t.continueBody}</p>
<p><a href="${returnTo}">${t.continueLink}</a></p>
</div>`
}
