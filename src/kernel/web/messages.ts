/**
 * The layout's own words (French first, English second). Each feature keeps its words in its
 * own `messages.ts` with the same shape: `{ fr, en }`, English typed after French so no key is
 * forgotten. The guide's wording is the contract for every French label it names.
 */
export type Lang = 'fr' | 'en'
export const languages: readonly Lang[] = ['fr', 'en']

/** The locale of each language, for Intl (plural rules here, dates in dates.ts). */
export const locales: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' }
const pluralRules: Record<Lang, Intl.PluralRules> = { fr: new Intl.PluralRules(locales.fr), en: new Intl.PluralRules(locales.en) }

/**
 * The form of a word for a count, chosen by the language's plural rules (CLDR, Intl.PluralRules),
 * never by `n > 1`: French « 0 compte », « 1 compte », « 2 comptes »; English « 0 accounts »,
 * « 1 account », « 2 accounts ».
 */
export function plural (lang: Lang, count: number, one: string, other: string): string {
  return pluralRules[lang].select(count) === 'one' ? one : other
}

/** « 3 comptes », « 1 account »: the count and its word in the right form. */
export function countOf (lang: Lang, count: number, one: string, other: string): string {
  return `${count} ${plural(lang, count, one, other)}`
}

const second = 1000
const durationUnits = [
  { ms: 365 * 24 * 3600 * second, fr: ['an', 'ans'], en: ['year', 'years'] },
  { ms: 24 * 3600 * second, fr: ['jour', 'jours'], en: ['day', 'days'] },
  { ms: 3600 * second, fr: ['heure', 'heures'], en: ['hour', 'hours'] },
  { ms: 60 * second, fr: ['minute', 'minutes'], en: ['minute', 'minutes'] },
  { ms: second, fr: ['seconde', 'secondes'], en: ['second', 'seconds'] },
] as const

/**
 * A rule's duration in words, in the largest unit that divides it exactly: « 1 minute »,
 * « 6 heures », « 90 secondes », « 7 days ». Pages and emails word every duration with it.
 */
export function durationInWords (lang: Lang, ms: number): string {
  const unit = durationUnits.find((u) => ms >= u.ms && ms % u.ms === 0) ?? durationUnits[durationUnits.length - 1]!
  const [one, other] = unit[lang]
  return countOf(lang, Math.round(ms / unit.ms), one, other)
}

const fr = {
  skipToContent: 'Aller au contenu',
  home: 'Accueil',
  mainNavigation: 'Navigation principale',
  footerNavigation: 'Liens utiles',
  help: 'Aide',
  terms: 'Conditions générales d’utilisation (CGU)',
  contact: 'Contact du support',
  switchLanguage: 'English',
  switchLanguageHint: 'Switch to English',
  accountMenu: 'Menu du compte',
  myAccount: 'Mon compte',
  logout: 'Déconnexion',
  administration: 'Gestion des comptes',
  tagline: 'Banque nationale de données maladies rares — gestion des comptes',
  errorTitle: 'Une erreur est survenue',
  errorBody: 'La demande n’a pas pu aboutir. Rechargez la page (F5) ; si le problème persiste, écrivez au support.',
  notFoundTitle: 'Page introuvable',
  notFoundBody: 'Cette page n’existe pas ou plus. Vérifiez l’adresse dans la barre de votre navigateur.',
  badRequestTitle: 'Demande invalide',
  badRequestBody: 'La demande envoyée n’est pas valide. Revenez à la page précédente et réessayez.',
  tooLargeBody: 'Les données envoyées sont trop volumineuses.',
  forbiddenTitle: 'Action non autorisée',
  forbiddenBody: 'Vous n’avez pas le droit d’effectuer cette action.',
  csrfBody: 'Le formulaire a expiré ou ne provient pas de cette application. Rechargez la page et recommencez.',
  unavailableTitle: 'Service momentanément indisponible',
  unavailableBody: 'Le service est très sollicité ou en maintenance. Réessayez dans quelques instants.',
  tooManyTitle: 'Trop de tentatives',
  tooManyBody: (minutes: number) => `Trop de demandes en peu de temps. Réessayez dans ${countOf('fr', minutes, 'minute', 'minutes')}.`,
  formHasErrors: (count: number) => `Le formulaire contient ${countOf('fr', count, 'erreur', 'erreurs')}. Corrigez ${plural('fr', count, 'le champ signalé', 'les champs signalés')}.`,
  required: 'Ce champ est obligatoire.',
  tooLong: (max: number) => `Ce champ est trop long (${max} caractères au plus).`,
  invalid: 'La valeur de ce champ n’est pas valide.',
  /** A name refused by kernel/accounts/person-names.ts, in every form that writes one. */
  nameInvalid: 'Ce champ ne peut contenir que des lettres, des espaces, des tirets, des apostrophes et des points.',
  requiredFieldsNote: 'Tous les champs sont obligatoires sauf mention contraire.',
  backHome: 'Retour à l’accueil',
  titleWithErrors: (title: string) => `Erreur — ${title}`,
  sessionExpiringTitle: 'Votre session va expirer',
  sessionExpiringBody: (minutes: number) => `Sans activité de votre part, votre session se terminera dans ${countOf('fr', minutes, 'minute', 'minutes')} ; ce que vous avez saisi et pas encore enregistré serait alors à valider de nouveau après la connexion.`,
  stayLoggedIn: 'Rester connecté',
  sessionExpiredTitle: 'Votre session a expiré',
  sessionExpiredBody: 'Sans activité pendant trop longtemps, votre session s’est terminée. Reconnectez-vous pour revenir à cette page.',
  logInAgain: 'Se reconnecter',
}

