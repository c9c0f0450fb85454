/**
 * Pages of the email confirmation: the page the link opens (one button), the result, the
 * refused link, and the « Renvoyer l'email de confirmation » form.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { csrfField, emailLinkPage } from '../../../kernel/web/layout.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import { messages } from '../messages.ts'
import { notice } from '../../../kernel/web/page-parts.ts'

export function confirmPage (request: FastifyRequest, token: string): Html {
  const t = messages[request.lang]
  return emailLinkPage(request, { title: t.confirmTitle, intro: t.confirmIntro, action: '/confirmation', button: t.confirmButton, token })
}

export function confirmedPage (request: FastifyRequest, accountManagerRequest: boolean, supportEmail: string): Html {
  const t = messages[request.lang]
  return html`<div class="box">
<h1>${t.confirmedTitle}</h1>
${notice(accountManagerRequest ? t.confirmedBySuperadmins : t.confirmedByManager)}
${accountManagerRequest ? html`<p>${t.speedUpActivation(supportEmail)}</p>` : ''}
<p>${t.waitForActivation}</p>
<p><a href="/connexion">${t.backToLogin}</a></p>
</div>`
}

export function invalidLinkPage (request: FastifyRequest, validDays: number): Html {
  const t = messages[request.lang]
  return html`<div class="box">
<h1>${t.invalidTitle}</h1>
<div class="alert alert-error" role="alert"><p>${t.invalidBody(validDays)}</p></div>
<p>${t.askNewLink}</p>
${resendForm(request, '', {})}
<p><a href="/connexion">${t.backToLogin}</a></p>
</div>`
}

export function resendPage (request: FastifyRequest, email: string, errors: FieldErrors): Html {
  const t = messages[request.lang]
  return html`<div class="box">
<h1>${t.resendTitle}</h1>
${errorSummary(request.lang, errors, { email: t.emailLabel })}
<p>${t.resendIntro}</p>
${resendForm(request, email, errors)}
</div>`
}

export function resendSentPage (request: FastifyRequest, supportEmail: string): Html {
  const t = messages[request.lang]
  return html`<div class="box">
<h1>${t.resendSentTitle}</h1>
<p>${t.resendSentBody}</p>
<p>${t.resendSentHelp(supportEmail)}</p>
<p><a href="/connexion">${t.backToLogin}</a></p>
</div>`
}

function resendForm (request: FastifyRequest, email: string, errors: FieldErrors): Html {
  const t = messages[request.lang]
  return html`<form method="post" action="/confirmation/renvoyer" novalidate>
  ${csrfField(request)}
  <div class="field">
    <label for="email">${t.emailLabel} <span class="hint" id="email-aide">${t.emailHint}</span></label>
    <input type="email" id="email" name="email" value="${email}" autocomplete="email" maxlength="254" required${invalidAttributes(errors, 'email', 'email-aide')}>
    ${fieldError(errors, 'email')}
  </div>
  <button type="submit" class="primary">${t.resendButton}</button>
</form>`
}
