/**
 * « BaMaRa - Votre compte vient d'être activé » (user guide §2.2, admin guide §4): sent when an
 * account manager or a super-administrator activates (or reactivates) the account.
 */
import { composeEmail, type Greeting, type MailContext } from '../../../kernel/mail/compose.ts'
import type { Email } from '../../../kernel/mail/outbox.ts'
import type { Civility } from '../../../kernel/db/schema.ts'

export interface EmailRecipient { email: string; civility: Civility; last_name: string }

export function greetingOf (to: EmailRecipient): Greeting {
  return { civility: to.civility, lastName: to.last_name }
}

export function accountActivatedEmail (context: MailContext, to: EmailRecipient): Email {
  return composeEmail(context, {
    template: 'accountActivated',
    to: to.email,
    subject: 'Votre compte vient d\'être activé',
    greeting: greetingOf(to),
    paragraphs: [
      `Votre gestionnaire de comptes vient d’activer votre compte ${context.appName}.`,
      'Vous pouvez dès à présent vous connecter avec votre adresse email et votre mot de passe ; un code à usage unique vous sera envoyé par email à chaque connexion.',
    ],
    action: { label: 'Se connecter', url: `${context.appBaseUrl}/connexion` },
    footnotes: ['Si vous avez oublié votre mot de passe, cliquez sur « Mot de passe oublié ? » sur la page de connexion.'],
  })
}
