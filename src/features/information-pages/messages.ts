/**
 * Words of the information pages (home, terms of use, help, contact). French first; the long
 * texts of the terms and the guide live in `views/*.fr.ts` and `views/*.en.ts`.
 */
const fr = {
  homeTitle: 'Accueil',
  greeting: (name: string) => `Bonjour ${name}`,
  civility: { mme: 'Mme', m: 'M.' },
  homeIntro: (app: string) => `Ce service gère votre compte et vos droits d’accès à ${app}. La saisie et la consultation des données (fiches patients) se font dans l’application ${app} elle-même, qui ne fait pas partie de ce service.`,
  homeLinksTitle: 'Que souhaitez-vous faire ?',
  myAccount: 'Mon compte',
  myAccountHint: 'Vos informations, vos sites et votre mot de passe.',
  accountManagement: 'Gestion des comptes',
  accountManagementHint: 'Activer, désactiver et corriger les comptes des utilisateurs de votre établissement.',
  help: 'Aide',
  helpHint: 'Le guide d’utilisation : inscription, connexion, gestion des comptes, questions fréquentes.',
  termsTitle: 'Conditions générales d’utilisation',
  helpTitle: 'Aide — guide d’utilisation',
  tableOfContents: 'Sommaire',
  backToContents: 'Retour au sommaire',
  contactTitle: 'Contacter le support',
  contactIntro: (app: string) => `L’équipe nationale ${app} répond aux demandes d’assistance à l’adresse suivante :`,
  contactWriteTo: 'Écrire au support',
  contactFirstSteps: 'Avant d’écrire',
  contactReflexes: [
    'Essayez tout d’abord de recharger votre page, en appuyant sur F5.',
    'Si cela ne résout pas votre problème, déconnectez-vous puis reconnectez-vous.',
    'Consultez l’aide :',
  ],
  contactHelpLink: 'En cas de difficultés pour vous connecter',
  contactAccessRights: 'Pour l’activation de votre compte ou l’accès à un site, adressez-vous d’abord au gestionnaire de comptes de votre établissement.',
  contactWhatToInclude: 'Que préciser dans votre demande',
  contactDetails: [
    'vos nom et prénom, et l’adresse email professionnelle qui vous sert d’identifiant ;',
    'votre établissement et le ou les sites concernés ;',
    'l’adresse de la page concernée (barre d’adresse du navigateur), la date et l’heure du problème ;',
    'ce que vous avez fait et le message affiché ;',
    'une capture de votre écran, en détaillant au maximum ce qui ne fonctionne pas.',
  ],
  contactNeverSend: 'Ne communiquez jamais votre mot de passe, un code à usage unique ou un lien reçu par email : le support ne vous les demandera jamais.',
  contactPromise: 'Nous nous efforcerons de traiter votre demande dans les plus brefs délais.',
}

const en: typeof fr = {
  homeTitle: 'Home',
  greeting: (name: string) => `Hello ${name}`,
  civility: { mme: 'Ms', m: 'Mr' },
  homeIntro: (app: string) => `This service manages your account and your access rights to ${app}. Entering and reading data (patient records) happens in the ${app} application itself, which is not part of this service.`,
  homeLinksTitle: 'What would you like to do?',
  myAccount: 'My account',
  myAccountHint: 'Your details, your sites and your password.',
  accountManagement: 'Account management',
  accountManagementHint: 'Activate, deactivate and correct the accounts of your hospital’s users.',
  help: 'Help',
  helpHint: 'The user guide: registration, login, account management, frequently asked questions.',
  termsTitle: 'Terms of use',
  helpTitle: 'Help — user guide',
  tableOfContents: 'Contents',
  backToContents: 'Back to contents',
  contactTitle: 'Contact support',
  contactIntro: (app: string) => `The national ${app} team answers support requests at this address:`,
  contactWriteTo: 'Write to support',
  contactFirstSteps: 'Before writing',
  contactReflexes: [
    'First reload the page (F5).',
    'If that does not help, log out and log in again.',
    'Read the help:',
  ],
  contactHelpLink: 'Trouble signing in',
  contactAccessRights: 'For the activation of your account or access to a site, ask your hospital’s account manager first.',
  contactWhatToInclude: 'What to include in your request',
  contactDetails: [
    'your name and the professional email address you log in with;',
    'your hospital and the site(s) concerned;',
    'the address of the page (browser address bar), the date and time of the problem;',
    'what you did and the message shown;',
    'a screenshot, describing what does not work in as much detail as you can.',
  ],
  contactNeverSend: 'Never send your password, a one-time code or a link received by email: support will never ask for them.',
  contactPromise: 'We will deal with your request as soon as possible.',
}

export const messages = { fr, en }
export type InformationMessages = typeof fr
