/**
 * The confirmation pages of the « Actions » menu: activation with the guide's checklist (§4.1)
 * and its automatic warnings, deactivation (§5), bulk activation and its result, and the
 * super-administrators' queue of account-manager requests.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { accountStatus } from '../../../kernel/accounts/accounts.ts'
import { checklistKindOf, type ActivationWarning, type ChecklistKind } from '../activation-checklist.ts'
import type { BulkLine } from '../account-actions.ts'
import type { ManagedAccount } from '../hospital-scope.ts'
import { siteLabel } from '../account-edit.ts'
import { formatDate, statusBadge } from './account-list.ts'
import { csrfField } from '../../../kernel/web/layout.ts'
import { messages, type AdministrationMessages } from '../messages.ts'

export function fullName (account: { last_name: string; first_name: string }): string {
  return `${account.last_name} ${account.first_name}`
}

function warningText (t: AdministrationMessages, warning: ActivationWarning): Html {
  switch (warning.kind) {
    case 'personalEmail': return html`${t.warningPersonalEmail(warning.domain)}`
    case 'foreignDomain': return html`${t.warningForeignDomain(warning.domain, warning.expected.join(', '))}`
    case 'pendingEmailChange': return html`${t.warningPendingEmailChange(warning.email, warning.requester)}`
    case 'duplicate': return html`${t.warningDuplicate(warning.inScope.length + warning.elsewhere)}${warning.elsewhere > 0 ? html` (${t.warningDuplicateElsewhere(warning.elsewhere)})` : ''}
      ${warning.inScope.length > 0 ? html`<ul>${warning.inScope.map((d) => html`<li><a href="/gestion/comptes/${d.id}">${d.name}</a> — ${d.email}</li>`)}</ul>` : ''}`
  }
}

export function warningsList (t: AdministrationMessages, warnings: ActivationWarning[]): Html {
  if (warnings.length === 0) return html`<p>${t.noWarnings}</p>`
  return html`<div class="alert alert-warning"><h2>${t.warningsTitle}</h2><ul>${warnings.map((w) => html`<li>${warningText(t, w)}</li>`)}</ul></div>`
}

function siteTags (account: ManagedAccount): Html {
  return html`${account.sites.map((s) => html`<span class="tag">${siteLabel(s, s.hospitalName)}</span> `)}`
}

/** §4.1's checklist, or the account-manager request's own (activation-checklist.ts). */
function checklist (t: AdministrationMessages, kind: ChecklistKind, heading: 'h2' | 'h3' = 'h2'): Html {
  const items = kind === 'user'
    ? [t.checkEmail, t.checkIdentity, t.checkSites]
    : [t.checkManagerRole, t.checkManagerEmail, t.checkManagerIdentity]
  const intro = kind === 'user' ? t.checklistIntro : t.managerChecklistIntro
  const title = heading === 'h2' ? html`<h2>${intro}</h2>` : html`<h3>${intro}</h3>`
  return html`${title}<ul class="checklist">${items.map((item) => html`<li>${item}</li>`)}</ul>`
}

function summary (t: AdministrationMessages, lang: 'fr' | 'en', account: ManagedAccount, profession: string): Html {
  return html`<dl class="summary">
  <dt>${t.columns.status}</dt><dd>${statusBadge(t, accountStatus(account))}</dd>
  <dt>${t.lastName}</dt><dd>${account.last_name}</dd>
  <dt>${t.firstName}</dt><dd>${account.first_name}</dd>
  <dt>${t.email}</dt><dd>${account.email}</dd>
  <dt>${t.profession}</dt><dd>${profession}</dd>
  <dt>${t.sites}</dt><dd>${siteTags(account)}</dd>
  <dt>${t.columns.registeredAt}</dt><dd>${formatDate(lang, account.created_at)}</dd>
</dl>`
}

export function activationPage (request: FastifyRequest, account: ManagedAccount, profession: string, warnings: ActivationWarning[]): Html {
  const t = messages[request.lang]
  return html`<h1>${t.activateTitle(fullName(account))}</h1>
${summary(t, request.lang, account, profession)}
${checklist(t, checklistKindOf(account))}
${warningsList(t, warnings)}
<form method="post" action="/gestion/comptes/${account.id}/activer">${csrfField(request)}
  <input type="hidden" name="adresse" value="${account.email}">
  <button type="submit" class="primary">${t.activate}</button> <a href="/gestion">${t.cancel}</a>
</form>`
}

export function deactivationPage (request: FastifyRequest, account: ManagedAccount, profession: string): Html {
  const t = messages[request.lang]
  return html`<h1>${t.deactivateTitle(fullName(account))}</h1>
${summary(t, request.lang, account, profession)}
<p>${t.deactivateIntro}</p>
<p>${t.deactivateKeep}</p>
<form method="post" action="/gestion/comptes/${account.id}/desactiver">${csrfField(request)}
  <button type="submit" class="danger">${t.deactivate}</button> <a href="/gestion">${t.cancel}</a>
</form>`
}

export interface BulkEntry { account: ManagedAccount; warnings: ActivationWarning[] }

/** The email, with the personal-address warning beside it (§4.1 « L'email »). */
function emailWithWarning (t: AdministrationMessages, account: ManagedAccount, warnings: ActivationWarning[]): Html {
  const personal = warnings.find((w) => w.kind === 'personalEmail')
  return html`${account.email}${personal ? html`<br><strong class="warning-text">⚠ ${warningText(t, personal)}</strong>` : ''}`
}

