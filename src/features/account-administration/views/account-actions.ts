/**
 * The confirmation pages of the « Actions » menu: activation with the guide's checklist (§4.1)
 * and its automatic warnings, deactivation (§5), bulk activation and its result, and the
 * super-administrators' queue of account-manager requests.
 */
import { html, type Html } from '../../../kernel/web/html.ts'
import { accountStatus } from '../../../kernel/accounts/accounts.ts'
import type { ActivationWarning } from '../activation-checklist.ts'
import type { BulkLine } from '../account-actions.ts'
import type { ManagedAccount } from '../hospital-scope.ts'
import type { AdministrationMessages } from '../messages.ts'
import { siteLabel } from '../account-edit.ts'
import { formatDate, statusBadge } from './account-list.ts'

export function fullName (account: { last_name: string; first_name: string }): string {
  return `${account.last_name} ${account.first_name}`
}

function warningText (t: AdministrationMessages, warning: ActivationWarning): Html {
  switch (warning.kind) {
    case 'personalEmail': return html`${t.warningPersonalEmail(warning.domain)}`
    case 'foreignDomain': return html`${t.warningForeignDomain(warning.domain, warning.expected.join(', '))}`
    case 'accountManagerSite': return html`${t.warningAccountManagerSite}`
    case 'pendingEmailChange': return html`${t.warningPendingEmailChange(warning.email, warning.requester)}`
    case 'duplicate': return html`${t.warningDuplicate(warning.inScope.length + warning.elsewhere)}${warning.elsewhere > 0 ? html` (${t.warningDuplicateElsewhere(warning.elsewhere)})` : ''}
      ${warning.inScope.length > 0 ? html`<ul>${warning.inScope.map((d) => html`<li><a href="/gestion/comptes/${d.id}">${d.name}</a> — ${d.email}</li>`)}</ul>` : ''}`
  }
}

export function warningsList (t: AdministrationMessages, warnings: ActivationWarning[]): Html {
  if (warnings.length === 0) return html`<p>${t.noWarnings}</p>`
  return html`<div class="alert alert-warning"><h2>${t.warningsTitle}</h2><ul>${warnings.map((w) => html`<li>${warningText(t, w)}</li>`)}</ul></div>`
}

function summary (t: AdministrationMessages, lang: 'fr' | 'en', account: ManagedAccount, profession: string): Html {
  return html`<dl class="summary">
  <dt>${t.columns.status}</dt><dd>${statusBadge(t, accountStatus(account))}</dd>
  <dt>${t.lastName}</dt><dd>${account.last_name}</dd>
  <dt>${t.firstName}</dt><dd>${account.first_name}</dd>
  <dt>${t.email}</dt><dd>${account.email}</dd>
  <dt>${t.profession}</dt><dd>${profession}</dd>
  <dt>${t.sites}</dt><dd>${account.sites.map((s) => html`<span class="tag">${siteLabel(s)} (${s.hospitalName})</span> `)}</dd>
  <dt>${t.columns.registeredAt}</dt><dd>${formatDate(lang, account.created_at)}</dd>
</dl>`
}

export function activationPage (t: AdministrationMessages, lang: 'fr' | 'en', csrf: Html, account: ManagedAccount, profession: string, warnings: ActivationWarning[]): Html {
  return html`<h1>${t.activateTitle(fullName(account))}</h1>
${summary(t, lang, account, profession)}
<h2>${t.checklistIntro}</h2>
<ul class="checklist"><li>${t.checkEmail}</li><li>${t.checkIdentity}</li><li>${t.checkSites}</li></ul>
${warningsList(t, warnings)}
<form method="post" action="/gestion/comptes/${account.id}/activer">${csrf}
  <input type="hidden" name="adresse" value="${account.email}">
  <button type="submit" class="primary">${t.activate}</button> <a href="/gestion">${t.cancel}</a>
</form>`
}

export function deactivationPage (t: AdministrationMessages, lang: 'fr' | 'en', csrf: Html, account: ManagedAccount, profession: string): Html {
  return html`<h1>${t.deactivateTitle(fullName(account))}</h1>
${summary(t, lang, account, profession)}
<p>${t.deactivateIntro}</p>
<p>${t.deactivateKeep}</p>
<form method="post" action="/gestion/comptes/${account.id}/desactiver">${csrf}
  <button type="submit" class="danger">${t.deactivate}</button> <a href="/gestion">${t.cancel}</a>
</form>`
}

