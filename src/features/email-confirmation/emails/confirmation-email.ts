/**
 * « BaMaRa - Veuillez confirmer votre adresse email » (user guide §2.1): the single-use link
 * that opens the confirmation page. French only, as every email of the service.
 */
import { composeEmail, type MailContext } from '../../../kernel/mail/compose.ts'
import type { Email } from '../../../kernel/mail/outbox.ts'
import type { Civility } from '../../../kernel/db/schema.ts'

export interface ConfirmationEmailRecipient { email: string; civility: Civility; lastName: string }

export function confirmationEmail (context: MailContext, to: ConfirmationEmailRecipient, token: string, validDays: number): Email {
  const url = `${context.appBaseUrl}/confirmation?jeton=${encodeURIComponent(token)}`
  return composeEmail(context, {
    template: 'emailConfirmation',
    to: to.email,
    subject: 'Veuillez confirmer votre adresse email',
    greeting: to,
    paragraphs: [
      `Une demande de création de compte ${context.appName} a été faite avec cette adresse email.`,
      'Pour valider votre demande, confirmez votre adresse email en cliquant sur le lien ci-dessous. Une page s’ouvrira avec le bouton « Confirmer mon adresse email ».',
    ],
    action: { label: 'Confirmer mon adresse email', url },
    footnotes: [
      `Ce lien est valable ${validDays} jours et ne peut servir qu’une fois.`,
      'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : aucun compte ne sera activé sans cette confirmation.',
    ],
  })
}
