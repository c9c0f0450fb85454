/**
 * Login's words: user guide §3.1 « Connexion », §3.2 « Procédure d'authentification », §3.4
 * « Session expirée », « Se déconnecter », and §5 « En cas de difficultés pour vous connecter ».
 * French first; labels, buttons and the email subject are the guide's.
 */
import { countOf } from '../../kernel/web/messages.ts'
const fr = {
  loginTitle: 'Connexion',
  loginHeading: 'Connexion à BaMaRa',
  loginIntro: 'Connectez-vous avec votre identifiant (votre adresse email professionnelle) et votre mot de passe.',
  emailLabel: 'Adresse email',
  passwordLabel: 'Mot de passe',
  loginButton: 'Se connecter',
  forgotPassword: 'Mot de passe oublié ?',
  register: 'S’inscrire',
  rejected: (lockAfter: number) => `Adresse email ou mot de passe incorrect. Après ${countOf('fr', lockAfter, 'erreur', 'erreurs')} à la suite, le compte est verrouillé et un email permet de le déverrouiller.`,
  sessionExpired: 'Votre session a expiré. Reconnectez-vous pour retourner sur la page d’où vous avez été déconnecté.',
  loggedOut: 'Vous êtes déconnecté.',
  unlocked: 'Votre compte est déverrouillé. Vous pouvez à présent vous connecter.',
  /** After « Changer mon mot de passe » (user guide §3.3: « Vous serez redirigé vers la page de connexion »). */
  passwordReset: 'Votre mot de passe a été changé. Connectez-vous avec votre nouveau mot de passe.',
  restart: 'Votre demande de connexion n’est plus valable. Saisissez à nouveau votre adresse email et votre mot de passe : un nouveau code vous sera envoyé.',
  confirmIdentity: 'L’application demande que vous confirmiez votre identité : saisissez à nouveau votre mot de passe, puis le code qui vous sera envoyé par email.',

  unconfirmedTitle: 'Adresse email non confirmée',
  unconfirmedBody: 'Vous n’avez pas encore confirmé votre adresse email. Recherchez dans vos emails « BaMaRa - Veuillez confirmer votre adresse email » et cliquez sur le lien qu’il contient.',
  resendConfirmationIntro: 'Vous ne retrouvez pas cet email ?',
  resendConfirmationButton: 'Recevoir à nouveau l’email de confirmation',
  pendingActivationTitle: 'Compte en attente d’activation',
  pendingActivationBody: 'Votre compte n’a pas encore été activé par un gestionnaire de comptes de votre hôpital. Vous recevrez l’email « BaMaRa - Votre compte vient d’être activé » dès qu’il le sera.',
  pendingActivationByOperatorsBody: 'Votre compte n’a pas encore été activé par les super-administrateurs de BaMaRa. Attendez un délai raisonnable avant de contacter le support.',
  deactivatedTitle: 'Compte désactivé',
  deactivatedBody: 'Votre compte a été désactivé. Si vous avez de nouveau besoin d’accéder à BaMaRa, contactez le gestionnaire de comptes de votre hôpital.',
  backToLogin: 'Retour à la page de connexion',

  codeTitle: 'Code à usage unique',
  codeSentTo: (email: string) => `Pour terminer la connexion, un code à 8 chiffres vient d’être envoyé à ${email} dans l’email « BaMaRa - Mot de passe à usage unique ».`,
  codeValidity: (duration: string) => `Ce code n’est valable que pendant ${duration}, et seulement dans ce navigateur.`,
  codeLabel: 'Code à usage unique',
  codeHint: '8 chiffres, reçus par email',
  codeButton: 'Se connecter',
  resendIntro: 'Le code a expiré ou vous ne l’avez pas reçu ?',
  resendButton: 'Envoyer un nouveau code',
  otherAccount: 'Se connecter avec une autre adresse email',
  codeFormat: 'Le code est composé de 8 chiffres.',
  wrongCode: (remaining: number) => `Code incorrect. Il vous reste ${countOf('fr', remaining, 'essai', 'essais')} avec ce code.`,
  codeExpired: 'Ce code a expiré. Cliquez sur « Envoyer un nouveau code ».',
  codeVoid: 'Trop de codes incorrects : ce code n’est plus valable. Cliquez sur « Envoyer un nouveau code ».',
  newCodeSent: 'Un nouveau code vient de vous être envoyé. Le précédent n’est plus valable.',
  codeEmailDelayed: 'L’email contenant votre code n’a pas encore pu être envoyé. Il partira dès que possible ; s’il ne vous parvient pas, utilisez « Envoyer un nouveau code » dans un instant.',
  resendTooSoon: (seconds: number) => `Un code vient de vous être envoyé. Attendez ${countOf('fr', seconds, 'seconde', 'secondes')} avant d’en demander un nouveau.`,

  continueTitle: 'Vous êtes connecté',
  continueBody: 'Retour à l’application qui vous a demandé de vous connecter…',
  continueLink: 'Continuer vers l’application',
}

