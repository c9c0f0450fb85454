/**
 * Pieces shared by the reference-data pages: a labelled text field with its error, the notice
 * after a change, and a one-button POST form (archive, unarchive, delete).
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import { csrfField } from '../../../kernel/web/layout.ts'

export function textField (errors: FieldErrors, name: string, label: string, value: string, options: { maxlength: number; required?: boolean; hint?: string; multiline?: boolean }): Html {
  const hintId = options.hint ? `${name}-aide` : undefined
  const attributes = html`id="${name}" name="${name}" maxlength="${options.maxlength}" autocomplete="off"${options.required ? html` required` : ''}${invalidAttributes(errors, name, hintId)}`
  return html`<div class="field"><label for="${name}">${label}${options.hint ? html`<span class="hint" id="${hintId}">${options.hint}</span>` : ''}</label>
  ${options.multiline ? html`<textarea ${attributes} rows="4">${value}</textarea>` : html`<input type="text" ${attributes} value="${value}">`}
  ${fieldError(errors, name)}</div>`
}

export function buttonForm (request: FastifyRequest, action: string, label: string, describedBy?: string): Html {
  return html`<form method="post" action="${action}" class="inline-form">${csrfField(request)}<button type="submit" class="secondary"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>${label}</button></form>`
}

/** A reference-data form: its fields and one primary button, posted to `action` with the CSRF field. */
export function recordForm (request: FastifyRequest, action: string, fields: Html, button: string, labelledBy?: string): Html {
  return html`<form method="post" action="${action}" novalidate${labelledBy ? html` aria-labelledby="${labelledBy}"` : ''}>${csrfField(request)}
${fields}
<p><button type="submit" class="primary">${button}</button></p>
</form>`
}