export function bulkConfirmationPage (t: AdministrationMessages, csrf: Html, entries: Array<{ account: ManagedAccount; warnings: ActivationWarning[] }>): Html {
  if (entries.length === 0) return html`<h1>${t.bulkTitle}</h1><p>${t.bulkNothingSelected}</p><p><a href="/gestion">${t.backToList}</a></p>`
  return html`<h1>${t.bulkTitle}</h1>
<p>${t.bulkConfirmIntro}</p>
<ul class="checklist"><li>${t.checkEmail}</li><li>${t.checkIdentity}</li><li>${t.checkSites}</li></ul>
<form method="post" action="/gestion/comptes/activation-groupee">${csrf}
  <input type="hidden" name="confirmer" value="1">
  <ol>${entries.map(({ account, warnings }) => html`<li>
    <input type="hidden" name="comptes" value="${account.id}">
    <strong>${fullName(account)}</strong> — ${account.email}
    ${warnings.length > 0 ? html`<ul>${warnings.map((w) => html`<li>${warningText(t, w)}</li>`)}</ul>` : ''}
  </li>`)}</ol>
  <button type="submit" class="primary">${t.bulkConfirm(entries.length)}</button> <a href="/gestion">${t.cancel}</a>
</form>`
}

export function bulkResultPage (t: AdministrationMessages, lines: BulkLine[], reasonOf: (line: BulkLine) => string): Html {
  return html`<h1>${t.bulkResultTitle}</h1>
<table><thead><tr><th scope="col">${t.columns.lastName}</th><th scope="col">${t.columns.status}</th></tr></thead>
<tbody>${lines.map((line) => html`<tr><th scope="row">${line.name || '—'}</th>
  <td>${line.result.outcome === 'done' ? (line.result.emailChangeVoided ? t.bulkActivatedEmailChangeVoided : t.bulkActivated) : html`${t.bulkRefused} : ${reasonOf(line)}`}</td></tr>`)}</tbody></table>
<p><a href="/gestion">${t.backToList}</a></p>`
}

export function managerRequestsPage (t: AdministrationMessages, lang: 'fr' | 'en', requests: Array<{ id: string; last_name: string; first_name: string; email: string; created_at: number; hospital_name: string; email_confirmed_at: number | null; activated_at: number | null; deactivated_at: number | null }>): Html {
  return html`<h1>${t.requestsTitle}</h1>
<p>${t.requestsIntro}</p>
${requests.length === 0 ? html`<p>${t.requestsNone}</p>` : html`<table>
  <thead><tr><th scope="col">${t.columns.status}</th><th scope="col">${t.columns.lastName}</th><th scope="col">${t.columns.email}</th>
    <th scope="col">${t.hospital}</th><th scope="col">${t.columns.registeredAt}</th><th scope="col">${t.columns.actions}</th></tr></thead>
  <tbody>${requests.map((r) => html`<tr><td>${statusBadge(t, accountStatus(r))}</td><th scope="row">${fullName(r)}</th><td>${r.email}</td>
    <td>${r.hospital_name}</td><td>${formatDate(lang, r.created_at)}</td>
    <td>${accountStatus(r) === 'pendingActivation' ? html`<a href="/gestion/comptes/${r.id}/activer">${t.activate}<span class="visually-hidden"> — ${fullName(r)}</span></a>` : ''}</td></tr>`)}</tbody>
</table>`}
<p><a href="/gestion">${t.backToList}</a></p>`
}

export function deletionPage (t: AdministrationMessages, lang: 'fr' | 'en', csrf: Html, account: ManagedAccount, profession: string, error: string | undefined): Html {
  return html`<h1>${t.deleteTitle(fullName(account))}</h1>
${error ? html`<div class="alert alert-error" role="alert" tabindex="-1" id="erreurs"><p><a href="#confirmation">${error}</a></p></div>` : ''}
${summary(t, lang, account, profession)}
<p>${t.deleteIntro}</p>
<form method="post" action="/gestion/comptes/${account.id}/supprimer">${csrf}
  <div class="field"><label for="confirmation">${t.deleteConfirmLabel(account.email)}</label>
    <input type="text" id="confirmation" name="confirmation" autocomplete="off" maxlength="254" required${error ? html` aria-invalid="true"` : ''}></div>
  <button type="submit" class="danger">${t.delete}</button> <a href="/gestion">${t.cancel}</a>
</form>`
}
