/**
 * The user list, landing page of an account manager (admin guide §1–2): counts per status,
 * filters (a GET form), the table with the lock in the first column (§7) and the status icon
 * *and* text, the « Actions » menu at the end of each line (a <details> with links and small
 * forms: no JavaScript needed), and the bulk activation form the checkboxes of the pending lines
 * belong to (`form` attribute, as forms cannot nest). The list uses the page's width; long cells
 * wrap so that « Actions » and its menu stay in view (app.css, `.account-list`).
 */
import type { FastifyRequest } from 'fastify'
import { formatInstant } from '../../../kernel/web/dates.ts'
import { html, type Html } from '../../../kernel/web/html.ts'
import { accountStatus, type AccountStatus } from '../../../kernel/accounts/accounts.ts'
import type { ActionKind } from '../account-actions.ts'
import type { ListedAccount, LineSite, StatusCounts } from '../account-administration.queries.ts'
import { messages, type AdministrationMessages } from '../messages.ts'
import { siteLabel } from '../account-edit.ts'
import { notice } from '../../../kernel/web/page-parts.ts'
import { csrfField } from '../../../kernel/web/layout.ts'

export const statusSlugs: Record<AccountStatus, string> = {
  unconfirmed: 'non-confirme', pendingActivation: 'en-attente', active: 'actif', deactivated: 'desactive',
}
const statuses = Object.keys(statusSlugs) as AccountStatus[]

export interface ListLine {
  account: ListedAccount
  sites: LineSite[]
  actions: ActionKind[]
  /** Whether the line gets a bulk-activation checkbox: pending accounts only (§4). */
  selectable: boolean
  readOnly: 'severalHospitals' | 'protectedAccount' | undefined
  isSelf: boolean
}

export interface ListQueryValues { q: string; statut: string; verrouille: string; site: string; profession: string; hopital: string; tri: string }

export interface ListPage {
  t: AdministrationMessages
  lang: 'fr' | 'en'
  csrf: Html
  isSuperadmin: boolean
  values: ListQueryValues
  counts: StatusCounts
  lines: ListLine[]
  page: number
  hasNextPage: boolean
  professions: Array<{ code: string; label_fr: string; label_en: string }>
  sites: Array<{ id: string; title: string; abbreviation: string | null }>
  hospitals: Array<{ id: string; name: string; city: string }>
  notice: string | undefined
}

/** What the route gives the page; the words, language and CSRF field come from the request. */
export type ListPageState = Omit<ListPage, 't' | 'lang' | 'csrf'>

export function formatDate (lang: 'fr' | 'en', at: number): string {
  return formatInstant(lang, at)
}

export function statusBadge (t: AdministrationMessages, status: AccountStatus): Html {
  return html`<span class="status status-${status}"><span aria-hidden="true">${t.statusIcon[status]}</span> ${t.status[status]}</span>`
}

export function lockBadge (t: AdministrationMessages): Html {
  return html`<span class="status status-locked"><span aria-hidden="true">${t.lockIcon}</span> ${t.locked}</span>`
}

/** The first column's lock (§7 « le logo en première colonne »): the icon, its word for screen readers and as a tooltip. */
function lockIcon (t: AdministrationMessages): Html {
  return html`<span class="status status-locked" title="${t.locked}"><span aria-hidden="true">${t.lockIcon}</span><span class="visually-hidden">${t.locked}</span></span>`
}

function pageUrl (values: ListQueryValues, page: number): string {
  const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== ''))
  if (page > 1) query.set('page', String(page))
  const text = query.toString()
  return text ? `/gestion?${text}` : '/gestion'
}

/** The CSV export of the list as filtered (every page), for managers who take it away. */
export function csvExportUrl (values: ListQueryValues): string {
  const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== '')).toString()
  return query ? `/gestion/comptes.csv?${query}` : '/gestion/comptes.csv'
}

