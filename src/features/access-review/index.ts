/**
 * Access review (« revue des droits d'accès », issue 5): the console pages at
 * /gestion/revue-des-droits, the count the console's landing page shows, and the daily
 * notifications run by the CLI.
 */
import type { Db } from '../../kernel/db/database.ts'
import { defaultRules } from '../../config.ts'
import type { Manager } from '../../kernel/accounts/managed-accounts.ts'
import { countDueReviews as countDue } from './access-review.queries.ts'

export { accessReviewRoutes } from './access-review.routes.ts'
export { sendAccessReviewNotifications, confirmAccessReviews, findReviewReport, type NotificationSummary } from './access-review.ts'
export { messages as accessReviewMessages } from './messages.ts'

/** Reviews this manager can do now (for the console's landing page). */
export function countDueReviews (db: Db, manager: Manager, now: number, interval: number = defaultRules.accessReviewInterval): Promise<number> {
  return countDue(db, manager, now, interval)
}
export { accessReviewConsoleBox } from './views/console-links.ts'