function bulkEntry (t: AdministrationMessages, { account, warnings }: BulkEntry): Html {
  const others = warnings.filter((w) => w.kind !== 'personalEmail')
  return html`<li>
    <input type="hidden" name="comptes" value="${account.id}">
    <h2 class="bulk-name">${fullName(account)}${checklistKindOf(account) === 'accountManagerRequest' ? html` — ${t.managerRequest}` : ''}</h2>
    <dl class="summary">
      <dt>${t.columns.status}</dt><dd>${statusBadge(t, accountStatus(account))}</dd>
      <dt>${t.email}</dt><dd>${emailWithWarning(t, account, warnings)}</dd>
      <dt>${t.sites}</dt><dd>${siteTags(account)}</dd>
    </dl>
    ${others.length > 0 ? html`<div class="alert alert-warning"><ul>${others.map((w) => html`<li>${warningText(t, w)}</li>`)}</ul></div>` : ''}
  </li>`
}

/**
 * The bulk confirmation: each pending account with its status, email and sites (§4.1); the
 * selected accounts that are not pending are named apart, with the reason, and not sent on.
 */
export function bulkConfirmationPage (request: FastifyRequest, entries: BulkEntry[], excluded: Array<{ account: ManagedAccount; reason: string }>, back: string): Html {
  const t = messages[request.lang]
  const excludedList = excluded.length === 0 ? '' : html`<div class="alert alert-warning"><p>${t.bulkNotIncluded}</p>
  <ul>${excluded.map(({ account, reason }) => html`<li><strong>${fullName(account)}</strong> (${account.email}) — ${statusBadge(t, accountStatus(account))}${t.notIncludedBecause(reason)}</li>`)}</ul></div>`
  if (entries.length === 0) return html`<h1>${t.bulkTitle}</h1><p>${t.bulkNothingSelected}</p>${excludedList}<p><a href="${back}">${t.backToList}</a></p>`
  const kinds = new Set(entries.map((e) => checklistKindOf(e.account)))
  return html`<h1>${t.bulkTitle}</h1>
<p>${t.bulkConfirmIntro}</p>
${kinds.has('user') ? checklist(t, 'user') : ''}
${kinds.has('accountManagerRequest') ? checklist(t, 'accountManagerRequest') : ''}
${excludedList}
<form method="post" action="/gestion/comptes/activation-groupee">${csrfField(request)}
  <input type="hidden" name="confirmer" value="1">
  <ol class="bulk-list">${entries.map((entry) => bulkEntry(t, entry))}</ol>
  <button type="submit" class="primary">${t.bulkConfirm(entries.length)}</button> <a href="${back}">${t.cancel}</a>
</form>`
}

export function bulkResultPage (request: FastifyRequest, lines: BulkLine[], reasonOf: (line: BulkLine) => string): Html {
  const t = messages[request.lang]
  return html`<h1>${t.bulkResultTitle}</h1>
<table class="bulk-result"><caption>${t.bulkResultCaption}</caption>
<thead><tr><th scope="col">${t.columns.lastName}</th><th scope="col">${t.columns.email}</th><th scope="col">${t.bulkResult}</th></tr></thead>
<tbody>${lines.map((line) => html`<tr><th scope="row">${line.account ? fullName(line.account) : '—'}</th><td>${line.account?.email ?? ''}</td>
  <td>${line.result.outcome === 'done' ? (line.result.emailChangeVoided ? t.bulkActivatedEmailChangeVoided : t.bulkActivated) : t.bulkRefusedBecause(reasonOf(line))}</td></tr>`)}</tbody></table>
<p><a href="/gestion">${t.backToList}</a></p>`
}

export function managerRequestsPage (request: FastifyRequest, requests: Array<{ id: string; last_name: string; first_name: string; email: string; created_at: number; hospital_name: string; email_confirmed_at: number | null; activated_at: number | null; deactivated_at: number | null }>): Html {
  const t = messages[request.lang]
  return html`<h1>${t.requestsTitle}</h1>
<p>${t.requestsIntro}</p>
${requests.length === 0 ? html`<p>${t.requestsNone}</p>` : html`<table>
  <thead><tr><th scope="col">${t.columns.status}</th><th scope="col">${t.columns.lastName}</th><th scope="col">${t.columns.email}</th>
    <th scope="col">${t.hospital}</th><th scope="col">${t.columns.registeredAt}</th><th scope="col">${t.columns.actions}</th></tr></thead>
  <tbody>${requests.map((r) => html`<tr><td>${statusBadge(t, accountStatus(r))}</td><th scope="row">${fullName(r)}</th><td>${r.email}</td>
    <td>${r.hospital_name}</td><td>${formatDate(request.lang, r.created_at)}</td>
    <td>${accountStatus(r) === 'pendingActivation' ? html`<a href="/gestion/comptes/${r.id}/activer">${t.activate}<span class="visually-hidden"> — ${fullName(r)}</span></a>` : ''}</td></tr>`)}</tbody>
</table>`}
<p><a href="/gestion">${t.backToList}</a></p>`
}

export function deletionPage (request: FastifyRequest, account: ManagedAccount, profession: string, error: string | undefined): Html {
  const t = messages[request.lang]
  return html`<h1>${t.deleteTitle(fullName(account))}</h1>
${error ? html`<div class="alert alert-error" role="alert" tabindex="-1" id="erreurs"><p><a href="#confirmation">${error}</a></p></div>` : ''}
${summary(t, request.lang, account, profession)}
<p>${t.deleteIntro}</p>
<form method="post" action="/gestion/comptes/${account.id}/supprimer">${csrfField(request)}
  <div class="field"><label for="confirmation">${t.deleteConfirmLabel(account.email)}</label>
    <input type="text" id="confirmation" name="confirmation" autocomplete="off" maxlength="254" required${error ? html` aria-invalid="true"` : ''}></div>
  <button type="submit" class="danger">${t.delete}</button> <a href="/gestion">${t.cancel}</a>
</form>`
}
