/**
 * Instants (UTC epoch milliseconds in the database) shown to people in French time, in the
 * page's language. One formatter per style and language, built once (building one is costly).
 */
import { locales, type Lang } from './messages.ts'

export type Style = 'day' | 'dayTime' | 'long'

const options: Record<Style, Intl.DateTimeFormatOptions> = {
  day: { dateStyle: 'short' },
  dayTime: { dateStyle: 'short', timeStyle: 'medium' },
  long: { dateStyle: 'long', timeStyle: 'short' },
}

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

const offsetFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' })
const isoPartsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
})

/** French time's offset from UTC at this instant, « +01:00 » in winter, « +02:00 » in summer. */
function parisOffset (at: number): string {
  const name = offsetFormat.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
  return name === 'GMT' ? '+00:00' : name.slice(3)
}

/** ISO 8601 in French time with its offset, for files read by programs: « 2026-11-27T10:41:05+01:00 ». */
export function formatInstantIso (at: number): string {
  const part = Object.fromEntries(isoPartsFormat.formatToParts(Number(at)).map((p) => [p.type, p.value]))
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}${parisOffset(Number(at))}`
}

/** The calendar day after « 2026-11-27 »: « 2026-11-28 » (the end of a period given by days). */
export function nextDay (day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)
}

/** The instant a day (« 2026-11-27 ») begins in French time, or undefined for a day that does not exist. */
export function startOfParisDay (day: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return undefined
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const utcMidnight = Date.UTC(y, m - 1, d)
  const check = new Date(utcMidnight)
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined
  // Midnight in Paris is a little before midnight UTC; the offset there is the one of that evening.
  const guess = utcMidnight - offsetMinutes(parisOffset(utcMidnight)) * 60_000
  return utcMidnight - offsetMinutes(parisOffset(guess)) * 60_000
}

function offsetMinutes (offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1
  const [h = 0, min = 0] = offset.slice(1).split(':').map(Number)
  return sign * (h * 60 + min)
}

/** A day written « 2026-11-27 » (forms, links) as a French reader writes it: « 27/11/2026 ». */
export function formatDay (lang: Lang, day: string): string {
  const start = startOfParisDay(day)
  return start === undefined ? day : formatInstant(lang, start + 12 * 3_600_000)
}
