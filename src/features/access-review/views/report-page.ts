/**
 * The access review report (the guide's presentation, « revue périodique des droits d’accès »): a GET form (hospital, period), then the decisions table,
 * printable as is (the layout's print styles hide the header, footer and forms).
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import { formatDay, formatInstant } from '../../../kernel/web/dates.ts'
import type { ReportLine } from '../access-review.ts'
import { messages, type ReviewMessages } from '../messages.ts'

export interface ReportValues { hopital: string; du: string; au: string }

export interface ReportPage {
  t: ReviewMessages
  lang: 'fr' | 'en'
  hospitals: Array<{ id: string; name: string }>
  values: ReportValues
  errors: FieldErrors
  report: { hospitalName: string; lines: ReportLine[]; generatedAt: number } | undefined
}

/** What the route gives the page; the words, language come from the request. */
export type ReportPageState = Omit<ReportPage, 't' | 'lang'>

export function reportQuery (values: ReportValues): string {
  return new URLSearchParams(Object.entries(values)).toString()
}

function reportForm (p: ReportPage): Html {
  const { t, values, errors } = p
  return html`${errorSummary(p.lang, errors, { hopital: t.hospital, du: t.from, au: t.to })}
<form method="get" action="/gestion/revue-des-droits/rapport" class="filters no-print" aria-labelledby="rapport-formulaire">
  <h2 id="rapport-formulaire">${t.reportForm}</h2>
  <p class="field"><label for="hopital">${t.hospital}</label>
    <select id="hopital" name="hopital"${invalidAttributes(errors, 'hopital')}>
      ${p.hospitals.map((h) => html`<option value="${h.id}"${values.hopital === h.id ? html` selected` : ''}>${h.name}</option>`)}
    </select>${fieldError(errors, 'hopital')}</p>
  <p class="field"><label for="du">${t.from}</label><span class="hint" id="du-aide">${t.dateHint}</span>
    <input type="date" id="du" name="du" value="${values.du}"${invalidAttributes(errors, 'du', 'du-aide')}>${fieldError(errors, 'du')}</p>
  <p class="field"><label for="au">${t.to}</label><span class="hint" id="au-aide">${t.dateHint}</span>
    <input type="date" id="au" name="au" value="${values.au}"${invalidAttributes(errors, 'au', 'au-aide')}>${fieldError(errors, 'au')}</p>
  <p class="form-actions"><button type="submit" class="primary">${t.show}</button></p>
</form>`
}

function reportTable (p: ReportPage): Html {
  const { t, report } = p
  if (!report) return html``
  const caption = t.reportCaption(report.hospitalName, formatDay(p.lang, p.values.du), formatDay(p.lang, p.values.au))
  return html`<p class="no-print"><a class="button secondary" href="/gestion/revue-des-droits/rapport.csv?${reportQuery(p.values)}" download>${t.exportCsv}</a></p>
${report.lines.length === 0
    ? html`<h2>${caption}</h2><p role="status">${t.reportEmpty}</p>`
    : html`<div class="table-scroll" role="region" aria-labelledby="rapport-legende" tabindex="0"><table class="report-table">
  <caption id="rapport-legende">${caption}</caption>
  <thead><tr><th scope="col">${t.reportColumns.at}</th><th scope="col">${t.reportColumns.reviewer}</th><th scope="col">${t.reportColumns.account}</th>
    <th scope="col">${t.reportColumns.email}</th><th scope="col">${t.reportColumns.decision}</th></tr></thead>
  <tbody>${report.lines.map((l) => html`<tr><td>${formatInstant(p.lang, l.at, 'dayTime')}</td><td>${l.reviewerEmail ?? '—'}</td><th scope="row">${l.accountName ?? '—'}</th>
    <td>${l.accountEmail ?? '—'}</td><td>${t.decisions[l.decision] ?? l.decision}</td></tr>`)}</tbody>
</table></div>`}
<p class="hint">${t.generatedAt(formatInstant(p.lang, report.generatedAt, 'long'))}</p>`
}

export function reportPage (request: FastifyRequest, state: ReportPageState): Html {
  const p: ReportPage = { ...state, t: messages[request.lang], lang: request.lang }
  const { t } = p
  return html`<p class="no-print"><a href="/gestion/revue-des-droits">${t.title}</a></p>
<h1>${t.reportTitle}</h1>
<p>${t.reportIntro}</p>
${reportForm(p)}
${reportTable(p)}`
}
