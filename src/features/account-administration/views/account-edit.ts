/**
 * The edit form (admin guide §3): identity with « Inverser nom et prénom », profession, email;
 * then the sites as labels, each with its own small form and a cross to remove it, and the
 * « Ajouter un site » search (a GET form on this page) whose results carry « Ajouter » buttons.
 * Forms cannot nest, so the sites live after the identity form. Works without JavaScript.
 */
import { html, type Html } from '../../../kernel/web/html.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import type { ManagedAccount } from '../hospital-scope.ts'
import type { AdministrationMessages } from '../messages.ts'
import { siteLabel } from '../account-edit.ts'
import { fullName } from './account-actions.ts'

export interface EditValues { civilite: string; nom: string; prenom: string; profession: string; email: string }

export interface EditPage {
  t: AdministrationMessages
  lang: 'fr' | 'en'
  csrf: Html
  account: ManagedAccount
  values: EditValues
  errors: FieldErrors
  notice: string | undefined
  refusal: string | undefined
  pendingEmail: string | undefined
  professions: Array<{ code: string; label_fr: string; label_en: string }>
  siteSearch: string
  siteResults: Array<{ id: string; title: string; abbreviation: string | null; lead_name: string | null; hospital_name: string }> | undefined
}

function textField (p: EditPage, name: 'nom' | 'prenom' | 'email', label: string, autocomplete: string, hint?: string): Html {
  const type = name === 'email' ? 'email' : 'text'
  return html`<div class="field"><label for="${name}">${label}${hint ? html`<span class="hint" id="${name}-aide">${hint}</span>` : ''}</label>
  <input type="${type}" id="${name}" name="${name}" value="${p.values[name]}" autocomplete="${autocomplete}" maxlength="${name === 'email' ? 254 : 100}" required${invalidAttributes(p.errors, name, hint ? `${name}-aide` : undefined)}>
  ${fieldError(p.errors, name)}</div>`
}

/**
 * The identity form. Its first submit button is a hidden « Enregistrer »: Enter in a field submits
 * with the form's first button, which would otherwise be « Inverser nom et prénom ».
 */
function identityForm (p: EditPage): Html {
  const { t, values } = p
  const labels = { civilite: t.civility, nom: t.lastName, prenom: t.firstName, profession: t.profession, email: t.email }
  return html`${errorSummary(p.lang, p.errors, labels)}
<form method="post" action="/gestion/comptes/${p.account.id}" novalidate>${p.csrf}
  <button type="submit" name="action" value="enregistrer" hidden tabindex="-1">${t.save}</button>
  <fieldset><legend>${t.identity}</legend>
    <fieldset class="choices"${invalidAttributes(p.errors, 'civilite')}><legend>${t.civility}</legend>
      <label><input type="radio" name="civilite" value="mme"${values.civilite === 'mme' ? html` checked` : ''}> ${t.civilityMme}</label>
      <label><input type="radio" name="civilite" value="m"${values.civilite === 'm' ? html` checked` : ''}> ${t.civilityM}</label>
      ${fieldError(p.errors, 'civilite')}
    </fieldset>
    ${textField(p, 'nom', t.lastName, 'off')}
    ${textField(p, 'prenom', t.firstName, 'off')}
    <p><button type="submit" name="action" value="inverser" class="secondary" aria-describedby="inverser-aide">${t.swapNames}</button>
      <span class="hint" id="inverser-aide">${t.swapHint}</span></p>
  </fieldset>
  <div class="field"><label for="profession">${t.profession}</label>
    <select id="profession" name="profession"${invalidAttributes(p.errors, 'profession')}>
      ${p.professions.map((pr) => html`<option value="${pr.code}"${pr.code === values.profession ? html` selected` : ''}>${p.lang === 'fr' ? pr.label_fr : pr.label_en}</option>`)}
    </select>${fieldError(p.errors, 'profession')}</div>
  ${textField(p, 'email', t.email, 'off', t.emailHint)}
  ${p.pendingEmail ? html`<p class="alert">${t.pendingEmail(p.pendingEmail)}</p>` : ''}
  <p><button type="submit" name="action" value="enregistrer" class="primary">${t.save}</button></p>
</form>`
}

function sitesSection (p: EditPage): Html {
  const { t, account } = p
  const current = new Set(account.sites.map((s) => s.id))
  return html`<section aria-labelledby="sites-titre">
<h2 id="sites-titre">${t.sites}</h2>
<p class="hint">${t.sitesHint}</p>
<ul class="site-labels">${account.sites.map((s) => html`<li><span class="tag">${siteLabel(s)} (${s.hospitalName})
  <form method="post" action="/gestion/comptes/${account.id}/sites/retirer" class="inline-form">${p.csrf}
    <input type="hidden" name="site" value="${s.id}">
    <button type="submit" class="link-button" aria-label="${t.removeSite(siteLabel(s))}" title="${t.removeSite(siteLabel(s))}">×</button>
  </form></span></li>`)}</ul>
<h3>${t.addSite}</h3>
<form method="get" action="/gestion/comptes/${account.id}" role="search">
  <div class="field"><label for="recherche-site">${t.siteSearch}<span class="hint" id="recherche-site-aide">${t.siteSearchHint}</span></label>
    <input type="search" id="recherche-site" name="site" value="${p.siteSearch}" maxlength="100" aria-describedby="recherche-site-aide"></div>
  <p><button type="submit" class="secondary">${t.siteSearchButton}</button></p>
</form>
${p.siteResults === undefined ? '' : p.siteResults.length === 0 ? html`<p role="status">${t.siteSearchNone}</p>` : html`<p role="status">${t.siteSearchResults(p.siteResults.length)}</p>
<ul class="site-results">${p.siteResults.map((s) => html`<li>${siteLabel(s)}${s.lead_name ? html` — ${s.lead_name}` : ''} (${s.hospital_name})
  ${current.has(s.id) ? html`<em>${t.alreadyHasSite}</em>` : html`<form method="post" action="/gestion/comptes/${account.id}/sites/ajouter" class="inline-form">${p.csrf}
    <input type="hidden" name="site" value="${s.id}">
    <button type="submit" class="secondary" aria-label="${t.addSiteLabel(siteLabel(s))}">${t.add}</button></form>`}</li>`)}</ul>`}
</section>`
}

export function accountEditPage (p: EditPage): Html {
  const { t } = p
  return html`<h1>${t.editTitle(fullName(p.account))}</h1>
${p.notice ? html`<div class="alert alert-success" role="status"><p>${p.notice}</p></div>` : ''}
${p.refusal ? html`<div class="alert alert-error" role="alert"><p>${p.refusal}</p></div>` : ''}
${identityForm(p)}
${sitesSection(p)}
<p><a href="/gestion">${t.backToList}</a></p>`
}

export function emailChangePage (t: AdministrationMessages, csrf: Html, token: string, newEmail: string): Html {
  return html`<h1>${t.emailChangeTitle}</h1>
<p>${t.emailChangeIntro(newEmail)}</p>
<form method="post" action="/gestion/changement-email">${csrf}
  <input type="hidden" name="jeton" value="${token}">
  <button type="submit" class="primary">${t.emailChangeButton}</button>
</form>`
}

export function emailChangeMessagePage (t: AdministrationMessages, title: string, message: string, withLogin: boolean): Html {
  return html`<h1>${title}</h1><p>${message}</p>${withLogin ? html`<p><a class="button" href="/connexion">${t.login}</a></p>` : ''}`
}
