/**
 * The registration form (user guide §2.1). Works without JavaScript: the hospital is chosen
 * with a small GET form (`/inscription?hopital=ID`, nothing secret in the URL) that reloads the
 * page with that hospital's sites. `public/registration.js` adds a site filter and
 * `public/password-rules.js` ticks each password rule as it is met.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { csrfField } from '../../../kernel/web/layout.ts'
import { layoutMessages } from '../../../kernel/web/messages.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import { messages, type RegistrationMessages } from '../messages.ts'
import type { RegistrationSite } from '../registration.queries.ts'

export interface RegistrationFormValues {
  civility: string
  lastName: string
  firstName: string
  email: string
  professionCode: string
  siteIds: string[]
  cguAccepted: boolean
}

export const emptyRegistrationValues: RegistrationFormValues = {
  civility: '', lastName: '', firstName: '', email: '', professionCode: '', siteIds: [], cguAccepted: false,
}

export interface RegistrationFormPage {
  values: RegistrationFormValues
  errors: FieldErrors
  hospitals: Array<{ id: string; name: string; city: string }>
  chosenHospital: { id: string; name: string } | undefined
  sites: RegistrationSite[]
  professions: Array<{ code: string; label_fr: string; label_en: string }>
  passwordMinimumLength: number
  passwordMaximumLength: number
}

export function registrationFormPage (request: FastifyRequest, page: RegistrationFormPage): Html {
  const t = messages[request.lang]
  const { values, errors } = page
  return html`<div class="box box-wide">
<h1>${t.title}</h1>
${errorSummary(request.lang, errors, fieldLabels(t))}
<p>${t.intro} ${layoutMessages[request.lang].requiredFieldsNote}</p>
<section aria-labelledby="etape-hopital">
<h2 id="etape-hopital">${t.hospitalStep}</h2>
<form method="get" action="/inscription">
  <div class="field">
    <label for="hopital">${t.hospitalLabel} <span class="hint" id="hopital-aide">${t.hospitalHint}</span></label>
    <select id="hopital" name="hopital" autocomplete="organization"${invalidAttributes(errors, 'hopital', 'hopital-aide')}>
      <option value="">${t.hospitalPlaceholder}</option>
      ${page.hospitals.map((h) => html`<option value="${h.id}"${h.id === page.chosenHospital?.id ? html` selected` : ''}>${h.name} (${h.city})</option>`)}
    </select>
    ${fieldError(errors, 'hopital')}
  </div>
  <button type="submit" class="secondary">${t.hospitalButton}</button>
</form>
</section>
<section aria-labelledby="etape-informations">
<h2 id="etape-informations">${t.formStep}</h2>
<form method="post" action="/inscription" novalidate>
  ${csrfField(request)}
  <input type="hidden" name="hopital" value="${page.chosenHospital?.id ?? ''}">
  <fieldset class="field"${invalidAttributes(errors, 'civilite')}>
    <legend>${t.civilityLabel}</legend>
    <div class="choices">
      <label><input type="radio" id="civilite" name="civilite" value="mme" autocomplete="honorific-prefix"${values.civility === 'mme' ? html` checked` : ''}> ${t.civilityMme}</label>
      <label><input type="radio" id="civilite-m" name="civilite" value="m"${values.civility === 'm' ? html` checked` : ''}> ${t.civilityM}</label>
    </div>
    ${fieldError(errors, 'civilite')}
  </fieldset>
  ${textField(errors, 'nom', t.lastNameLabel, values.lastName, 'family-name')}
  ${textField(errors, 'prenom', t.firstNameLabel, values.firstName, 'given-name')}
  <div class="field">
    <label for="email">${t.emailLabel} <span class="hint" id="email-aide">${t.emailHint}</span></label>
    <input type="email" id="email" name="email" value="${values.email}" autocomplete="email" maxlength="254" spellcheck="false"${invalidAttributes(errors, 'email', 'email-aide')}>
    ${fieldError(errors, 'email')}
  </div>
  <div class="field">
    <label for="motDePasse">${t.passwordLabel}</label>
    <input type="password" id="motDePasse" name="motDePasse" autocomplete="new-password" maxlength="${page.passwordMaximumLength}"${invalidAttributes(errors, 'motDePasse', 'motDePasse-regles')}>
    ${passwordRules(t, page.passwordMinimumLength)}
    ${fieldError(errors, 'motDePasse')}
  </div>
  <div class="field">
    <label for="confirmationMotDePasse">${t.passwordConfirmationLabel}</label>
    <input type="password" id="confirmationMotDePasse" name="confirmationMotDePasse" autocomplete="new-password" maxlength="${page.passwordMaximumLength}"${invalidAttributes(errors, 'confirmationMotDePasse')}>
    ${fieldError(errors, 'confirmationMotDePasse')}
  </div>
  <div class="field">
    <label for="profession">${t.professionLabel}</label>
    <select id="profession" name="profession"${invalidAttributes(errors, 'profession')}>
      <option value="">${t.professionPlaceholder}</option>
      ${page.professions.map((p) => html`<option value="${p.code}"${p.code === values.professionCode ? html` selected` : ''}>${request.lang === 'fr' ? p.label_fr : p.label_en}</option>`)}
    </select>
    ${fieldError(errors, 'profession')}
  </div>
  ${siteChoices(t, page)}
  <div class="field">
    <div class="choices">
      <label><input type="checkbox" id="cgu" name="cgu" value="oui"${values.cguAccepted ? html` checked` : ''}${invalidAttributes(errors, 'cgu')}> ${t.cguLabel}</label>
    </div>
    <p class="hint"><a href="/cgu" target="_blank" rel="noopener">${t.cguLink}</a></p>
    ${fieldError(errors, 'cgu')}
  </div>
  <button type="submit" class="primary">${t.submit}</button>
</form>
</section>
<div class="box-links"><p>${t.alreadyRegistered} <a href="/connexion">${t.login}</a></p></div>
</div>`
}

function fieldLabels (t: RegistrationMessages): Record<string, string> {
  return {
    civilite: t.civilityLabel, nom: t.lastNameLabel, prenom: t.firstNameLabel, email: t.emailLabel,
    motDePasse: t.passwordLabel, confirmationMotDePasse: t.passwordConfirmationLabel, profession: t.professionLabel,
    hopital: t.hospitalLabel, sites: t.sitesLabel, cgu: t.cguLabel,
  }
}

function textField (errors: FieldErrors, name: string, label: string, value: string, autocomplete: string): Html {
  return html`<div class="field">
    <label for="${name}">${label}</label>
    <input type="text" id="${name}" name="${name}" value="${value}" autocomplete="${autocomplete}" maxlength="100"${invalidAttributes(errors, name)}>
    ${fieldError(errors, name)}
  </div>`
}

/** The guide's composition rules, listed in the page; the script marks each one as it is met. */
function passwordRules (t: RegistrationMessages, minimumLength: number): Html {
  const rule = (name: string, label: string) =>
    html`<li data-rule="${name}">${label}<span class="visually-hidden" data-rule-state></span></li>`
  return html`<div id="motDePasse-regles">
    <p class="hint">${t.passwordRulesIntro}</p>
    <ul class="rules" data-password-rules="motDePasse" data-minimum-length="${minimumLength}" data-met="${t.ruleMet}" data-not-met="${t.ruleNotMet}">
      ${rule('length', t.ruleLength(minimumLength))}
      ${rule('lowercase', t.ruleLowercase)}
      ${rule('uppercase', t.ruleUppercase)}
      ${rule('digit', t.ruleDigit)}
      ${rule('special', t.ruleSpecial)}
    </ul>
    <p class="hint">${t.ruleNotCommonNorPersonal}</p>
  </div>`
}

