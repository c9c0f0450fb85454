/**
 * Email change by an account manager (admin guide §3.3): a single-use link to the new address,
 * which becomes the login only once its holder confirms it, and a notice to the old address so
 * the account's owner learns of the change.
 */
import { countOf } from '../../../kernel/web/messages.ts'
import { composeEmail, type MailContext } from '../../../kernel/mail/compose.ts'
import type { Email } from '../../../kernel/mail/outbox.ts'
import { greetingOf, type EmailRecipient } from './account-activated.ts'

export function emailChangeConfirmationEmail (context: MailContext, to: EmailRecipient, newEmail: string, token: string, validDays: number): Email {
  return composeEmail(context, {
    template: 'emailChangeConfirmation',
    to: newEmail,
    subject: 'Confirmez votre nouvelle adresse email',
    greeting: greetingOf(to),
    paragraphs: [
      `Votre gestionnaire de comptes a remplacé l’adresse email de votre compte ${context.appName} par celle-ci.`,
      'Elle ne deviendra votre identifiant qu’après confirmation : cliquez sur le lien ci-dessous, une page s’ouvrira avec le bouton « Confirmer cette adresse ».',
    ],
    action: { label: 'Confirmer cette adresse', url: `${context.appBaseUrl}/gestion/changement-email?jeton=${encodeURIComponent(token)}` },
    footnotes: [
      `Ce lien est valable ${countOf('fr', validDays, 'jour', 'jours')} et ne peut servir qu’une fois.`,
      'Si vous n’êtes pas concerné(e), ignorez ce message : rien ne changera.',
    ],
  })
}

export function emailChangeNoticeEmail (context: MailContext, to: EmailRecipient, newEmail: string): Email {
  return composeEmail(context, {
    template: 'emailChangeNotice',
    to: to.email,
    subject: 'Changement de votre adresse email',
    greeting: greetingOf(to),
    paragraphs: [
      `Votre gestionnaire de comptes a demandé que l’adresse email de votre compte ${context.appName} devienne ${newEmail}.`,
      'Votre adresse actuelle reste votre identifiant tant que la nouvelle n’a pas été confirmée.',
      `Si vous n’êtes pas à l’origine de cette demande, contactez votre gestionnaire de comptes ou le support (${context.supportEmail}).`,
    ],
  })
}
