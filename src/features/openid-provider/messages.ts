/** The words of the provider's pages and of the client administration, French first. */
export const messages = {
  fr: {
    logoutTitle: 'Se déconnecter ?',
    logoutQuestion: 'Une application vous demande de vous déconnecter de BaMaRa. Voulez-vous vous déconnecter ?',
    logoutYes: 'Oui, me déconnecter',
    logoutNo: 'Non, rester connecté',
    loggedOutTitle: 'Vous êtes déconnecté',
    loggedOutBody: 'Vous êtes déconnecté de BaMaRa et de l’application.',
    errorTitle: 'Connexion impossible',
    errorBody: 'L’application qui vous a envoyé ici a fait une demande de connexion invalide. Signalez-le à son équipe.',
    errorCode: 'Code de l’erreur :',
    backHome: 'Retour à l’accueil',
  },
  en: {
    logoutTitle: 'Sign out?',
    logoutQuestion: 'An application asks you to sign out of BaMaRa. Do you want to sign out?',
    logoutYes: 'Yes, sign me out',
    logoutNo: 'No, stay signed in',
    loggedOutTitle: 'You are signed out',
    loggedOutBody: 'You are signed out of BaMaRa and of the application.',
    errorTitle: 'Sign-in impossible',
    errorBody: 'The application that sent you here made an invalid sign-in request. Please tell its team.',
    errorCode: 'Error code:',
    backHome: 'Back to the home page',
  },
} as const