function siteChoices (t: RegistrationMessages, page: RegistrationFormPage): Html {
  const { errors, values } = page
  if (!page.chosenHospital) {
    return html`<fieldset class="field"${invalidAttributes(errors, 'sites', 'sites-aide')}>
    <legend>${t.sitesLabel}</legend>
    <p class="hint" id="sites-aide">${t.sitesNoHospital} <a href="#hopital">${t.hospitalLabel}</a></p>
    ${fieldError(errors, 'sites')}
  </fieldset>`
  }
  return html`<fieldset class="field"${invalidAttributes(errors, 'sites', 'sites-aide')}>
    <legend>${t.sitesLabel}</legend>
    <p>${t.chosenHospital} <strong>${page.chosenHospital.name}</strong> (<a href="#hopital">${t.changeHospital}</a>)</p>
    <p class="hint" id="sites-aide">${t.sitesHint}</p>
    <div data-site-filter data-label="${t.siteFilterLabel}" data-hint="${t.siteFilterHint}" data-count="${t.siteFilterCount}"></div>
    <div class="checkbox-list" id="sites-liste">
      ${page.sites.map((site, index) => html`<label data-search="${site.search_text}"><input type="checkbox" name="sites" value="${site.id}" id="${index === 0 ? 'sites' : `sites-${index}`}"${values.siteIds.includes(site.id) ? html` checked` : ''}>
        <span>${site.title}${site.abbreviation ? ` (${site.abbreviation})` : ''}${site.lead_name ? html` <span class="hint">${t.siteLead} ${site.lead_name}</span>` : ''}${site.kind === 'accountAdministration' ? html` <span class="hint">${t.accountManagerSiteHint}</span>` : ''}</span></label>`)}
    </div>
    ${fieldError(errors, 'sites')}
  </fieldset>`
}
