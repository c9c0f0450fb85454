/**
 * « Demande d'inscription avec votre adresse email »: sent instead of a confirmation link when
 * someone registers with an address that already has an account. The page shown is the same as
 * for a new registration, so only the owner of the mailbox learns that the account exists.
 */
import { composeEmail, type MailContext } from '../../../kernel/mail/compose.ts'
import type { Email } from '../../../kernel/mail/outbox.ts'

export function existingAccountNotice (context: MailContext, to: string): Email {
  return composeEmail(context, {
    template: 'registrationAttemptOnExistingEmail',
    to,
    subject: 'Demande d’inscription avec votre adresse email',
    greeting: 'anyone',
    paragraphs: [
      `Quelqu’un vient de demander la création d’un compte ${context.appName} avec votre adresse email. Cette adresse a déjà un compte : aucun nouveau compte n’a été créé et le vôtre n’a pas été modifié.`,
      'Si c’était vous, inutile de vous inscrire à nouveau : connectez-vous avec votre adresse email et votre mot de passe. Si vous ne vous en souvenez plus, cliquez sur « Mot de passe oublié ? » en bas du cadre de connexion.',
      `Si vous n’avez pas encore confirmé votre adresse email, recherchez l’email « ${context.appName} - Veuillez confirmer votre adresse email » ou demandez-en un nouveau : ${context.appBaseUrl}/confirmation/renvoyer`,
      `Si ce n’était pas vous, vous pouvez ignorer ce message. Si vous en recevez souvent, écrivez à ${context.supportEmail}.`,
    ],
    action: { label: 'Se connecter', url: `${context.appBaseUrl}/connexion` },
  })
}
