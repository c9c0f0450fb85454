/**
 * The lines the console's landing page shows for this feature: the count of reviews due (a link
 * to the review) and the journal.
 */
import { html, type Html } from '../../../kernel/web/html.ts'
import type { Lang } from '../../../kernel/web/messages.ts'
import { messages } from '../messages.ts'

export function accessReviewConsoleLinks (lang: Lang, dueReviews: number): Html {
  const t = messages[lang]
  return html`<nav class="console-links" aria-label="${t.title}">
  <ul class="plain-list">
    <li><a href="/gestion/revue-des-droits">${t.dueCountOnLanding(dueReviews)}</a></li>
    <li><a href="/gestion/journal">${t.journalLink}</a></li>
  </ul>
</nav>`
}
