/**
 * The « Mon compte » page: the account's data, its hospitals and sites, and the password form
 * (« Mot de passe actuel », then the shared new-password fields and rules).
 */
import type { FastifyRequest } from 'fastify'
import type { Rules } from '../../../config.ts'
import { accountStatus } from '../../../kernel/accounts/accounts.ts'
import { roleOf } from '../../../kernel/accounts/guards.ts'
import { formatInstant } from '../../../kernel/web/dates.ts'
import { html, type Html } from '../../../kernel/web/html.ts'
import { csrfField } from '../../../kernel/web/layout.ts'
import type { Lang } from '../../../kernel/web/messages.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import { newPasswordFields, newPasswordLabels, titleWithErrors } from '../../password-reset/index.ts'
import type { MyAccount, MySite } from '../my-account.queries.ts'
import { messages } from '../messages.ts'

export const currentPasswordField = 'motDePasseActuel'

export interface AccountPageState { errors?: FieldErrors; passwordChanged?: boolean }

function groupByHospital (sites: MySite[]): Array<{ name: string; sites: MySite[] }> {
  const groups = new Map<string, { name: string; sites: MySite[] }>()
  for (const site of sites) {
    const group = groups.get(site.hospital_id) ?? { name: site.hospital_name, sites: [] }
    group.sites.push(site)
    groups.set(site.hospital_id, group)
  }
  return [...groups.values()]
}

function detailsSection (lang: Lang, account: MyAccount): Html {
  const t = messages[lang]
  const row = (label: string, value: string) => html`<dt>${label}</dt><dd>${value}</dd>`
  return html`<section aria-labelledby="mes-informations">
<h2 id="mes-informations">${t.detailsTitle}</h2>
<dl>
  ${row(t.civility, t.civilities[account.civility])}
  ${row(t.lastName, account.last_name)}
  ${row(t.firstName, account.first_name)}
  ${row(t.email, account.email)}
  ${row(t.profession, (lang === 'fr' ? account.label_fr : account.label_en) ?? account.profession_code)}
  ${row(t.status, t.statuses[accountStatus(account)])}
  ${row(t.lastLogin, account.last_login_at === null ? t.neverLoggedIn : formatInstant(lang, account.last_login_at, 'long'))}
  ${account.password_changed_at === null ? '' : row(t.passwordChangedAt, formatInstant(lang, account.password_changed_at, 'long'))}
</dl>
</section>`
}

/**
 * Who corrects this account: the hospital's account manager for a user; for an account manager
 * or a super-administrator, whose accounts only a super-administrator changes, the BNDMR team.
 */
function correctionsHint (request: FastifyRequest, supportEmail: string): Html {
  const t = messages[request.lang]
  const account = request.account
  const managesAccounts = account !== undefined && roleOf(account) !== 'user'
  return html`<p class="hint">${managesAccounts ? t.correctionsHintManager(supportEmail) : t.correctionsHint}</p>`
}

function sitesSection (lang: Lang, sites: MySite[], hint: Html): Html {
  const t = messages[lang]
  return html`<section aria-labelledby="mes-sites">
<h2 id="mes-sites">${t.sitesTitle}</h2>
${sites.length === 0 ? html`<p>${t.noSites}</p>` : groupByHospital(sites).map((hospital) => html`<h3>${hospital.name}</h3>
<ul>${hospital.sites.map((site) => html`<li>${site.title}${site.abbreviation ? ` (${site.abbreviation})` : ''}</li>`)}</ul>`)}
${hint}
</section>`
}

function passwordSection (request: FastifyRequest, rules: Rules, errors: FieldErrors): Html {
  const t = messages[request.lang]
  return html`<section aria-labelledby="mot-de-passe">
<h2 id="mot-de-passe">${t.passwordTitle}</h2>
${errorSummary(request.lang, errors, { [currentPasswordField]: t.currentPasswordLabel, ...newPasswordLabels(request.lang) })}
<p>${t.passwordIntro}</p>
<form method="post" action="/mon-compte/mot-de-passe" novalidate>
  ${csrfField(request)}
  <div class="field">
    <label for="${currentPasswordField}">${t.currentPasswordLabel}</label>
    <input type="password" id="${currentPasswordField}" name="${currentPasswordField}" autocomplete="current-password" required maxlength="${rules.passwordMaximumLength}"${invalidAttributes(errors, currentPasswordField)}>
    ${fieldError(errors, currentPasswordField)}
  </div>
  ${newPasswordFields(request.lang, rules, errors)}
  <button type="submit" class="primary">${t.passwordTitle}</button>
</form>
</section>`
}

export function myAccountPage (request: FastifyRequest, rules: Rules, supportEmail: string, account: MyAccount, sites: MySite[], state: AccountPageState = {}): { title: string; body: Html } {
  const t = messages[request.lang]
  const errors = state.errors ?? {}
  const body = html`<div class="box box-wide">
<h1>${t.title}</h1>
${state.passwordChanged ? html`<div class="alert alert-success" role="status"><p>${t.passwordChanged}</p></div>` : ''}
${detailsSection(request.lang, account)}
${sitesSection(request.lang, sites, correctionsHint(request, supportEmail))}
${passwordSection(request, rules, errors)}
</div>`
  return { title: titleWithErrors(request.lang, t.title, errors), body }
}
