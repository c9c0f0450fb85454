/**
 * User guide §3.3: the page the emailed link opens. GET only shows it; the token travels in a
 * hidden field and the POST does the change (mail scanners prefetch links).
 */
import type { FastifyRequest } from 'fastify'
import type { Rules } from '../../../config.ts'
import { html, type Html } from '../../../kernel/web/html.ts'
import { csrfField } from '../../../kernel/web/layout.ts'
import { errorSummary, type FieldErrors } from '../../../kernel/web/forms.ts'
import { messages } from '../messages.ts'
import { newPasswordFields, newPasswordLabels } from './new-password-fields.ts'
import { pageTitle } from '../../../kernel/web/page-parts.ts'
import { statementPage } from './statement-page.ts'

export function newPasswordPage (request: FastifyRequest, rules: Rules, token: string, errors: FieldErrors = {}): { title: string; body: Html } {
  const t = messages[request.lang]
  const body = html`<div class="box">
<h1>${t.resetTitle}</h1>
${errorSummary(request.lang, errors, newPasswordLabels(request.lang))}
<p>${t.resetIntro}</p>
<form method="post" action="/reinitialisation" novalidate>
  ${csrfField(request)}
  <input type="hidden" name="jeton" value="${token}">
  ${newPasswordFields(request.lang, rules, errors)}
  <button type="submit" class="primary">${t.changePassword}</button>
</form>
</div>`
  return { title: pageTitle(request.lang, t.resetTitle, errors), body }
}

/** Unknown, used, expired or replaced link: say so plainly and offer a new request. */
export function invalidLinkPage (request: FastifyRequest, validHours: number): { title: string; body: Html } {
  const t = messages[request.lang]
  return statementPage(request, t.invalidLinkTitle, html`<p>${t.invalidLinkBody(validHours)}</p>
<p><a class="button" href="/mot-de-passe-oublie">${t.askAgain}</a></p>`)
}
