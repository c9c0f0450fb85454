/**
 * Professions pages: the list with the creation form, and one profession's form (its code is
 * fixed once created: accounts refer to it) with « Archiver » / « Désarchiver ».
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { errorSummary, type FieldErrors } from '../../../kernel/web/forms.ts'
import type { Lang } from '../../../kernel/web/messages.ts'
import { messages, type ReferenceAdministrationMessages } from '../messages.ts'
import type { ProfessionForm } from '../reference-data-administration.ts'
import type { ProfessionRecord } from '../reference-data-administration.queries.ts'
import { buttonForm, recordForm, textField } from './form-parts.ts'
import { notice as noticeBox } from '../../../kernel/web/page-parts.ts'
import { base } from './hospitals.ts'

export type ProfessionValues = Required<ProfessionForm>

function professionFields (t: ReferenceAdministrationMessages, lang: Lang, errors: FieldErrors, values: ProfessionValues, withCode: boolean): Html {
  return html`${errorSummary(lang, errors, { code: t.code, libelle_fr: t.labelFr, libelle_en: t.labelEn, ordre: t.position })}
  ${withCode ? textField(errors, 'code', t.code, values.code, { maxlength: 40, required: true, hint: t.codeHint }) : ''}
  ${textField(errors, 'libelle_fr', t.labelFr, values.libelle_fr, { maxlength: 200, required: true })}
  ${textField(errors, 'libelle_en', t.labelEn, values.libelle_en, { maxlength: 200, required: true })}
  ${textField(errors, 'ordre', t.position, values.ordre, { maxlength: 4, required: true })}`
}

export function professionListPage (request: FastifyRequest, professions: ProfessionRecord[], values: ProfessionValues, errors: FieldErrors, notice: string | undefined): Html {
  const t = messages[request.lang]
  return html`<h1>${t.professions}</h1>
${noticeBox(notice)}
<table><caption class="sr-only">${t.professions}</caption>
<thead><tr><th scope="col">${t.position}</th><th scope="col">${t.code}</th><th scope="col">${t.labelFr}</th><th scope="col">${t.labelEn}</th><th scope="col">${t.state}</th></tr></thead>
<tbody>${professions.map((p) => html`<tr><td>${p.position}</td><td><a href="${base}/professions/${p.code}">${p.code}</a></td><td>${p.labelFr}</td><td>${p.labelEn}</td><td>${p.archivedAt === null ? t.inUse : t.archived}</td></tr>`)}</tbody>
</table>
<h2 id="nouvelle-profession">${t.newProfession}</h2>
${recordForm(request, `${base}/professions`, professionFields(t, request.lang, errors, values, true), t.create, 'nouvelle-profession')}
<p><a href="${base}">${t.backToReference}</a></p>`
}

export function professionPage (request: FastifyRequest, profession: ProfessionRecord, values: ProfessionValues, errors: FieldErrors, notice: string | undefined): Html {
  const t = messages[request.lang]
  return html`<h1>${t.editProfessionTitle(profession.labelFr)}</h1>
${noticeBox(notice)}
${profession.archivedAt !== null ? html`<p class="alert">${t.archived}</p>` : ''}
<dl><dt>${t.code}</dt><dd>${profession.code}</dd></dl>
${recordForm(request, `${base}/professions/${profession.code}`, professionFields(t, request.lang, errors, values, false), t.save)}
<p>${profession.archivedAt === null
    ? buttonForm(request, `${base}/professions/${profession.code}/archiver`, t.archive)
    : buttonForm(request, `${base}/professions/${profession.code}/desarchiver`, t.unarchive)}</p>
<p><a href="${base}/professions">${t.backToProfessions}</a></p>`
}
