/**
 * The page layout (RGAA: language, skip link, landmarks, one h1, visible focus, a title that
 * names the page). Pages render their `main` content; this wraps it. Works without JavaScript:
 * the account menu is a <details>, logout and the language switch are small forms.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { roleOf } from '../accounts/guards.ts'
import { html, type Html } from './html.ts'
import { layoutMessages } from './messages.ts'
import { pageTitle } from './page-parts.ts'

export interface PageOptions {
  title: string
  body: Html
  /** The page shows a form's errors: its title says so first (RGAA 11.10, « Erreur — … »). */
  hasErrors?: boolean
  /** Extra scripts from /static, loaded with the CSP nonce. */
  scripts?: string[]
}

export interface LayoutSettings {
  appName: string
  supportEmail: string
  /** rules.sessionExpiryWarning: how long before the idle timeout the warning dialog opens. */
  sessionExpiryWarning: number
}

export function csrfField (request: FastifyRequest): Html {
  return html`<input type="hidden" name="_csrf" value="${request.csrfToken}">`
}

/**
 * The page an emailed link opens: what will happen, and one button. The GET changes nothing
 * (mail scanners prefetch links); only the button's POST, with the token, acts.
 */
export function emailLinkPage (request: FastifyRequest, page: { title: string; intro: string; action: string; button: string; token: string }): Html {
  return html`<div class="box">
<h1>${page.title}</h1>
<p>${page.intro}</p>
<form method="post" action="${page.action}">
  ${csrfField(request)}
  <input type="hidden" name="jeton" value="${page.token}">
  <button type="submit" class="primary">${page.button}</button>
</form>
</div>`
}

export function renderLayout (request: FastifyRequest, reply: FastifyReply, settings: LayoutSettings, page: PageOptions): Html {
  const t = layoutMessages[request.lang]
  const nonce = (reply as unknown as { cspNonce?: { script: string } }).cspNonce?.script ?? ''
  const account = request.account
  const otherLang = request.lang === 'fr' ? 'en' : 'fr'
  const expiryWarned = account !== undefined && request.sessionTimeLeft !== undefined
  return html`<!doctype html>
<html lang="${request.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${pageTitle(request.lang, page.title, page.hasErrors ?? false)} — ${settings.appName}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
<script nonce="${nonce}" src="/static/app.js" defer></script>
${(page.scripts ?? []).map((src) => html`<script nonce="${nonce}" src="/static/${src}" defer></script>`)}
${expiryWarned ? html`<script nonce="${nonce}" src="/static/session-expiry.js" defer></script>` : ''}
</head>
<body${expiryWarned ? html` data-session-time-left="${Math.max(0, Math.floor(request.sessionTimeLeft ?? 0))}" data-session-warning="${settings.sessionExpiryWarning}"` : ''}>
<a class="skip-link" href="#contenu">${t.skipToContent}</a>
<header class="site-header" role="banner">
  <div class="container header-row">
    <p class="brand"><a href="/" title="${t.home} — ${settings.appName}">${settings.appName}</a>
      <span class="tagline">${t.tagline}</span></p>
    <div class="header-tools">
      <form method="post" action="/langue" class="lang-switch">
        ${csrfField(request)}
        <input type="hidden" name="langue" value="${otherLang}">
        <input type="hidden" name="retour" value="${request.url}">
        <button type="submit" class="link-button" lang="${otherLang}" title="${t.switchLanguageHint}">${t.switchLanguage}</button>
      </form>
      ${account ? html`<details class="account-menu">
        <summary aria-label="${t.accountMenu} : ${account.firstName} ${account.lastName}">${account.firstName} ${account.lastName}</summary>
        <ul>
          <li><a href="/mon-compte">${t.myAccount}</a></li>
          ${roleOf(account) !== 'user' ? html`<li><a href="/gestion">${t.administration}</a></li>` : ''}
          <li><form method="post" action="/deconnexion">${csrfField(request)}<button type="submit" class="link-button">${t.logout}</button></form></li>
        </ul>
      </details>` : ''}
    </div>
  </div>
</header>
<main id="contenu" class="container" tabindex="-1">
${page.body}
</main>
${expiryWarned ? sessionExpiryDialog(request, settings) : ''}
<footer class="site-footer" role="contentinfo">
  <div class="container">
    <nav aria-label="${t.footerNavigation}">
      <ul class="footer-links">
        <li><a href="/cgu">${t.terms}</a></li>
        <li><a href="/aide">${t.help}</a></li>
        <li><a href="/contact">${t.contact}</a> : <a href="mailto:${settings.supportEmail}">${settings.supportEmail}</a></li>
      </ul>
    </nav>
    <p class="footer-name">${settings.appName}</p>
  </div>
</footer>
</body>
</html>`
}

/**
 * User guide §3.4 « Session expirée », without surprise: with JavaScript (public/session-expiry.js)
 * this dialog opens rules.sessionExpiryWarning before the idle timeout; « Rester connecté »
 * posts to /session/prolonger, which renews the session. Closed, it is never shown without
 * JavaScript. When the time is up, it says so and offers to log in again.
 */
function sessionExpiryDialog (request: FastifyRequest, settings: LayoutSettings): Html {
  const t = layoutMessages[request.lang]
  const minutes = Math.max(1, Math.round(settings.sessionExpiryWarning / 60_000))
  const login = `/connexion?${new URLSearchParams({ retour: request.url, expiree: '1' }).toString()}`
  return html`<dialog id="session-expiration" class="session-dialog" role="alertdialog" aria-modal="true" aria-labelledby="session-expiration-titre" aria-describedby="session-expiration-texte">
  <div data-state="warning">
    <h2 id="session-expiration-titre">${t.sessionExpiringTitle}</h2>
    <p id="session-expiration-texte">${t.sessionExpiringBody(minutes)}</p>
    <form method="post" action="/session/prolonger">${csrfField(request)}
      <input type="hidden" name="retour" value="${request.url}">
      <button type="submit" class="primary">${t.stayLoggedIn}</button>
    </form>
  </div>
  <div data-state="expired" hidden>
    <h2 id="session-expiration-expiree">${t.sessionExpiredTitle}</h2>
    <p>${t.sessionExpiredBody}</p>
    <p><a class="button" href="${login}">${t.logInAgain}</a></p>
  </div>
</dialog>`
}
