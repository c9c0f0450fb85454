/**
 * The edit form (admin guide §3 « Vérifier/corriger les données des utilisateurs »): one form,
 * one « Valider » (§3.4.1–3.4.2 « … Validez. »). Names (with « Inverser nom et prénom », which
 * swaps them in the form), profession, email, the « Hôpital » of the profile's sites, and the
 * « Sites » field: a label per site with its cross, and « Ajouter un site ».
 *
 * Without JavaScript every button posts the whole form to the same page: « Rechercher » shows the
 * matching sites with an « Ajouter » button each, a cross takes a site off the list, and the page
 * comes back with everything typed kept and the sites chosen or removed as hidden inputs; only
 * « Valider » saves. With JavaScript, public/account-edit.js turns « Ajouter un site » into a
 * combobox that suggests as you type (WAI-ARIA APG « combobox with listbox popup ») and makes
 * the crosses act in place. Below the form: the account's status and the actions it allows.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import type { AccountStatus } from '../../../kernel/accounts/accounts.ts'
import type { ActionKind } from '../account-actions.ts'
import type { ManagedAccount } from '../hospital-scope.ts'
import { messages, type AdministrationMessages } from '../messages.ts'
import { fullName } from './account-actions.ts'
import { withHospital } from '../account-edit.ts'
import { lockBadge, statusBadge } from './account-list.ts'
import { notice } from '../../../kernel/web/page-parts.ts'
import { csrfField } from '../../../kernel/web/layout.ts'

export interface EditValues { civilite: string; nom: string; prenom: string; profession: string; email: string }

/** A site label of the « Sites » field. */
export interface SiteTag { id: string; label: string; hospitalName: string; isNew: boolean }

export interface SiteSuggestion { id: string; label: string; leadName: string | null; hospitalName: string }

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
  /** The sites as the form has them now: the profile's, minus those removed, plus those chosen. */
  sites: SiteTag[]
  removedSites: SiteTag[]
  /** The site changes not saved yet, carried as hidden inputs from one page to the next. */
  pending: { add: readonly string[]; remove: readonly string[] }
  siteSearch: string
  siteResults: SiteSuggestion[] | undefined
  status: AccountStatus
  actions: ActionKind[]
}

/** What the route gives the page; the words, language and CSRF field come from the request. */
export type EditPageState = Omit<EditPage, 't' | 'lang' | 'csrf'>

function textField (p: EditPage, name: 'nom' | 'prenom' | 'email', label: string, hint?: string): Html {
  const type = name === 'email' ? 'email' : 'text'
  return html`<div class="field"><label for="${name}">${label}${hint ? html`<span class="hint" id="${name}-aide">${hint}</span>` : ''}</label>
  <input type="${type}" id="${name}" name="${name}" value="${p.values[name]}" autocomplete="off" maxlength="${name === 'email' ? 254 : 100}" required${invalidAttributes(p.errors, name, hint ? `${name}-aide` : undefined)}>
  ${fieldError(p.errors, name)}</div>`
}

function identityFields (p: EditPage): Html {
  const { t, values } = p
  return html`<fieldset><legend>${t.identity}</legend>
    <fieldset class="choices"${invalidAttributes(p.errors, 'civilite')}><legend>${t.civility}</legend>
      <label><input type="radio" name="civilite" value="mme"${values.civilite === 'mme' ? html` checked` : ''}> ${t.civilityMme}</label>
      <label><input type="radio" name="civilite" value="m"${values.civilite === 'm' ? html` checked` : ''}> ${t.civilityM}</label>
      ${fieldError(p.errors, 'civilite')}
    </fieldset>
    ${textField(p, 'nom', t.lastName)}
    ${textField(p, 'prenom', t.firstName)}
    <p><button type="submit" name="inverser" value="1" class="secondary" aria-describedby="inverser-aide" data-swap-names data-swapped="${t.namesSwapped}">${t.swapNames}</button>
      <span class="hint" id="inverser-aide">${t.swapHint}</span></p>
  </fieldset>
  <div class="field"><label for="profession">${t.profession}</label>
    <select id="profession" name="profession"${invalidAttributes(p.errors, 'profession')}>
      ${p.professions.map((pr) => html`<option value="${pr.code}"${pr.code === values.profession ? html` selected` : ''}>${p.lang === 'fr' ? pr.label_fr : pr.label_en}</option>`)}
    </select>${fieldError(p.errors, 'profession')}</div>
  ${textField(p, 'email', t.email, t.emailHint)}
  ${p.pendingEmail ? html`<p class="alert">${t.pendingEmail(p.pendingEmail)}</p>` : ''}`
}