const en: typeof fr = {
  skipToContent: 'Skip to content',
  home: 'Home',
  mainNavigation: 'Main navigation',
  footerNavigation: 'Useful links',
  help: 'Help',
  terms: 'Terms of use',
  contact: 'Support contact',
  switchLanguage: 'Français',
  switchLanguageHint: 'Passer en français',
  accountMenu: 'Account menu',
  myAccount: 'My account',
  logout: 'Log out',
  administration: 'Account management',
  tagline: 'French national rare-disease data bank — account management',
  errorTitle: 'Something went wrong',
  errorBody: 'The request could not be completed. Reload the page (F5); if the problem persists, write to support.',
  notFoundTitle: 'Page not found',
  notFoundBody: 'This page does not exist (any more). Check the address in your browser.',
  badRequestTitle: 'Invalid request',
  badRequestBody: 'The request sent is not valid. Go back to the previous page and try again.',
  tooLargeBody: 'The data sent is too large.',
  forbiddenTitle: 'Action not allowed',
  forbiddenBody: 'You are not allowed to do this.',
  csrfBody: 'The form has expired or does not come from this application. Reload the page and try again.',
  unavailableTitle: 'Service temporarily unavailable',
  unavailableBody: 'The service is very busy or under maintenance. Try again in a few moments.',
  tooManyTitle: 'Too many attempts',
  tooManyBody: (minutes: number) => `Too many requests in a short time. Try again in ${countOf('en', minutes, 'minute', 'minutes')}.`,
  formHasErrors: (count: number) => `The form has ${countOf('en', count, 'error', 'errors')}. Please correct the marked ${plural('en', count, 'field', 'fields')}.`,
  required: 'This field is required.',
  tooLong: (max: number) => `This field is too long (${max} characters at most).`,
  invalid: 'The value of this field is not valid.',
  nameInvalid: 'This field may only contain letters, spaces, hyphens, apostrophes and full stops.',
  requiredFieldsNote: 'All fields are required unless stated otherwise.',
  backHome: 'Back to home',
  titleWithErrors: (title: string) => `Error — ${title}`,
  sessionExpiringTitle: 'Your session is about to expire',
  sessionExpiringBody: (minutes: number) => `Without any activity, your session will end in ${countOf('en', minutes, 'minute', 'minutes')}; anything typed and not yet saved would then have to be confirmed again after logging in.`,
  stayLoggedIn: 'Stay logged in',
  sessionExpiredTitle: 'Your session has expired',
  sessionExpiredBody: 'After too long without activity, your session ended. Log in again to come back to this page.',
  logInAgain: 'Log in again',
}

export const layoutMessages = { fr, en }
export type LayoutMessages = typeof fr
