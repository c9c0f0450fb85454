/**
 * Words of the activation digest (issue 4 « Notifications »). Emails are French (house style);
 * the English block mirrors them for completeness.
 */
import { countOf, plural } from '../../kernel/web/messages.ts'
const fr = {
  subject: 'Comptes en attente d\'activation',
  intro: (count: number) => plural('fr', count,
    `${count} utilisateur de votre établissement a confirmé son adresse email et attend l'activation de son compte :`,
    `${count} utilisateurs de votre établissement ont confirmé leur adresse email et attendent l'activation de leur compte :`),
  line: (lastName: string, firstName: string, hospitalName: string) => `– ${lastName} ${firstName} (${hospitalName})`,
  more: (count: number) => `… et ${countOf('fr', count, 'autre', 'autres')}.`,
  action: 'Voir les comptes en attente d\'activation',
  footnote: 'Avant d\'activer un compte, vérifiez qu\'il s\'agit bien d\'une personne de votre établissement (guide du gestionnaire, « Activer un compte »). Vous recevez au plus un message de ce type par jour.',
}
const en: typeof fr = {
  subject: 'Accounts waiting for activation',
  intro: (count: number) => plural('en', count,
    `${count} user of your hospital confirmed their email address and waits for the activation of their account:`,
    `${count} users of your hospital confirmed their email address and wait for the activation of their account:`),
  line: (lastName: string, firstName: string, hospitalName: string) => `– ${lastName} ${firstName} (${hospitalName})`,
  more: (count: number) => `… and ${count} more.`,
  action: 'See the accounts waiting for activation',
  footnote: 'Before activating an account, check that the person works in your hospital. You receive at most one such message a day.',
}
export const messages = { fr, en }