const en: typeof fr = {
  loginTitle: 'Log in',
  loginHeading: 'Log in to BaMaRa',
  loginIntro: 'Log in with your login (your professional email address) and your password.',
  emailLabel: 'Email address',
  passwordLabel: 'Password',
  loginButton: 'Log in',
  forgotPassword: 'Forgot your password?',
  register: 'Register',
  rejected: (lockAfter: number) => `Wrong email address or password. After ${countOf('en', lockAfter, 'error', 'errors')} in a row the account is locked and an email lets you unlock it.`,
  sessionExpired: 'Your session has expired. Log in again to go back to the page you were on.',
  loggedOut: 'You are logged out.',
  unlocked: 'Your account is unlocked. You can now log in.',
  passwordReset: 'Your password has been changed. Log in with your new password.',
  restart: 'Your login attempt is no longer valid. Enter your email address and password again: a new code will be sent to you.',
  confirmIdentity: 'The application asks you to confirm your identity: enter your password again, then the code that will be sent to you by email.',

  unconfirmedTitle: 'Email address not confirmed',
  unconfirmedBody: 'You have not confirmed your email address yet. Look in your mailbox for “BaMaRa - Veuillez confirmer votre adresse email” and click the link it contains.',
  resendConfirmationIntro: 'Cannot find this email?',
  resendConfirmationButton: 'Receive the confirmation email again',
  pendingActivationTitle: 'Account awaiting activation',
  pendingActivationBody: 'Your account has not been activated yet by an account manager of your hospital. You will receive the email “BaMaRa - Votre compte vient d’être activé” as soon as it is.',
  pendingActivationByOperatorsBody: 'Your account has not been activated yet by the BaMaRa super-administrators. Please wait a reasonable time before contacting support.',
  deactivatedTitle: 'Account deactivated',
  deactivatedBody: 'Your account has been deactivated. If you need access to BaMaRa again, contact your hospital’s account manager.',
  backToLogin: 'Back to the login page',

  codeTitle: 'One-time code',
  codeSentTo: (email: string) => `To finish logging in, an 8-digit code has just been sent to ${email} in the email “BaMaRa - Mot de passe à usage unique”.`,
  codeValidity: (duration: string) => `This code is valid for ${duration} only, and only in this browser.`,
  codeLabel: 'One-time code',
  codeHint: '8 digits, received by email',
  codeButton: 'Log in',
  resendIntro: 'Code expired or not received?',
  resendButton: 'Send a new code',
  otherAccount: 'Log in with another email address',
  codeFormat: 'The code has 8 digits.',
  wrongCode: (remaining: number) => `Wrong code. You have ${countOf('en', remaining, 'attempt', 'attempts')} left with this code.`,
  codeExpired: 'This code has expired. Click “Send a new code”.',
  codeVoid: 'Too many wrong codes: this code is no longer valid. Click “Send a new code”.',
  newCodeSent: 'A new code has just been sent to you. The previous one is no longer valid.',
  codeEmailDelayed: 'The email with your code could not be sent yet. It will leave as soon as possible; if it does not reach you, use “Send a new code” in a moment.',
  resendTooSoon: (seconds: number) => `A code has just been sent. Wait ${countOf('en', seconds, 'second', 'seconds')} before asking for a new one.`,

  continueTitle: 'You are signed in',
  continueBody: 'Back to the application that asked you to sign in…',
  continueLink: 'Continue to the application',
}

export const messages = { fr, en }

export type LoginMessages = typeof fr

/** The code email is French only, like every email of the service (user guide §3.2). */
export const codeEmailWords = {
  subject: 'Mot de passe à usage unique',
  intro: 'Voici votre code temporaire à usage unique pour terminer votre connexion à BaMaRa :',
  instructions: 'Copiez ce code dans le champ « Code à usage unique » de la page de connexion à BaMaRa.',
  validity: (duration: string) => `Attention : ce code n’est valable que pendant ${duration}, et seulement dans le navigateur où vous avez saisi votre mot de passe. Passé ce délai, cliquez sur « Envoyer un nouveau code » en bas du cadre.`,
  notYou: 'Si vous n’essayez pas de vous connecter, quelqu’un connaît peut-être votre mot de passe : changez-le avec « Mot de passe oublié ? » et prévenez le support.',
}
