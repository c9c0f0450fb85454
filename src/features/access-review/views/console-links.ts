/**
 * The lines the console's landing page shows for this feature: the count of reviews due (a link
 * to the review) and the journal.
 */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import type { Manager } from '../../../kernel/accounts/managed-accounts.ts'
import { countDueReviews } from '../access-review.queries.ts'
import { messages } from '../messages.ts'

/** The box app.ts gives the console's landing page (its `landingBoxes`). */
export async function accessReviewConsoleBox (request: FastifyRequest, manager: Manager): Promise<Html> {
  const app = request.server
  const dueReviews = await countDueReviews(app.db, manager, app.now(), app.rules.accessReviewInterval)
  const t = messages[request.lang]
  return html`<nav class="console-links" aria-label="${t.title}">
  <ul class="plain-list">
    <li><a href="/gestion/revue-des-droits">${t.dueCountOnLanding(dueReviews)}</a></li>
    <li><a href="/gestion/journal">${t.journalLink}</a></li>
  </ul>
</nav>`
}
