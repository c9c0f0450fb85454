/**
 * The unlock page opened from the email: what will happen, and one button. The GET changes
 * nothing (mail scanners prefetch links); the button's POST unlocks.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { emailLinkPage } from '../../../kernel/web/layout.ts'
import { messages } from '../messages.ts'

export function unlockPage (request: FastifyRequest, token: string): Html {
  const t = messages[request.lang]
  return emailLinkPage(request, { title: t.unlockTitle, intro: t.unlockIntro, action: '/deverrouillage', button: t.unlockButton, token })
}

export function invalidLinkPage (request: FastifyRequest): Html {
  const t = messages[request.lang]
  return html`<div class="box">
<h1>${t.invalidLinkTitle}</h1>
<p>${t.invalidLinkBody}</p>
<p><a href="/connexion">${t.goToLogin}</a></p>
</div>`
}
