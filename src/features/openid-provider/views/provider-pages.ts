/**
 * The few pages oidc-provider renders itself (the answer is written by the library, outside
 * Fastify's layout): « Se déconnecter ? » of RP-initiated logout, its confirmation, and the
 * error page shown when a request cannot go back to the relying party (unknown client,
 * redirect URI not registered). French first, English when the browser asked for it; no script.
 */
import type { KoaContextWithOIDC } from 'oidc-provider'
import { html, renderToString, trustedHtml, type Html } from '../../../kernel/web/html.ts'
import { messages } from '../messages.ts'
import { allowFormActionToPostLogoutUri } from './form-action.ts'

interface PageContext extends KoaContextWithOIDC { body: unknown; type: string }

function page (lang: 'fr' | 'en', title: string, body: Html): string {
  return renderToString(html`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main id="contenu" class="container"><h1>${title}</h1>${body}</main></body>
</html>`)
}

const langOf = (ctx: KoaContextWithOIDC) => ctx.req.bamaraLang ?? 'fr'

/** `form` is the library's hidden form (its own markup, with the session's xsrf token). */
export async function logoutPage (ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const lang = langOf(ctx)
  const t = messages[lang]
  allowFormActionToPostLogoutUri(ctx)
  ;(ctx as PageContext).body = page(lang, t.logoutTitle, html`${trustedHtml(form)}
<p>${t.logoutQuestion}</p>
<p><button type="submit" class="btn btn-primary" form="op.logoutForm" value="yes" name="logout">${t.logoutYes}</button>
<button type="submit" class="btn btn-secondary" form="op.logoutForm">${t.logoutNo}</button></p>`)
}

export async function loggedOutPage (ctx: KoaContextWithOIDC): Promise<void> {
  const lang = langOf(ctx)
  const t = messages[lang]
  ;(ctx as PageContext).body = page(lang, t.loggedOutTitle, html`<p>${t.loggedOutBody}</p><p><a href="/">${t.backHome}</a></p>`)
}

/** The error's code only (never the request's parameters): enough for the relying party's team. */
export async function errorPage (ctx: KoaContextWithOIDC, out: { error?: string }): Promise<void> {
  const lang = langOf(ctx)
  const t = messages[lang]
  const c = ctx as PageContext
  c.type = 'html'
  c.body = page(lang, t.errorTitle, html`<p>${t.errorBody}</p><p>${t.errorCode} <code>${out.error ?? 'server_error'}</code></p><p><a href="/">${t.backHome}</a></p>`)
}
