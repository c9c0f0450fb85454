/**
 * The small pieces every page repeats, written once: the notice after a change (post/redirect/
 * get), an instant in a machine-readable <time>, and the page title that says « Erreur » first
 * when the page shows a form's errors (RGAA 8.6 / 11.10).
 */
import { formatInstant, type Style } from './dates.ts'
import { html, type Html } from './html.ts'
import { layoutMessages, type Lang } from './messages.ts'

/** « Le compte … a été activé. »: a polite status message, or nothing. */
export function notice (text: string | Html | undefined): Html {
  return text === undefined || text === '' ? html`` : html`<div class="alert alert-success" role="status"><p>${text}</p></div>`
}

/** An instant in French time and the page's language, with its ISO form for machines. */
export function time (lang: Lang, at: number, style: Style = 'dayTime'): Html {
  return html`<time datetime="${new Date(at).toISOString()}">${formatInstant(lang, at, style)}</time>`
}

/** The page's title: « Erreur — … » first when the page shows errors. */
export function pageTitle (lang: Lang, title: string, hasErrors: boolean | Record<string, unknown> = false): string {
  const errors = typeof hasErrors === 'boolean' ? hasErrors : Object.keys(hasErrors).length > 0
  return errors ? layoutMessages[lang].titleWithErrors(title) : title
}