/** « Hôpital »: the hospital of the profile's sites (guide §3.4.1: filled in by adding a site). */
function hospitalField (p: EditPage): Html {
  const { t } = p
  const names = [...new Set(p.sites.map((s) => s.hospitalName))]
  return html`<p class="field"><strong>${t.hospitalField} :</strong> ${names.length > 0 ? names.join(', ') : html`<em>${t.noHospital}</em> <span class="hint">${t.hospitalHint}</span>`}</p>`
}

function siteTag (t: AdministrationMessages, site: SiteTag): Html {
  return html`<li data-site-id="${site.id}" data-label="${site.label}"><span class="tag">${withHospital(site.label, site.hospitalName)}${site.isNew ? html` <em class="tag-new">${t.newSite}</em>` : ''}
    <button type="submit" name="croix" value="${site.id}" class="link-button" aria-label="${t.removeSite(site.label)}" title="${t.removeSite(site.label)}">×</button></span></li>`
}

function siteResults (p: EditPage): Html {
  const { t } = p
  if (p.siteResults === undefined) return html``
  if (p.siteResults.length === 0) return html`<div class="site-results-box"><p role="status">${t.siteSearchNone}</p></div>`
  const shown = new Set(p.sites.map((s) => s.id))
  return html`<div class="site-results-box"><p role="status">${t.siteSearchResults(p.siteResults.length)}</p>
<ul class="site-results">${p.siteResults.map((s) => html`<li><span>${withHospital(s.label, s.hospitalName)}${s.leadName ? html` — ${s.leadName}` : ''}</span>
  ${shown.has(s.id) ? html`<em>${t.alreadyHasSite}</em>` : html`<button type="submit" name="choisir" value="${s.id}" class="secondary" aria-label="${t.addSiteLabel(s.label)}" data-label="${s.label}" data-hospital="${s.hospitalName}">${t.add}</button>`}</li>`)}</ul></div>`
}

/** The « Sites » field: labels with crosses, then « Ajouter un site » (combobox with JavaScript). */
function sitesField (p: EditPage): Html {
  const { t, account } = p
  return html`<fieldset class="sites-field" aria-describedby="sites-aide"><legend>${t.sites}</legend>
  <p class="hint" id="sites-aide">${t.sitesHint}</p>
  <ul class="site-labels" id="sites-etiquettes" data-empty="${t.noSite}">${p.sites.map((s) => siteTag(t, s))}</ul>
  ${p.removedSites.length > 0 ? html`<p class="hint" id="sites-retires">${t.sitesToRemove} ${p.removedSites.map((s) => s.label).join(', ')}</p>` : ''}
  <div data-site-changes>${p.pending.add.map((id) => html`<input type="hidden" name="ajouter" value="${id}">`)}${p.pending.remove.map((id) => html`<input type="hidden" name="retirer" value="${id}">`)}</div>
  <div class="field site-search" data-site-combobox data-suggest-url="/gestion/comptes/${account.id}/sites"
    data-label-added="${t.siteAdded('{label}')}" data-label-removed="${t.siteRemoved('{label}')}" data-last-site="${t.lastSite}"
    data-remove-label="${t.removeSite('{label}')}" data-new="${t.newSite}" data-none="${t.siteSearchNone}" data-count="${t.siteSearchResults(2).replace('2', '{n}')}"
    data-count-one="${t.siteSearchResults(1)}" data-already="${t.alreadyHasSite}" data-listbox-label="${t.siteSuggestions}" data-empty="${t.noSite}">
    <label for="recherche-site">${t.siteSearch}<span class="hint" id="recherche-site-aide">${t.siteSearchHint}</span></label>
    <div class="search-row"><input type="search" id="recherche-site" name="recherche" value="${p.siteSearch}" maxlength="100" autocomplete="off" spellcheck="false" aria-describedby="recherche-site-aide">
      <button type="submit" name="rechercher" value="1" class="secondary" data-search-button>${t.siteSearchButton}</button></div>
    ${siteResults(p)}
  </div>
  <p class="visually-hidden" id="sites-annonce" role="status" aria-live="polite"></p>
</fieldset>`
}

