/**
 * The one email layout: French, HTML and plain text from the same parts, escaped by default.
 * Features describe an email (greeting, paragraphs, an optional button link); this renders it.
 *
 * Every value a user supplied (a name, an address) is data here: each part is rendered on one
 * line, its line breaks and other control characters turned into a space, so no value adds a
 * line to the plain-text body or a header to the message; and the recipient must be one bare
 * address, or composing throws (addresses are checked where they are written).
 */
import { html, renderToString, type Html } from '../web/html.ts'
import type { Civility } from '../db/schema.ts'
import type { Email } from './outbox.ts'

/**
 * Whom an email greets: a person, by civility and last name (« Bonjour Madame Martin, »), or
 * `'anyone'` (« Bonjour, ») when whoever reads the mailbox is not known to be that person.
 */
export type Greeting = { civility: Civility; lastName: string } | 'anyone'

const civilityWords: Record<Civility, string> = { mme: 'Madame', m: 'Monsieur' }

/** The greeting line of an email, in French as every email of the service. */
export function greetingLine (greeting: Greeting): string {
  return greeting === 'anyone' ? 'Bonjour,' : `Bonjour ${civilityWords[greeting.civility]} ${greeting.lastName},`
}

export interface EmailParts {
  template: string
  to: string
  /** Without the application name: `composeEmail` prefixes « APP_NAME - ». */
  subject: string
  greeting: Greeting
  paragraphs: string[]
  action?: { label: string; url: string }
  /** Shown after the action, e.g. how long the link is valid. */
  footnotes?: string[]
}

export interface MailContext { appName: string; supportEmail: string; appBaseUrl: string }

export function composeEmail (context: MailContext, unchecked: EmailParts): Email {
  const parts = asOneLineParts(unchecked)
  const greeting = asOneLine(greetingLine(parts.greeting))
  const subject = asOneLine(`${context.appName} - ${parts.subject}`)
  const signature = `L'équipe ${context.appName} — ${context.supportEmail}`
  const text = [
    greeting,
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
<p>${greeting}</p>
${parts.paragraphs.map((p) => html`<p>${p}</p>`)}
${parts.action ? html`<p><a href="${parts.action.url}" style="display:inline-block;background:#000091;color:#fff;padding:.6rem 1rem;text-decoration:none">${parts.action.label}</a></p>
<p style="font-size:.875rem">Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :<br>${parts.action.url}</p>` : ''}
${(parts.footnotes ?? []).map((p) => html`<p style="font-size:.875rem">${p}</p>`)}
<hr><p style="font-size:.75rem;color:#666">${signature}<br>Ce message est envoyé automatiquement, merci de ne pas y répondre.</p>
</body></html>`
  return { to: parts.to, subject, text, html: renderToString(body), template: parts.template }
}

/** Line breaks (CR, LF, NEL, U+2028/2029) and other control characters, in runs. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g

/** The text on one line: each run of line breaks or control characters becomes one space. */
export function asOneLine (text: string): string {
  return text.replace(controlCharacters, ' ')
}

/** One address, nothing a header could read as a second recipient, a display name or a new line. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const singleAddress = /^[^\s\u0000-\u001f\u007f-\u009f\u2028\u2029,;:<>()"\\[\]@]+@[^\s\u0000-\u001f\u007f-\u009f\u2028\u2029,;:<>()"\\[\]@]+$/u

function asOneLineParts (parts: EmailParts): EmailParts {
  if (!singleAddress.test(parts.to)) throw new Error(`email « ${parts.template} » refused: its recipient is not one bare address`)
  return {
    ...parts,
    subject: asOneLine(parts.subject),
    paragraphs: parts.paragraphs.map(asOneLine),
    action: parts.action ? { label: asOneLine(parts.action.label), url: asOneLine(parts.action.url) } : undefined,
    footnotes: parts.footnotes?.map(asOneLine),
  }
}
