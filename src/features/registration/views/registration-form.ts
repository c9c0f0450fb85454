/**
 * The registration form (user guide §2.1), one form from « Civilité » to « S'inscrire », so
 * nothing typed is lost when the hospital is chosen or changed. Without JavaScript, « Afficher
 * les sites de cet hôpital » posts the whole form back (`afficherSites`): the page returns with
 * every field kept except the passwords (never sent back into a page) and says so. With
 * JavaScript, `public/registration.js` removes that button, loads the chosen hospital's sites in
 * place from `GET /inscription/sites?hopital=ID` (the `siteChoices` fragment below) and announces
 * them, and filters them; `public/password-rules.js` ticks each password rule as it is met.
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
  /** The form came back from « Afficher les sites de cet hôpital » (no JavaScript). */
  sitesShown?: { passwordsCleared: boolean }
}

export function registrationFormPage (request: FastifyRequest, page: RegistrationFormPage): Html {
  const t = messages[request.lang]
  const { values, errors } = page
  return html`<div class="box box-wide">
<h1>${t.title}</h1>
${errorSummary(request.lang, errors, fieldLabels(t))}
${sitesShownNotice(t, page)}
<p>${t.intro} ${layoutMessages[request.lang].requiredFieldsNote}</p>
<form method="post" action="/inscription" novalidate data-registration-form>
  ${csrfField(request)}
  <section aria-labelledby="etape-informations">
  <h2 id="etape-informations">${t.formStep}</h2>
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
    ${passwordRules(t, page.passwordMinimumLength, page.passwordMaximumLength)}
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
  </section>
  <section aria-labelledby="etape-hopital">
  <h2 id="etape-hopital">${t.hospitalStep}</h2>
  <div class="field">
    <label for="hopital">${t.hospitalLabel} <span class="hint" id="hopital-aide">${t.hospitalHint}</span></label>
    <select id="hopital" name="hopital" autocomplete="organization" data-sites-url="/inscription/sites" data-sites-unavailable="${t.sitesUnavailable}"${invalidAttributes(errors, 'hopital', 'hopital-aide')}>
      <option value="">${t.hospitalPlaceholder}</option>
      ${page.hospitals.map((h) => html`<option value="${h.id}"${h.id === page.chosenHospital?.id ? html` selected` : ''}>${h.name} (${h.city})</option>`)}
    </select>
    ${fieldError(errors, 'hopital')}
    <p><button type="submit" name="afficherSites" value="oui" class="secondary" data-show-sites>${t.hospitalButton}</button></p>
  </div>
  <div id="sites-choix">
  ${siteChoices(t, { errors, chosenHospital: page.chosenHospital, sites: page.sites, siteIds: values.siteIds })}
  </div>
  </section>
  <div class="field">
    <div class="choices">
      <label><input type="checkbox" id="cgu" name="cgu" value="oui"${values.cguAccepted ? html` checked` : ''}${invalidAttributes(errors, 'cgu')}> ${t.cguLabel}</label>
    </div>
    <p class="hint"><a href="/cgu" target="_blank" rel="noopener">${t.cguLink}</a></p>
    ${fieldError(errors, 'cgu')}
  </div>
  <button type="submit" class="primary">${t.submit}</button>
</form>
<div class="box-links"><p>${t.alreadyRegistered} <a href="/connexion">${t.login}</a></p></div>
</div>`
}

/** After « Afficher les sites de cet hôpital »: where the sites are, and that passwords are to be typed again. */
function sitesShownNotice (t: RegistrationMessages, page: RegistrationFormPage): Html {
  if (!page.sitesShown) return html``
  return html`<div class="alert" role="status">
  ${page.chosenHospital ? html`<p>${t.sitesShownNotice(page.chosenHospital.name)} <a href="#sites-choix">${t.sitesShownLink}</a></p>` : ''}
  ${page.sitesShown.passwordsCleared ? html`<p><strong>${t.passwordsNotKept}</strong></p>` : ''}
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

/**
 * Every rule the server enforces, listed in the page: the guide's composition rules (the script
 * marks each one as it is met) and what a password must not be or contain (ASVS 6.2.11).
 */
function passwordRules (t: RegistrationMessages, minimumLength: number, maximumLength: number): Html {
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
    <p class="hint">${t.passwordRefusalsIntro}</p>
    <ul class="hint" data-password-refusals>
      <li>${t.ruleNotCommon}</li>
      <li>${t.ruleNoApplicationWord}</li>
      <li>${t.ruleNotPersonal}</li>
      <li>${t.ruleMaximumLength(maximumLength)}</li>
    </ul>
    <p class="hint">${t.passphraseWelcome}</p>
  </div>`
}

interface SiteChoices {
  errors: FieldErrors
  chosenHospital: { id: string; name: string } | undefined
  sites: RegistrationSite[]
  siteIds: string[]
}

/** The sites of the chosen hospital alone, as `GET /inscription/sites` serves them to the script. */
export function registrationSitesFragment (request: FastifyRequest, chosenHospital: SiteChoices['chosenHospital'], sites: RegistrationSite[]): Html {
  return siteChoices(messages[request.lang], { errors: {}, chosenHospital, sites, siteIds: [] })
}

function siteChoices (t: RegistrationMessages, part: SiteChoices): Html {
  const { errors } = part
  if (!part.chosenHospital) {
    return html`<fieldset class="field"${invalidAttributes(errors, 'sites', 'sites-aide')}>
    <legend>${t.sitesLabel}</legend>
    <p class="hint" id="sites-aide">${t.sitesNoHospital} <a href="#hopital">${t.hospitalLabel}</a></p>
    ${fieldError(errors, 'sites')}
  </fieldset>`
  }
  return html`<fieldset class="field" data-announce="${t.sitesAnnounce(part.sites.length, part.chosenHospital.name)}"${invalidAttributes(errors, 'sites', 'sites-aide')}>
    <legend>${t.sitesLabel}</legend>
    <p>${t.chosenHospital} <strong>${part.chosenHospital.name}</strong> (<a href="#hopital">${t.changeHospital}</a>)</p>
    <p class="hint" id="sites-aide">${t.sitesHint}</p>
    <div data-site-filter data-label="${t.siteFilterLabel}" data-hint="${t.siteFilterHint}" data-count="${t.siteFilterCount}"></div>
    <div class="checkbox-list" id="sites-liste">
      ${part.sites.map((site, index) => html`<label data-search="${site.search_text}"><input type="checkbox" name="sites" value="${site.id}" id="${index === 0 ? 'sites' : `sites-${index}`}"${part.siteIds.includes(site.id) ? html` checked` : ''}>
        <span>${site.title}${site.abbreviation ? ` (${site.abbreviation})` : ''}${site.lead_name ? html` <span class="hint">${t.siteLead} ${site.lead_name}</span>` : ''}${site.kind === 'accountAdministration' ? html` <span class="hint">${t.accountManagerSiteHint}</span>` : ''}</span></label>`)}
    </div>
    ${fieldError(errors, 'sites')}
  </fieldset>`
}
