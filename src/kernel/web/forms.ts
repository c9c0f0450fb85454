/**
 * Form validation errors (from the route's TypeBox schema) turned into French field messages,
 * and the small pieces every form page uses: the error summary and a field with its message.
 */
import type { FastifySchemaValidationError } from 'fastify'
import { html, type Html } from './html.ts'
import { layoutMessages, type Lang } from './messages.ts'

export type FieldErrors = Record<string, string>

export function fieldErrorsFrom (lang: Lang, validation: readonly FastifySchemaValidationError[] | undefined): FieldErrors {
  const t = layoutMessages[lang]
  const errors: FieldErrors = {}
  for (const issue of validation ?? []) {
    const params = issue.params as { missingProperty?: string; limit?: number }
    const field = params.missingProperty ?? issue.instancePath.replace(/^\//, '').split('/')[0] ?? ''
    if (!field || errors[field]) continue
    if (issue.keyword === 'required' || (issue.keyword === 'minLength' && params.limit === 1)) errors[field] = t.required
    else if (issue.keyword === 'maxLength' || issue.keyword === 'maxItems') errors[field] = t.tooLong(params.limit ?? 0)
    else errors[field] = t.invalid
  }
  if (Object.keys(errors).length === 0 && validation && validation.length > 0) errors._form = t.invalid
  return errors
}

/** The summary at the top of a form (RGAA 11.10): a count, then a link to each wrong field. */
export function errorSummary (lang: Lang, errors: FieldErrors, labels: Record<string, string>): Html {
  const entries = Object.entries(errors)
  if (entries.length === 0) return html``
  return html`<div class="alert alert-error" role="alert" tabindex="-1" id="erreurs">
  <p>${layoutMessages[lang].formHasErrors(entries.length)}</p>
  <ul>${entries.map(([field, message]) => html`<li>${labels[field] ? html`<a href="#${field}">${labels[field]}</a> : ` : ''}${message}</li>`)}</ul>
</div>`
}

/** The message under a field, referenced by the input's aria-describedby. */
export function fieldError (errors: FieldErrors, field: string): Html {
  const message = errors[field]
  return message ? html`<p class="field-error" id="${field}-erreur">${message}</p>` : html``
}

/** aria attributes for an input that may carry an error. */
export function invalidAttributes (errors: FieldErrors, field: string, describedBy?: string): Html {
  const ids = [describedBy, errors[field] ? `${field}-erreur` : undefined].filter(Boolean).join(' ')
  return html`${errors[field] ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}`
}
