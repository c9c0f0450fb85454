/**
 * The demo's pages: plain HTML, no script, one small style sheet; French first, English when the
 * browser prefers it. Every value is escaped by the `html` tag (`raw` for markup built here).
 */
import type { HospitalClaim, PatientRecord, SiteClaim } from './records.ts'

export type Lang = 'fr' | 'en'

class Raw { constructor (readonly value: string) {} }
export const raw = (value: string) => new Raw(value)
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function html (strings: TemplateStringsArray, ...values: unknown[]): Raw {
  const render = (v: unknown): string =>
    v instanceof Raw ? v.value : Array.isArray(v) ? v.map(render).join('') : v === undefined || v === null || v === false ? '' : escapeHtml(String(v))
  return new Raw(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''))
}

export const messages = {
  fr: {
    appName: 'Fiches patients',
    demoBanner: 'Application de démonstration : toutes les fiches sont fictives.',
    skipLink: 'Aller au contenu',
    signedInAs: (name: string) => `Connecté : ${name}`,
    signOut: 'Se déconnecter',
    signInTitle: 'Fiches patients',
    signInIntro: 'Cette application montre à chaque professionnel les fiches patients des sites de son compte BaMaRa, et celles-là seulement.',
    signIn: 'Se connecter avec BaMaRa',
    sessionEnded: 'Votre session dans cette application a pris fin (déconnexion, ou changement de vos droits dans BaMaRa). Connectez-vous à nouveau.',
    loggedOut: 'Vous êtes déconnecté.',
    homeTitle: 'Vos fiches patients',
    homeIntro: 'Les fiches des sites de votre compte BaMaRa :',
    noSites: 'Votre compte BaMaRa n’a aucun site : aucune fiche à afficher.',
    recordsCaption: (site: string) => `Fiches du site ${site}`,
    reference: 'Référence',
    patient: 'Patient (fictif)',
    birthYear: 'Année de naissance',
    followUp: 'Suivi',
    lastVisit: 'Dernière consultation',
    recordTitle: (reference: string) => `Fiche ${reference}`,
    site: 'Site',
    hospital: 'Établissement',
    backToRecords: 'Retour à vos fiches',
    forbiddenTitle: 'Accès refusé',
    forbidden: 'Cette fiche appartient à un site qui n’est pas dans votre compte BaMaRa.',
    notFoundTitle: 'Page introuvable',
    notFound: 'Cette page n’existe pas.',
    signInFailedTitle: 'Connexion impossible',
    signInFailed: 'La connexion n’a pas abouti (demande expirée, déjà utilisée ou refusée). Réessayez.',
    providerDownTitle: 'Service de connexion indisponible',
    providerDown: 'Le service de comptes BaMaRa ne répond pas. Réessayez dans un instant.',
    badRequestTitle: 'Demande invalide',
    badRequest: 'Cette demande n’est pas valable. Revenez à l’accueil et réessayez.',
    home: 'Accueil',
  },
  en: {
    appName: 'Patient records',
    demoBanner: 'Demonstration application: every record is fictitious.',
    skipLink: 'Skip to content',
    signedInAs: (name: string) => `Signed in: ${name}`,
    signOut: 'Sign out',
    signInTitle: 'Patient records',
    signInIntro: 'This application shows each professional the patient records of the sites of their BaMaRa account, and those only.',
    signIn: 'Sign in with BaMaRa',
    sessionEnded: 'Your session in this application has ended (signed out, or your rights changed in BaMaRa). Please sign in again.',
    loggedOut: 'You are signed out.',
    homeTitle: 'Your patient records',
    homeIntro: 'The records of the sites of your BaMaRa account:',
    noSites: 'Your BaMaRa account has no site: no record to show.',
    recordsCaption: (site: string) => `Records of the site ${site}`,
    reference: 'Reference',
    patient: 'Patient (fictitious)',
    birthYear: 'Year of birth',
    followUp: 'Follow-up',
    lastVisit: 'Last visit',
    recordTitle: (reference: string) => `Record ${reference}`,
    site: 'Site',
    hospital: 'Hospital',
    backToRecords: 'Back to your records',
    forbiddenTitle: 'Access denied',
    forbidden: 'This record belongs to a site that is not in your BaMaRa account.',
    notFoundTitle: 'Page not found',
    notFound: 'This page does not exist.',
    signInFailedTitle: 'Sign-in failed',
    signInFailed: 'The sign-in did not complete (request expired, already used or refused). Please try again.',
    providerDownTitle: 'Sign-in service unavailable',
    providerDown: 'The BaMaRa account service does not answer. Please try again shortly.',
    badRequestTitle: 'Invalid request',
    badRequest: 'This request is not valid. Go back to the home page and try again.',
    home: 'Home',
  },
} satisfies Record<Lang, unknown>

export type Messages = typeof messages.fr

export interface SignedIn { name: string; csrf: string }

export function siteLabel (site: SiteClaim): string {
  return site.code ? `${site.code} — ${site.title}` : site.title
}

