/**
 * The journal page (the audit trail's viewer): a GET filter form (works without JavaScript), the
 * events table (caption, column headers with scope, status as text) and the pagination.
 */
import type { FastifyRequest } from 'fastify'
import type { Lang } from '../../../kernel/web/messages.ts'
import { html, type Html } from '../../../kernel/web/html.ts'
import { errorSummary, fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import type { ListedEvent } from '../audit.queries.ts'
import { knownEventTypes, messages, type AuditMessages } from '../messages.ts'
import { time } from '../../../kernel/web/page-parts.ts'

export interface JournalValues { utilisateur: string; action: string; du: string; au: string }

export interface JournalPage {
  t: AuditMessages
  lang: 'fr' | 'en'
  isSuperadmin: boolean
  values: JournalValues
  errors: FieldErrors
  events: ListedEvent[]
  page: number
  hasNextPage: boolean
}

/** What the route gives the page; the words, language come from the request. */
export type JournalPageState = Omit<JournalPage, 't' | 'lang'>

export function queryString (values: JournalValues, page?: number): string {
  const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== ''))
  if (page !== undefined && page > 1) query.set('page', String(page))
  const text = query.toString()
  return text ? `?${text}` : ''
}

function person (t: AuditMessages, email: string | null, id: string | null, role: string | null): Html {
  const who = email ?? (id ? t.unknownAccount : t.nobody)
  return html`${who}${role ? html`<br><span class="hint">${t.roles[role] ?? role}</span>` : ''}`
}

function eventRow (t: AuditMessages, lang: Lang, event: ListedEvent): Html {
  return html`<tr>
  <td>${time(lang, event.at)}</td>
  <th scope="row">${t.eventLabels[event.type] ?? event.type}<br><code>${event.type}</code></th>
  <td>${t.outcomes[event.outcome] ?? event.outcome}</td>
  <td>${person(t, event.actorEmail, event.actorId, event.actorRole)}</td>
  <td>${person(t, event.targetEmail, event.targetId, null)}</td>
  <td>${event.hospitalName ?? t.nobody}</td>
  <td>${event.ip ?? t.nobody}</td>
  <td class="audit-user-agent">${event.userAgent ?? t.nobody}</td>
  <td class="audit-details">${event.details ? html`<code>${event.details}</code>` : t.nobody}</td>
</tr>`
}

function filterForm (p: JournalPage): Html {
  const { t, values, errors } = p
  const labels = { du: t.from, au: t.to, utilisateur: t.user, action: t.action }
  return html`${errorSummary(p.lang, errors, labels)}
<form method="get" action="/gestion/journal" class="filters" aria-labelledby="filtres-titre">
  <h2 id="filtres-titre">${t.filters}</h2>
  <p class="field"><label for="utilisateur">${t.user}</label>
    <span class="hint" id="utilisateur-aide">${t.userHint}</span>
    <input type="search" id="utilisateur" name="utilisateur" value="${values.utilisateur}" maxlength="200" autocomplete="off"${invalidAttributes(errors, 'utilisateur', 'utilisateur-aide')}>
    ${fieldError(errors, 'utilisateur')}</p>
  <p class="field"><label for="action">${t.action}</label>
    <select id="action" name="action">
      <option value="">${t.anyAction}</option>
      ${knownEventTypes.map((type) => html`<option value="${type}"${values.action === type ? html` selected` : ''}>${t.eventLabels[type] ?? type}</option>`)}
    </select></p>
  <p class="field"><label for="du">${t.from}</label>
    <span class="hint" id="du-aide">${t.dateHint}</span>
    <input type="date" id="du" name="du" value="${values.du}"${invalidAttributes(errors, 'du', 'du-aide')}>
    ${fieldError(errors, 'du')}</p>
  <p class="field"><label for="au">${t.to}</label>
    <span class="hint" id="au-aide">${t.dateHint}</span>
    <input type="date" id="au" name="au" value="${values.au}"${invalidAttributes(errors, 'au', 'au-aide')}>
    ${fieldError(errors, 'au')}</p>
  <p class="form-actions"><button type="submit" class="primary">${t.apply}</button>
    <a href="/gestion/journal">${t.reset}</a></p>
</form>`
}

function pagination (p: JournalPage): Html {
  if (p.page === 1 && !p.hasNextPage) return html``
  return html`<nav aria-label="${p.t.pagination}"><ul class="pagination">
  ${p.page > 1 ? html`<li><a href="/gestion/journal${queryString(p.values, p.page - 1)}" rel="prev">${p.t.previous}</a></li>` : ''}
  ${p.hasNextPage ? html`<li><a href="/gestion/journal${queryString(p.values, p.page + 1)}" rel="next">${p.t.next}</a></li>` : ''}
</ul></nav>`
}

export function journalPage (request: FastifyRequest, state: JournalPageState): Html {
  const p: JournalPage = { ...state, t: messages[request.lang], lang: request.lang }
  const { t } = p
  return html`<p><a href="/gestion">${t.backToConsole}</a></p>
<h1>${t.title}</h1>
<p>${p.isSuperadmin ? t.introSuperadmin : t.intro}</p>
${filterForm(p)}
<p><a class="button secondary" href="/gestion/journal.csv${queryString(p.values)}" download>${t.exportCsv}</a>
  <span class="hint">${t.exportHint}</span></p>
${p.events.length === 0
    ? html`<p role="status">${t.empty}</p>`
    : html`<div class="table-scroll" role="region" aria-labelledby="journal-legende" tabindex="0"><table class="audit-table">
  <caption id="journal-legende">${t.caption(p.events.length, p.page)}</caption>
  <thead><tr>
    <th scope="col">${t.columns.at}</th><th scope="col">${t.columns.event}</th><th scope="col">${t.columns.outcome}</th>
    <th scope="col">${t.columns.actor}</th><th scope="col">${t.columns.target}</th><th scope="col">${t.columns.hospital}</th>
    <th scope="col">${t.columns.ip}</th><th scope="col">${t.columns.userAgent}</th><th scope="col">${t.columns.details}</th>
  </tr></thead>
  <tbody>${p.events.map((e) => eventRow(t, p.lang, e))}</tbody>
</table></div>`}
${pagination(p)}`
}
