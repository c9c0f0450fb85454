/**
 * One email: its details, the text version with its links made clickable (to follow a flow),
 * and the HTML version in a sandboxed frame served from its own URL with a strict CSP.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import { messages } from '../messages.ts'
import type { MailboxEmail } from '../dev-mailbox.queries.ts'
import { time } from '../../../kernel/web/page-parts.ts'

export function mailboxEmailPage (request: FastifyRequest, email: MailboxEmail): Html {
  const t = messages[request.lang]
  return html`<p><a href="/dev/mailbox">${t.backToList}</a></p>
<h1>${email.subject}</h1>
<h2>${t.details}</h2>
<dl class="mailbox-details">
  <dt>${t.to}</dt><dd>${email.recipient}</dd>
  <dt>${t.date}</dt><dd>${time(request.lang, email.created_at)}</dd>
  <dt>${t.template}</dt><dd>${email.template}</dd>
  <dt>${t.status}</dt><dd>${t.statuses[email.status]}</dd>
  <dt>${t.attempts}</dt><dd>${email.attempts}</dd>
  ${email.last_error ? html`<dt>${t.lastError}</dt><dd>${email.last_error}</dd>` : ''}
</dl>
<h2>${t.textVersion}</h2>
${email.text_body === null ? html`<p>${t.bodyErased}</p>` : html`<div class="mail-text">${textWithLinks(email.text_body)}</div>`}
<h2>${t.htmlVersion}</h2>
${email.html_body === null
    ? html`<p>${t.bodyErased}</p>`
    : html`<p>${t.htmlNote}</p>
<iframe src="/dev/mailbox/${email.id}/html" sandbox title="${t.htmlFrameTitle(email.subject)}" width="100%" height="600"></iframe>`}`
}

const linkPattern = /(https?:\/\/[^\s<>"]+)/

/** Paragraphs and line breaks of the text version, web links clickable; everything escaped. */
function textWithLinks (text: string): Html[] {
  return text.split(/\n{2,}/).map((paragraph) => html`<p>${paragraph.split('\n').map((line, index) =>
    html`${index > 0 ? html`<br>` : ''}${line.split(linkPattern).map((part, i) => (i % 2 === 1 ? html`<a href="${part}">${part}</a>` : part))}`)}</p>`)
}
