/**
 * What a correct password on an unlocked account may learn when it cannot go on (user guide
 * §5 « En cas de difficultés pour vous connecter »): email not confirmed (with a way to get the
 * confirmation email again), not yet activated, or deactivated.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { csrfField } from '../../../kernel/web/layout.ts'
import { messages } from '../messages.ts'

export type BlockedStatus =
  | { outcome: 'unconfirmed'; email: string }
  | { outcome: 'pendingActivation'; byOperators: boolean }
  | { outcome: 'deactivated' }

export function statusTitle (request: FastifyRequest, status: BlockedStatus): string {
  const t = messages[request.lang]
  if (status.outcome === 'unconfirmed') return t.unconfirmedTitle
  if (status.outcome === 'pendingActivation') return t.pendingActivationTitle
  return t.deactivatedTitle
}

export function statusPage (request: FastifyRequest, status: BlockedStatus): Html {
  const t = messages[request.lang]
  return html`<div class="box">
<h1>${statusTitle(request, status)}</h1>
<div class="alert alert-warning" role="alert"><p>${statusBody(request, status)}</p></div>
${status.outcome === 'unconfirmed' ? html`<form method="post" action="/confirmation/renvoyer">
  ${csrfField(request)}
  <input type="hidden" name="email" value="${status.email}">
  <p>${t.resendConfirmationIntro}</p>
  <button type="submit" class="secondary">${t.resendConfirmationButton}</button>
</form>` : ''}
<p><a href="/connexion">${t.backToLogin}</a></p>
</div>`
}

function statusBody (request: FastifyRequest, status: BlockedStatus): string {
  const t = messages[request.lang]
  if (status.outcome === 'unconfirmed') return t.unconfirmedBody
  if (status.outcome === 'deactivated') return t.deactivatedBody
  return status.byOperators ? t.pendingActivationByOperatorsBody : t.pendingActivationBody
}
