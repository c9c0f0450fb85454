/**
 * Site pages: creation (of a hospital) and edition, with « Supprimer le site » (archived instead
 * when accounts hold it) or « Désarchiver ». The account-manager site shows its title and kind
 * as fixed text: they follow the hospital.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import type { Lang } from '../../../kernel/web/messages.ts'
import { referenceDataMessages } from '../../reference-data/index.ts'
import { messages, type ReferenceAdministrationMessages } from '../messages.ts'
import { editableSiteKinds, type SiteForm } from '../reference-data-administration.ts'
import type { SiteRecord } from '../reference-data-administration.queries.ts'
import { buttonForm, recordForm, textField } from './form-parts.ts'
import { notice as noticeBox } from '../../../kernel/web/page-parts.ts'
import { base } from './hospitals.ts'

export type SiteValues = Required<SiteForm>

function siteFields (t: ReferenceAdministrationMessages, lang: Lang, errors: FieldErrors, values: SiteValues, fixed: SiteRecord | undefined): Html {
  const kinds = referenceDataMessages[lang].siteKinds
  return html`${errorSummary(lang, errors, { intitule: t.siteTitle, type: t.kind, abreviation: t.abbreviation, responsable: t.leadName, filiere: t.filiere })}
  ${fixed ? html`<p class="hint">${t.accountAdministrationSite}</p><dl><dt>${t.siteTitle}</dt><dd>${fixed.title}</dd><dt>${t.kind}</dt><dd>${kinds[fixed.kind]}</dd></dl>` : html`
  ${textField(errors, 'intitule', t.siteTitle, values.intitule, { maxlength: 200, required: true })}
  <div class="field"><label for="type">${t.kind}</label>
    <select id="type" name="type" required${invalidAttributes(errors, 'type')}>
      <option value=""></option>
      ${editableSiteKinds.map((k) => html`<option value="${k}"${values.type === k ? html` selected` : ''}>${kinds[k]}</option>`)}
    </select>${fieldError(errors, 'type')}</div>`}
  ${textField(errors, 'abreviation', t.abbreviation, values.abreviation, { maxlength: 50 })}
  ${textField(errors, 'responsable', t.leadName, values.responsable, { maxlength: 100 })}
  ${textField(errors, 'filiere', t.filiere, values.filiere, { maxlength: 100 })}`
}

export function newSitePage (request: FastifyRequest, hospital: { id: string; name: string }, values: SiteValues, errors: FieldErrors): Html {
  const t = messages[request.lang]
  return html`<h1>${t.newSiteTitle(hospital.name)}</h1>
${recordForm(request, `${base}/etablissements/${hospital.id}/sites`, siteFields(t, request.lang, errors, values, undefined), t.create)}
<p><a href="${base}/etablissements/${hospital.id}">${t.backToHospital}</a></p>`
}

export function sitePage (request: FastifyRequest, site: SiteRecord, values: SiteValues, errors: FieldErrors, notice: string | undefined): Html {
  const t = messages[request.lang]
  const fixed = site.kind === 'accountAdministration' ? site : undefined
  return html`<h1>${t.editSiteTitle(site.title)}</h1>
${noticeBox(notice)}
${site.archivedAt !== null ? html`<p class="alert">${t.archivedSite}</p>` : ''}
${recordForm(request, `${base}/sites/${site.id}`, siteFields(t, request.lang, errors, values, fixed), t.save)}
${fixed ? '' : site.archivedAt === null
    ? html`<p>${buttonForm(request, `${base}/sites/${site.id}/supprimer`, t.deleteSite, 'supprimer-aide')}</p><p class="hint" id="supprimer-aide">${t.deleteSiteHint}</p>`
    : html`<p>${buttonForm(request, `${base}/sites/${site.id}/desarchiver`, t.unarchive)}</p>`}
<p><a href="${base}/etablissements/${site.hospitalId}">${t.backToHospital}</a></p>`
}
