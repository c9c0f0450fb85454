/**
 * Hospitals pages: the list (archived ones included, marked), the creation form, and a
 * hospital's page with its form, its archive button and its sites.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { errorSummary, type FieldErrors } from '../../../kernel/web/forms.ts'
import type { Lang } from '../../../kernel/web/messages.ts'
import { referenceDataMessages } from '../../reference-data/index.ts'
import { messages, type ReferenceAdministrationMessages } from '../messages.ts'
import type { HospitalForm } from '../reference-data-administration.ts'
import type { HospitalRecord, SiteRecord } from '../reference-data-administration.queries.ts'
import { buttonForm, recordForm, textField } from './form-parts.ts'
import { notice as noticeBox } from '../../../kernel/web/page-parts.ts'

export const base = '/gestion/referentiel'

export function hospitalListPage (request: FastifyRequest, hospitals: Array<{ id: string; name: string; finess: string; city: string; archived_at: number | null }>, notice: string | undefined): Html {
  const t = messages[request.lang]
  return html`<h1>${t.homeTitle}</h1>
${noticeBox(notice)}
<p><a href="${base}/professions">${t.professions}</a></p>
<h2>${t.hospitals}</h2>
<p><a class="button" href="${base}/etablissements/nouveau">${t.newHospital}</a></p>
<table><caption class="sr-only">${t.hospitals}</caption>
<thead><tr><th scope="col">${t.name}</th><th scope="col">${t.finess}</th><th scope="col">${t.city}</th><th scope="col">${t.state}</th></tr></thead>
<tbody>${hospitals.map((h) => html`<tr><td><a href="${base}/etablissements/${h.id}">${h.name}</a></td><td>${h.finess}</td><td>${h.city}</td><td>${h.archived_at === null ? t.inUse : t.archived}</td></tr>`)}</tbody>
</table>`
}

function hospitalFields (t: ReferenceAdministrationMessages, lang: Lang, errors: FieldErrors, values: HospitalForm): Html {
  return html`${errorSummary(lang, errors, { nom: t.name, finess: t.finess, ville: t.city, domaines: t.domains })}
  ${textField(errors, 'nom', t.name, values.nom, { maxlength: 200, required: true })}
  ${textField(errors, 'finess', t.finess, values.finess, { maxlength: 20, required: true, hint: t.finessHint })}
  ${textField(errors, 'ville', t.city, values.ville, { maxlength: 100, required: true })}
  ${textField(errors, 'domaines', t.domains, values.domaines, { maxlength: 2000, hint: t.domainsHint, multiline: true })}`
}

export function newHospitalPage (request: FastifyRequest, values: HospitalForm, errors: FieldErrors): Html {
  const t = messages[request.lang]
  return html`<h1>${t.newHospitalTitle}</h1>
${recordForm(request, `${base}/etablissements`, hospitalFields(t, request.lang, errors, values), t.create)}
<p><a href="${base}">${t.backToReference}</a></p>`
}

export interface HospitalPage {
  t: ReferenceAdministrationMessages
  lang: Lang
  hospital: HospitalRecord
  values: HospitalForm
  errors: FieldErrors
  sites: Array<SiteRecord & { accounts: number }>
  notice: string | undefined
}

/** What the route gives the page; the words and language come from the request. */
export type HospitalPageState = Omit<HospitalPage, 't' | 'lang'>

export function hospitalPage (request: FastifyRequest, state: HospitalPageState): Html {
  const p: HospitalPage = { ...state, t: messages[request.lang], lang: request.lang }
  const { t, hospital } = p
  const kinds = referenceDataMessages[p.lang].siteKinds
  return html`<h1>${t.editHospitalTitle(hospital.name)}</h1>
${noticeBox(p.notice)}
${hospital.archivedAt !== null ? html`<p class="alert">${t.hospitalArchivedNotice}</p>` : ''}
${recordForm(request, `${base}/etablissements/${hospital.id}`, hospitalFields(t, p.lang, p.errors, p.values), t.save)}
<p>${hospital.archivedAt === null
    ? buttonForm(request, `${base}/etablissements/${hospital.id}/archiver`, t.archive)
    : buttonForm(request, `${base}/etablissements/${hospital.id}/desarchiver`, t.unarchive)}</p>
<section aria-labelledby="sites-titre"><h2 id="sites-titre">${t.sites}</h2>
<p><a class="button" href="${base}/etablissements/${hospital.id}/sites/nouveau">${t.newSite}</a></p>
<table><caption class="sr-only">${t.sites}</caption>
<thead><tr><th scope="col">${t.siteTitle}</th><th scope="col">${t.abbreviation}</th><th scope="col">${t.leadName}</th><th scope="col">${t.kind}</th><th scope="col">${t.filiere}</th><th scope="col">${t.state}</th></tr></thead>
<tbody>${p.sites.map((s) => html`<tr><td><a href="${base}/sites/${s.id}">${s.title}</a></td><td>${s.abbreviation ?? t.none}</td><td>${s.leadName ?? t.none}</td>
<td>${kinds[s.kind]}</td><td>${s.filiere ?? t.none}</td><td>${s.archivedAt === null ? t.inUse : t.archivedSite} (${t.siteAccounts(s.accounts)})</td></tr>`)}</tbody>
</table></section>
<p><a href="${base}">${t.backToReference}</a></p>`
}
