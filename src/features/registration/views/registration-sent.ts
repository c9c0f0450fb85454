/**
 * The page after « S'inscrire » (user guide §2.1): an email is on its way. The same page for a
 * new address and for one that already has an account.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { messages } from '../messages.ts'
import { notice } from '../../../kernel/web/page-parts.ts'

export function registrationSentPage (request: FastifyRequest, appName: string, validDays: number): Html {
  const t = messages[request.lang]
  return html`<div class="box">
<h1>${t.sentTitle}</h1>
${notice(t.sentBody)}
<p>${t.sentMailbox}</p>
<p>${t.sentSubject(appName, validDays)}</p>
<p>${t.sentNotFound} <a href="/confirmation/renvoyer">${t.sentResendLink}</a>.</p>
</div>`
}
