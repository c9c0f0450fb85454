/**
 * « Revue des droits d'accès » page: the campaign's progress per hospital, then the accounts due
 * with their three decisions. Each line has its own « Confirmer les droits » form; the line
 * checkboxes belong to the bulk form through their `form` attribute (forms cannot nest), so
 * everything works without JavaScript.
 */
import type { FastifyRequest } from 'fastify'
import { formatInstant } from '../../../kernel/web/dates.ts'
import { html, type Html } from '../../../kernel/web/html.ts'
import type { DueReview, HospitalProgress, SiteOfAccount } from '../access-review.queries.ts'
import { messages, type ReviewMessages } from '../messages.ts'
import { notice } from '../../../kernel/web/page-parts.ts'
import { csrfField } from '../../../kernel/web/layout.ts'

export interface ReviewPage {
  t: ReviewMessages
  lang: 'fr' | 'en'
  csrf: Html
  progress: HospitalProgress[]
  due: DueReview[]
  dueTotal: number
  sites: SiteOfAccount[]
  isSuperadmin: boolean
  notice: string | undefined
  error: string | undefined
}

/** What the route gives the page; the words, language and CSRF field come from the request. */
export type ReviewPageState = Omit<ReviewPage, 't' | 'lang' | 'csrf'>

export function formatDay (lang: 'fr' | 'en', at: number | null, never: string): string {
  if (at === null) return never
  return formatInstant(lang, at)
}

/** Written as the console's list writes it (« Nom Prénom »), so a manager finds the same person. */
function nameOf (account: DueReview): string {
  return `${account.lastName} ${account.firstName}`
}

function progressTable (p: ReviewPage): Html {
  const { t } = p
  if (p.progress.length === 0) return html``
  return html`<h2 id="avancement">${t.progressTitle}</h2>
<div class="table-scroll" role="region" aria-labelledby="avancement-legende" tabindex="0"><table>
  <caption id="avancement-legende">${t.progressCaption}</caption>
  <thead><tr><th scope="col">${t.progressColumns.hospital}</th><th scope="col">${t.progressColumns.active}</th>
    <th scope="col">${t.progressColumns.upToDate}</th><th scope="col">${t.progressColumns.due}</th><th scope="col">${t.progressColumns.progress}</th></tr></thead>
  <tbody>${p.progress.map((h) => {
    const upToDate = h.active - h.due
    const percent = h.active === 0 ? 100 : Math.floor((upToDate * 100) / h.active)
    return html`<tr><th scope="row">${h.name}</th><td>${h.active}</td><td>${upToDate}</td><td>${h.due}</td>
      <td><progress max="100" value="${percent}" aria-label="${t.progressColumns.progress} ${h.name}">${percent} %</progress> ${percent} %</td></tr>`
  })}</tbody>
</table></div>`
}

function dueLine (p: ReviewPage, account: DueReview): Html {
  const { t } = p
  const name = nameOf(account)
  const sites = p.sites.filter((s) => s.accountId === account.id)
  return html`<tr>
  <td><input type="checkbox" name="comptes" value="${account.id}" form="revue-groupee" id="compte-${account.id}" aria-label="${t.selectAccount(name)}"></td>
  <th scope="row">${name}</th>
  <td>${account.email}</td>
  <td><ul class="plain-list">${sites.map((s) => html`<li>${s.title}${s.abbreviation ? ` (${s.abbreviation})` : ''}</li>`)}</ul></td>
  <td>${formatDay(p.lang, account.reviewedAt, t.never)}</td>
  <td>${formatDay(p.lang, account.lastLoginAt, t.never)}</td>
  <td><form method="post" action="/gestion/revue-des-droits/confirmer" class="inline-form">${p.csrf}
      <input type="hidden" name="comptes" value="${account.id}">
      <button type="submit" class="secondary" aria-label="${t.confirmOf(name)}">${t.confirm}</button></form>
    <a href="/gestion/comptes/${account.id}" aria-label="${t.editOf(name)}">${t.edit}</a>
    <a href="/gestion/comptes/${account.id}/desactiver" aria-label="${t.deactivateOf(name)}">${t.deactivate}</a></td>
</tr>`
}

function dueTable (p: ReviewPage): Html {
  const { t } = p
  if (p.due.length === 0) return html`<p role="status">${t.noneDue}</p>`
  return html`<p class="hint">${t.bulkHint}</p>
<form method="post" action="/gestion/revue-des-droits/confirmer" id="revue-groupee">${p.csrf}</form>
<div class="table-scroll" role="region" aria-labelledby="revue-legende" tabindex="0"><table>
  <caption id="revue-legende">${t.dueCaption(p.dueTotal)}</caption>
  <thead><tr><th scope="col">${t.columns.select}</th><th scope="col">${t.columns.name}</th><th scope="col">${t.columns.email}</th>
    <th scope="col">${t.columns.sites}</th><th scope="col">${t.columns.lastReview}</th><th scope="col">${t.columns.lastLogin}</th>
    <th scope="col">${t.columns.actions}</th></tr></thead>
  <tbody>${p.due.map((a) => dueLine(p, a))}</tbody>
</table></div>
${p.dueTotal > p.due.length ? html`<p>${t.moreDue(p.due.length)}</p>` : ''}
<p><button type="submit" class="primary" form="revue-groupee">${t.bulkConfirm}</button></p>`
}

export function reviewPage (request: FastifyRequest, state: ReviewPageState): Html {
  const p: ReviewPage = { ...state, t: messages[request.lang], lang: request.lang, csrf: csrfField(request) }
  const { t } = p
  return html`<p><a href="/gestion">${t.backToConsole}</a></p>
<h1>${t.title}</h1>
${notice(p.notice)}
${p.error ? html`<div class="alert alert-error" role="alert"><p>${p.error}</p></div>` : ''}
<p>${t.intro}</p>
${p.isSuperadmin ? '' : html`<p class="hint">${t.othersNote}</p>`}
<ul class="plain-list"><li><a href="/gestion/revue-des-droits/rapport">${t.reportLink}</a></li><li><a href="/gestion/journal">${t.journalLink}</a></li></ul>
${progressTable(p)}
<h2>${t.dueTitle}</h2>
${dueTable(p)}`
}
