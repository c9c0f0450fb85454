/**
 * The one email layout: French, HTML and plain text from the same parts, escaped by default.
 * Features describe an email (greeting, paragraphs, an optional button link); this renders it.
 */
import { html, renderToString, type Html } from '../web/html.ts'
import type { Email } from './outbox.ts'

export interface EmailParts {
  template: string
  to: string
  /** Without the application name: `composeEmail` prefixes « APP_NAME - ». */
  subject: string
  greeting: string
  paragraphs: string[]
  action?: { label: string; url: string }
  /** Shown after the action, e.g. how long the link is valid. */
  footnotes?: string[]
}

export interface MailContext { appName: string; supportEmail: string; appBaseUrl: string }

export function composeEmail (context: MailContext, parts: EmailParts): Email {
  const subject = `${context.appName} - ${parts.subject}`
  const signature = `L'équipe ${context.appName} — ${context.supportEmail}`
  const text = [
    parts.greeting,
    '',
    ...parts.paragraphs.flatMap((p) => [p, '']),
    ...(parts.action ? [`${parts.action.label} : ${parts.action.url}`, ''] : []),
    ...(parts.footnotes ?? []).flatMap((p) => [p, '']),
    '--',
    signature,
    'Ce message est envoyé automatiquement, merci de ne pas y répondre.',
  ].join('\n')
  const body: Html = html`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1e1e1e;max-width:38rem;margin:0 auto;padding:1rem">
<p style="font-size:1.25rem;font-weight:bold;color:#000091">${context.appName}</p>
<p>${parts.greeting}</p>
${parts.paragraphs.map((p) => html`<p>${p}</p>`)}
${parts.action ? html`<p><a href="${parts.action.url}" style="display:inline-block;background:#000091;color:#fff;padding:.6rem 1rem;text-decoration:none">${parts.action.label}</a></p>
<p style="font-size:.875rem">Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :<br>${parts.action.url}</p>` : ''}
${(parts.footnotes ?? []).map((p) => html`<p style="font-size:.875rem">${p}</p>`)}
<hr><p style="font-size:.75rem;color:#666">${signature}<br>Ce message est envoyé automatiquement, merci de ne pas y répondre.</p>
</body></html>`
  return { to: parts.to, subject, text, html: renderToString(body), template: parts.template }
}
