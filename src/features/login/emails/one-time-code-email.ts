/**
 * « BaMaRa - Mot de passe à usage unique » (user guide §3.2): the 8-digit code, alone on its line.
 */
import { composeEmail, type MailContext } from '../../../kernel/mail/compose.ts'
import type { Email } from '../../../kernel/mail/outbox.ts'
import type { Civility } from '../../../kernel/db/schema.ts'
import { codeEmailWords as w } from '../messages.ts'
import { durationInWords } from '../../../kernel/web/messages.ts'

export function oneTimeCodeEmail (context: MailContext, fields: { to: string; civility: Civility; lastName: string; code: string; ttl: number }): Email {
  return composeEmail(context, {
    template: 'oneTimeCode',
    to: fields.to,
    subject: w.subject,
    greeting: fields,
    paragraphs: [w.intro, fields.code, w.instructions],
    footnotes: [w.validity(durationInWords('fr', fields.ttl)), w.notYou],
  })
}
