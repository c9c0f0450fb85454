/**
 * The console's page of client applications (super-administrators): the list, each with
 * « Renouveler le secret » and « Désactiver » (small forms, no script), the registration form,
 * and the page that shows a secret once.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import { notice } from '../../../kernel/web/page-parts.ts'
import type { ClientSummary } from '../clients.ts'
import { messages } from '../messages.ts'
import { csrfField } from '../../../kernel/web/layout.ts'

export const clientsBase = '/gestion/applications'

export interface ClientFormValues { nom: string; redirections: string; deconnexions: string; backchannel: string; scopes: string[] }

export const emptyClientForm: ClientFormValues = { nom: '', redirections: '', deconnexions: '', backchannel: '', scopes: ['email', 'profile', 'bamara'] }

function field (errors: FieldErrors, name: string, label: string, value: string, options: { multiline?: boolean; hint?: string; maxlength: number }): Html {
  const hintId = options.hint ? `${name}-aide` : undefined
  const attributes = html`id="${name}" name="${name}" maxlength="${options.maxlength}" autocomplete="off"${invalidAttributes(errors, name, hintId)}`
  return html`<div class="field"><label for="${name}">${label}${options.hint ? html`<span class="hint" id="${hintId}">${options.hint}</span>` : ''}</label>
  ${options.multiline ? html`<textarea ${attributes} rows="3">${value}</textarea>` : html`<input type="text" ${attributes} value="${value}">`}
  ${fieldError(errors, name)}</div>`
}

/** What the route gives the page; the words, language and CSRF field come from the request. */
export interface ClientsPageState { clients: ClientSummary[]; values: ClientFormValues; errors: FieldErrors; notice?: string }

export function clientsPage (request: FastifyRequest, p: ClientsPageState): Html {
  const t = messages[request.lang]
  const csrf = csrfField(request)
  const scopeChoices = [['email', t.scopeEmail], ['profile', t.scopeProfile], ['bamara', t.scopeBamara]] as const
  return html`<h1>${t.clientsTitle}</h1>
<p>${t.clientsIntro}</p>
${notice(p.notice)}
${p.clients.length === 0
    ? html`<p>${t.noClients}</p>`
    : html`<table><caption class="sr-only">${t.clientsTitle}</caption>
<thead><tr><th scope="col">${t.name}</th><th scope="col">${t.clientId}</th><th scope="col">${t.redirectUris}</th><th scope="col">${t.state}</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
<tbody>${p.clients.map((c) => html`<tr><td>${c.name}</td><td><code>${c.id}</code></td><td>${c.redirectUris.map((u) => html`<div>${u}</div>`)}</td>
<td>${c.disabledAt === null ? t.active : t.disabled}</td>
<td>${c.disabledAt === null
      ? html`${c.authMethod === 'client_secret_basic' ? html`<form method="post" action="${clientsBase}/${c.id}/secret" class="inline-form">${csrf}<button type="submit" class="secondary">${t.rotateSecret}<span class="sr-only"> (${c.name})</span></button></form>` : ''}
<form method="post" action="${clientsBase}/${c.id}/desactiver" class="inline-form">${csrf}<button type="submit" class="secondary">${t.disable}<span class="sr-only"> (${c.name})</span></button></form>`
      : ''}</td></tr>`)}</tbody></table>`}
<h2 id="nouvelle-application">${t.newClient}</h2>
<form method="post" action="${clientsBase}" novalidate aria-labelledby="nouvelle-application">${csrf}
${errorSummary(request.lang, p.errors, { nom: t.name, redirections: t.redirectUris, deconnexions: t.postLogoutUris, backchannel: t.backchannelUri, scopes: t.scopes })}
${field(p.errors, 'nom', t.name, p.values.nom, { maxlength: 100 })}
${field(p.errors, 'redirections', t.redirectUris, p.values.redirections, { multiline: true, hint: t.redirectUrisHint, maxlength: 5000 })}
${field(p.errors, 'deconnexions', t.postLogoutUris, p.values.deconnexions, { multiline: true, maxlength: 5000 })}
${field(p.errors, 'backchannel', t.backchannelUri, p.values.backchannel, { hint: t.backchannelHint, maxlength: 500 })}
<fieldset id="scopes"><legend>${t.scopes}</legend>
${scopeChoices.map(([value, label]) => html`<div><input type="checkbox" id="scope-${value}" name="scopes" value="${value}"${p.values.scopes.includes(value) ? html` checked` : ''}> <label for="scope-${value}">${label}</label></div>`)}
${fieldError(p.errors, 'scopes')}</fieldset>
<p><button type="submit" class="primary">${t.register}</button></p>
</form>`
}

export function secretPage (request: FastifyRequest, client: { id: string; name: string }, secret: string): Html {
  const t = messages[request.lang]
  return html`<h1>${t.secretTitle} : ${client.name}</h1>
<div class="alert alert-warning" role="alert"><p>${t.secretOnce}</p></div>
<dl><dt>client_id</dt><dd><code>${client.id}</code></dd><dt>client_secret</dt><dd><code>${secret}</code></dd></dl>
<p><a href="${clientsBase}">${t.backToClients}</a></p>`
}
