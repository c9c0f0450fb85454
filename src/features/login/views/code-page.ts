/**
 * The code step (user guide §3.2): the « Code à usage unique » field, « Se connecter », and at
 * the bottom of the box « Envoyer un nouveau code ».
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { csrfField } from '../../../kernel/web/layout.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import { messages } from '../messages.ts'
import { durationInWords } from '../../../kernel/web/messages.ts'
import { noticeBox, type Notice } from './login-page.ts'

export interface CodePageState { email: string; codeTtl: number; notice?: Notice; errors?: FieldErrors }

export function codePage (request: FastifyRequest, state: CodePageState): Html {
  const t = messages[request.lang]
  const errors = state.errors ?? {}
  return html`<div class="box">
<h1>${t.codeTitle}</h1>
${noticeBox(state.notice)}
${errorSummary(request.lang, errors, { code: t.codeLabel })}
<p>${t.codeSentTo(state.email)}</p>
<p>${t.codeValidity(durationInWords(request.lang, state.codeTtl))}</p>
<form method="post" action="/connexion/code" novalidate>
  ${csrfField(request)}
  <div class="field">
    <label for="code">${t.codeLabel} <span class="hint" id="code-aide">${t.codeHint}</span></label>
    <input type="text" id="code" name="code" class="code-input" inputmode="numeric" autocomplete="one-time-code" spellcheck="false" maxlength="16" required${invalidAttributes(errors, 'code', 'code-aide')}>
    ${fieldError(errors, 'code')}
  </div>
  <button type="submit" class="primary">${t.codeButton}</button>
</form>
<div class="box-links">
  <form method="post" action="/connexion/nouveau-code">
    ${csrfField(request)}
    <p>${t.resendIntro}</p>
    <button type="submit" class="secondary">${t.resendButton}</button>
  </form>
  <a href="/connexion">${t.otherAccount}</a>
</div>
</div>`
}
