/** User guide §3.3: the page asking for the email, button « Envoyer la demande ». */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { csrfField } from '../../../kernel/web/layout.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import { messages } from '../messages.ts'
import { pageTitle } from '../../../kernel/web/page-parts.ts'
import { statementPage } from './statement-page.ts'

export function passwordResetRequestPage (request: FastifyRequest, errors: FieldErrors = {}, email = ''): { title: string; body: Html } {
  const t = messages[request.lang]
  const body = html`<div class="box">
<h1>${t.forgotTitle}</h1>
${errorSummary(request.lang, errors, { email: t.emailLabel })}
<p>${t.forgotIntro}</p>
<form method="post" action="/mot-de-passe-oublie" novalidate>
  ${csrfField(request)}
  <div class="field">
    <label for="email">${t.emailLabel} <span class="hint" id="email-aide">${t.emailHint}</span></label>
    <input type="email" id="email" name="email" value="${email}" autocomplete="username" spellcheck="false" required maxlength="254"${invalidAttributes(errors, 'email', 'email-aide')}>
    ${fieldError(errors, 'email')}
  </div>
  <button type="submit" class="primary">${t.sendRequest}</button>
</form>
<div class="box-links"><a href="/connexion">${t.backToLogin}</a></div>
</div>`
  return { title: pageTitle(request.lang, t.forgotTitle, errors), body }
}

/** The answer to every request, known address or not. */
export function passwordResetSentPage (request: FastifyRequest, validHours: number): { title: string; body: Html } {
  const t = messages[request.lang]
  return statementPage(request, t.sentTitle, html`<p>${t.sentBody(validHours)}</p>
<p>${t.sentHelp}</p>`)
}