/**
 * The one form. Its first submit button is a hidden « Valider »: Enter in a field submits with the
 * form's first button, which would otherwise be « Inverser nom et prénom ».
 */
function editForm (p: EditPage): Html {
  const { t } = p
  const labels = { civilite: t.civility, nom: t.lastName, prenom: t.firstName, profession: t.profession, email: t.email }
  return html`${errorSummary(p.lang, p.errors, labels)}
<form method="post" action="/gestion/comptes/${p.account.id}" novalidate id="fiche">${p.csrf}
  <button type="submit" name="valider" value="1" hidden tabindex="-1">${t.save}</button>
  ${identityFields(p)}
  ${hospitalField(p)}
  ${sitesField(p)}
  <p class="form-actions"><button type="submit" name="valider" value="1" class="primary">${t.save}</button>
    <a href="/gestion">${t.cancel}</a></p>
</form>`
}

function actionEntry (p: EditPage, action: ActionKind): Html {
  const { t } = p
  const id = p.account.id
  switch (action) {
    case 'activate': return html`<li><a class="button" href="/gestion/comptes/${id}/activer">${t.activate}</a></li>`
    case 'deactivate': return html`<li><a class="button secondary" href="/gestion/comptes/${id}/desactiver">${t.deactivate}</a></li>`
    case 'resendConfirmation': return html`<li><form method="post" action="/gestion/comptes/${id}/renvoyer-confirmation" class="inline-form">${p.csrf}<button type="submit" class="secondary">${t.resendConfirmation}</button></form></li>`
    case 'resendUnlock': return html`<li><form method="post" action="/gestion/comptes/${id}/renvoyer-deverrouillage" class="inline-form">${p.csrf}<button type="submit" class="secondary">${t.resendUnlock}</button></form></li>`
    case 'delete': return html`<li><a class="button secondary" href="/gestion/comptes/${id}/supprimer">${t.delete}</a></li>`
    case 'edit': return html``
  }
}

/** The actions the account's status allows (guide « L'interface de gestion » §4–7). */
function statusSection (p: EditPage): Html {
  const { t } = p
  const actions = p.actions.filter((a) => a !== 'edit')
  return html`<section aria-labelledby="actions-titre" class="account-status">
<h2 id="actions-titre">${t.accountActions}</h2>
${actions.length === 0 ? html`<p>${t.noAccountAction}</p>` : html`<p class="hint">${t.actionsHint}</p>
<ul class="status-actions">${actions.map((a) => actionEntry(p, a))}</ul>`}
</section>`
}

export function accountEditPage (request: FastifyRequest, state: EditPageState): Html {
  const p: EditPage = { ...state, t: messages[request.lang], lang: request.lang, csrf: csrfField(request) }
  const { t } = p
  return html`<h1>${t.editTitle(fullName(p.account))}</h1>
${notice(p.notice)}
${p.refusal ? html`<div class="alert alert-error" role="alert"><p>${p.refusal}</p></div>` : ''}
<p class="account-state"><strong>${t.accountStatus} :</strong> ${statusBadge(t, p.status)}${p.account.locked_at !== null ? html` · ${lockBadge(t)}` : ''}</p>
${editForm(p)}
${statusSection(p)}
<p><a href="/gestion">${t.backToList}</a></p>`
}

export function emailChangePage (request: FastifyRequest, token: string, newEmail: string): Html {
  const t = messages[request.lang]
  return html`<h1>${t.emailChangeTitle}</h1>
<p>${t.emailChangeIntro(newEmail)}</p>
<form method="post" action="/gestion/changement-email">${csrfField(request)}
  <input type="hidden" name="jeton" value="${token}">
  <button type="submit" class="primary">${t.emailChangeButton}</button>
</form>`
}

export function emailChangeMessagePage (request: FastifyRequest, title: string, message: string, withLogin: boolean): Html {
  const t = messages[request.lang]
  return html`<h1>${title}</h1><p>${message}</p>${withLogin ? html`<p><a class="button" href="/connexion">${t.login}</a></p>` : ''}`
}
