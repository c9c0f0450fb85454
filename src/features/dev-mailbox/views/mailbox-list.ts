/**
 * The list of emails (RGAA: a data table with a caption and column headers, a labelled filter).
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { messages } from '../messages.ts'
import type { MailboxSummary } from '../dev-mailbox.queries.ts'
import { time } from '../../../kernel/web/page-parts.ts'

export interface MailboxListView { emails: MailboxSummary[]; total: number; recipient: string | undefined }

export function mailboxListPage (request: FastifyRequest, view: MailboxListView): Html {
  const t = messages[request.lang]
  return html`<h1>${t.title}</h1>
<p>${t.intro}</p>
<form method="get" action="/dev/mailbox" class="mailbox-filter">
  <label for="destinataire">${t.filterLabel}</label>
  <p class="hint" id="destinataire-aide">${t.filterHint}</p>
  <input type="email" id="destinataire" name="destinataire" value="${view.recipient ?? ''}" maxlength="254" autocomplete="off" aria-describedby="destinataire-aide">
  <button type="submit">${t.filterButton}</button>
  ${view.recipient ? html`<a href="/dev/mailbox">${t.showAll}</a>` : ''}
</form>
${view.total === 0 ? html`<p>${t.empty}</p>` : html`<table>
  <caption>${t.caption(view.emails.length, view.total)}</caption>
  <thead><tr>
    <th scope="col">${t.columns.date}</th>
    <th scope="col">${t.columns.recipient}</th>
    <th scope="col">${t.columns.subject}</th>
    <th scope="col">${t.columns.template}</th>
    <th scope="col">${t.columns.status}</th>
  </tr></thead>
  <tbody>
  ${view.emails.map((email) => html`<tr>
    <td>${time(request.lang, email.created_at)}</td>
    <td>${email.recipient}</td>
    <td><a href="/dev/mailbox/${email.id}">${email.subject}</a></td>
    <td>${email.template}</td>
    <td>${t.statuses[email.status]}</td>
  </tr>`)}
  </tbody>
</table>`}`
}
