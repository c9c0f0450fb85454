/**
 * The login box (user guide §3.1): « Adresse email », « Mot de passe », « Se connecter », and
 * under it « Mot de passe oublié ? » and « S'inscrire ». `retour` rides along in a hidden field.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { csrfField } from '../../../kernel/web/layout.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import { messages } from '../messages.ts'

export type Notice = { kind: 'info' | 'success' | 'error'; text: string }

export interface LoginPageState {
  email?: string
  returnTo: string
  notice?: Notice
  errors?: FieldErrors
}

export function noticeBox (notice: Notice | undefined): Html {
  if (!notice) return html``
  const role = notice.kind === 'error' ? 'alert' : 'status'
  return html`<div class="alert alert-${notice.kind === 'info' ? 'warning' : notice.kind}" role="${role}"><p>${notice.text}</p></div>`
}

export function loginPage (request: FastifyRequest, state: LoginPageState): Html {
  const t = messages[request.lang]
  const errors = state.errors ?? {}
  const labels = { email: t.emailLabel, password: t.passwordLabel }
  return html`<div class="box">
<h1>${t.loginHeading}</h1>
${noticeBox(state.notice)}
${errorSummary(request.lang, errors, labels)}
<p>${t.loginIntro}</p>
<form method="post" action="/connexion" novalidate>
  ${csrfField(request)}
  ${state.returnTo !== '/' ? html`<input type="hidden" name="retour" value="${state.returnTo}">` : ''}
  <div class="field">
    <label for="email">${t.emailLabel}</label>
    <input type="email" id="email" name="email" autocomplete="username" spellcheck="false" required maxlength="254" value="${state.email ?? ''}"${invalidAttributes(errors, 'email')}>
    ${fieldError(errors, 'email')}
  </div>
  <div class="field">
    <label for="password">${t.passwordLabel}</label>
    <input type="password" id="password" name="password" autocomplete="current-password" required${invalidAttributes(errors, 'password')}>
    ${fieldError(errors, 'password')}
  </div>
  <button type="submit" class="primary">${t.loginButton}</button>
</form>
<div class="box-links">
  <a href="/mot-de-passe-oublie">${t.forgotPassword}</a>
  <a href="/inscription">${t.register}</a>
</div>
</div>`
}
