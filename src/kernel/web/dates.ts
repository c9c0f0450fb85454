/**
 * Instants (UTC epoch milliseconds in the database) shown to people in French time, in the
 * page's language. One formatter per style and language, built once (building one is costly).
 */
import type { Lang } from './messages.ts'

type Style = 'day' | 'dayTime' | 'long'

const options: Record<Style, Intl.DateTimeFormatOptions> = {
  day: { dateStyle: 'short' },
  dayTime: { dateStyle: 'short', timeStyle: 'medium' },
  long: { dateStyle: 'long', timeStyle: 'short' },
}

const locales: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' }

const formats = new Map<string, Intl.DateTimeFormat>()

/** « 27/11/2026 » (day), « 27/11/2026 09:41:05 » (dayTime), « 27 novembre 2026 à 09:41 » (long). */
export function formatInstant (lang: Lang, at: number, style: Style = 'day'): string {
  const key = `${lang}:${style}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locales[lang], { ...options[style], timeZone: 'Europe/Paris' })
    formats.set(key, format)
  }
  return format.format(Number(at))
}