export function page (lang: Lang, title: string, body: Raw, signedIn?: SignedIn): string {
  const t = messages[lang]
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — ${t.appName}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<a class="skip-link" href="#contenu">${t.skipLink}</a>
<header>
  <p class="app-name"><a href="/">${t.appName}</a></p>
  ${signedIn ? html`<form method="post" action="/deconnexion" class="sign-out">
    <span>${t.signedInAs(signedIn.name)}</span>
    <input type="hidden" name="csrf" value="${signedIn.csrf}">
    <button type="submit">${t.signOut}</button>
  </form>` : ''}
</header>
<p class="demo-banner" role="note">${t.demoBanner}</p>
<main id="contenu" tabindex="-1">
${body}
</main>
</body>
</html>`.value
}

export function signInView (t: Messages, notice?: 'sessionEnded' | 'loggedOut'): Raw {
  return html`<h1>${t.signInTitle}</h1>
${notice ? html`<p class="notice" role="status">${t[notice]}</p>` : ''}
<p>${t.signInIntro}</p>
<p><a class="button" href="/connexion">${t.signIn}</a></p>`
}

export function homeView (t: Messages, sites: SiteClaim[], hospitals: HospitalClaim[], recordsOf: (site: SiteClaim) => PatientRecord[]): Raw {
  if (sites.length === 0) return html`<h1>${t.homeTitle}</h1><p>${t.noSites}</p>`
  const hospitalName = (site: SiteClaim) => hospitals.find((h) => h.id === site.hospital_id)?.name ?? `FINESS ${site.hospital_finess}`
  return html`<h1>${t.homeTitle}</h1>
<p>${t.homeIntro}</p>
${sites.map((site) => html`<section aria-labelledby="site-${site.id}">
<h2 id="site-${site.id}">${siteLabel(site)} <span class="hospital">(${hospitalName(site)})</span></h2>
<table>
<caption class="visually-hidden">${t.recordsCaption(siteLabel(site))}</caption>
<thead><tr><th scope="col">${t.reference}</th><th scope="col">${t.patient}</th><th scope="col">${t.birthYear}</th><th scope="col">${t.lastVisit}</th></tr></thead>
<tbody>
${recordsOf(site).map((r) => html`<tr><td><a href="/sites/${encodeURIComponent(site.id)}/fiches/${r.number}">${r.reference}</a></td><td>${r.civility} ${r.firstName} ${r.lastName}</td><td>${r.birthYear}</td><td><time datetime="${r.lastVisit}">${formatDate(r.lastVisit)}</time></td></tr>`)}
</tbody>
</table>
</section>`)}`
}

export function recordView (t: Messages, site: SiteClaim, hospital: HospitalClaim | undefined, record: PatientRecord): Raw {
  return html`<h1>${t.recordTitle(record.reference)}</h1>
<dl>
<dt>${t.patient}</dt><dd>${record.civility} ${record.firstName} ${record.lastName}</dd>
<dt>${t.birthYear}</dt><dd>${record.birthYear}</dd>
<dt>${t.site}</dt><dd>${siteLabel(site)}</dd>
<dt>${t.hospital}</dt><dd>${hospital?.name ?? ''} (FINESS ${site.hospital_finess})</dd>
<dt>${t.followUp}</dt><dd>${record.followUp}</dd>
<dt>${t.lastVisit}</dt><dd><time datetime="${record.lastVisit}">${formatDate(record.lastVisit)}</time></dd>
</dl>
<p><a href="/">${t.backToRecords}</a></p>`
}

export function messageView (title: string, text: string, t: Messages): Raw {
  return html`<h1>${title}</h1><p>${text}</p><p><a href="/">${t.home}</a></p>`
}

/** 2025-03-07 → 07/03/2025 (the records' dates are days, no time zone involved). */
function formatDate (iso: string): string {
  const [year, month, day] = iso.split('-')
  return `${day}/${month}/${year}`
}

export const styleSheet = `
body { font-family: system-ui, sans-serif; margin: 0; color: #1e1e1e; background: #fff; line-height: 1.5; }
header { display: flex; justify-content: space-between; align-items: center; flex-wrap: wrap; gap: 1rem; padding: .75rem 1.5rem; background: #000091; color: #fff; }
header a { color: #fff; }
.app-name { margin: 0; font-weight: bold; font-size: 1.25rem; }
.sign-out { display: flex; gap: 1rem; align-items: center; }
button, .button { font: inherit; padding: .5rem 1rem; border: 2px solid #000091; background: #fff; color: #000091; cursor: pointer; text-decoration: none; display: inline-block; }
main .button { background: #000091; color: #fff; }
:focus-visible { outline: 3px solid #ff9940; outline-offset: 2px; }
.demo-banner { margin: 0; padding: .5rem 1.5rem; background: #fff4d6; border-bottom: 1px solid #b34000; }
main { padding: 1rem 1.5rem 3rem; max-width: 60rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #929292; }
.hospital { font-weight: normal; font-size: 1rem; color: #3a3a3a; }
.notice { padding: .75rem 1rem; border-left: 4px solid #000091; background: #f0f0ff; }
dt { font-weight: bold; }
dd { margin: 0 0 .75rem; }
.skip-link { position: absolute; left: -9999px; }
.skip-link:focus { left: 1rem; top: 1rem; background: #fff; color: #000091; padding: .5rem; z-index: 1; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`
