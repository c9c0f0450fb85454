/**
 * The notice « BaMaRa - Votre mot de passe a été modifié » (ASVS 6.3.7), sent after a reset and
 * after a change from « Mon compte », so the owner learns of a change they did not make.
 */
import { composeEmail, type MailContext } from '../../../kernel/mail/compose.ts'
import type { Email } from '../../../kernel/mail/outbox.ts'
import type { PasswordOwner } from '../password-reset.queries.ts'
import { toOwner } from './to-owner.ts'
import { formatInstant } from '../../../kernel/web/dates.ts'

export function passwordChangedEmail (mail: MailContext, owner: PasswordOwner, now: number): Email {
  return composeEmail(mail, {
    template: 'passwordChanged',
    ...toOwner(owner),
    subject: 'Votre mot de passe a été modifié',
    paragraphs: [
      `Le mot de passe de votre compte ${mail.appName} a été modifié le ${formatInstant('fr', now, 'long')} (heure de Paris).`,
      'Par sécurité, les autres sessions ouvertes avec votre compte ont été fermées.',
      `Si vous n’êtes pas à l’origine de ce changement, cliquez sur « Mot de passe oublié ? » en bas du cadre de connexion pour choisir un nouveau mot de passe, et prévenez le support : ${mail.supportEmail}.`,
    ],
    action: { label: 'Se connecter', url: `${mail.appBaseUrl}/connexion` },
  })
}
