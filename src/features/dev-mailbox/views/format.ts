import { formatInstant as formatInstantText } from '../../../kernel/web/dates.ts'
import { html, type Html } from '../../../kernel/web/html.ts'
import type { Lang } from '../../../kernel/web/messages.ts'

/** A UTC instant shown in French time, inside a machine-readable <time>. */
export function formatInstant (lang: Lang, at: number): Html {
  const text = formatInstantText(lang, at, 'dayTime')
  return html`<time datetime="${new Date(at).toISOString()}">${text}</time>`
}
