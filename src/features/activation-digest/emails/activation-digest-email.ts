/**
 * « BaMaRa - Comptes en attente d'activation »: the daily digest of an account manager, with the
 * link to the console's list filtered on « en attente d'activation » (built from APP_BASE_URL).
 */
import { composeEmail, type MailContext } from '../../../kernel/mail/compose.ts'
import type { Email } from '../../../kernel/mail/outbox.ts'
import type { DigestManager, PendingAccount } from '../activation-digest.queries.ts'
import { messages } from '../messages.ts'

/** Names listed in one email; the link shows the rest. */
export const namesPerDigest = 50

/** The console's status filter (`statut`) value for « en attente d'activation ». */
const pendingActivationFilter = 'en-attente'

export function activationDigestEmail (context: MailContext, manager: DigestManager, accounts: readonly PendingAccount[]): Email {
  const t = messages.fr
  const listed = accounts.slice(0, namesPerDigest).map((a) => t.line(a.lastName, a.firstName, a.hospitalName))
  return composeEmail(context, {
    template: 'activationDigest',
    to: manager.email,
    subject: t.subject,
    greeting: manager,
    paragraphs: [
      t.intro(accounts.length),
      ...listed,
      ...(accounts.length > namesPerDigest ? [t.more(accounts.length - namesPerDigest)] : []),
    ],
    action: { label: t.action, url: `${context.appBaseUrl}/gestion?statut=${pendingActivationFilter}` },
    footnotes: [t.footnote],
  })
}