function option (value: string, label: string, selected: string): Html {
  return html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`
}

function filtersForm (p: ListPage): Html {
  const { t, values } = p
  return html`<form method="get" action="/gestion" class="filters" role="search" aria-label="${t.filters}">
  <div class="field"><label for="q">${t.search}<span class="hint" id="q-aide">${t.searchHint}</span></label>
    <input type="search" id="q" name="q" value="${values.q}" maxlength="200" aria-describedby="q-aide"></div>
  <div class="field"><label for="statut">${t.columns.status}</label>
    <select id="statut" name="statut">${option('', t.anyStatus, values.statut)}${statuses.map((s) => option(statusSlugs[s], t.status[s], values.statut))}</select></div>
  <div class="field choices"><label><input type="checkbox" name="verrouille" value="1"${values.verrouille === '1' ? html` checked` : ''}> ${t.lockedOnly}</label></div>
  ${p.isSuperadmin ? html`<div class="field"><label for="hopital">${t.hospital}</label>
    <select id="hopital" name="hopital">${option('', t.anyHospital, values.hopital)}${p.hospitals.map((h) => option(h.id, `${h.name} (${h.city})`, values.hopital))}</select></div>` : ''}
  ${p.sites.length > 0 ? html`<div class="field"><label for="site">${t.site}</label>
    <select id="site" name="site">${option('', t.anySite, values.site)}${p.sites.map((s) => option(s.id, siteLabel(s), values.site))}</select></div>` : ''}
  <div class="field"><label for="profession">${t.profession}</label>
    <select id="profession" name="profession">${option('', t.anyProfession, values.profession)}${p.professions.map((pr) => option(pr.code, p.lang === 'fr' ? pr.label_fr : pr.label_en, values.profession))}</select></div>
  <div class="field"><label for="tri">${t.sort}</label>
    <select id="tri" name="tri">${option('inscription', t.sortByRegistration, values.tri)}${option('nom', t.sortByName, values.tri)}</select></div>
  <p><button type="submit" class="primary">${t.applyFilters}</button> <a href="/gestion">${t.resetFilters}</a></p>
</form>`
}

function counts (p: ListPage): Html {
  const { t, counts: c } = p
  return html`<ul class="status-counts" aria-label="${t.countsLabel}">
  ${statuses.map((s) => html`<li><a href="${pageUrl({ ...p.values, statut: statusSlugs[s] }, 1)}">${statusBadge(t, s)} : ${t.statusCount[s](c[s])}</a></li>`)}
  <li><a href="${pageUrl({ ...p.values, verrouille: '1' }, 1)}">${lockBadge(t)} : ${t.lockedCount(c.locked)}</a></li>
</ul>`
}

function actionsMenu (p: ListPage, line: ListLine, name: string): Html {
  const { t } = p
  const id = line.account.id
  if (line.readOnly) {
    return html`<button type="button" disabled aria-describedby="note-${id}">${t.columns.actions}</button>
      <p class="hint" id="note-${id}">${line.readOnly === 'severalHospitals' ? t.severalHospitalsNote : t.protectedNote}</p>`
  }
  const entry = (action: ActionKind): Html => {
    switch (action) {
      case 'edit': return html`<li><a href="/gestion/comptes/${id}">${t.edit}</a></li>`
      case 'activate': return html`<li><a href="/gestion/comptes/${id}/activer">${t.activate}</a></li>`
      case 'deactivate': return html`<li><a href="/gestion/comptes/${id}/desactiver">${t.deactivate}</a></li>`
      case 'resendConfirmation': return html`<li><form method="post" action="/gestion/comptes/${id}/renvoyer-confirmation">${p.csrf}<button type="submit" class="link-button">${t.resendConfirmation}</button></form></li>`
      case 'resendUnlock': return html`<li><form method="post" action="/gestion/comptes/${id}/renvoyer-deverrouillage">${p.csrf}<button type="submit" class="link-button">${t.resendUnlock}</button></form></li>`
      case 'delete': return html`<li><a href="/gestion/comptes/${id}/supprimer">${t.delete}</a></li>`
    }
  }
  return html`<details class="actions-menu"><summary>${t.columns.actions}<span class="visually-hidden"> — ${name}</span></summary>
    <ul>${line.actions.map(entry)}</ul></details>`
}

function row (p: ListPage, line: ListLine): Html {
  const { t } = p
  const a = line.account
  const name = `${a.last_name} ${a.first_name}`
  const status = accountStatus(a)
  const editable = line.readOnly === undefined
  const nameCell = editable ? html`<a href="/gestion/comptes/${a.id}">${a.last_name}</a>` : html`<span>${a.last_name}</span>`
  const severalHospitals = new Set(line.sites.map((s) => s.hospitalId)).size > 1
  return html`<tr${line.isSelf ? html` class="self"` : ''}>
  <td class="col-lock">${a.locked_at !== null ? lockIcon(t) : ''}</td>
  <td class="col-select">${line.selectable ? html`<input type="checkbox" name="comptes" value="${a.id}" form="activation-groupee" data-statut="${status}" aria-label="${t.selectAccount(name)}">` : ''}</td>
  <td>${statusBadge(t, status)}</td>
  <th scope="row">${nameCell}${line.isSelf ? html` <strong>(${t.you})</strong>` : ''}</th>
  <td class="col-first-name">${a.first_name}</td>
  <td class="col-email">${a.email}</td>
  <td>${p.lang === 'fr' ? a.label_fr : a.label_en}</td>
  <td class="col-sites">${line.sites.map((s) => html`<span class="tag">${siteLabel(s, severalHospitals ? s.hospitalName : undefined)}</span> `)}</td>
  <td>${formatDate(p.lang, a.created_at)}</td>
  <td class="col-actions">${actionsMenu(p, line, name)}</td>
</tr>`
}

export function accountListPage (request: FastifyRequest, state: ListPageState): Html {
  const p: ListPage = { ...state, t: messages[request.lang], lang: request.lang, csrf: csrfField(request) }
  const { t } = p
  const c = t.columns
  return html`<h1>${t.listTitle}</h1>
<p>${p.isSuperadmin ? t.listIntroSuperadmin : t.listIntro}</p>
${p.isSuperadmin ? html`<p><a href="/gestion/demandes-gestionnaires">${t.managerRequestsLink}</a></p>` : ''}
${notice(p.notice)}
${counts(p)}
${filtersForm(p)}
${p.lines.length === 0 ? html`<p>${t.noResults}</p>` : html`<p class="export"><a href="${csvExportUrl(p.values)}" download aria-describedby="export-aide">${t.exportCsv}</a>
  <span class="hint" id="export-aide">${t.exportCsvHint}</span></p>
<div class="table-scroll account-list">
<table>
  <caption>${t.tableCaption(p.page)}</caption>
  <thead><tr>
    <th scope="col"><span class="visually-hidden">${c.lock}</span></th><th scope="col"><span class="visually-hidden">${c.select}</span></th><th scope="col">${c.status}</th>
    <th scope="col">${c.lastName}</th><th scope="col">${c.firstName}</th><th scope="col">${c.email}</th><th scope="col">${c.profession}</th>
    <th scope="col">${c.sites}</th><th scope="col">${c.registeredAt}</th><th scope="col">${c.actions}</th>
  </tr></thead>
  <tbody>${p.lines.map((line) => row(p, line))}</tbody>
</table></div>
<form id="activation-groupee" method="post" action="/gestion/comptes/activation-groupee">${p.csrf}
  <button type="submit" class="secondary">${t.bulkActivate}</button>
</form>`}
<nav aria-label="${t.pagination}" class="pagination"><ul>
  ${p.page > 1 ? html`<li><a href="${pageUrl(p.values, p.page - 1)}" rel="prev">${t.previousPage}</a></li>` : ''}
  ${p.hasNextPage ? html`<li><a href="${pageUrl(p.values, p.page + 1)}" rel="next">${t.nextPage}</a></li>` : ''}
</ul></nav>`
}
