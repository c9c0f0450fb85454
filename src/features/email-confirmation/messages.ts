import { countOf } from '../../kernel/web/messages.ts'
/**
 * Words of the email confirmation pages (user guide §2.1 and §5 « En cas de difficultés »).
 * French first; English typed after it so no key is forgotten.
 */
const fr = {
  confirmTitle: 'Confirmer votre adresse email',
  confirmIntro: 'Cliquez sur le bouton pour confirmer votre adresse email et valider votre demande de création de compte.',
  confirmButton: 'Confirmer mon adresse email',
  confirmedTitle: 'Votre adresse email est confirmée',
  confirmedByManager: 'Un gestionnaire des comptes de votre établissement doit maintenant activer votre compte.',
  confirmedBySuperadmins: 'Votre demande d’inscription est envoyée aux super-administrateurs de BaMaRa (équipe BNDMR). Ce sont eux qui activeront votre compte. Il faut donc les avoir informés de votre rôle de Gestionnaire des comptes BaMaRa de votre établissement.',
  speedUpActivation: (supportEmail: string) => `Pour accélérer l’activation de votre compte, n’hésitez pas à envoyer un email à ${supportEmail} pour signaler que vous vous êtes inscrit.`,
  waitForActivation: 'Vous devrez attendre la validation de votre compte pour pouvoir vous connecter à BaMaRa. Vous serez notifié par email.',
  invalidTitle: 'Lien de confirmation invalide ou expiré',
  invalidBody: (days: number) => `Ce lien de confirmation ne peut pas être utilisé : il a déjà servi, il a été remplacé par un lien plus récent, ou il a expiré (il est valable ${countOf('fr', days, 'jour', 'jours')}). Si vous avez déjà confirmé votre adresse email, vous n’avez rien à faire.`,
  askNewLink: 'Sinon, demandez un nouvel email de confirmation :',
  resendTitle: 'Recevoir un nouvel email de confirmation',
  resendIntro: 'Indiquez l’adresse email utilisée lors de votre inscription. Si elle attend encore sa confirmation, un nouvel email « BaMaRa - Veuillez confirmer votre adresse email » lui sera envoyé.',
  emailLabel: 'Adresse email',
  emailHint: 'Celle indiquée dans le formulaire d’inscription.',
  resendButton: 'Renvoyer l’email de confirmation',
  resendSentTitle: 'Demande envoyée',
  resendSentBody: 'Si un compte en attente de confirmation existe pour cette adresse, un nouvel email « BaMaRa - Veuillez confirmer votre adresse email » vient de lui être envoyé. Le lien qu’il contient remplace les précédents.',
  resendSentHelp: (supportEmail: string) => `Vous ne le trouvez pas ? Vérifiez vos courriers indésirables. Si le problème persiste, contactez ${supportEmail}.`,
  emailRequired: 'Indiquez votre adresse email.',
  emailInvalid: 'Indiquez une adresse email valide, par exemple prenom.nom@hopital.fr.',
  emailUnsafeCharacters: 'Cette adresse contient un caractère invisible ou qui imite une lettre ou un point (.) : saisissez-la de nouveau au clavier, sans la copier-coller.',
  backToLogin: 'Aller à la page de connexion',
  backHome: 'Retour à l’accueil',
}

const en: typeof fr = {
  confirmTitle: 'Confirm your email address',
  confirmIntro: 'Click the button to confirm your email address and validate your account request.',
  confirmButton: 'Confirm my email address',
  confirmedTitle: 'Your email address is confirmed',
  confirmedByManager: 'An account manager of your hospital must now activate your account.',
  confirmedBySuperadmins: 'Your registration request is sent to the BaMaRa super-administrators (BNDMR team). They will activate your account, so make sure they know you are your hospital’s BaMaRa account manager.',
  speedUpActivation: (supportEmail: string) => `To speed up the activation of your account, feel free to email ${supportEmail} to say that you have registered.`,
  waitForActivation: 'You will have to wait until your account is validated before you can log in to BaMaRa. You will be notified by email.',
  invalidTitle: 'Invalid or expired confirmation link',
  invalidBody: (days: number) => `This confirmation link cannot be used: it has already been used, it was replaced by a newer link, or it has expired (it is valid for ${countOf('en', days, 'day', 'days')}). If you have already confirmed your email address, there is nothing more to do.`,
  askNewLink: 'Otherwise, ask for a new confirmation email:',
  resendTitle: 'Receive a new confirmation email',
  resendIntro: 'Enter the email address you registered with. If it is still awaiting confirmation, a new email “BaMaRa - Veuillez confirmer votre adresse email” will be sent to it.',
  emailLabel: 'Email address',
  emailHint: 'The one given in the registration form.',
  resendButton: 'Send the confirmation email again',
  resendSentTitle: 'Request sent',
  resendSentBody: 'If an account awaiting confirmation exists for this address, a new email “BaMaRa - Veuillez confirmer votre adresse email” has just been sent to it. Its link replaces the previous ones.',
  resendSentHelp: (supportEmail: string) => `Cannot find it? Check your spam folder. If the problem persists, contact ${supportEmail}.`,
  emailRequired: 'Enter your email address.',
  emailInvalid: 'Enter a valid email address, for example firstname.lastname@hospital.fr.',
  emailUnsafeCharacters: 'This address contains an invisible character or one that imitates a letter or a full stop (.): type it again on the keyboard instead of pasting it.',
  backToLogin: 'Go to the login page',
  backHome: 'Back to home',
}

export const messages = { fr, en }
export type ConfirmationMessages = typeof fr
