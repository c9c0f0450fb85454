/**
 * Lockout's words (user guide §3.5 « Compte verrouillé », admin guide §7). French first; the
 * email subject is the guide's: « BaMaRa - Déverrouillez votre compte ».
 */
import { countOf } from '../../kernel/web/messages.ts'
const fr = {
  unlockTitle: 'Déverrouiller votre compte',
  unlockIntro: 'Votre compte a été verrouillé après plusieurs mauvais mots de passe. Cliquez sur le bouton ci-dessous pour le déverrouiller ; vous pourrez ensuite vous connecter.',
  unlockButton: 'Déverrouiller mon compte',
  invalidLinkTitle: 'Lien de déverrouillage invalide',
  invalidLinkBody: 'Ce lien de déverrouillage n’est plus valable : il a déjà servi, il a expiré ou il est incomplet. Si votre compte est encore verrouillé, demandez à votre gestionnaire de comptes de vous renvoyer le mail de déverrouillage, ou choisissez un nouveau mot de passe avec « Mot de passe oublié ? ».',
  goToLogin: 'Aller à la page de connexion',
}

const en: typeof fr = {
  unlockTitle: 'Unlock your account',
  unlockIntro: 'Your account was locked after several wrong passwords. Click the button below to unlock it; you can then log in.',
  unlockButton: 'Unlock my account',
  invalidLinkTitle: 'Invalid unlock link',
  invalidLinkBody: 'This unlock link is no longer valid: it was already used, it expired or it is incomplete. If your account is still locked, ask your account manager to send the unlock email again, or choose a new password with “Forgot your password?”.',
  goToLogin: 'Go to the login page',
}

export const messages = { fr, en }

/** The unlock email is French only, like every email of the service. */
export const unlockEmailWords = {
  subject: 'Déverrouillez votre compte',
  locked: (failures: number) => `${failures} mauvais mots de passe ont été saisis à la suite pour votre compte BaMaRa : par sécurité, votre compte est verrouillé.`,
  verify: 'Pour vérifier votre identité et déverrouiller votre compte, cliquez sur le lien ci-dessous. Vous pourrez ensuite vous connecter.',
  action: 'Déverrouiller mon compte',
  validity: (hours: number) => `Ce lien n’est valable que ${countOf('fr', hours, 'heure', 'heures')}, et une seule fois.`,
  forgotten: 'Si vous ne vous souvenez plus de votre mot de passe, cliquez ensuite sur « Mot de passe oublié ? » sous le cadre de connexion.',
  notYou: 'Si ces tentatives ne viennent pas de vous, quelqu’un essaie peut-être d’accéder à votre compte : prévenez le support.',
}
