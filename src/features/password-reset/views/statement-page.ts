/** The password-reset pages that only say something (no form), with the way back to the login. */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { messages } from '../messages.ts'

export function statementPage (request: FastifyRequest, title: string, content: Html): { title: string; body: Html } {
  const t = messages[request.lang]
  return {
    title,
    body: html`<div class="box">
<h1>${title}</h1>
${content}
<div class="box-links"><a href="/connexion">${t.backToLogin}</a></div>
</div>`,
  }
}
