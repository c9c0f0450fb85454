/**
 * « BaMaRa - Déverrouillez votre compte » (user guide §3.5): a single-use link to the unlock page.
 */
import { composeEmail, type MailContext } from '../../../kernel/mail/compose.ts'
import type { Email } from '../../../kernel/mail/outbox.ts'
import type { Civility } from '../../../kernel/db/schema.ts'
import { unlockEmailWords as w } from '../messages.ts'

export interface UnlockEmailFields {
  to: string
  civility: Civility
  lastName: string
  failures: number
  token: string
  ttl: number
}

export function unlockEmail (context: MailContext, fields: UnlockEmailFields): Email {
  const url = `${context.appBaseUrl}/deverrouillage?jeton=${encodeURIComponent(fields.token)}`
  return composeEmail(context, {
    template: 'unlock',
    to: fields.to,
    subject: w.subject,
    greeting: fields,
    paragraphs: [w.locked(fields.failures), w.verify],
    action: { label: w.action, url },
    footnotes: [w.validity(Math.round(fields.ttl / 3_600_000)), w.forgotten, w.notYou],
  })
}
