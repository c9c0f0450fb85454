/**
 * Words of « Mon compte » (the account menu's entry). The password fields and rules come from
 * the password-reset feature, so both pages say exactly the same thing.
 */
import type { AccountStatus } from '../../kernel/accounts/accounts.ts'

const fr = {
  title: 'Mon compte',
  detailsTitle: 'Mes informations',
  civility: 'Civilité',
  civilities: { mme: 'Madame', m: 'Monsieur' },
  lastName: 'Nom',
  firstName: 'Prénom',
  email: 'Adresse email professionnelle (identifiant)',
  profession: 'Profession',
  status: 'Statut du compte',
  statuses: {
    unconfirmed: 'Email non confirmé',
    pendingActivation: 'En attente d’activation',
    active: 'Actif',
    deactivated: 'Désactivé',
  } satisfies Record<AccountStatus, string>,
  lastLogin: 'Dernière connexion',
  neverLoggedIn: 'Aucune connexion enregistrée',
  passwordChangedAt: 'Mot de passe modifié le',
  sitesTitle: 'Mes établissements et sites',
  noSites: 'Aucun site n’est rattaché à votre compte.',
  correctionsHint: 'Pour corriger ces informations ou vos sites, adressez-vous au gestionnaire de comptes de votre établissement.',
  correctionsHintManager: (supportEmail: string) => `Pour corriger ces informations ou vos sites, adressez-vous aux super-administrateurs de BaMaRa (équipe BNDMR) : ${supportEmail}.`,
  passwordTitle: 'Changer mon mot de passe',
  passwordIntro: 'Saisissez votre mot de passe actuel, puis deux fois le nouveau. Vos autres sessions ouvertes seront fermées ; celle-ci reste ouverte.',
  currentPasswordLabel: 'Mot de passe actuel',
  wrongCurrentPassword: 'Le mot de passe actuel est incorrect.',
  passwordChanged: 'Votre mot de passe a été modifié. Vos autres sessions ont été fermées et un email de confirmation vous a été envoyé.',
}

const en: typeof fr = {
  title: 'My account',
  detailsTitle: 'My details',
  civility: 'Title',
  civilities: { mme: 'Mrs', m: 'Mr' },
  lastName: 'Last name',
  firstName: 'First name',
  email: 'Professional email address (login)',
  profession: 'Profession',
  status: 'Account status',
  statuses: {
    unconfirmed: 'Email not confirmed',
    pendingActivation: 'Awaiting activation',
    active: 'Active',
    deactivated: 'Deactivated',
  },
  lastLogin: 'Last login',
  neverLoggedIn: 'No login recorded',
  passwordChangedAt: 'Password changed on',
  sitesTitle: 'My hospitals and sites',
  noSites: 'No site is attached to your account.',
  correctionsHint: 'To correct these details or your sites, contact your hospital’s account manager.',
  correctionsHintManager: (supportEmail: string) => `To correct these details or your sites, contact the BaMaRa super-administrators (BNDMR team): ${supportEmail}.`,
  passwordTitle: 'Change my password',
  passwordIntro: 'Enter your current password, then the new one twice. Your other open sessions will be closed; this one stays open.',
  currentPasswordLabel: 'Current password',
  wrongCurrentPassword: 'The current password is wrong.',
  passwordChanged: 'Your password has been changed. Your other sessions have been closed and a confirmation email has been sent to you.',
}

export const messages = { fr, en }
