/**
 * User guide §3.3: the email « BaMaRa - Changez votre mot de passe ». Its link is built from
 * APP_BASE_URL, never from the request's Host header (a forged Host cannot redirect the token).
 */
import { composeEmail, type MailContext } from '../../../kernel/mail/compose.ts'
import type { Email } from '../../../kernel/mail/outbox.ts'
import type { PasswordOwner } from '../password-reset.queries.ts'
import { toOwner } from './to-owner.ts'

export function passwordResetEmail (mail: MailContext, owner: PasswordOwner, token: string, validHours: number): Email {
  const url = `${mail.appBaseUrl}/reinitialisation?${new URLSearchParams({ jeton: token }).toString()}`
  return composeEmail(mail, {
    template: 'passwordReset',
    ...toOwner(owner),
    subject: 'Changez votre mot de passe',
    paragraphs: [
      `Vous avez demandé à réinitialiser le mot de passe de votre compte ${mail.appName}.`,
      'Cliquez sur le lien ci-dessous : il ouvre une page où vous choisirez votre nouveau mot de passe.',
    ],
    action: { label: 'Changer mon mot de passe', url },
    footnotes: [
      `Attention, ce lien n’est valable que pendant ${validHours} heures et ne peut servir qu’une fois. Passé ce délai, faites une nouvelle demande depuis « Mot de passe oublié ? ».`,
      'Si vous n’êtes pas à l’origine de cette demande, ignorez cet email : votre mot de passe reste inchangé.',
    ],
  })
}
