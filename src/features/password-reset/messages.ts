/**
 * Words of the forgotten-password pages (user guide §3.3). The guide names the button
 * « Envoyer la demande », the fields « nouveau mot de passe » / « confirmez votre nouveau mot de
 * passe » and the button « changer mon mot de passe »: those labels are kept word for word.
 * The password rules' names are shared with « Mon compte » through this feature's index.ts.
 */
import type { PasswordRule } from '../../kernel/security/passwords.ts'

const fr = {
  forgotTitle: 'Mot de passe oublié',
  forgotIntro: 'Saisissez l’adresse email qui vous sert d’identifiant. Si un compte existe avec cette adresse, vous recevrez un email pour changer votre mot de passe.',
  emailLabel: 'Adresse email professionnelle',
  emailHint: 'Format attendu : nom@hopital.fr',
  emailInvalid: 'Saisissez une adresse email valide, au format nom@hopital.fr.',
  emailUnsafeCharacters: 'Cette adresse contient un caractère invisible ou qui imite une lettre ou un point (.) : saisissez-la de nouveau au clavier, sans la copier-coller.',
  sendRequest: 'Envoyer la demande',
  backToLogin: 'Retour à la connexion',
  sentTitle: 'Demande envoyée',
  sentBody: (hours: number) => `Si un compte existe avec l’adresse indiquée, vous allez recevoir un email intitulé « BaMaRa - Changez votre mot de passe » pour réinitialiser votre mot de passe. Le lien qu’il contient n’est valable que pendant ${hours} heures.`,
  sentHelp: 'Pensez à vérifier vos courriers indésirables. Si vous ne recevez rien, vérifiez que vous avez saisi l’adresse avec laquelle vous vous êtes inscrit(e).',
  resetTitle: 'Changer mon mot de passe',
  resetIntro: 'Saisissez votre nouveau mot de passe une première fois, puis une seconde fois pour le confirmer.',
  newPasswordLabel: 'Nouveau mot de passe',
  confirmationLabel: 'Confirmez votre nouveau mot de passe',
  rulesIntro: 'Votre mot de passe doit contenir :',
  ruleMet: 'respectée',
  ruleNotMet: 'non respectée',
  changePassword: 'Changer mon mot de passe',
  passwordsDiffer: 'Les deux mots de passe ne sont pas identiques. Saisissez strictement le même mot de passe dans les deux champs.',
  invalidLinkTitle: 'Lien de réinitialisation invalide ou expiré',
  invalidLinkBody: (hours: number) => `Ce lien ne permet plus de changer votre mot de passe : il n’est valable que pendant ${hours} heures, ne sert qu’une fois, et une nouvelle demande remplace les liens envoyés auparavant. Vérifiez que vous avez ouvert le lien du dernier email reçu, ou faites une nouvelle demande.`,
  askAgain: 'Faire une nouvelle demande',
  rules: {
    length: (min: number) => `au moins ${min} caractères`,
    lowercase: () => 'une lettre minuscule',
    uppercase: () => 'une lettre majuscule',
    digit: () => 'un chiffre',
    special: () => 'un caractère spécial (par exemple ! ? - _ # @)',
  },
  rulesHint: 'Il ne doit être ni un mot de passe courant ni un mot lié à l’application (BaMaRa, maladies rares…), ni contenir votre nom, votre prénom, votre adresse email ou le nom de votre hôpital. Une longue phrase de passe est bienvenue.',
  ruleBroken: {
    tooShort: (min: number) => `Le mot de passe est trop court : au moins ${min} caractères.`,
    tooLong: (max: number) => `Le mot de passe est trop long : au plus ${max} caractères.`,
    lowercase: () => 'Le mot de passe doit contenir une lettre minuscule.',
    uppercase: () => 'Le mot de passe doit contenir une lettre majuscule.',
    digit: () => 'Le mot de passe doit contenir un chiffre.',
    special: () => 'Le mot de passe doit contenir un caractère spécial.',
    common: () => 'Ce mot de passe figure parmi les plus utilisés : choisissez-en un autre.',
    applicationWord: () => 'Le mot de passe ne doit pas contenir un mot lié à l’application (BaMaRa, BNDMR, maladies rares, Orphanet, mot de passe).',
    personal: () => 'Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre adresse email, ni le nom de votre hôpital.',
  } satisfies Record<PasswordRule, (limit: number) => string>,
}

const en: typeof fr = {
  forgotTitle: 'Forgotten password',
  forgotIntro: 'Enter the email address you log in with. If an account exists with this address, you will receive an email to change your password.',
  emailLabel: 'Professional email address',
  emailHint: 'Expected format: name@hospital.fr',
  emailInvalid: 'Enter a valid email address, in the format name@hospital.fr.',
  emailUnsafeCharacters: 'This address contains an invisible character or one that imitates a letter or a full stop (.): type it again on the keyboard instead of pasting it.',
  sendRequest: 'Send the request',
  backToLogin: 'Back to login',
  sentTitle: 'Request sent',
  sentBody: (hours: number) => `If an account exists with this address, you will receive an email entitled « BaMaRa - Changez votre mot de passe » to reset your password. Its link is valid for ${hours} hours only.`,
  sentHelp: 'Check your spam folder. If nothing arrives, check that you entered the address you registered with.',
  resetTitle: 'Change my password',
  resetIntro: 'Enter your new password once, then a second time to confirm it.',
  newPasswordLabel: 'New password',
  confirmationLabel: 'Confirm your new password',
  rulesIntro: 'Your password must contain:',
  ruleMet: 'met',
  ruleNotMet: 'not met',
  changePassword: 'Change my password',
  passwordsDiffer: 'The two passwords are not identical. Type exactly the same password in both fields.',
  invalidLinkTitle: 'Invalid or expired reset link',
  invalidLinkBody: (hours: number) => `This link can no longer change your password: it is valid for ${hours} hours, works once, and a new request replaces the links sent before. Check that you opened the link of the latest email, or make a new request.`,
  askAgain: 'Make a new request',
  rules: {
    length: (min: number) => `at least ${min} characters`,
    lowercase: () => 'a lower-case letter',
    uppercase: () => 'an upper-case letter',
    digit: () => 'a digit',
    special: () => 'a special character (for example ! ? - _ # @)',
  },
  rulesHint: 'It must be neither a common password nor a word tied to the application (BaMaRa, rare diseases…), nor contain your last name, first name, email address or hospital name. A long passphrase is welcome.',
  ruleBroken: {
    tooShort: (min: number) => `The password is too short: at least ${min} characters.`,
    tooLong: (max: number) => `The password is too long: at most ${max} characters.`,
    lowercase: () => 'The password must contain a lower-case letter.',
    uppercase: () => 'The password must contain an upper-case letter.',
    digit: () => 'The password must contain a digit.',
    special: () => 'The password must contain a special character.',
    common: () => 'This password is among the most used: choose another one.',
    applicationWord: () => 'The password must not contain a word tied to the application (BaMaRa, BNDMR, maladies rares, Orphanet, mot de passe).',
    personal: () => 'The password must contain neither your last name, first name, email address nor hospital name.',
  },
}

export const messages = { fr, en }
export type PasswordResetMessages = typeof fr
