import { html, type Html } from '../../../kernel/web/html.ts'
import type { Lang } from '../../../kernel/web/messages.ts'

/** A UTC instant shown in French time, inside a machine-readable <time>. */
export function formatInstant (lang: Lang, at: number): Html {
  const text = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Paris' }).format(at)
  return html`<time datetime="${new Date(at).toISOString()}">${text}</time>`
}
